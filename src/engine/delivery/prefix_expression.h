#pragma once
// The Prefix and ErrorOutputPrefix of an S3 destination: text with `!{namespace:value}`
// expressions that Firehose evaluates for every object it writes.
//
//   !{timestamp:<pattern>}      the arrival time of the oldest record in the object, formatted
//                               by a Java DateTimeFormatter pattern (date_time_pattern.h), UTC;
//                               every timestamp of one key is the same instant
//   !{firehose:random-string}   11 random characters [a-zA-Z0-9], new for every object
//   !{firehose:error-output-type}  why records failed (ErrorOutputPrefix only)
//
// Firehose's rules, which CheckPrefixes enforces with its InvalidArgumentException wording ("Ths
// supplied prefix(es) do not satisfy the following constraint: ..." -- the typo is AWS's own):
//   - "!{" appears only as the start of a whole expression, of a known namespace and value;
//   - Prefix cannot use !{firehose:error-output-type};
//   - ErrorOutputPrefix cannot be empty when Prefix has expressions;
//   - an ErrorOutputPrefix with expressions has at least one !{firehose:error-output-type};
//   - partitionKeyFromQuery / partitionKeyFromLambda need dynamic partitioning, which the engine
//     does not run: they are refused.
// A Prefix without a timestamp expression (an empty one included) gets Firehose's default
// "yyyy/MM/dd/HH/" appended when it is evaluated.
//
// Plain data; thread-safe to share once parsed.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "engine/delivery/date_time_pattern.h"

namespace sf::engine::delivery {

inline constexpr char kPrefixConstraint[] =
    "Ths supplied prefix(es) do not satisfy the following constraint: ";
inline constexpr size_t kRandomStringLength = 11;

enum class PrefixKind { kPrefix, kErrorOutputPrefix };

// What an evaluation needs besides the prefix: the instant, the error type (ErrorOutputPrefix),
// and the source of !{firehose:random-string} values.
struct PrefixContext {
  int64_t time_ms = 0;
  std::string_view error_output_type = {};
  std::function<std::string()> random_string = {};
};

class PrefixExpression {
 public:
  // The parsed prefix, or the constraint it breaks (without kPrefixConstraint).
  static tl::expected<PrefixExpression, std::string> Parse(std::string_view text, PrefixKind kind);

  bool has_expressions() const { return expressions_ > 0; }
  bool has_timestamp() const { return timestamps_ > 0; }
  bool has_error_output_type() const { return error_types_ > 0; }

  // The text with every expression replaced; a Prefix without a timestamp expression ends with
  // the default "yyyy/MM/dd/HH/" formatted at the same instant.
  std::string Evaluate(const PrefixContext& context) const;

 private:
  enum class Kind { kText, kTimestamp, kRandomString, kErrorOutputType };
  struct Part {
    Kind kind = Kind::kText;
    std::string text{};
    std::optional<DateTimePattern> pattern{};
  };
  PrefixKind prefix_kind_ = PrefixKind::kPrefix;
  std::vector<Part> parts_;
  int expressions_ = 0;
  int timestamps_ = 0;
  int error_types_ = 0;
};

// nullopt when Firehose accepts the pair; else its InvalidArgumentException message (with
// kPrefixConstraint).
std::optional<std::string> CheckPrefixes(std::string_view prefix, std::string_view error_prefix);

}  // namespace sf::engine::delivery
