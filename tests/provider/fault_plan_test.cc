#include "provider/fault_plan.h"

#include <gtest/gtest.h>

namespace sf::provider {
namespace {

TEST(FaultPlanTest, ParsesEveryRuleShape) {
  auto plan = ParseFaultPlan(
      "create:Bucket2:fail-after; update:*:delay=200ms;delete:Stream:2:fail-before;"
      "*:*:*:hang;read:*:3:crash-after;");
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_EQ(plan->rules.size(), 5u);
  const auto& rules = plan->rules;
  EXPECT_EQ(rules[0].operation, FaultOperation::kCreate);
  EXPECT_EQ(rules[0].logical_id, "Bucket2");
  EXPECT_EQ(rules[0].nth, 0);
  EXPECT_EQ(rules[0].action, FaultAction::kFailAfter);
  EXPECT_EQ(rules[0].text, "create:Bucket2:fail-after");
  EXPECT_EQ(rules[1].operation, FaultOperation::kUpdate);
  EXPECT_EQ(rules[1].logical_id, "*");
  EXPECT_EQ(rules[1].action, FaultAction::kDelay);
  EXPECT_EQ(rules[1].delay, std::chrono::milliseconds(200));
  EXPECT_EQ(rules[2].operation, FaultOperation::kDelete);
  EXPECT_EQ(rules[2].nth, 2);
  EXPECT_EQ(rules[2].action, FaultAction::kFailBefore);
  EXPECT_EQ(rules[3].operation, FaultOperation::kAny);
  EXPECT_EQ(rules[3].nth, 0);
  EXPECT_EQ(rules[3].action, FaultAction::kHang);
  EXPECT_EQ(rules[4].operation, FaultOperation::kRead);
  EXPECT_EQ(rules[4].nth, 3);
  EXPECT_EQ(rules[4].action, FaultAction::kCrashAfter);
}

TEST(FaultPlanTest, EmptySpecIsAnEmptyPlan) {
  auto plan = ParseFaultPlan("  ; ;");
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->empty());
}

TEST(FaultPlanTest, DurationsTakeMillisecondsSecondsAndMinutes) {
  EXPECT_EQ(*ParseFaultDuration("0ms"), std::chrono::milliseconds(0));
  EXPECT_EQ(*ParseFaultDuration("2s"), std::chrono::milliseconds(2000));
  EXPECT_EQ(*ParseFaultDuration("1m"), std::chrono::milliseconds(60000));
  for (const char* bad : {"", "ms", "5", "5h", "-1s", "1.5s", "99999999m"})
    EXPECT_FALSE(ParseFaultDuration(bad)) << bad;
}

TEST(FaultPlanTest, ErrorsNameTheRuleAndTheProblem) {
  struct Case {
    const char* spec;
    const char* says;
  };
  for (const Case& c :
       {Case{"make:X:fail-before", "unknown operation 'make'"},
        Case{"create:X:explode", "unknown action 'explode'"},
        Case{"create:X:0:fail-after", "'0' is not a call number"},
        Case{"create:X:two:fail-after", "'two' is not a call number"},
        Case{"create:X", "wrong number of"}, Case{"create:X:1:2:hang", "wrong number of"},
        Case{"create::hang", "empty logical id"},
        Case{"update:*:delay=fast", "'fast' is not a duration"},
        Case{"create:A:hang;delete:B:oops", "fault rule 'delete:B:oops'"}}) {
    auto plan = ParseFaultPlan(c.spec);
    ASSERT_FALSE(plan) << c.spec;
    EXPECT_EQ(plan.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(plan.error().message.find(c.says), std::string::npos)
        << c.spec << " -> " << plan.error().message;
  }
}

TEST(FaultPlanTest, ScheduleCountsMatchingCallsPerRule) {
  auto plan = ParseFaultPlan("create:A:2:fail-before;create:*:fail-after;read:*:1:hang");
  ASSERT_TRUE(plan);
  FaultSchedule schedule(*plan);
  EXPECT_EQ(schedule.Fire(FaultOperation::kCreate, "B").size(), 1u);  // only the * rule
  EXPECT_EQ(schedule.Fire(FaultOperation::kCreate, "A").size(), 1u);  // A's 1st: not yet
  auto second = schedule.Fire(FaultOperation::kCreate, "A");
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[0]->action, FaultAction::kFailBefore);
  EXPECT_EQ(schedule.Fire(FaultOperation::kCreate, "A").size(), 1u);  // A's 3rd: past it
  EXPECT_TRUE(schedule.Fire(FaultOperation::kUpdate, "A").empty());
  EXPECT_EQ(schedule.Fire(FaultOperation::kRead, "").size(), 1u);
  EXPECT_TRUE(schedule.Fire(FaultOperation::kRead, "").empty());
}

}  // namespace
}  // namespace sf::provider
