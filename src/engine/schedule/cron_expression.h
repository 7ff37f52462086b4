#pragma once
// EventBridge's cron: the six fields of cron(Minutes Hours Day-of-month Month Day-of-week Year),
// in UTC, as EventBridge rules accept them:
//
//   field          values               wildcards
//   Minutes        0-59                 , - * /
//   Hours          0-23                 , - * /
//   Day-of-month   1-31                 , - * / ? L W
//   Month          1-12 or JAN-DEC      , - * /
//   Day-of-week    1-7 or SUN-SAT       , - * / ? L #
//   Year           1970-2199            , - * /
//
// Exactly one of Day-of-month and Day-of-week is '?'. Names are case-insensitive; day 1 is
// Sunday. A step is "start/step", "*/step" or "low-high/step"; a range may wrap around
// (hours "22-2", days "FRI-MON") except in Year. Day-of-month "L" is the month's last day,
// "LW" its last weekday, "15W" the weekday nearest the 15th within the month; Day-of-week "L"
// alone is Saturday (the week's last day), "6L" the month's last Friday, "2#1" its first Monday.
// "L", "W" and "#" stand alone in their field, not in lists or ranges (as in Quartz, which
// EventBridge's cron follows).
//
// Plain data; thread-safe to share once parsed.

#include <bitset>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sf::engine::schedule {

inline constexpr int kFirstYear = 1970;
inline constexpr int kLastYear = 2199;

class CronExpression {
 public:
  // The six fields (the text between "cron(" and ")"); nullopt when EventBridge would refuse it.
  static std::optional<CronExpression> Parse(std::string_view fields);

  // The first whole minute strictly after `after_ms` (ms since the epoch, UTC) that the
  // expression names; nullopt when there is none before the end of 2199.
  std::optional<int64_t> NextAfter(int64_t after_ms) const;

 private:
  enum class DayOfMonth { kNone, kSet, kLast, kLastWeekday, kNearestWeekday };
  enum class DayOfWeek { kNone, kSet, kLastOfMonth, kNth };

  bool MatchesDay(int year, int month, int day) const;
  bool MatchesDayOfMonth(int year, int month, int day) const;
  bool MatchesDayOfWeek(int year, int month, int day) const;

  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<13> months_;  // 1-12
  std::bitset<kLastYear - kFirstYear + 1> years_;
  DayOfMonth dom_kind_ = DayOfMonth::kNone;  // kNone: '?'
  std::bitset<32> days_;                     // 1-31, for kSet
  int dom_day_ = 0;                          // for kNearestWeekday
  DayOfWeek dow_kind_ = DayOfWeek::kNone;    // kNone: '?'
  std::bitset<8> weekdays_;                  // 1-7 (SUN-SAT), for kSet
  int dow_day_ = 0;                          // 1-7, for kLastOfMonth and kNth
  int dow_nth_ = 0;                          // 1-5, for kNth
};

// Calendar helpers (proleptic Gregorian, UTC), shared with the tests.
int64_t DaysFromCivil(int year, int month, int day);
int DaysInMonth(int year, int month);
// 1 = Sunday ... 7 = Saturday, as cron's Day-of-week counts.
int CronWeekday(int year, int month, int day);

}  // namespace sf::engine::schedule
