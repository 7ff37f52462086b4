// S3's time formats: ISO 8601 with milliseconds, IMF-fixdate, and the three HTTP-date forms.
// Expected values computed with Python's calendar.timegm and email.utils.formatdate.

#include "engine/api/s3/xml/s3_time.h"

#include <gtest/gtest.h>

namespace sf::engine::s3 {
namespace {

constexpr int64_t kNov2026 = 1795325700123;    // 2026-11-22T05:35:00.123Z, a Sunday
constexpr int64_t kRfcExample = 784111777000;  // Sun, 06 Nov 1994 08:49:37 GMT
constexpr int64_t kNow = kNov2026;

TEST(S3TimeTest, FormatIso8601Ms) {
  EXPECT_EQ(FormatIso8601Ms(kNov2026), "2026-11-22T05:35:00.123Z");
  EXPECT_EQ(FormatIso8601Ms(1795325700000), "2026-11-22T05:35:00.000Z");
  EXPECT_EQ(FormatIso8601Ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIso8601Ms(951868799999), "2000-02-29T23:59:59.999Z");
  EXPECT_EQ(FormatIso8601Ms(253402300799999), "9999-12-31T23:59:59.999Z");
}

TEST(S3TimeTest, FormatClamps) {
  EXPECT_EQ(FormatIso8601Ms(-1), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIso8601Ms(INT64_MIN), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIso8601Ms(INT64_MAX), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatHttpDate(INT64_MAX), "Fri, 31 Dec 9999 23:59:59 GMT");
}

TEST(S3TimeTest, FormatHttpDate) {
  EXPECT_EQ(FormatHttpDate(kNov2026), "Sun, 22 Nov 2026 05:35:00 GMT");
  EXPECT_EQ(FormatHttpDate(kRfcExample), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(FormatHttpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(FormatHttpDate(951868799999), "Tue, 29 Feb 2000 23:59:59 GMT");
}

TEST(S3TimeTest, ParsesTheThreeForms) {
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT", kNow), kRfcExample);
  EXPECT_EQ(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT", kNow), kRfcExample);
  EXPECT_EQ(ParseHttpDate("Sun Nov  6 08:49:37 1994", kNow), kRfcExample);
  EXPECT_EQ(ParseHttpDate("Sun Nov 16 08:49:37 1994", kNow), kRfcExample + 10 * 86'400'000);
  EXPECT_EQ(ParseHttpDate("  Sun, 06 Nov 1994 08:49:37 GMT\t", kNow), kRfcExample);
  EXPECT_EQ(ParseHttpDate("Thu, 29 Feb 2024 12:00:00 GMT", kNow), 1709208000000);
  EXPECT_EQ(ParseHttpDate("Mon, 01 Jan 1900 00:00:00 GMT", kNow), -2208988800000);
  // The day name is not checked against the date (most servers are as lenient).
  EXPECT_EQ(ParseHttpDate("Mon, 06 Nov 1994 08:49:37 GMT", kNow), kRfcExample);
  // A leap second is accepted.
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:60 GMT", kNow), kRfcExample + 23'000);
}

TEST(S3TimeTest, RoundTripsFormattedDates) {
  for (int64_t ms : {int64_t{0}, kRfcExample, int64_t{1795325700000}, int64_t{951868799000}}) {
    EXPECT_EQ(ParseHttpDate(FormatHttpDate(ms), kNow), ms);
  }
}

TEST(S3TimeTest, TwoDigitYearsAreAtMostFiftyYearsAhead) {
  // Now is 2026: 76 is 2076, 77 is 1977.
  EXPECT_EQ(ParseHttpDate("Sunday, 01-Mar-76 00:00:00 GMT", kNow), 3350246400000);
  EXPECT_EQ(ParseHttpDate("Tuesday, 01-Mar-77 00:00:00 GMT", kNow), 226022400000);
  // Relative to the system clock it is still a 20th- or 21st-century date.
  auto parsed = ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, kRfcExample);
}

TEST(S3TimeTest, RejectsWhatIsNotAnHttpDate) {
  for (std::string_view text : {
           "",
           "   ",
           "2026-11-22T05:35:00.000Z",
           "Sun, 06 Nov 1994 08:49:37 UTC",     // GMT only
           "Sun, 06 Nov 1994 08:49:37 gmt",     // case-sensitive
           "sun, 06 Nov 1994 08:49:37 GMT",     // case-sensitive
           "Sun, 06 nov 1994 08:49:37 GMT",     // case-sensitive
           "Sun, 6 Nov 1994 08:49:37 GMT",      // two-digit day
           "Sun, 06 Nov 94 08:49:37 GMT",       // four-digit year
           "Sun, 06 Nov 1994 8:49:37 GMT",      // two-digit hour
           "Sun, 06 Nov 1994 24:00:00 GMT",     // hour 0-23
           "Sun, 06 Nov 1994 08:60:00 GMT",     // minute 0-59
           "Sun, 06 Nov 1994 08:49:61 GMT",     // second 0-60
           "Sun, 31 Apr 1994 08:49:37 GMT",     // no 31 April
           "Sun, 29 Feb 2100 08:49:37 GMT",     // 2100 is not a leap year
           "Sun, 00 Nov 1994 08:49:37 GMT",     // no day 0
           "Sun, 06 Nov 1994 08:49:37 GMT x",   // trailing text
           "Sun 06 Nov 1994 08:49:37 GMT",      // comma
           "Sunday, 06 Nov 1994 08:49:37 GMT",  // long day name needs RFC 850's date
           "Sun, 06-Nov-94 08:49:37 GMT",       // RFC 850 needs the long day name
           "Sun Nov 6 08:49:37 1994",           // asctime pads the day with a space
           "Sun Nov  6 08:49:37 1994 GMT",      // asctime has no zone
           "Xyz, 06 Nov 1994 08:49:37 GMT",     // not a day name
       }) {
    EXPECT_FALSE(ParseHttpDate(text, kNow).has_value()) << text;
  }
}

}  // namespace
}  // namespace sf::engine::s3
