// EventsApi: the rule operations (PutRule, DescribeRule, DeleteRule, ListRules, EnableRule,
// DisableRule).

#include <nlohmann/json.hpp>

#include "engine/api/events/events_api.h"
#include "engine/schedule/schedule_expression.h"

namespace sf::engine::events {

namespace {

using nlohmann::ordered_json;

// The Rule shape (ListRules) or DescribeRule's, which adds CreatedBy.
ordered_json RuleJson(const schedule::Rule& rule, const std::string& account, bool describe) {
  const schedule::RuleSettings& s = rule.settings;
  ordered_json out = {{"Name", s.name}, {"Arn", rule.arn}};
  if (!s.event_pattern.empty()) out["EventPattern"] = s.event_pattern;
  if (!s.schedule_expression.empty()) out["ScheduleExpression"] = s.schedule_expression;
  out["State"] = s.enabled ? "ENABLED" : "DISABLED";
  if (!s.description.empty()) out["Description"] = s.description;
  if (!s.role_arn.empty()) out["RoleArn"] = s.role_arn;
  out["EventBusName"] = schedule::kDefaultEventBus;
  if (describe) out["CreatedBy"] = account;
  return out;
}

ApiResult<void> CheckEventPattern(std::string_view pattern) {
  nlohmann::json parsed = nlohmann::json::parse(pattern, nullptr, false);
  if (parsed.is_object()) return {};
  return ApiFail("InvalidEventPatternException",
                 parsed.is_discarded() ? "Event pattern is not valid. Reason: not valid JSON"
                                       : "Event pattern is not valid. Reason: Filter is not an "
                                         "object");
}

}  // namespace

ApiResult<std::string> EventsApi::PutRule(JsonRequest& request) {
  schedule::RuleSettings settings;
  settings.name = RuleName(request, "Name");
  auto schedule = request.String("ScheduleExpression");
  if (schedule) request.CheckLength(*schedule, "scheduleExpression", 0, 256);
  auto pattern = request.String("EventPattern");
  if (pattern) request.CheckLength(*pattern, "eventPattern", 0, 4096);
  auto state = request.String("State");
  if (state) request.CheckEnum(*state, "state", {"ENABLED", "DISABLED"});
  auto description = request.String("Description");
  if (description) request.CheckLength(*description, "description", 0, 512);
  auto role = request.String("RoleArn");
  if (role) request.CheckLength(*role, "roleArn", 1, 1600);
  if (auto tags = request.Array("Tags")) {
    for (auto element : *tags) {
      auto tag = element.get_object();
      if (tag.error()) return ApiFail("SerializationException", "Tags must be Key/Value objects");
      auto key = request.String(tag.value(), "Key");
      auto value = request.String(tag.value(), "Value");
      if (!key || !value) {
        request.AddNullViolation(!key ? "tags.member.key" : "tags.member.value");
        continue;
      }
      request.CheckLength(*key, "tags.member.key", 1, 128);
      request.CheckLength(*value, "tags.member.value", 0, 256);
      settings.tags[std::string(*key)] = std::string(*value);
    }
  }
  auto bus = CheckEventBus(request);
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  if (!bus) return tl::unexpected(bus.error());
  bool has_schedule = schedule && !schedule->empty();
  bool has_pattern = pattern && !pattern->empty();
  if (!has_schedule && !has_pattern) {
    return ApiFail("ValidationException",
                   "Parameter(s) EventPattern or ScheduleExpression must be specified.");
  }
  if (has_schedule) {
    auto parsed = schedule::ScheduleExpression::Parse(*schedule);
    if (!parsed) return tl::unexpected(parsed.error());
    settings.schedule_expression = std::string(*schedule);
  }
  if (has_pattern) {
    if (auto valid = CheckEventPattern(*pattern); !valid) return tl::unexpected(valid.error());
    settings.event_pattern = std::string(*pattern);
  }
  settings.enabled = !state || *state == "ENABLED";
  settings.description = description ? std::string(*description) : "";
  settings.role_arn = role ? std::string(*role) : "";
  auto stored = rules_.Put(settings);
  if (!stored) return tl::unexpected(stored.error());
  return ordered_json{{"RuleArn", stored->arn}}.dump();
}

ApiResult<std::string> EventsApi::DescribeRule(JsonRequest& request) {
  std::string name = RuleName(request, "Name");
  auto bus = CheckEventBus(request);
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  if (!bus) return tl::unexpected(bus.error());
  auto rule = rules_.Get(name);
  if (!rule) return tl::unexpected(rule.error());
  return RuleJson(*rule, account_, true).dump();
}

ApiResult<std::string> EventsApi::DeleteRule(JsonRequest& request) {
  std::string name = RuleName(request, "Name");
  (void)request.Bool("Force");  // for managed rules; the engine has none
  auto bus = CheckEventBus(request);
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  if (!bus) return tl::unexpected(bus.error());
  auto deleted = rules_.Delete(name);
  if (!deleted) return tl::unexpected(deleted.error());
  return std::string("{}");
}

ApiResult<std::string> EventsApi::ListRules(JsonRequest& request) {
  auto prefix = request.String("NamePrefix");
  if (prefix) request.CheckLength(*prefix, "namePrefix", 1, 64);
  auto token = request.String("NextToken");
  if (token) request.CheckLength(*token, "nextToken", 1, 2048);
  auto limit = request.Integer("Limit");
  if (limit) request.CheckRange(*limit, "limit", 1, 100);
  auto bus = CheckEventBus(request);
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  if (!bus) return tl::unexpected(bus.error());
  size_t max = static_cast<size_t>(limit.value_or(100));
  ordered_json rules = ordered_json::array();
  std::string next;
  for (const schedule::Rule& rule : rules_.List()) {  // sorted by name; the token is a name
    const std::string& name = rule.settings.name;
    if (prefix && name.compare(0, prefix->size(), *prefix) != 0) continue;
    if (token && name < *token) continue;
    if (rules.size() == max) {
      next = name;
      break;
    }
    rules.push_back(RuleJson(rule, account_, false));
  }
  ordered_json out = {{"Rules", rules}};
  if (!next.empty()) out["NextToken"] = next;
  return out.dump();
}

ApiResult<std::string> EventsApi::SetState(JsonRequest& request, bool enabled) {
  std::string name = RuleName(request, "Name");
  auto bus = CheckEventBus(request);
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  if (!bus) return tl::unexpected(bus.error());
  auto set = rules_.SetEnabled(name, enabled);
  if (!set) return tl::unexpected(set.error());
  return std::string("{}");
}

ApiResult<std::string> EventsApi::EnableRule(JsonRequest& request) {
  return SetState(request, true);
}

ApiResult<std::string> EventsApi::DisableRule(JsonRequest& request) {
  return SetState(request, false);
}

}  // namespace sf::engine::events
