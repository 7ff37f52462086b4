#include "engine/api/s3/xml/s3_time.h"

#include <algorithm>
#include <array>
#include <chrono>

namespace sf::engine::s3 {

namespace {

constexpr int64_t kMsPerDay = 86'400'000;
constexpr int64_t kMaxFormattedMs = 253'402'300'799'999;  // 9999-12-31T23:59:59.999Z

constexpr std::array<std::string_view, 7> kShortDays = {"Sun", "Mon", "Tue", "Wed",
                                                        "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kLongDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct CivilDate {
  int64_t year;
  int month;  // 1-12
  int day;    // 1-31
};

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(CivilDate date) {
  int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t year_of_era = y - era * 400;
  int64_t shifted_month = date.month > 2 ? date.month - 3 : date.month + 9;
  int64_t day_of_year = (153 * shifted_month + 2) / 5 + date.day - 1;
  int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

// The inverse, for days >= 0.
CivilDate CivilFromDays(int64_t days) {
  int64_t z = days + 719468;
  int64_t era = z / 146097;
  int64_t day_of_era = z - era * 146097;
  int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  int64_t shifted_month = (5 * day_of_year + 2) / 153;
  int day = static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
  int month = static_cast<int>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
  int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

void AppendDigits(std::string& out, int64_t value, int width) {
  std::string digits(static_cast<size_t>(width), '0');
  for (int i = width - 1; i >= 0 && value > 0; --i, value /= 10) {
    digits[static_cast<size_t>(i)] = static_cast<char>('0' + value % 10);
  }
  out += digits;
}

// Broken-down UTC time of a clamped ms value.
struct Moment {
  CivilDate date;
  int64_t ms_of_day;
  int weekday;  // 0 = Sunday
};

Moment Split(int64_t ms) {
  ms = std::clamp<int64_t>(ms, 0, kMaxFormattedMs);
  int64_t days = ms / kMsPerDay;
  return {CivilFromDays(days), ms % kMsPerDay, static_cast<int>((days + 4) % 7)};
}

void AppendClock(std::string& out, int64_t ms_of_day) {
  AppendDigits(out, ms_of_day / 3'600'000, 2);
  out += ':';
  AppendDigits(out, ms_of_day / 60'000 % 60, 2);
  out += ':';
  AppendDigits(out, ms_of_day / 1000 % 60, 2);
}

// A left-to-right reader of an HTTP-date.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool Literal(std::string_view literal) {
    if (text_.substr(pos_, literal.size()) != literal) return false;
    pos_ += literal.size();
    return true;
  }
  // Exactly `count` decimal digits.
  std::optional<int> Digits(size_t count) {
    if (pos_ + count > text_.size()) return std::nullopt;
    int value = 0;
    for (size_t i = 0; i < count; ++i) {
      char c = text_[pos_ + i];
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
    }
    pos_ += count;
    return value;
  }
  // The index of the name in `names` that comes next.
  template <size_t N>
  std::optional<int> OneOf(const std::array<std::string_view, N>& names) {
    for (size_t i = 0; i < N; ++i) {
      if (Literal(names[i])) return static_cast<int>(i);
    }
    return std::nullopt;
  }
  bool AtEnd() const { return pos_ == text_.size(); }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

struct Fields {
  int64_t year = 0;
  int month = 0;  // 1-12
  int day = 0;
  int hour = 0, minute = 0, second = 0;
};

bool ReadMonth(Cursor& in, Fields& f) {
  auto month = in.OneOf(kMonths);
  if (!month) return false;
  f.month = *month + 1;
  return true;
}

bool ReadClock(Cursor& in, Fields& f) {
  auto hour = in.Digits(2);
  if (!hour || !in.Literal(":")) return false;
  auto minute = in.Digits(2);
  if (!minute || !in.Literal(":")) return false;
  auto second = in.Digits(2);
  if (!second || *hour > 23 || *minute > 59 || *second > 60) return false;
  f.hour = *hour;
  f.minute = *minute;
  f.second = *second;
  return true;
}

bool ReadYear4(Cursor& in, Fields& f) {
  auto year = in.Digits(4);
  if (year) f.year = *year;
  return year.has_value();
}

// "06 Nov 1994 08:49:37 GMT", after "Sun, ".
bool ReadImfFixdate(Cursor& in, Fields& f) {
  auto day = in.Digits(2);
  if (!day || !in.Literal(" ") || !ReadMonth(in, f) || !in.Literal(" ")) return false;
  f.day = *day;
  return ReadYear4(in, f) && in.Literal(" ") && ReadClock(in, f) && in.Literal(" GMT");
}

// "06-Nov-94 08:49:37 GMT", after "Sunday, ".
bool ReadRfc850(Cursor& in, Fields& f, int64_t now_year) {
  auto day = in.Digits(2);
  if (!day || !in.Literal("-") || !ReadMonth(in, f) || !in.Literal("-")) return false;
  auto year = in.Digits(2);
  if (!year) return false;
  f.day = *day;
  f.year = now_year - now_year % 100 + *year;
  if (f.year > now_year + 50) f.year -= 100;
  if (f.year <= now_year - 50) f.year += 100;
  return in.Literal(" ") && ReadClock(in, f) && in.Literal(" GMT");
}

// "Nov  6 08:49:37 1994", after "Sun ".
bool ReadAsctime(Cursor& in, Fields& f) {
  if (!ReadMonth(in, f) || !in.Literal(" ")) return false;
  auto day = in.Literal(" ") ? in.Digits(1) : in.Digits(2);
  if (!day) return false;
  f.day = *day;
  return in.Literal(" ") && ReadClock(in, f) && in.Literal(" ") && ReadYear4(in, f);
}

std::string_view TrimSpaces(std::string_view text) {
  size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  size_t last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

bool ReadHttpDate(std::string_view text, int64_t now_ms, Fields& f) {
  Cursor in(text);
  if (in.OneOf(kLongDays)) {
    return in.Literal(", ") && ReadRfc850(in, f, Split(now_ms).date.year) && in.AtEnd();
  }
  if (!in.OneOf(kShortDays)) return false;
  if (in.Literal(", ")) return ReadImfFixdate(in, f) && in.AtEnd();
  return in.Literal(" ") && ReadAsctime(in, f) && in.AtEnd();
}

}  // namespace

std::string FormatIso8601Ms(int64_t ms) {
  Moment moment = Split(ms);
  std::string out;
  out.reserve(24);
  AppendDigits(out, moment.date.year, 4);
  out += '-';
  AppendDigits(out, moment.date.month, 2);
  out += '-';
  AppendDigits(out, moment.date.day, 2);
  out += 'T';
  AppendClock(out, moment.ms_of_day);
  out += '.';
  AppendDigits(out, moment.ms_of_day % 1000, 3);
  out += 'Z';
  return out;
}

std::string FormatHttpDate(int64_t ms) {
  Moment moment = Split(ms);
  std::string out;
  out.reserve(29);
  out.append(kShortDays[static_cast<size_t>(moment.weekday)]).append(", ");
  AppendDigits(out, moment.date.day, 2);
  out.append(" ").append(kMonths[static_cast<size_t>(moment.date.month - 1)]).append(" ");
  AppendDigits(out, moment.date.year, 4);
  out += ' ';
  AppendClock(out, moment.ms_of_day);
  out.append(" GMT");
  return out;
}

std::optional<int64_t> ParseHttpDate(std::string_view text, int64_t now_ms) {
  Fields f;
  if (!ReadHttpDate(TrimSpaces(text), now_ms, f)) return std::nullopt;
  if (f.day < 1 || f.day > DaysInMonth(f.year, f.month)) return std::nullopt;
  int64_t days = DaysFromCivil({f.year, f.month, f.day});
  int64_t seconds = days * 86'400 + f.hour * 3'600 + f.minute * 60 + f.second;
  return seconds * 1000;
}

std::optional<int64_t> ParseHttpDate(std::string_view text) {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return ParseHttpDate(text, std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

}  // namespace sf::engine::s3
