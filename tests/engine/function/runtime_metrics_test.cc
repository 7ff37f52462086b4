// Runtime::Metrics: Lambda's per-function Invocations, Errors, Throttles, Duration and
// ConcurrentExecutions, counted for every invocation.
#include <nlohmann/json.hpp>
#include <thread>

#include "runtime_fixture.h"

namespace sf::engine::function::testing {
namespace {

using Status = InvokeResult::Status;

FunctionMetricsSnapshot MetricsOf(const Runtime& runtime, const std::string& function) {
  for (const auto& snapshot : runtime.Metrics()) {
    if (snapshot.function == function) return snapshot;
  }
  return {};
}

constexpr char kHandler[] = R"(import os, time
def lambda_handler(event, context):
    if event.get("raise"):
        raise ValueError("asked to")
    if event.get("exit"):
        os._exit(1)
    time.sleep(event.get("sleep", 0))
    return "ok"
)";

TEST_F(RuntimeTest, CountsInvocationsErrorsThrottlesAndDurations) {
  FunctionSpec spec = Python("counted", kHandler);
  spec.timeout_seconds = 1;
  EXPECT_EQ(Invoke(spec).status, Status::kOk);
  EXPECT_EQ(Invoke(spec, R"({"sleep": 0.3})").status, Status::kOk);
  EXPECT_EQ(Invoke(spec, R"({"raise": true})").status, Status::kFunctionError);
  EXPECT_EQ(Invoke(spec, R"({"exit": true})").status, Status::kCrashed);
  EXPECT_EQ(Invoke(spec, R"({"sleep": 5})").status, Status::kTimeout);
  FunctionSpec zero = spec;
  zero.concurrency = 0;  // reserved concurrency 0
  InvokeResult throttled = Invoke(zero);
  EXPECT_EQ(throttled.status, Status::kThrottled);
  FunctionSpec broken = Python("broken", "x = 1\n", "app.missing");
  EXPECT_EQ(Invoke(broken).status, Status::kInitError);

  FunctionMetricsSnapshot counted = MetricsOf(*runtime_, "counted");
  EXPECT_EQ(counted.invocations, 5u);
  EXPECT_EQ(counted.errors, 3u) << "an error answer, a crash and a timeout";
  EXPECT_EQ(counted.throttles, 1u);
  EXPECT_EQ(counted.duration_buckets.back(), 5u) << "every invocation is under the last bound";
  EXPECT_GE(counted.duration_sum_ms, 1300.0) << "0.3 s asleep and a 1 s timeout";
  EXPECT_LE(counted.duration_buckets[0], counted.duration_buckets[5]) << "cumulative";
  EXPECT_EQ(counted.concurrent_executions, 0);
  FunctionMetricsSnapshot failed = MetricsOf(*runtime_, "broken");
  EXPECT_EQ(failed.invocations, 1u);
  EXPECT_EQ(failed.errors, 1u) << "an init error is an error";

  runtime_->Drop("broken");
  for (const auto& snapshot : runtime_->Metrics()) EXPECT_NE(snapshot.function, "broken");
}

TEST_F(RuntimeTest, ConcurrentExecutionsAreTheInvocationsOnAWorkerNow) {
  FunctionSpec spec = Python("parallel", kHandler);
  spec.concurrency = 3;
  std::vector<std::future<InvokeResult>> running;
  for (int i = 0; i < 3; ++i) running.push_back(InvokeAsync(spec, R"({"sleep": 1.5})"));
  bool seen = false;
  for (int i = 0; i < 200 && !seen; ++i) {
    seen = MetricsOf(*runtime_, "parallel").concurrent_executions == 3;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(seen);
  for (auto& future : running) EXPECT_EQ(Await(std::move(future)).status, Status::kOk);
  EXPECT_EQ(MetricsOf(*runtime_, "parallel").concurrent_executions, 0);
  EXPECT_EQ(MetricsOf(*runtime_, "parallel").invocations, 3u);
}

}  // namespace
}  // namespace sf::engine::function::testing
