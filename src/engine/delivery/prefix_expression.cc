#include "engine/delivery/prefix_expression.h"

namespace sf::engine::delivery {

namespace {

constexpr std::string_view kOpen = "!{";
constexpr char kDefaultTimePattern[] = "yyyy/MM/dd/HH/";

std::string Quoted(std::string_view expression) {
  std::string out(1, '\'');
  out.append(expression).push_back('\'');
  return out;
}

}  // namespace

tl::expected<PrefixExpression, std::string> PrefixExpression::Parse(std::string_view text,
                                                                    PrefixKind kind) {
  const char* member = kind == PrefixKind::kPrefix ? "Prefix" : "ErrorOutputPrefix";
  PrefixExpression out;
  out.prefix_kind_ = kind;
  size_t at = 0;
  while (at < text.size()) {
    size_t open = text.find(kOpen, at);
    if (open == std::string_view::npos) {
      out.parts_.push_back({Kind::kText, std::string(text.substr(at))});
      break;
    }
    if (open > at) out.parts_.push_back({Kind::kText, std::string(text.substr(at, open - at))});
    size_t close = text.find('}', open);
    if (close == std::string_view::npos) {
      return tl::unexpected(std::string(member) +
                            ": the sequence !{ can only appear in !{namespace:value} expressions");
    }
    std::string_view expression = text.substr(open, close + 1 - open);
    std::string_view body = text.substr(open + 2, close - open - 2);
    size_t colon = body.find(':');
    std::string_view space = body.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? "" : body.substr(colon + 1);
    ++out.expressions_;
    if (colon == std::string_view::npos || body.find(kOpen) != std::string_view::npos) {
      return tl::unexpected(std::string(member) + ": " + Quoted(expression) +
                            " is not a !{namespace:value} expression");
    }
    if (space == "timestamp") {
      auto pattern = DateTimePattern::Compile(value);
      if (!pattern) {
        return tl::unexpected(std::string(member) + ": the timestamp pattern " + Quoted(value) +
                              " is not valid: " + pattern.error());
      }
      out.parts_.push_back({Kind::kTimestamp, {}, std::move(*pattern)});
      ++out.timestamps_;
    } else if (space == "firehose" && value == "random-string") {
      out.parts_.push_back({Kind::kRandomString});
    } else if (space == "firehose" && value == "error-output-type") {
      if (kind == PrefixKind::kPrefix) {
        return tl::unexpected(
            std::string("Prefix cannot contain !{firehose:error-output-type}; use it in "
                        "ErrorOutputPrefix"));
      }
      out.parts_.push_back({Kind::kErrorOutputType});
      ++out.error_types_;
    } else if (space == "firehose") {
      return tl::unexpected(std::string(member) + ": " + Quoted(expression) +
                            " is not valid: the firehose namespace has the values "
                            "error-output-type and random-string");
    } else if (space == "partitionKeyFromQuery" || space == "partitionKeyFromLambda") {
      return tl::unexpected(std::string(member) + ": " + Quoted(expression) +
                            " needs dynamic partitioning, which the engine does not run");
    } else {
      return tl::unexpected(std::string(member) + ": " + Quoted(expression) +
                            " is not valid: the namespaces are timestamp, firehose, "
                            "partitionKeyFromQuery and partitionKeyFromLambda");
    }
    at = close + 1;
  }
  return out;
}

std::string PrefixExpression::Evaluate(const PrefixContext& context) const {
  std::string out;
  for (const Part& part : parts_) {
    switch (part.kind) {
      case Kind::kText:
        out += part.text;
        break;
      case Kind::kTimestamp:
        out += part.pattern->Format(context.time_ms);
        break;
      case Kind::kRandomString:
        if (context.random_string) out += context.random_string();
        break;
      case Kind::kErrorOutputType:
        out += context.error_output_type;
        break;
    }
  }
  if (prefix_kind_ == PrefixKind::kPrefix && timestamps_ == 0) {
    static const DateTimePattern kDefault = *DateTimePattern::Compile(kDefaultTimePattern);
    out += kDefault.Format(context.time_ms);
  }
  return out;
}

std::optional<std::string> CheckPrefixes(std::string_view prefix, std::string_view error_prefix) {
  auto parsed = PrefixExpression::Parse(prefix, PrefixKind::kPrefix);
  if (!parsed) return kPrefixConstraint + parsed.error();
  auto error_parsed = PrefixExpression::Parse(error_prefix, PrefixKind::kErrorOutputPrefix);
  if (!error_parsed) return kPrefixConstraint + error_parsed.error();
  if (parsed->has_expressions() && error_prefix.empty()) {
    return std::string(kPrefixConstraint) +
           "ErrorOutputPrefix cannot be null or empty when Prefix contains expressions";
  }
  if (error_parsed->has_expressions() && !error_parsed->has_error_output_type()) {
    return std::string(kPrefixConstraint) +
           "ErrorOutputPrefix must contain !{firehose:error-output-type} when it contains "
           "expressions";
  }
  return std::nullopt;
}

}  // namespace sf::engine::delivery
