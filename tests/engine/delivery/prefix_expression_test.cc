// Prefixes as Firehose evaluates them: Java DateTimeFormatter patterns in UTC, the firehose
// namespace, the default time prefix, and the rules that refuse a Prefix / ErrorOutputPrefix.

#include "engine/delivery/prefix_expression.h"

#include <gtest/gtest.h>

#include "engine/delivery/object_naming.h"

namespace sf::engine::delivery {
namespace {

constexpr int64_t kTuesday = 1709622489123;     // 2024-03-05T07:08:09.123Z
constexpr int64_t kLastSunday = 1735513200000;  // 2024-12-29T23:00:00Z, week 1 of 2025 (US)
constexpr int64_t kSaturday = 1609545600000;    // 2021-01-02T00:00:00Z

std::string Format(std::string_view pattern, int64_t ms = kTuesday) {
  auto compiled = DateTimePattern::Compile(pattern);
  EXPECT_TRUE(compiled) << pattern << ": " << compiled.error();
  return compiled ? compiled->Format(ms) : "";
}

std::string Refusal(std::string_view pattern) {
  auto compiled = DateTimePattern::Compile(pattern);
  EXPECT_FALSE(compiled) << pattern;
  return compiled ? "" : compiled.error();
}

TEST(DateTimePatternTest, NumbersAndPadding) {
  EXPECT_EQ(Format("yyyy/MM/dd/HH"), "2024/03/05/07");
  EXPECT_EQ(Format("yyyy-MM-dd-HH-mm-ss"), "2024-03-05-07-08-09");
  EXPECT_EQ(Format("y M d H m s"), "2024 3 5 7 8 9");
  EXPECT_EQ(Format("yy"), "24");
  EXPECT_EQ(Format("yyyyy"), "02024");
  EXPECT_EQ(Format("uuuu"), "2024");
  EXPECT_EQ(Format("D DD DDD"), "65 65 065");
  EXPECT_EQ(Format("SSS S SSSSSS"), "123 1 123000");
  EXPECT_EQ(Format("h hh K k a"), "7 07 7 7 AM");
  EXPECT_EQ(Format("A"), "25689123");
}

TEST(DateTimePatternTest, TextFields) {
  EXPECT_EQ(Format("MMM MMMM MMMMM"), "Mar March M");
  EXPECT_EQ(Format("EEE EEEE EEEEE"), "Tue Tuesday T");
  EXPECT_EQ(Format("Q QQ QQQ QQQQ"), "1 01 Q1 1st quarter");
  EXPECT_EQ(Format("G GGGG"), "AD Anno Domini");
  EXPECT_EQ(Format("HH a", kLastSunday), "23 PM");
}

TEST(DateTimePatternTest, SundayWeeksAsLocaleUs) {
  EXPECT_EQ(Format("e ee w W"), "3 03 10 2");
  EXPECT_EQ(Format("YYYY-ww", kLastSunday), "2025-01");
  EXPECT_EQ(Format("yyyy", kLastSunday), "2024");
  EXPECT_EQ(Format("YYYY w", kSaturday), "2021 1");
}

TEST(DateTimePatternTest, ZonesAreUtc) {
  EXPECT_EQ(Format("X xxx Z ZZZZ ZZZZZ z VV O"), "Z +00:00 +0000 GMT Z UTC UTC GMT");
}

TEST(DateTimePatternTest, QuotesAndOptionalSections) {
  EXPECT_EQ(Format("yyyy'-'MM'-'dd"), "2024-03-05");
  EXPECT_EQ(Format("'year='yyyy"), "year=2024");
  EXPECT_EQ(Format("'it''s' HH''"), "it's 07'");
  EXPECT_EQ(Format("yyyy[/MM]"), "2024/03");
}

TEST(DateTimePatternTest, RefusesWhatJavaRefuses) {
  EXPECT_EQ(Refusal("yyyy/bb"), "Unknown pattern letter: b");
  EXPECT_EQ(Refusal("MMMMMM"), "Too many pattern letters: M");
  EXPECT_EQ(Refusal("ddd"), "Too many pattern letters: d");
  EXPECT_EQ(Refusal("HHH"), "Too many pattern letters: H");
  EXPECT_EQ(Refusal("aa"), "Too many pattern letters: a");
  EXPECT_EQ(Refusal("V"), "Pattern letter count must be 2: V");
  EXPECT_EQ(Refusal("yyyy#"), "Pattern includes reserved character: '#'");
  EXPECT_EQ(Refusal("'open"), "Pattern ends with an incomplete string literal: 'open");
  EXPECT_EQ(Refusal("yyyy]"), "Pattern invalid as it contains ] without previous [");
  EXPECT_EQ(Refusal("SSSSSSSSSS"), "Maximum width must be from 1 to 9 inclusive but was 10");
  EXPECT_NE(Refusal("F").find("not evaluated by the engine"), std::string::npos);
}

std::string Evaluate(std::string_view prefix, PrefixKind kind = PrefixKind::kPrefix) {
  auto parsed = PrefixExpression::Parse(prefix, kind);
  EXPECT_TRUE(parsed) << prefix << ": " << parsed.error();
  if (!parsed) return "";
  PrefixContext context;
  context.time_ms = kTuesday;
  context.error_output_type = "processing-failed";
  context.random_string = [] { return std::string("R4nd0mStr1n"); };
  return parsed->Evaluate(context);
}

TEST(PrefixExpressionTest, TimestampsAreOneInstant) {
  EXPECT_EQ(Evaluate("delivery/!{timestamp:yyyy/MM/dd/HH}/"), "delivery/2024/03/05/07/");
  EXPECT_EQ(Evaluate("y=!{timestamp:yyyy}/m=!{timestamp:MM}/h=!{timestamp:HH}/"),
            "y=2024/m=03/h=07/");
  EXPECT_EQ(Evaluate("dt=!{timestamp:yyyy'-'MM'-'dd}/"), "dt=2024-03-05/");
}

TEST(PrefixExpressionTest, WithoutATimestampTheDefaultTimePrefixIsAppended) {
  EXPECT_EQ(Evaluate(""), "2024/03/05/07/");
  EXPECT_EQ(Evaluate("logs/"), "logs/2024/03/05/07/");
  EXPECT_EQ(Evaluate("logs"), "logs2024/03/05/07/");
  EXPECT_EQ(Evaluate("r/!{firehose:random-string}/"), "r/R4nd0mStr1n/2024/03/05/07/");
}

TEST(PrefixExpressionTest, ErrorOutputPrefix) {
  EXPECT_EQ(Evaluate("delivery-errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
                     PrefixKind::kErrorOutputPrefix),
            "delivery-errors/processing-failed/2024/03/05/");
  EXPECT_EQ(Evaluate("errors/", PrefixKind::kErrorOutputPrefix), "errors/");
}

TEST(PrefixExpressionTest, TheReferenceDeliveryStackIsAccepted) {
  EXPECT_EQ(CheckPrefixes("delivery/!{timestamp:yyyy/MM/dd/HH}/",
                          "delivery-errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/"),
            std::nullopt);
  EXPECT_EQ(CheckPrefixes("", ""), std::nullopt);
  EXPECT_EQ(CheckPrefixes("plain/", ""), std::nullopt);
  EXPECT_EQ(CheckPrefixes("plain/", "errors/"), std::nullopt);
}

std::string Refused(std::string_view prefix, std::string_view error_prefix) {
  auto refusal = CheckPrefixes(prefix, error_prefix);
  EXPECT_TRUE(refusal) << prefix << " | " << error_prefix;
  if (!refusal) return "";
  EXPECT_EQ(refusal->rfind(kPrefixConstraint, 0), 0u) << *refusal;
  return refusal->substr(std::string_view(kPrefixConstraint).size());
}

TEST(PrefixExpressionTest, FirehoseRulesRefuse) {
  EXPECT_EQ(Refused("d/!{timestamp:yyyy}/", ""),
            "ErrorOutputPrefix cannot be null or empty when Prefix contains expressions");
  EXPECT_EQ(Refused("d/!{firehose:random-string}/", ""),
            "ErrorOutputPrefix cannot be null or empty when Prefix contains expressions");
  EXPECT_EQ(Refused("d/", "e/!{timestamp:yyyy}/"),
            "ErrorOutputPrefix must contain !{firehose:error-output-type} when it contains "
            "expressions");
  EXPECT_NE(Refused("d/!{firehose:error-output-type}/", "e/").find("Prefix cannot contain"),
            std::string::npos);
  EXPECT_NE(Refused("d/!{timestamp:yyyy", "e/").find("the sequence !{ can only appear"),
            std::string::npos);
  EXPECT_NE(Refused("d/!{yyyy}/", "e/").find("is not a !{namespace:value} expression"),
            std::string::npos);
  EXPECT_NE(Refused("d/!{time:yyyy}/", "e/").find("the namespaces are timestamp, firehose"),
            std::string::npos);
  EXPECT_NE(Refused("d/!{firehose:stream-name}/", "e/").find("error-output-type and random"),
            std::string::npos);
  EXPECT_NE(Refused("d/!{partitionKeyFromQuery:id}/", "e/!{firehose:error-output-type}")
                .find("dynamic partitioning"),
            std::string::npos);
  EXPECT_EQ(Refused("d/!{timestamp:yyyy/bb}/", "e/!{firehose:error-output-type}/"),
            "Prefix: the timestamp pattern 'yyyy/bb' is not valid: Unknown pattern letter: b");
}

TEST(ObjectKeyTest, SuffixUsesTheOldestRecordsArrival) {
  auto prefix =
      PrefixExpression::Parse("delivery/!{timestamp:yyyy/MM/dd/HH}/", PrefixKind::kPrefix);
  ASSERT_TRUE(prefix);
  std::string key = ObjectKey(*prefix, {"events", 3, kTuesday, ".gz"});
  std::string expected_start = "delivery/2024/03/05/07/events-3-2024-03-05-07-08-09-";
  ASSERT_EQ(key.rfind(expected_start, 0), 0u) << key;
  std::string uuid = key.substr(expected_start.size(), 36);
  EXPECT_EQ(uuid[8], '-');
  EXPECT_EQ(uuid[14], '4');
  EXPECT_EQ(key.substr(expected_start.size() + 36), ".gz");
  EXPECT_EQ(RandomString(11).size(), 11u);
  EXPECT_EQ(NewRecordId().size(), 112u);
}

}  // namespace
}  // namespace sf::engine::delivery
