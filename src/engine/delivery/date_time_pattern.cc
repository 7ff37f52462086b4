#include "engine/delivery/date_time_pattern.h"

#include <ctime>
#include <string_view>

namespace sf::engine::delivery {

namespace {

constexpr int64_t kMsPerDay = 86400000;

constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                   "May",       "June",     "July",     "August",
                                   "September", "October",  "November", "December"};
constexpr const char* kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                 "Thursday", "Friday", "Saturday"};
constexpr const char* kQuarters[] = {"1st quarter", "2nd quarter", "3rd quarter", "4th quarter"};

// The most letters Java takes for each letter it knows (0: any number), and the exact counts
// for the letters that take only some.
int MaxCount(char letter) {
  switch (letter) {
    case 'G':
    case 'M':
    case 'L':
    case 'Q':
    case 'q':
    case 'E':
    case 'e':
    case 'c':
    case 'X':
    case 'x':
    case 'Z':
      return 5;
    case 'z':
      return 4;
    case 'D':
      return 3;
    case 'd':
    case 'h':
    case 'H':
    case 'k':
    case 'K':
    case 'm':
    case 's':
    case 'w':
      return 2;
    case 'a':
    case 'W':
      return 1;
    case 'u':
    case 'y':
    case 'Y':
    case 'S':
    case 'A':
    case 'n':
    case 'N':
    case 'V':
    case 'O':
      return 0;
    default:
      return -1;  // not a pattern letter
  }
}

tl::expected<void, std::string> CheckCount(char letter, int count) {
  std::string name(1, letter);
  int max = MaxCount(letter);
  if (max < 0) return tl::unexpected<std::string>("Unknown pattern letter: " + name);
  if (letter == 'V' && count != 2)
    return tl::unexpected<std::string>("Pattern letter count must be 2: V");
  if (letter == 'O' && count != 1 && count != 4) {
    return tl::unexpected<std::string>("Pattern letter count must be 1 or 4: O");
  }
  if (letter == 'c' && count == 2) return tl::unexpected<std::string>("Invalid pattern \"cc\"");
  if (letter == 'S' && count > 9) {
    return tl::unexpected<std::string>("Maximum width must be from 1 to 9 inclusive but was " +
                                       std::to_string(count));
  }
  if ((letter == 'n' || letter == 'N' || letter == 'A') && count > 19) {
    return tl::unexpected<std::string>("Too many pattern letters: " + name);
  }
  if (max > 0 && count > max)
    return tl::unexpected<std::string>("Too many pattern letters: " + name);
  return {};
}

std::string Padded(int64_t value, int width) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  if (static_cast<int>(digits.size()) < width) {
    digits.insert(0, static_cast<size_t>(width - static_cast<int>(digits.size())), '0');
  }
  if (value < 0) digits.insert(digits.begin(), '-');
  return digits;
}

// A number as Java prints a field of `count` letters: one letter, as is; two, two digits
// (numbers over 99 as they are); more, padded to the count.
std::string Number(int64_t value, int count) { return Padded(value, count); }

// Java's text forms: count 4 the full name, 5 the narrow (first letter), else the short one.
std::string Text(const char* full, int count) {
  std::string name(full);
  if (count == 4) return name;
  if (count == 5) return name.substr(0, 1);
  return name.substr(0, 3);
}

// The calendar fields of one instant, in UTC.
struct Fields {
  int64_t year = 0;
  int month = 0;  // 1-12
  int day = 0;    // 1-31
  int yday = 0;   // 1-366
  int wday = 0;   // 0 = Sunday
  int hour = 0, minute = 0, second = 0;
  int64_t milli_of_second = 0;
  int64_t milli_of_day = 0;
  int64_t epoch_day = 0;

  explicit Fields(int64_t ms) {
    epoch_day = ms >= 0 ? ms / kMsPerDay : (ms - kMsPerDay + 1) / kMsPerDay;
    milli_of_day = ms - epoch_day * kMsPerDay;
    milli_of_second = milli_of_day % 1000;
    time_t seconds = static_cast<time_t>(epoch_day * 86400 + milli_of_day / 1000);
    struct tm parts {};
    gmtime_r(&seconds, &parts);
    year = parts.tm_year + 1900;
    month = parts.tm_mon + 1;
    day = parts.tm_mday;
    yday = parts.tm_yday + 1;
    wday = parts.tm_wday;
    hour = parts.tm_hour;
    minute = parts.tm_min;
    second = parts.tm_sec;
  }

  // The epoch day of the Sunday that starts the week holding `epoch`, whose weekday is `wd`.
  static int64_t WeekStart(int64_t epoch, int wd) { return epoch - wd; }

  static int64_t JanuaryFirst(int64_t y) {
    struct tm parts {};
    parts.tm_year = static_cast<int>(y - 1900);
    parts.tm_mday = 1;
    return static_cast<int64_t>(timegm(&parts)) / 86400;
  }

  // Sunday-based weeks, week 1 holding January 1st (Locale.US): the week-based year and week.
  std::pair<int64_t, int> WeekOfYear() const {
    int64_t start = WeekStart(epoch_day, wday);
    int64_t next_jan = JanuaryFirst(year + 1);
    int64_t next_week1 = WeekStart(next_jan, static_cast<int>(((next_jan % 7) + 11) % 7));
    if (start >= next_week1) return {year + 1, 1};
    int64_t jan = JanuaryFirst(year);
    int64_t week1 = WeekStart(jan, static_cast<int>(((jan % 7) + 11) % 7));
    return {year, static_cast<int>((start - week1) / 7 + 1)};
  }

  int WeekOfMonth() const {
    int64_t first = epoch_day - (day - 1);
    int first_wday = ((wday - (day - 1)) % 7 + 7) % 7;
    return static_cast<int>((WeekStart(epoch_day, wday) - WeekStart(first, first_wday)) / 7 + 1);
  }
};

std::string Year(int64_t year, int count) {
  if (count == 2) return Padded(year % 100, 2);
  return Padded(year, count);
}

std::string Fraction(int64_t milli_of_second, int count) {
  return Padded(milli_of_second * 1000000, 9).substr(0, static_cast<size_t>(count));
}

std::string Zone(char letter, int count) {
  switch (letter) {
    case 'V':
      return "UTC";
    case 'z':
      return count == 4 ? "Coordinated Universal Time" : "UTC";
    case 'O':
      return "GMT";
    case 'X':
      return "Z";
    case 'x':
      return count == 1 ? "+00" : count == 3 || count == 5 ? "+00:00" : "+0000";
    default:  // 'Z'
      return count == 4 ? "GMT" : count == 5 ? "Z" : "+0000";
  }
}

std::string FormatField(char letter, int count, const Fields& f) {
  switch (letter) {
    case 'G':
      return count == 4 ? "Anno Domini" : count == 5 ? "A" : "AD";
    case 'u':
    case 'y':
      return Year(f.year, count);
    case 'Y':
      return Year(f.WeekOfYear().first, count);
    case 'w':
      return Number(f.WeekOfYear().second, count);
    case 'W':
      return Number(f.WeekOfMonth(), count);
    case 'D':
      return Number(f.yday, count);
    case 'M':
    case 'L':
      return count <= 2 ? Number(f.month, count) : Text(kMonths[f.month - 1], count);
    case 'd':
      return Number(f.day, count);
    case 'Q':
    case 'q': {
      int quarter = (f.month - 1) / 3 + 1;
      if (count == 3) return std::string(1, 'Q').append(std::to_string(quarter));
      if (count == 4) return kQuarters[quarter - 1];
      return Number(quarter, count == 5 ? 1 : count);
    }
    case 'E':
      return Text(kDays[f.wday], count);
    case 'e':
    case 'c':
      return count <= 2 ? Number(f.wday + 1, count) : Text(kDays[f.wday], count);
    case 'a':
      return f.hour < 12 ? "AM" : "PM";
    case 'h':
      return Number(f.hour % 12 == 0 ? 12 : f.hour % 12, count);
    case 'K':
      return Number(f.hour % 12, count);
    case 'k':
      return Number(f.hour == 0 ? 24 : f.hour, count);
    case 'H':
      return Number(f.hour, count);
    case 'm':
      return Number(f.minute, count);
    case 's':
      return Number(f.second, count);
    case 'S':
      return Fraction(f.milli_of_second, count);
    case 'A':
      return Number(f.milli_of_day, count);
    case 'n':
      return Number(f.milli_of_second * 1000000, count);
    case 'N':
      return Number(f.milli_of_day * 1000000, count);
    default:
      return Zone(letter, count);
  }
}

bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

tl::expected<DateTimePattern, std::string> DateTimePattern::Compile(std::string_view pattern) {
  DateTimePattern out;
  int optional_depth = 0;
  for (size_t i = 0; i < pattern.size();) {
    char c = pattern[i];
    if (IsLetter(c)) {
      size_t start = i;
      while (i < pattern.size() && pattern[i] == c) ++i;
      int count = static_cast<int>(i - start);
      if (c == 'F' || c == 'p') {
        return tl::unexpected<std::string>("pattern letter " + std::string(1, c) +
                                           " is not evaluated by the engine");
      }
      if (auto checked = CheckCount(c, count); !checked) return tl::unexpected(checked.error());
      out.parts_.push_back({c, count, {}});
      continue;
    }
    if (c == '\'') {
      size_t end = i + 1;
      std::string literal;
      for (;;) {
        if (end >= pattern.size()) {
          return tl::unexpected<std::string>("Pattern ends with an incomplete string literal: " +
                                             std::string(pattern));
        }
        if (pattern[end] == '\'') {
          if (end + 1 < pattern.size() && pattern[end + 1] == '\'') {
            literal += '\'';
            end += 2;
            continue;
          }
          break;
        }
        literal += pattern[end++];
      }
      out.parts_.push_back({0, 0, end == i + 1 ? std::string("'") : literal});
      i = end + 1;
      continue;
    }
    if (c == '{' || c == '}' || c == '#') {
      return tl::unexpected<std::string>(std::string("Pattern includes reserved character: '") + c +
                                         "'");
    }
    if (c == '[') {
      ++optional_depth;
    } else if (c == ']') {
      if (optional_depth == 0) {
        return tl::unexpected<std::string>("Pattern invalid as it contains ] without previous [");
      }
      --optional_depth;
    } else {
      out.parts_.push_back({0, 0, std::string(1, c)});
    }
    ++i;
  }
  return out;
}

std::string DateTimePattern::Format(int64_t ms) const {
  Fields fields(ms);
  std::string out;
  for (const Part& part : parts_) {
    out += part.letter == 0 ? part.text : FormatField(part.letter, part.count, fields);
  }
  return out;
}

}  // namespace sf::engine::delivery
