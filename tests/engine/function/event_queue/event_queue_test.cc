// The asynchronous invocation queue against a scripted Runtime: what runs when, with which
// request id, what is retried, throttled, expired, dropped and what survives a reopen.
#include "engine/function/event_queue/event_queue.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include "../../../support/temp_dir.h"

namespace sf::engine::function {
namespace {

using Status = InvokeResult::Status;

// Holds every invocation until the test answers it.
class ScriptedRuntime : public Runtime {
 public:
  struct Call {
    FunctionSpec spec;
    std::string payload;
    std::string request_id;
    std::function<void(InvokeResult)> done;
  };

  void Invoke(const FunctionSpec& spec, std::string payload,
              std::function<void(InvokeResult)> done) override {
    InvokeWithRequestId(spec, std::move(payload), "", std::move(done));
  }
  void InvokeWithRequestId(const FunctionSpec& spec, std::string payload, std::string request_id,
                           std::function<void(InvokeResult)> done) override {
    std::lock_guard lock(mu_);
    calls_.push_back({spec, std::move(payload), std::move(request_id), std::move(done)});
  }
  void Drop(const std::string&) override {}
  void HandleRuntimeApi(HttpRequest&&, Respond respond) override { respond(HttpResponse{}); }

  size_t Count() const {
    std::lock_guard lock(mu_);
    return calls_.size();
  }
  Call At(size_t i) const {
    std::lock_guard lock(mu_);
    return calls_.at(i);
  }
  // Answers call `i` (once).
  void Answer(size_t i, Status status, std::string payload = "{}") {
    std::function<void(InvokeResult)> done;
    std::string id;
    {
      std::lock_guard lock(mu_);
      done = std::exchange(calls_.at(i).done, nullptr);
      id = calls_.at(i).request_id;
    }
    ASSERT_TRUE(done) << "call " << i << " was answered already";
    InvokeResult result;
    result.status = status;
    result.payload = std::move(payload);
    result.request_id = id;
    done(std::move(result));
  }

 private:
  mutable std::mutex mu_;
  std::vector<Call> calls_;
};

// True once `predicate` holds (within 5 s).
bool Eventually(const std::function<bool()>& predicate) {
  for (int i = 0; i < 500; ++i) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return predicate();
}

class EventQueueTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void TearDown() override { queue_.reset(); }

  void Open(bool start = true) {
    queue_.reset();
    EventQueueOptions options;
    options.data_dir = dir_.path();
    options.clock = &clock_;
    options.runtime = &runtime_;
    options.poll = std::chrono::milliseconds(5);
    options.resolve = [this](const std::string& name) -> std::optional<FunctionSpec> {
      std::lock_guard lock(mu_);
      if (missing_ == name) return std::nullopt;
      FunctionSpec spec;
      spec.name = name;
      spec.concurrency = concurrency_;
      return spec;
    };
    auto opened = EventQueue::Open(std::move(options));
    ASSERT_TRUE(opened) << opened.error().message;
    queue_ = std::move(*opened);
    if (start) queue_->Start();
  }

  std::string Enqueue(const std::string& function, const std::string& payload = "{}") {
    auto id = queue_->Enqueue(function, payload);
    EXPECT_TRUE(id) << id.error().message;
    return id ? *id : "";
  }

  bool CallsReach(size_t n) {
    return Eventually([&] { return runtime_.Count() >= n; });
  }
  // No further call within a moment (the dispatcher polls every 5 ms).
  bool StaysAt(size_t n) {
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    return runtime_.Count() == n;
  }

  EventQueueMetrics MetricsOf(const std::string& function) {
    for (const auto& m : queue_->Metrics()) {
      if (m.function == function) return m;
    }
    return {};
  }
  // Answers call `i` and waits until the queue has settled it (requeued, finished or dropped).
  void Settle(size_t i, Status status, const std::string& function = "fn") {
    runtime_.Answer(i, status);
    ASSERT_TRUE(Eventually([&] { return MetricsOf(function).running == 0; }));
  }

  testing_support::TempDir dir_{"event_queue"};
  VirtualClock clock_{1700000000000};
  ScriptedRuntime runtime_;
  std::mutex mu_;
  int concurrency_ = 10;
  std::string missing_;
  std::unique_ptr<EventQueue> queue_;
};

TEST_F(EventQueueTest, AnEventRunsOnceWithItsRequestIdAndIsGoneAfterSuccess) {
  std::string id = Enqueue("fn", R"({"n":1})");
  ASSERT_TRUE(CallsReach(1));
  EXPECT_EQ(runtime_.At(0).request_id, id);
  EXPECT_EQ(runtime_.At(0).payload, R"({"n":1})");
  EXPECT_EQ(runtime_.At(0).spec.name, "fn");
  EXPECT_EQ(MetricsOf("fn").running, 1u);
  Settle(0, Status::kOk);
  EXPECT_EQ(MetricsOf("fn").waiting, 0u);
  clock_.Advance(3600 * 1000);
  EXPECT_TRUE(StaysAt(1));
  EXPECT_EQ(MetricsOf("fn").received, 1u);
  EXPECT_EQ(MetricsOf("fn").dropped, 0u);
}

TEST_F(EventQueueTest, AFunctionErrorIsRetriedAfterOneThenTwoMinutesThenDropped) {
  std::string id = Enqueue("fn");
  ASSERT_TRUE(CallsReach(1));
  Settle(0, Status::kFunctionError);
  EXPECT_EQ(MetricsOf("fn").waiting, 1u);
  clock_.Advance(59000);
  EXPECT_TRUE(StaysAt(1)) << "not before a minute";
  clock_.Advance(1000);
  ASSERT_TRUE(CallsReach(2));
  EXPECT_EQ(runtime_.At(1).request_id, id) << "a retry keeps the request id";
  Settle(1, Status::kTimeout);
  clock_.Advance(119000);
  EXPECT_TRUE(StaysAt(2)) << "not before two more minutes";
  clock_.Advance(1000);
  ASSERT_TRUE(CallsReach(3));
  Settle(2, Status::kCrashed);
  EXPECT_EQ(MetricsOf("fn").dropped, 1u);
  clock_.Advance(3600 * 1000);
  EXPECT_TRUE(StaysAt(3)) << "two retries, then dropped";
  EXPECT_EQ(MetricsOf("fn").waiting, 0u);
}

TEST_F(EventQueueTest, MaximumRetryAttemptsZeroDropsOnTheFirstError) {
  EventInvokeConfig config;
  config.maximum_retry_attempts = 0;
  ASSERT_TRUE(queue_->PutConfig("fn", config));
  Enqueue("fn");
  ASSERT_TRUE(CallsReach(1));
  Settle(0, Status::kInitError);
  EXPECT_EQ(MetricsOf("fn").dropped, 1u);
  clock_.Advance(600000);
  EXPECT_TRUE(StaysAt(1));
}

TEST_F(EventQueueTest, ThrottlesBackOffWithoutSpendingRetriesUntilTheEventIsTooOld) {
  EventInvokeConfig config;
  config.maximum_event_age_seconds = 60;
  ASSERT_TRUE(queue_->PutConfig("fn", config));
  Enqueue("fn");
  size_t calls = 0;
  int64_t backoff = 1000;
  for (; backoff <= 32000; backoff *= 2) {  // 1, 2, 4, ... 32 s: 63 s in all, past 60 s
    ASSERT_TRUE(CallsReach(calls + 1));
    Settle(calls++, Status::kThrottled);
    if (MetricsOf("fn").dropped) break;
    clock_.Advance(backoff - 1);
    EXPECT_TRUE(StaysAt(calls)) << "backoff " << backoff;
    clock_.Advance(1);
  }
  EXPECT_EQ(backoff, 32000) << "the retry after 32 s would be older than 60 s";
  EXPECT_EQ(calls, 6u);
  EXPECT_EQ(MetricsOf("fn").dropped, 1u);
}

TEST_F(EventQueueTest, AnEventOlderThanItsMaximumAgeWhenDueIsDropped) {
  Open(false);  // not dispatching yet
  Enqueue("fn");
  clock_.Advance(21600 * 1000 + 1);
  queue_->Start();
  EXPECT_TRUE(Eventually([&] { return MetricsOf("fn").dropped == 1; }));
  EXPECT_TRUE(StaysAt(0));
}

TEST_F(EventQueueTest, AtMostTheFunctionsConcurrencyRunAtOnce) {
  concurrency_ = 2;
  for (int i = 0; i < 5; ++i) Enqueue("fn");
  ASSERT_TRUE(CallsReach(1));
  // The first dispatch learns the concurrency; then no more than 2 at once.
  ASSERT_TRUE(Eventually([&] { return runtime_.Count() >= 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  EXPECT_LE(runtime_.Count(), 2u);
  for (size_t answered = 0; answered < 5; ++answered) {
    ASSERT_TRUE(CallsReach(answered + 1));
    runtime_.Answer(answered, Status::kOk);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_LE(runtime_.Count() - (answered + 1), 2u);
  }
  EXPECT_TRUE(Eventually([&] { return MetricsOf("fn").running == 0; }));
  EXPECT_EQ(MetricsOf("fn").waiting, 0u);
  EXPECT_EQ(runtime_.Count(), 5u);
}

TEST_F(EventQueueTest, EventsAndTheirRetryStateSurviveAReopen) {
  std::string failing = Enqueue("fn");
  ASSERT_TRUE(CallsReach(1));
  Settle(0, Status::kFunctionError);
  queue_->Stop();
  std::string waiting = Enqueue("fn");  // accepted while stopped: on disk
  EventInvokeConfig config;
  config.maximum_retry_attempts = 1;
  ASSERT_TRUE(queue_->PutConfig("fn", config));

  Open();
  ASSERT_TRUE(queue_->GetConfig("fn"));
  EXPECT_EQ(queue_->GetConfig("fn")->maximum_retry_attempts, 1);
  ASSERT_TRUE(CallsReach(2));
  EXPECT_EQ(runtime_.At(1).request_id, waiting);
  Settle(1, Status::kOk);
  clock_.Advance(60000);
  ASSERT_TRUE(CallsReach(3));
  EXPECT_EQ(runtime_.At(2).request_id, failing) << "its retry, a minute after the failure";
  Settle(2, Status::kFunctionError);
  EXPECT_EQ(MetricsOf("fn").dropped, 1u) << "one retry allowed: the attempt count was kept on disk";
}

TEST_F(EventQueueTest, AnEventRunningWhenStoppedRunsAgainAfterAReopen) {
  std::string id = Enqueue("fn");
  ASSERT_TRUE(CallsReach(1));
  queue_->Stop();
  runtime_.Answer(0, Status::kCrashed);  // the engine stopping: ignored
  Open();
  ASSERT_TRUE(CallsReach(2));
  EXPECT_EQ(runtime_.At(1).request_id, id);
}

TEST_F(EventQueueTest, DroppingAFunctionForgetsItsEventsAndConfig) {
  Open(false);
  Enqueue("fn");
  Enqueue("other");
  ASSERT_TRUE(queue_->PutConfig("fn", EventInvokeConfig{}));
  ASSERT_TRUE(queue_->DropFunction("fn"));
  EXPECT_FALSE(queue_->GetConfig("fn"));
  queue_->Start();
  ASSERT_TRUE(CallsReach(1));
  EXPECT_TRUE(StaysAt(1));
  EXPECT_EQ(runtime_.At(0).spec.name, "other");
  Settle(0, Status::kOk, "other");
  Open();  // and on disk
  EXPECT_TRUE(StaysAt(1));
}

TEST_F(EventQueueTest, AnEventForAFunctionThatNoLongerExistsIsDropped) {
  {
    std::lock_guard lock(mu_);
    missing_ = "gone";
  }
  Enqueue("gone");
  EXPECT_TRUE(Eventually([&] { return MetricsOf("gone").dropped == 1; }));
  EXPECT_EQ(runtime_.Count(), 0u);
}

TEST_F(EventQueueTest, ConfigsArePutReplacedAndDeleted) {
  EXPECT_FALSE(queue_->GetConfig("fn"));
  EventInvokeConfig config;
  config.maximum_event_age_seconds = 120;
  auto stored = queue_->PutConfig("fn", config);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->last_modified_ms, clock_.NowMs());
  EXPECT_EQ(stored->RetryAttempts(), 2);
  EXPECT_EQ(stored->MaxAgeMs(), 120000);
  auto deleted = queue_->DeleteConfig("fn");
  ASSERT_TRUE(deleted);
  EXPECT_TRUE(*deleted);
  EXPECT_FALSE(*queue_->DeleteConfig("fn"));
  EXPECT_FALSE(queue_->GetConfig("fn"));
}

}  // namespace
}  // namespace sf::engine::function
