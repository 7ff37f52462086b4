// Worker lifecycles: warm reuse, timeouts, crashes, concurrency and its queue, new revisions,
// Drop.
#include <signal.h>

#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <vector>

#include "runtime_fixture.h"

namespace sf::engine::function::testing {
namespace {

using Status = InvokeResult::Status;
using nlohmann::json;

// Returns {"pid", "count"} (a module-level counter); sleeps event["sleep"] seconds; exits with
// event["exit"] if given.
constexpr char kWorkerInfo[] = R"(import os, time
count = 0

def lambda_handler(event, context):
    global count
    count += 1
    if "exit" in event:
        os._exit(event["exit"])
    time.sleep(event.get("sleep", 0))
    return {"pid": os.getpid(), "count": count}
)";

int PidOf(const InvokeResult& result) { return json::parse(result.payload)["pid"].get<int>(); }

bool ProcessGone(int pid) {
  for (int i = 0; i < 200; ++i) {
    if (kill(pid, 0) != 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST_F(RuntimeTest, AWarmWorkerIsReused) {
  FunctionSpec spec = Python("warm", kWorkerInfo);
  std::vector<InvokeResult> results;
  for (int i = 0; i < 3; ++i) results.push_back(Invoke(spec));
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(results[i].status, Status::kOk) << results[i].payload;
    EXPECT_EQ(json::parse(results[i].payload)["count"], i + 1);
    EXPECT_EQ(PidOf(results[i]), PidOf(results[0]));
  }
}

TEST_F(RuntimeTest, AHandlerPastItsTimeoutIsKilledAndTheNextRunsOnAFreshWorker) {
  FunctionSpec spec = Python("slow", kWorkerInfo);
  spec.timeout_seconds = 1;
  InvokeResult warm = Invoke(spec);
  ASSERT_EQ(warm.status, Status::kOk) << warm.payload;
  InvokeResult slow = Invoke(spec, R"({"sleep": 30})");
  ASSERT_EQ(slow.status, Status::kTimeout) << slow.payload;
  EXPECT_EQ(json::parse(slow.payload)["errorMessage"],
            "RequestId: " + slow.request_id + " Error: Task timed out after 1.00 seconds");
  EXPECT_GE(slow.duration_ms, 1000);
  EXPECT_LT(slow.duration_ms, 3000);
  EXPECT_TRUE(ProcessGone(PidOf(warm)));
  InvokeResult after = Invoke(spec);
  ASSERT_EQ(after.status, Status::kOk) << after.payload;
  EXPECT_NE(PidOf(after), PidOf(warm));
  EXPECT_EQ(json::parse(after.payload)["count"], 1);
  EXPECT_NE(ReadLog("slow").find("REPORT RequestId: " + slow.request_id), std::string::npos);
}

TEST_F(RuntimeTest, AHandlerThatExitsCrashesAndIsReplaced) {
  FunctionSpec spec = Python("exits", kWorkerInfo);
  InvokeResult crashed = Invoke(spec, R"({"exit": 3})");
  ASSERT_EQ(crashed.status, Status::kCrashed) << crashed.payload;
  json error = json::parse(crashed.payload);
  EXPECT_EQ(error["errorType"], "Runtime.ExitError");
  EXPECT_EQ(error["errorMessage"], "RequestId: " + crashed.request_id +
                                       " Error: Runtime exited with error: exit status 3");
  InvokeResult after = Invoke(spec);
  ASSERT_EQ(after.status, Status::kOk) << after.payload;
}

TEST_F(RuntimeTest, ParallelInvocationsUseUpToConcurrencyWorkersAndTheRestWait) {
  FunctionSpec spec = Python("parallel", kWorkerInfo);
  spec.concurrency = 2;
  std::vector<std::future<InvokeResult>> futures;
  for (int i = 0; i < 6; ++i) futures.push_back(InvokeAsync(spec, R"({"sleep": 0.2})"));
  std::set<int> pids;
  for (auto& future : futures) {
    InvokeResult result = Await(std::move(future));
    ASSERT_EQ(result.status, Status::kOk) << result.payload;
    pids.insert(PidOf(result));
  }
  EXPECT_EQ(pids.size(), 2u);
}

TEST_F(RuntimeTest, AnInvocationThatCannotGetAWorkerInTimeIsThrottled) {
  WorkerRuntimeOptions options;
  options.max_queue_wait = std::chrono::milliseconds(100);
  Start(options);
  FunctionSpec spec = Python("busy", kWorkerInfo);
  spec.concurrency = 1;
  auto running = InvokeAsync(spec, R"({"sleep": 1.5})");
  InvokeResult throttled = Invoke(spec);
  EXPECT_EQ(throttled.status, Status::kThrottled);
  EXPECT_EQ(json::parse(throttled.payload)["errorType"], "TooManyRequestsException");
  EXPECT_EQ(Await(std::move(running)).status, Status::kOk);
}

TEST_F(RuntimeTest, ANewRevisionRetiresTheOldWorkers) {
  FunctionSpec spec = Python("revised", kWorkerInfo);
  InvokeResult old = Invoke(spec);
  ASSERT_EQ(old.status, Status::kOk) << old.payload;
  spec.code_dir =
      WriteCode("revised", "app.py",
                "import os\ndef lambda_handler(e, c):\n  return {'pid': os.getpid(), 'v': 2}\n");
  spec.revision = "r2";
  InvokeResult fresh = Invoke(spec);
  ASSERT_EQ(fresh.status, Status::kOk) << fresh.payload;
  EXPECT_EQ(json::parse(fresh.payload)["v"], 2);
  EXPECT_NE(PidOf(fresh), PidOf(old));
  EXPECT_TRUE(ProcessGone(PidOf(old)));
}

TEST_F(RuntimeTest, DropStopsTheWorkersAndFailsWhatRuns) {
  FunctionSpec spec = Python("dropped", kWorkerInfo);
  InvokeResult warm = Invoke(spec);
  ASSERT_EQ(warm.status, Status::kOk) << warm.payload;
  auto running = InvokeAsync(spec, R"({"sleep": 30})");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let it reach the handler
  runtime_->Drop("dropped");
  InvokeResult result = Await(std::move(running));
  EXPECT_EQ(result.status, Status::kCrashed) << result.payload;
  EXPECT_TRUE(ProcessGone(PidOf(warm)));
}

}  // namespace
}  // namespace sf::engine::function::testing
