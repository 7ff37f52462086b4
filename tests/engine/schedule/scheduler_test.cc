// The scheduler on a virtual clock: rate and cron fires, disabled rules, restarts, the catch-up
// cap, time order across rules, target inputs and failed deliveries. RunDue is called as the
// engine calls it after each clock move.

#include "engine/schedule/scheduler.h"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../../support/temp_dir.h"
#include "engine/schedule/cron_expression.h"
#include "engine/schedule/scheduled_event.h"

namespace sf::engine::schedule {
namespace {

constexpr int64_t kMinute = 60000;
constexpr char kAccount[] = "123456789012";

int64_t At(int year, int month, int day, int hour = 0, int minute = 0) {
  return ((DaysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * kMinute;
}

struct Delivery {
  std::string rule;
  std::string target;
  std::string payload;
};

class SchedulerTest : public ::testing::Test {
 protected:
  void Open(int64_t start_ms, size_t max_catch_up = 100) {
    scheduler_.reset();
    store_.reset();
    clock_ = std::make_unique<VirtualClock>(start_ms);
    auto store = RuleStore::Open(dir_.File("events.db"), *clock_, "us-east-1", kAccount);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    SchedulerOptions options;
    options.clock = clock_.get();
    options.virtual_clock = true;
    options.account = kAccount;
    options.max_catch_up = max_catch_up;
    options.deliver = [this](const Rule& rule, const Target& target, std::string payload) {
      deliveries_.push_back({rule.settings.name, target.id, std::move(payload)});
      return accept_;
    };
    scheduler_ = std::make_unique<Scheduler>(*store_, options);
  }

  void AddRule(const std::string& name, const std::string& expression, bool enabled = true,
               std::vector<Target> targets = {{"t1",
                                               "arn:aws:lambda:us-east-1:123456789012:"
                                               "function:f"}}) {
    RuleSettings settings;
    settings.name = name;
    settings.schedule_expression = expression;
    settings.enabled = enabled;
    ASSERT_TRUE(store_->Put(settings));
    ASSERT_TRUE(store_->PutTargets(name, targets));
  }

  size_t AdvanceAndRun(int64_t ms) {
    clock_->Advance(ms);
    return scheduler_->RunDue();
  }

  std::vector<std::string> Times() const {
    std::vector<std::string> out;
    for (const Delivery& d : deliveries_) {
      out.push_back(nlohmann::json::parse(d.payload)["time"].get<std::string>());
    }
    return out;
  }

  testing_support::TempDir dir_{"scheduler"};
  std::unique_ptr<VirtualClock> clock_;
  std::unique_ptr<RuleStore> store_;
  std::unique_ptr<Scheduler> scheduler_;
  std::vector<Delivery> deliveries_;
  bool accept_ = true;
};

TEST_F(SchedulerTest, RateFiveMinutesFiresThreeTimesInFifteenMinutes) {
  Open(At(2026, 11, 22, 10, 0));
  AddRule("every-five", "rate(5 minutes)");
  EXPECT_EQ(AdvanceAndRun(15 * kMinute), 3u);
  EXPECT_EQ(Times(), (std::vector<std::string>{"2026-11-22T10:05:00Z", "2026-11-22T10:10:00Z",
                                               "2026-11-22T10:15:00Z"}));
  EXPECT_EQ(scheduler_->RunDue(), 0u);  // nothing twice
  EXPECT_EQ(AdvanceAndRun(4 * kMinute), 0u);
  EXPECT_EQ(AdvanceAndRun(kMinute), 1u);
  auto counters = scheduler_->Counters()["every-five"];
  EXPECT_EQ(counters.triggered, 4u);
  EXPECT_EQ(counters.invocations, 4u);
  EXPECT_EQ(counters.failed_invocations, 0u);
}

TEST_F(SchedulerTest, TheEventIsEventBridgesScheduledEvent) {
  Open(At(2026, 11, 22, 9, 55));
  AddRule("tick", "rate(5 minutes)");
  ASSERT_EQ(AdvanceAndRun(5 * kMinute), 1u);
  const std::string& payload = deliveries_[0].payload;
  // The members in EventBridge's order.
  EXPECT_EQ(payload.find("{\"version\":\"0\",\"id\":\""), 0u) << payload;
  nlohmann::json event = nlohmann::json::parse(payload);
  EXPECT_EQ(event["detail-type"], "Scheduled Event");
  EXPECT_EQ(event["source"], "aws.events");
  EXPECT_EQ(event["account"], kAccount);
  EXPECT_EQ(event["region"], "us-east-1");
  EXPECT_EQ(event["time"], "2026-11-22T10:00:00Z");
  EXPECT_EQ(event["resources"],
            nlohmann::json::array({"arn:aws:events:us-east-1:123456789012:rule/tick"}));
  EXPECT_EQ(event["detail"], nlohmann::json::object());
  EXPECT_EQ(event["id"].get<std::string>().size(), 36u);
}

TEST_F(SchedulerTest, CronFiresAtItsTimes) {
  Open(At(2026, 11, 22, 10, 0));
  AddRule("noon", "cron(0 12 * * ? *)");
  EXPECT_EQ(AdvanceAndRun(119 * kMinute), 0u);  // 11:59
  EXPECT_EQ(AdvanceAndRun(kMinute), 1u);        // 12:00
  EXPECT_EQ(AdvanceAndRun(2 * 24 * 60 * kMinute), 2u);
  EXPECT_EQ(Times(), (std::vector<std::string>{"2026-11-22T12:00:00Z", "2026-11-23T12:00:00Z",
                                               "2026-11-24T12:00:00Z"}));
}

TEST_F(SchedulerTest, DisabledRulesDoNotFireAndEnablingDoesNotBackFill) {
  Open(At(2026, 11, 22, 10, 0));
  AddRule("off", "rate(1 minute)", /*enabled=*/false);
  EXPECT_EQ(AdvanceAndRun(10 * kMinute), 0u);
  ASSERT_TRUE(store_->SetEnabled("off", true));
  EXPECT_EQ(scheduler_->RunDue(), 0u);  // the ten minutes while disabled are not fired
  EXPECT_EQ(AdvanceAndRun(kMinute), 1u);
  ASSERT_TRUE(store_->SetEnabled("off", false));
  EXPECT_EQ(AdvanceAndRun(5 * kMinute), 0u);
  EXPECT_EQ(deliveries_.size(), 1u);
}

TEST_F(SchedulerTest, ARestartDoesNotFireAnOccurrenceTwice) {
  int64_t start = At(2026, 11, 22, 10, 0);
  Open(start);
  AddRule("durable", "rate(5 minutes)");
  EXPECT_EQ(AdvanceAndRun(10 * kMinute), 2u);
  // The engine starts again with its virtual clock where it started before: the two fires
  // already made are not repeated, the third comes on time.
  Open(start);
  EXPECT_EQ(AdvanceAndRun(10 * kMinute), 0u);
  EXPECT_EQ(AdvanceAndRun(5 * kMinute), 1u);
  EXPECT_EQ(Times().back(), "2026-11-22T10:15:00Z");
}

TEST_F(SchedulerTest, ARestartDoesNotBackFillWhatWasMissed) {
  int64_t start = At(2026, 11, 22, 10, 0);
  Open(start);
  AddRule("missed", "rate(5 minutes)");
  EXPECT_EQ(AdvanceAndRun(5 * kMinute), 1u);
  Open(start + 60 * kMinute);  // down for most of an hour
  EXPECT_EQ(scheduler_->RunDue(), 0u);
  EXPECT_EQ(AdvanceAndRun(5 * kMinute), 1u);  // the grid continues from the rule's creation
  EXPECT_EQ(Times().back(), "2026-11-22T11:05:00Z");
}

TEST_F(SchedulerTest, AJumpOfManyPeriodsIsCapped) {
  Open(At(2026, 11, 22, 10, 0), /*max_catch_up=*/10);
  AddRule("busy", "rate(1 minute)");
  AddRule("daily", "cron(0 0 * * ? *)");
  EXPECT_EQ(AdvanceAndRun(24 * 60 * kMinute), 11u);  // ten of busy's 1,440, and daily's one
  auto counters = scheduler_->Counters();
  EXPECT_EQ(counters["busy"].triggered, 10u);
  EXPECT_EQ(counters["busy"].catch_up_capped, 1u);
  EXPECT_EQ(counters["daily"].triggered, 1u);
  EXPECT_EQ(scheduler_->RunDue(), 0u);  // the skipped ones stay skipped
  EXPECT_EQ(AdvanceAndRun(kMinute), 1u);
}

TEST_F(SchedulerTest, OccurrencesOfAllRulesFireInTimeOrder) {
  Open(At(2026, 11, 22, 10, 0));
  AddRule("b-three", "rate(3 minutes)");
  AddRule("a-two", "rate(2 minutes)");
  EXPECT_EQ(AdvanceAndRun(6 * kMinute), 5u);
  std::vector<std::string> order;
  for (const Delivery& d : deliveries_) order.push_back(d.rule);
  EXPECT_EQ(order, (std::vector<std::string>{"a-two", "b-three", "a-two", "a-two", "b-three"}));
  std::vector<std::string> times = Times();
  EXPECT_TRUE(std::is_sorted(times.begin(), times.end()));
}

TEST_F(SchedulerTest, TargetsGetTheirInputOrTheirInputPath) {
  Open(At(2026, 11, 22, 10, 0));
  Target constant{"constant", "arn:aws:lambda:us-east-1:123456789012:function:f", "",
                  std::string("{\"report\": \"hourly\"}"), std::nullopt};
  Target detail{"detail", "arn:aws:lambda:us-east-1:123456789012:function:f", "", std::nullopt,
                std::string("$.detail")};
  Target resource{"resource", "arn:aws:lambda:us-east-1:123456789012:function:f", "", std::nullopt,
                  std::string("$.resources[0]")};
  AddRule("inputs", "rate(1 minute)", true, {constant, detail, resource});
  ASSERT_EQ(AdvanceAndRun(kMinute), 1u);
  ASSERT_EQ(deliveries_.size(), 3u);
  EXPECT_EQ(deliveries_[0].payload, "{\"report\": \"hourly\"}");
  EXPECT_EQ(deliveries_[1].payload, "{}");
  EXPECT_EQ(deliveries_[2].payload, "\"arn:aws:events:us-east-1:123456789012:rule/inputs\"");
}

TEST_F(SchedulerTest, RefusedDeliveriesAreFailedInvocations) {
  Open(At(2026, 11, 22, 10, 0));
  AddRule("refused", "rate(1 minute)");
  accept_ = false;
  EXPECT_EQ(AdvanceAndRun(2 * kMinute), 2u);
  auto counters = scheduler_->Counters()["refused"];
  EXPECT_EQ(counters.triggered, 2u);
  EXPECT_EQ(counters.invocations, 0u);
  EXPECT_EQ(counters.failed_invocations, 2u);
}

TEST_F(SchedulerTest, ANewExpressionRestartsTheRateGrid) {
  Open(At(2026, 11, 22, 10, 0));
  AddRule("regrid", "rate(10 minutes)");
  clock_->Advance(3 * kMinute);
  RuleSettings settings;
  settings.name = "regrid";
  settings.schedule_expression = "rate(5 minutes)";
  ASSERT_TRUE(store_->Put(settings));
  EXPECT_EQ(AdvanceAndRun(5 * kMinute), 1u);
  EXPECT_EQ(Times().back(), "2026-11-22T10:08:00Z");
}

TEST(ScheduledEvent, InputPathSubset) {
  EXPECT_TRUE(IsValidInputPath("$"));
  EXPECT_TRUE(IsValidInputPath("$.detail"));
  EXPECT_TRUE(IsValidInputPath("$.detail.a[2].b"));
  EXPECT_FALSE(IsValidInputPath("detail"));
  EXPECT_FALSE(IsValidInputPath("$..detail"));
  EXPECT_FALSE(IsValidInputPath("$[x]"));
  Target missing{"t", "arn", "", std::nullopt, std::string("$.nope")};
  EXPECT_EQ(TargetPayload(missing, "{\"a\":1}"), "null");
  Target whole{"t", "arn", "", std::nullopt, std::string("$")};
  EXPECT_EQ(TargetPayload(whole, "{\"a\":1}"), "{\"a\":1}");
  EXPECT_EQ(EventTime(At(2028, 2, 29, 23, 59) + 59999), "2028-02-29T23:59:59Z");
}

}  // namespace
}  // namespace sf::engine::schedule
