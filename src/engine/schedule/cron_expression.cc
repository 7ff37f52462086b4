#include "engine/schedule/cron_expression.h"

#include <array>
#include <cctype>
#include <charconv>
#include <string>
#include <vector>

namespace sf::engine::schedule {

namespace {

constexpr std::array<std::string_view, 12> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 7> kDayNames = {"SUN", "MON", "TUE", "WED",
                                                       "THU", "FRI", "SAT"};

// The values one field takes, and the names that stand for them (the first name is `min`).
struct FieldSpec {
  int min;
  int max;
  const std::string_view* names = nullptr;
  size_t name_count = 0;
  bool wraps = true;  // a range low-high with low > high wraps around (not for years)
  int span() const { return max - min + 1; }
};

constexpr FieldSpec kMinutes{0, 59};
constexpr FieldSpec kHours{0, 23};
constexpr FieldSpec kDaysOfMonth{1, 31};
constexpr FieldSpec kMonths{1, 12, kMonthNames.data(), kMonthNames.size()};
constexpr FieldSpec kDaysOfWeek{1, 7, kDayNames.data(), kDayNames.size()};
constexpr FieldSpec kYears{kFirstYear, kLastYear, nullptr, 0, false};

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

struct Civil {
  int year;
  int month;
  int day;
};

// Howard Hinnant's civil_from_days.
Civil CivilFromDays(int64_t z) {
  z += 719468;
  int64_t era = FloorDiv(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

std::optional<int> ParseNumber(std::string_view text) {
  if (text.empty() || text.size() > 4) return std::nullopt;
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// A number or (where the field has them) a name, within the field's range.
std::optional<int> ParseValue(std::string_view text, const FieldSpec& spec) {
  std::optional<int> value = ParseNumber(text);
  if (!value && text.size() == 3) {
    std::string upper;
    for (char c : text) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (size_t i = 0; i < spec.name_count; ++i) {
      if (spec.names[i] == upper) value = spec.min + static_cast<int>(i);
    }
  }
  if (!value || *value < spec.min || *value > spec.max) return std::nullopt;
  return value;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (;;) {
    size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

// Sets in `out` (indexed by value - offset) the values one list item names: "*", "a", "a-b",
// each optionally "/step". False when the item is malformed.
template <size_t N>
bool ParseItem(std::string_view item, const FieldSpec& spec, std::bitset<N>& out, int offset) {
  int step = 1;
  bool stepped = false;
  if (size_t slash = item.find('/'); slash != std::string_view::npos) {
    auto parsed = ParseNumber(item.substr(slash + 1));
    if (!parsed || *parsed < 1 || *parsed > spec.span()) return false;
    step = *parsed;
    stepped = true;
    item = item.substr(0, slash);
  }
  int low = spec.min;
  int high = spec.max;
  if (item != "*") {
    size_t dash = item.find('-');
    auto first = ParseValue(item.substr(0, dash), spec);
    if (!first) return false;
    low = *first;
    high = stepped ? spec.max : low;  // "a/step" runs to the field's end
    if (dash != std::string_view::npos) {
      auto last = ParseValue(item.substr(dash + 1), spec);
      if (!last || (*last < low && !spec.wraps)) return false;
      high = *last;
    }
  }
  int unwrapped_high = high >= low ? high : high + spec.span();
  for (int v = low; v <= unwrapped_high; v += step) {
    int value = spec.min + (v - spec.min) % spec.span();
    out.set(static_cast<size_t>(value - offset));
  }
  return true;
}

template <size_t N>
bool ParseList(std::string_view field, const FieldSpec& spec, std::bitset<N>& out, int offset) {
  if (field.empty()) return false;
  for (std::string_view item : Split(field, ',')) {
    if (!ParseItem(item, spec, out, offset)) return false;
  }
  return true;
}

template <size_t N>
int NextSet(const std::bitset<N>& bits, int from) {
  for (size_t i = static_cast<size_t>(from); i < N; ++i) {
    if (bits[i]) return static_cast<int>(i);
  }
  return -1;
}

std::vector<std::string_view> Fields(std::string_view text) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    size_t end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    fields.push_back(text.substr(i, end - i));
    i = end;
  }
  return fields;
}

}  // namespace

int64_t DaysFromCivil(int year, int month, int day) {
  int64_t y = year - (month <= 2);
  int64_t era = FloorDiv(y, 400);
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

int CronWeekday(int year, int month, int day) {
  int64_t days = DaysFromCivil(year, month, day);
  return static_cast<int>(((days % 7) + 7 + 4) % 7) + 1;  // 1970-01-01 was a Thursday (5)
}

std::optional<CronExpression> CronExpression::Parse(std::string_view text) {
  std::vector<std::string_view> fields = Fields(text);
  if (fields.size() != 6) return std::nullopt;
  CronExpression cron;
  if (!ParseList(fields[0], kMinutes, cron.minutes_, 0) ||
      !ParseList(fields[1], kHours, cron.hours_, 0) ||
      !ParseList(fields[3], kMonths, cron.months_, 0) ||
      !ParseList(fields[5], kYears, cron.years_, kFirstYear)) {
    return std::nullopt;
  }
  std::string_view dom = fields[2];
  std::string_view dow = fields[4];
  if ((dom == "?") == (dow == "?")) return std::nullopt;  // exactly one of them is '?'
  if (dom == "L") {
    cron.dom_kind_ = DayOfMonth::kLast;
  } else if (dom == "LW") {
    cron.dom_kind_ = DayOfMonth::kLastWeekday;
  } else if (dom.size() > 1 && dom.back() == 'W') {
    auto day = ParseNumber(dom.substr(0, dom.size() - 1));
    if (!day || *day < 1 || *day > 31) return std::nullopt;
    cron.dom_kind_ = DayOfMonth::kNearestWeekday;
    cron.dom_day_ = *day;
  } else if (dom != "?") {
    if (!ParseList(dom, kDaysOfMonth, cron.days_, 0)) return std::nullopt;
    cron.dom_kind_ = DayOfMonth::kSet;
  }
  if (dow == "L") {
    cron.dow_kind_ = DayOfWeek::kSet;
    cron.weekdays_.set(7);  // the week's last day: Saturday
  } else if (size_t hash = dow.find('#'); hash != std::string_view::npos) {
    auto day = ParseValue(dow.substr(0, hash), kDaysOfWeek);
    auto nth = ParseNumber(dow.substr(hash + 1));
    if (!day || !nth || *nth < 1 || *nth > 5) return std::nullopt;
    cron.dow_kind_ = DayOfWeek::kNth;
    cron.dow_day_ = *day;
    cron.dow_nth_ = *nth;
  } else if (dow.size() > 1 && dow.back() == 'L') {
    auto day = ParseValue(dow.substr(0, dow.size() - 1), kDaysOfWeek);
    if (!day) return std::nullopt;
    cron.dow_kind_ = DayOfWeek::kLastOfMonth;
    cron.dow_day_ = *day;
  } else if (dow != "?") {
    if (!ParseList(dow, kDaysOfWeek, cron.weekdays_, 0)) return std::nullopt;
    cron.dow_kind_ = DayOfWeek::kSet;
  }
  return cron;
}

bool CronExpression::MatchesDayOfMonth(int year, int month, int day) const {
  int last = DaysInMonth(year, month);
  switch (dom_kind_) {
    case DayOfMonth::kNone:
      return false;
    case DayOfMonth::kSet:
      return days_[static_cast<size_t>(day)];
    case DayOfMonth::kLast:
      return day == last;
    case DayOfMonth::kLastWeekday: {
      int weekday = CronWeekday(year, month, last);
      int target = weekday == 1 ? last - 2 : weekday == 7 ? last - 1 : last;
      return day == target;
    }
    case DayOfMonth::kNearestWeekday: {
      if (dom_day_ > last) return false;
      int weekday = CronWeekday(year, month, dom_day_);
      int target = dom_day_;
      if (weekday == 7) target = dom_day_ == 1 ? 3 : dom_day_ - 1;            // Saturday
      if (weekday == 1) target = dom_day_ == last ? last - 2 : dom_day_ + 1;  // Sunday
      return day == target;
    }
  }
  return false;
}

bool CronExpression::MatchesDayOfWeek(int year, int month, int day) const {
  int weekday = CronWeekday(year, month, day);
  switch (dow_kind_) {
    case DayOfWeek::kNone:
      return false;
    case DayOfWeek::kSet:
      return weekdays_[static_cast<size_t>(weekday)];
    case DayOfWeek::kLastOfMonth:
      return weekday == dow_day_ && day + 7 > DaysInMonth(year, month);
    case DayOfWeek::kNth:
      return weekday == dow_day_ && (day - 1) / 7 + 1 == dow_nth_;
  }
  return false;
}

bool CronExpression::MatchesDay(int year, int month, int day) const {
  return dom_kind_ != DayOfMonth::kNone ? MatchesDayOfMonth(year, month, day)
                                        : MatchesDayOfWeek(year, month, day);
}

std::optional<int64_t> CronExpression::NextAfter(int64_t after_ms) const {
  int64_t minute = FloorDiv(after_ms, 60000) + 1;
  int64_t days = FloorDiv(minute, 1440);
  int minute_of_day = static_cast<int>(minute - days * 1440);
  Civil date = CivilFromDays(days);
  int hour = minute_of_day / 60;
  int min = minute_of_day % 60;
  auto next_day = [&] {
    hour = 0;
    min = 0;
    if (++date.day > DaysInMonth(date.year, date.month)) {
      date.day = 1;
      if (++date.month > 12) {
        date.month = 1;
        ++date.year;
      }
    }
  };
  if (date.year < kFirstYear) date = {kFirstYear, 1, 1}, hour = 0, min = 0;
  // Each pass moves forward by at least a minute and at most skips whole years, months or days,
  // so the search is bounded by the calendar up to 2199.
  while (date.year <= kLastYear) {
    if (!years_[static_cast<size_t>(date.year - kFirstYear)]) {
      date = {date.year + 1, 1, 1};
      hour = min = 0;
      continue;
    }
    if (!months_[static_cast<size_t>(date.month)]) {
      date.day = DaysInMonth(date.year, date.month);
      next_day();
      continue;
    }
    if (!MatchesDay(date.year, date.month, date.day)) {
      next_day();
      continue;
    }
    int h = NextSet(hours_, hour);
    if (h < 0) {
      next_day();
      continue;
    }
    if (h != hour) hour = h, min = 0;
    int m = NextSet(minutes_, min);
    if (m < 0) {
      if (++hour > 23) next_day();
      min = 0;
      continue;
    }
    int64_t day_number = DaysFromCivil(date.year, date.month, date.day);
    return (day_number * 1440 + hour * 60 + m) * 60000;
  }
  return std::nullopt;
}

}  // namespace sf::engine::schedule
