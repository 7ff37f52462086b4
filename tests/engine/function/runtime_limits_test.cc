// The runtime's limits: the init phase's own allowance (Lambda's 10 s), and the engine-wide
// worker cap, which makes room by stopping another function's idle worker.
#include <signal.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "runtime_fixture.h"

namespace sf::engine::function::testing {
namespace {

using Status = InvokeResult::Status;
using nlohmann::json;

constexpr char kPid[] = "import os\ndef lambda_handler(event, context):\n  return os.getpid()\n";

bool ProcessGone(int pid) {
  for (int i = 0; i < 300; ++i) {
    if (kill(pid, 0) != 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST_F(RuntimeTest, InitTimeIsNotChargedToTheTimeout) {
  FunctionSpec spec = Python("slow-init", std::string("import time\ntime.sleep(2)\n") + kPid);
  spec.timeout_seconds = 1;
  InvokeResult result = Invoke(spec);
  EXPECT_EQ(result.status, Status::kOk) << result.payload << result.log_tail;
  EXPECT_NE(ReadLog("slow-init").find("Init Duration: "), std::string::npos);
}

TEST_F(RuntimeTest, AnInitPastTheInitLimitPlusTheTimeoutTimesOut) {
  // Lambda gives init 10 s of its own; a module that sleeps 15 s at import with a 1 s timeout
  // has not asked for its first invocation 11 s after it started.
  FunctionSpec spec = Python("stuck-init", std::string("import time\ntime.sleep(15)\n") + kPid);
  spec.timeout_seconds = 1;
  auto started = std::chrono::steady_clock::now();
  InvokeResult result = Invoke(spec);
  auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(result.status, Status::kTimeout) << result.payload;
  EXPECT_EQ(json::parse(result.payload)["errorMessage"],
            "RequestId: " + result.request_id + " Error: Task timed out after 1.00 seconds");
  EXPECT_GE(waited, std::chrono::seconds(11)) << "the init limit and the timeout, both";
  std::string log = ReadLog("stuck-init");
  EXPECT_NE(log.find("REPORT RequestId: " + result.request_id), std::string::npos) << log;
  EXPECT_NE(log.find("Status: timeout"), std::string::npos) << log;
}

TEST_F(RuntimeTest, AtTheWorkerCapAnotherFunctionsIdleWorkerMakesRoom) {
  WorkerRuntimeOptions options;
  options.concurrency_cap = 1;
  Start(options);
  FunctionSpec first = Python("first", kPid);
  FunctionSpec second = Python("second", kPid);
  InvokeResult a = Invoke(first);
  ASSERT_EQ(a.status, Status::kOk) << a.payload;
  InvokeResult b = Invoke(second);
  ASSERT_EQ(b.status, Status::kOk) << b.payload;
  EXPECT_TRUE(ProcessGone(json::parse(a.payload).get<int>())) << "first's idle worker was evicted";
  InvokeResult again = Invoke(first);  // and back: second's worker goes in turn
  ASSERT_EQ(again.status, Status::kOk) << again.payload;
  EXPECT_NE(json::parse(again.payload).get<int>(), json::parse(a.payload).get<int>());
  EXPECT_TRUE(ProcessGone(json::parse(b.payload).get<int>()));
}

TEST_F(RuntimeTest, AtTheWorkerCapABusyWorkerIsNotEvictedAndTheOtherWaitsThenThrottles) {
  WorkerRuntimeOptions options;
  options.concurrency_cap = 1;
  options.max_queue_wait = std::chrono::milliseconds(300);
  Start(options);
  FunctionSpec busy = Python("busy", "import time\ndef lambda_handler(e, c):\n  time.sleep(2)\n");
  FunctionSpec other = Python("other", kPid);
  auto running = InvokeAsync(busy, "{}");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // busy holds the only worker
  InvokeResult throttled = Invoke(other);
  EXPECT_EQ(throttled.status, Status::kThrottled) << throttled.payload;
  EXPECT_EQ(Await(std::move(running)).status, Status::kOk);
  EXPECT_EQ(Invoke(other).status, Status::kOk) << "room once busy is idle";
}

}  // namespace
}  // namespace sf::engine::function::testing
