#include "engine/iam/policy_conditions.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <string>

#include "engine/iam/wildcard.h"

namespace sf::engine::iam {

namespace {

enum class Outcome { kTrue, kFalse, kUnevaluable };

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<double> Number(const std::string& text) {
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

// One comparison of the request's value with one policy value; nullopt: unknown operator.
std::optional<bool> Compare(std::string_view op, const std::string& actual,
                            const std::string& expected) {
  if (op == "StringEquals" || op == "ArnEquals") {
    return op == "ArnEquals" ? WildcardMatch(expected, actual) : actual == expected;
  }
  if (op == "StringEqualsIgnoreCase") return EqualsIgnoreCase(actual, expected);
  if (op == "StringLike" || op == "ArnLike") return WildcardMatch(expected, actual);
  if (op == "Bool") return EqualsIgnoreCase(actual, expected);
  if (StartsWith(op, "Numeric")) {
    std::string_view kind = op.substr(7);
    static const std::string_view kKinds[] = {"Equals", "LessThan", "LessThanEquals", "GreaterThan",
                                              "GreaterThanEquals"};
    if (std::find(std::begin(kKinds), std::end(kKinds), kind) == std::end(kKinds)) {
      return std::nullopt;
    }
    auto a = Number(actual);
    auto e = Number(expected);
    if (!a || !e) return false;
    if (kind == "Equals") return *a == *e;
    if (kind == "LessThan") return *a < *e;
    if (kind == "LessThanEquals") return *a <= *e;
    if (kind == "GreaterThan") return *a > *e;
    return *a >= *e;
  }
  return std::nullopt;
}

// The positive form of a negated operator ("StringNotLike" -> "StringLike"), or "" when `op`
// is not negated.
std::string Positive(std::string_view op) {
  static const std::pair<const char*, const char*> kNegated[] = {
      {"StringNotEquals", "StringEquals"}, {"StringNotEqualsIgnoreCase", "StringEqualsIgnoreCase"},
      {"StringNotLike", "StringLike"},     {"ArnNotEquals", "ArnEquals"},
      {"ArnNotLike", "ArnLike"},           {"NumericNotEquals", "NumericEquals"},
  };
  for (const auto& [negated, positive] : kNegated) {
    if (op == negated) return positive;
  }
  return "";
}

Outcome Clause(const ConditionClause& clause, const ConditionKeys& keys) {
  std::string_view op = clause.op;
  bool for_all = false;
  if (StartsWith(op, "ForAnyValue:")) {
    op.remove_prefix(12);
  } else if (StartsWith(op, "ForAllValues:")) {
    op.remove_prefix(13);
    for_all = true;
  }
  bool if_exists = EndsWith(op, "IfExists");
  if (if_exists) op.remove_suffix(8);
  const std::string* actual = keys.Find(clause.key);
  if (op == "Null") {
    if (clause.values.size() != 1) return Outcome::kUnevaluable;
    bool want_absent = EqualsIgnoreCase(clause.values[0], "true");
    return (actual == nullptr) == want_absent ? Outcome::kTrue : Outcome::kFalse;
  }
  std::string positive = Positive(op);
  bool negated = !positive.empty();
  std::string_view base = negated ? std::string_view(positive) : op;
  if (!Compare(base, "", "").has_value()) return Outcome::kUnevaluable;
  if (actual == nullptr) return if_exists || negated || for_all ? Outcome::kTrue : Outcome::kFalse;
  bool any = std::any_of(clause.values.begin(), clause.values.end(),
                         [&](const std::string& value) { return *Compare(base, *actual, value); });
  return any != negated ? Outcome::kTrue : Outcome::kFalse;
}

}  // namespace

ConditionOutcome EvaluateConditions(const std::vector<ConditionClause>& clauses,
                                    const ConditionKeys& keys) {
  bool unevaluable = false;
  for (const ConditionClause& clause : clauses) {
    Outcome outcome = Clause(clause, keys);
    if (outcome == Outcome::kFalse) return ConditionOutcome::kFails;
    unevaluable = unevaluable || outcome == Outcome::kUnevaluable;
  }
  return unevaluable ? ConditionOutcome::kUnevaluable : ConditionOutcome::kHolds;
}

}  // namespace sf::engine::iam
