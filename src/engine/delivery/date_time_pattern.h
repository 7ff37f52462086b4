#pragma once
// A Java DateTimeFormatter pattern ("yyyy/MM/dd/HH", "yyyy'-'MM'-'dd", "EEE, d MMM") as
// Firehose evaluates one in a `!{timestamp:<pattern>}` prefix expression: in UTC, in English
// (Locale.US: weeks start on Sunday, week 1 holds January 1st).
//
// Compile accepts what Java's DateTimeFormatter.ofPattern accepts and refuses what it refuses,
// with Java's reason ("Unknown pattern letter: b", "Too many pattern letters: M", "Pattern
// includes reserved character: '#'"), for these letters:
//   G era, u y Y years, D M L d Q q dates, E e c days of the week, w W weeks, a h K k H m s
//   S A n N times, V z O X x Z zones (UTC: "UTC", "Z", "+0000", ...)
// plus 'quoted text', '' for a quote and [optional sections] (always printed: every field is
// known). Two letters Java accepts are refused here, because their meaning varies between Java
// versions or needs padding rules the engine does not model: F and p.
//
// Plain data; thread-safe to share once compiled.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace sf::engine::delivery {

class DateTimePattern {
 public:
  // The compiled pattern, or why Java (or the engine) refuses it.
  static tl::expected<DateTimePattern, std::string> Compile(std::string_view pattern);

  // The instant `ms` (milliseconds since the Unix epoch, UTC) formatted by the pattern.
  std::string Format(int64_t ms) const;

 private:
  struct Part {
    char letter = 0;     // 0: `text` is a literal
    int count = 0;       // how many times the letter repeats
    std::string text{};  // the literal
  };
  std::vector<Part> parts_;
};

}  // namespace sf::engine::delivery
