// Schedule expressions as EventBridge accepts them, and their next fire times (UTC).

#include "engine/schedule/schedule_expression.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace sf::engine::schedule {
namespace {

int64_t At(int year, int month, int day, int hour = 0, int minute = 0) {
  return ((DaysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60000;
}

std::optional<int64_t> Next(const std::string& expression, int64_t after, int64_t anchor = 0) {
  auto parsed = ScheduleExpression::Parse(expression);
  EXPECT_TRUE(parsed.has_value()) << expression;
  if (!parsed) return std::nullopt;
  return parsed->NextAfter(after, anchor);
}

class ValidExpression : public ::testing::TestWithParam<const char*> {};

TEST_P(ValidExpression, IsAccepted) {
  EXPECT_TRUE(ScheduleExpression::Parse(GetParam()).has_value()) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(
    EventBridge, ValidExpression,
    ::testing::Values("rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(12 hours)",
                      "rate(1 day)", "rate(7 days)", "rate(5  minutes)", "cron(0 12 * * ? *)",
                      "cron(15 10 ? * 6L 2022-2023)", "cron(0/15 * * * ? *)", "cron(0 8 1 * ? *)",
                      "cron(0/10 * ? * MON-FRI *)", "cron(0/5 8-17 ? * MON-FRI *)",
                      "cron(0 9 ? * 2#1 *)", "cron(0 0 L * ? *)", "cron(0 0 15W * ? *)",
                      "cron(0 0 LW * ? *)", "cron(0 12 ? * L *)", "cron(0 0 1 JAN,JUL ? *)",
                      "cron(0 0 1 jan ? *)", "cron(0 0 * * ? 2199)", "cron(0 0 ? * FRIL *)",
                      "cron(0 22-2 * * ? *)", "cron(*/5 * * * ? *)", "cron(0 0 30 2 ? *)",
                      "cron(0 0 ? * SUN,SAT 1970-2199/10)", "cron(0  12  *  *  ?  *)",
                      "cron(5-50/15 1,3,5 1-10 1-6/2 ? *)"));

class InvalidExpression : public ::testing::TestWithParam<const char*> {};

TEST_P(InvalidExpression, IsRefusedWithEventBridgesMessage) {
  auto parsed = ScheduleExpression::Parse(GetParam());
  ASSERT_FALSE(parsed.has_value()) << GetParam();
  EXPECT_EQ(parsed.error().type, "ValidationException");
  EXPECT_EQ(parsed.error().message, "Parameter ScheduleExpression is not valid.");
  EXPECT_EQ(parsed.error().status, 400);
}

INSTANTIATE_TEST_SUITE_P(
    EventBridge, InvalidExpression,
    ::testing::Values("", "rate(1 minutes)", "rate(2 minute)", "rate(0 minutes)",
                      "rate(-1 minutes)", "rate(5 seconds)", "rate(2 weeks)", "rate(minutes)",
                      "rate(5)", "rate(5 )", "rate 5 minutes", "rate(5 minutes", "RATE(5 minutes)",
                      " rate(5 minutes)", "rate(5 minutes) ", "rate(1.5 hours)", "rate(+5 minutes)",
                      "cron(0 12 * * * *)", "cron(0 12 ? * ? *)", "cron(0 12 * * ?)",
                      "cron(0 12 * * ? * *)", "cron(60 12 * * ? *)", "cron(0 24 * * ? *)",
                      "cron(0 0 32 * ? *)", "cron(0 0 0 * ? *)", "cron(0 0 ? 13 MON *)",
                      "cron(0 0 ? 0 MON *)", "cron(0 0 ? * 8 *)", "cron(0 0 ? * 0 *)",
                      "cron(0 0 * * ? 1969)", "cron(0 0 * * ? 2200)", "cron(0 0 ? * 2#6 *)",
                      "cron(0 0 ? * 2#0 *)", "cron(0 0 L,15 * ? *)", "cron(0 0 32W * ? *)",
                      "cron(0 0 W * ? *)", "cron(0 0 ? * FOO *)", "cron(0 0 1 JANUARY ? *)",
                      "cron(0/0 * * * ? *)", "cron(0 0 * * ? 2030-2020)", "cron(0 0 1-L * ? *)",
                      "cron(a b c d e f)", "cron()", "at(2026-01-01T00:00:00)",
                      "cron(0 0 ? * 8L *)", "cron(0 0 ? * MON#2,3 *)", "cron(0 12 * * L *)",
                      "cron(0 0 15W,16 * ? *)", "cron(0 0 ? * 1-3L *)"));

TEST(RateExpression, FiresOnTheGridFromItsAnchor) {
  int64_t anchor = At(2026, 11, 22, 10, 0) + 1234;  // any ms, not a whole minute
  EXPECT_EQ(Next("rate(5 minutes)", anchor, anchor), anchor + 5 * 60000);
  EXPECT_EQ(Next("rate(5 minutes)", anchor + 5 * 60000, anchor), anchor + 10 * 60000);
  EXPECT_EQ(Next("rate(5 minutes)", anchor + 5 * 60000 - 1, anchor), anchor + 5 * 60000);
  EXPECT_EQ(Next("rate(5 minutes)", anchor - 100000, anchor), anchor + 5 * 60000);
  EXPECT_EQ(Next("rate(1 hour)", anchor + 90 * 60000, anchor), anchor + 120 * 60000);
  EXPECT_EQ(Next("rate(2 days)", anchor, anchor), anchor + 2LL * 24 * 3600000);
  auto parsed = ScheduleExpression::Parse("rate(3 hours)");
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->is_rate());
  EXPECT_EQ(parsed->period_ms(), 3 * 3600000);
}

TEST(CronExpression, DailyAtNoonIsStrictlyAfter) {
  EXPECT_EQ(Next("cron(0 12 * * ? *)", At(2026, 11, 22, 10, 0)), At(2026, 11, 22, 12, 0));
  EXPECT_EQ(Next("cron(0 12 * * ? *)", At(2026, 11, 22, 12, 0)), At(2026, 11, 23, 12, 0));
  EXPECT_EQ(Next("cron(0 12 * * ? *)", At(2026, 11, 22, 12, 0) - 1), At(2026, 11, 22, 12, 0));
  EXPECT_EQ(Next("cron(0 12 * * ? *)", At(2026, 11, 22, 11, 59) + 30000), At(2026, 11, 22, 12, 0));
}

TEST(CronExpression, StepsListsAndRanges) {
  EXPECT_EQ(Next("cron(0/15 * * * ? *)", At(2026, 11, 22, 10, 1)), At(2026, 11, 22, 10, 15));
  EXPECT_EQ(Next("cron(0/15 * * * ? *)", At(2026, 11, 22, 10, 45)), At(2026, 11, 22, 11, 0));
  EXPECT_EQ(Next("cron(5/20 * * * ? *)", At(2026, 11, 22, 10, 46)), At(2026, 11, 22, 11, 5));
  EXPECT_EQ(Next("cron(*/7 * * * ? *)", At(2026, 11, 22, 10, 56)), At(2026, 11, 22, 11, 0));
  EXPECT_EQ(Next("cron(10,40 3,15 * * ? *)", At(2026, 11, 22, 3, 40)), At(2026, 11, 22, 15, 10));
  EXPECT_EQ(Next("cron(0 8-17/4 * * ? *)", At(2026, 11, 22, 12, 0)), At(2026, 11, 22, 16, 0));
  EXPECT_EQ(Next("cron(0 8-17/4 * * ? *)", At(2026, 11, 22, 16, 0)), At(2026, 11, 23, 8, 0));
}

TEST(CronExpression, RangesWrapAround) {
  EXPECT_EQ(Next("cron(0 22-2 * * ? *)", At(2026, 11, 22, 2, 0)), At(2026, 11, 22, 22, 0));
  EXPECT_EQ(Next("cron(0 22-2 * * ? *)", At(2026, 11, 22, 23, 0)), At(2026, 11, 23, 0, 0));
  // Tuesday 2026-11-24: FRI-MON runs Friday, Saturday, Sunday, Monday.
  EXPECT_EQ(Next("cron(0 0 ? * FRI-MON *)", At(2026, 11, 24, 1, 0)), At(2026, 11, 27, 0, 0));
}

TEST(CronExpression, DaysOfWeekCountFromSunday) {
  // 2026-11-22 is a Sunday.
  EXPECT_EQ(CronWeekday(2026, 11, 22), 1);
  EXPECT_EQ(CronWeekday(1970, 1, 1), 5);  // a Thursday
  EXPECT_EQ(Next("cron(0 0 ? * 1 *)", At(2026, 11, 23)), At(2026, 11, 29));
  EXPECT_EQ(Next("cron(0 0 ? * SUN *)", At(2026, 11, 23)), At(2026, 11, 29));
  EXPECT_EQ(Next("cron(30 9 ? * MON-FRI *)", At(2026, 11, 27, 10, 0)), At(2026, 11, 30, 9, 30));
  EXPECT_EQ(Next("cron(0 0 ? * 7 *)", At(2026, 11, 22)), At(2026, 11, 28));
}

TEST(CronExpression, MonthNamesAndYearRollover) {
  EXPECT_EQ(Next("cron(0 0 1 JAN,JUL ? *)", At(2026, 2, 1)), At(2026, 7, 1));
  EXPECT_EQ(Next("cron(0 0 1 jan,jul ? *)", At(2026, 7, 1)), At(2027, 1, 1));
  EXPECT_EQ(Next("cron(59 23 31 12 ? *)", At(2026, 12, 31, 23, 59)), At(2027, 12, 31, 23, 59));
  EXPECT_EQ(Next("cron(0 0 1 1 ? 2030)", At(2026, 11, 22)), At(2030, 1, 1));
  EXPECT_EQ(Next("cron(0 0 1 1 ? 2020)", At(2026, 11, 22)), std::nullopt);
  EXPECT_EQ(Next("cron(0 0 31 DEC ? 2199)", At(2199, 12, 31)), std::nullopt);
}

TEST(CronExpression, LeapYears) {
  EXPECT_EQ(Next("cron(0 0 29 2 ? *)", At(2025, 3, 1)), At(2028, 2, 29));
  EXPECT_EQ(Next("cron(0 0 29 2 ? *)", At(2028, 2, 29)), At(2032, 2, 29));
  EXPECT_EQ(Next("cron(0 0 29 2 ? *)", At(2097, 3, 1)), At(2104, 2, 29));  // 2100 is not leap
  EXPECT_EQ(Next("cron(0 0 29 2 ? *)", At(2399, 3, 1)), std::nullopt);     // past 2199
  EXPECT_EQ(Next("cron(0 0 30 2 ? *)", At(2026, 1, 1)), std::nullopt);     // never exists
  EXPECT_EQ(Next("cron(0 0 L 2 ? *)", At(2024, 2, 10)), At(2024, 2, 29));
  EXPECT_EQ(Next("cron(0 0 L 2 ? *)", At(2023, 2, 10)), At(2023, 2, 28));
  EXPECT_EQ(Next("cron(0 0 L 2 ? *)", At(2000, 2, 1)), At(2000, 2, 29));  // 2000 is leap
  EXPECT_EQ(DaysInMonth(1900, 2), 28);
  EXPECT_EQ(DaysInMonth(2000, 2), 29);
}

TEST(CronExpression, LastDayOfMonth) {
  EXPECT_EQ(Next("cron(0 0 L * ? *)", At(2026, 4, 30)), At(2026, 5, 31));
  EXPECT_EQ(Next("cron(0 0 L * ? *)", At(2026, 4, 29)), At(2026, 4, 30));
  EXPECT_EQ(Next("cron(0 18 L * ? *)", At(2026, 12, 31, 18, 0)), At(2027, 1, 31, 18, 0));
}

TEST(CronExpression, NearestWeekdayStaysInTheMonth) {
  // February 15th 2026 is a Sunday: Monday the 16th. August 15th is a Saturday: Friday the 14th.
  EXPECT_EQ(Next("cron(0 0 15W * ? *)", At(2026, 2, 1)), At(2026, 2, 16));
  EXPECT_EQ(Next("cron(0 0 15W * ? *)", At(2026, 8, 1)), At(2026, 8, 14));
  EXPECT_EQ(Next("cron(0 0 15W * ? *)", At(2026, 6, 1)), At(2026, 6, 15));  // a Monday
  // August 1st 2026 is a Saturday: not July 31st but Monday August 3rd.
  EXPECT_EQ(Next("cron(0 0 1W * ? *)", At(2026, 7, 31, 12, 0)), At(2026, 8, 3));
  // May 31st 2026 is a Sunday: not June 1st but Friday May 29th; April has no 31st.
  EXPECT_EQ(Next("cron(0 0 31W * ? *)", At(2026, 4, 1)), At(2026, 5, 29));
  // The last weekday: January 31st 2026 is a Saturday.
  EXPECT_EQ(Next("cron(0 0 LW * ? *)", At(2026, 1, 1)), At(2026, 1, 30));
  EXPECT_EQ(Next("cron(0 0 LW * ? *)", At(2026, 5, 1)), At(2026, 5, 29));
  EXPECT_EQ(Next("cron(0 0 LW * ? *)", At(2026, 3, 1)), At(2026, 3, 31));  // a Tuesday
}

TEST(CronExpression, NthAndLastWeekdayOfMonth) {
  // November 2026: Sunday the 1st, Mondays 2, 9, 16, 23, 30; Fridays 6, 13, 20, 27.
  EXPECT_EQ(Next("cron(0 9 ? * 2#1 *)", At(2026, 11, 1)), At(2026, 11, 2, 9, 0));
  EXPECT_EQ(Next("cron(0 9 ? * MON#1 *)", At(2026, 11, 2, 9, 0)), At(2026, 12, 7, 9, 0));
  EXPECT_EQ(Next("cron(0 9 ? * 2#5 *)", At(2026, 11, 1)), At(2026, 11, 30, 9, 0));
  EXPECT_EQ(Next("cron(0 0 ? * 6#3 *)", At(2026, 11, 1)), At(2026, 11, 20));
  EXPECT_EQ(Next("cron(0 0 ? * 6L *)", At(2026, 11, 1)), At(2026, 11, 27));
  EXPECT_EQ(Next("cron(0 0 ? * FRIL *)", At(2026, 11, 27)), At(2026, 12, 25));
  EXPECT_EQ(Next("cron(15 10 ? * 6L 2022-2023)", At(2026, 1, 1)), std::nullopt);
  // "L" alone is the week's last day, Saturday.
  EXPECT_EQ(Next("cron(0 12 ? * L *)", At(2026, 11, 22)), At(2026, 11, 28, 12, 0));
}

}  // namespace
}  // namespace sf::engine::schedule
