#include "provider/fault_plan.h"

#include <cctype>
#include <charconv>
#include <optional>

#include "base/strings.h"

namespace sf::provider {

namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

std::optional<int64_t> PositiveNumber(std::string_view text) {
  int64_t value = 0;
  auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || parsed.ec != std::errc() || parsed.ptr != text.data() + text.size() ||
      value < 1)
    return std::nullopt;
  return value;
}

Result<FaultRule> ParseRule(std::string_view text) {
  std::vector<std::string> parts = Split(text, ':');
  for (auto& part : parts) part = std::string(Trim(part));
  auto bad = [&](const std::string& why) {
    return Fail(ErrorCode::kInvalidArgument,
                "fault rule '" + std::string(text) + "': " + why +
                    " (expected operation:logical-id[:nth]:action, e.g. "
                    "create:Bucket2:fail-after)");
  };
  if (parts.size() != 3 && parts.size() != 4) return bad("wrong number of ':'-separated parts");
  FaultRule rule;
  rule.text = std::string(text);
  const std::string& operation = parts[0];
  if (operation == "read")
    rule.operation = FaultOperation::kRead;
  else if (operation == "create")
    rule.operation = FaultOperation::kCreate;
  else if (operation == "update")
    rule.operation = FaultOperation::kUpdate;
  else if (operation == "delete")
    rule.operation = FaultOperation::kDelete;
  else if (operation == "*")
    rule.operation = FaultOperation::kAny;
  else
    return bad("unknown operation '" + operation + "' (read, create, update, delete or *)");
  rule.logical_id = parts[1];
  if (rule.logical_id.empty()) return bad("empty logical id (use * for any)");
  if (parts.size() == 4 && parts[2] != "*") {
    auto nth = PositiveNumber(parts[2]);
    if (!nth || *nth > 1'000'000) return bad("'" + parts[2] + "' is not a call number (1, 2, ...)");
    rule.nth = static_cast<int>(*nth);
  }
  const std::string& action = parts.back();
  if (action == "fail-before") {
    rule.action = FaultAction::kFailBefore;
  } else if (action == "fail-after") {
    rule.action = FaultAction::kFailAfter;
  } else if (action == "hang") {
    rule.action = FaultAction::kHang;
  } else if (action == "crash-after") {
    rule.action = FaultAction::kCrashAfter;
  } else if (StartsWith(action, "delay=")) {
    auto delay = ParseFaultDuration(std::string_view(action).substr(6));
    if (!delay) return bad(delay.error().message);
    rule.action = FaultAction::kDelay;
    rule.delay = *delay;
  } else {
    return bad("unknown action '" + action +
               "' (fail-before, fail-after, delay=DURATION, hang or crash-after)");
  }
  return rule;
}

}  // namespace

Result<std::chrono::milliseconds> ParseFaultDuration(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  std::string_view unit = text.substr(digits);
  int64_t scale = unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60'000 : 0;
  int64_t value = 0;
  auto parsed = std::from_chars(text.data(), text.data() + digits, value);
  if (digits == 0 || scale == 0 || parsed.ec != std::errc() || value > 86'400'000 / scale) {
    return Fail(
        ErrorCode::kInvalidArgument,
        "'" + std::string(text) + "' is not a duration (digits then ms, s or m; at most a day)");
  }
  return std::chrono::milliseconds(value * scale);
}

Result<FaultPlan> ParseFaultPlan(std::string_view spec) {
  FaultPlan plan;
  for (const std::string& piece : Split(spec, ';')) {
    std::string_view text = Trim(piece);
    if (text.empty()) continue;
    auto rule = ParseRule(text);
    if (!rule) return tl::unexpected(rule.error());
    plan.rules.push_back(std::move(*rule));
  }
  return plan;
}

const char* FaultOperationName(FaultOperation operation) {
  switch (operation) {
    case FaultOperation::kRead:
      return "read";
    case FaultOperation::kCreate:
      return "create";
    case FaultOperation::kUpdate:
      return "update";
    case FaultOperation::kDelete:
      return "delete";
    case FaultOperation::kAny:
      return "*";
  }
  return "*";
}

FaultSchedule::FaultSchedule(FaultPlan plan)
    : plan_(std::move(plan)), counts_(new std::atomic<int>[plan_.rules.size()]) {
  for (size_t i = 0; i < plan_.rules.size(); ++i) counts_[i].store(0);
}

std::vector<const FaultRule*> FaultSchedule::Fire(FaultOperation operation,
                                                  const std::string& logical_id) {
  std::vector<const FaultRule*> fired;
  for (size_t i = 0; i < plan_.rules.size(); ++i) {
    const FaultRule& rule = plan_.rules[i];
    if (rule.operation != FaultOperation::kAny && rule.operation != operation) continue;
    if (rule.logical_id != "*" && rule.logical_id != logical_id) continue;
    int count = counts_[i].fetch_add(1) + 1;
    if (rule.nth == 0 || rule.nth == count) fired.push_back(&rule);
  }
  return fired;
}

}  // namespace sf::provider
