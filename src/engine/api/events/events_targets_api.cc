// EventsApi: targets (PutTargets, RemoveTargets, ListTargetsByRule) and tags (TagResource,
// UntagResource, ListTagsForResource).

#include <charconv>
#include <nlohmann/json.hpp>

#include "engine/api/events/events_api.h"
#include "engine/schedule/scheduled_event.h"

namespace sf::engine::events {

namespace {

using nlohmann::ordered_json;

constexpr char kTargetIdPattern[] = "[\\.\\-_A-Za-z0-9]+";

bool IsTargetId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

ordered_json TargetJson(const schedule::Target& target) {
  ordered_json out = {{"Id", target.id}, {"Arn", target.arn}};
  if (!target.role_arn.empty()) out["RoleArn"] = target.role_arn;
  if (target.input) out["Input"] = *target.input;
  if (target.input_path) out["InputPath"] = *target.input_path;
  ordered_json extra = ordered_json::parse(target.extra, nullptr, false);
  if (extra.is_object()) {
    for (const auto& [key, value] : extra.items()) out[key] = value;
  }
  return out;
}

ordered_json TagList(const std::map<std::string, std::string>& tags) {
  ordered_json out = ordered_json::array();
  for (const auto& [key, value] : tags) out.push_back({{"Key", key}, {"Value", value}});
  return out;
}

// One member of a PutTargets Targets list; records violations under `path`.
schedule::Target ReadTarget(JsonRequest& request, simdjson::dom::object object,
                            const std::string& path) {
  schedule::Target target;
  auto id = request.String(object, "Id");
  auto arn = request.String(object, "Arn");
  if (!id) request.AddNullViolation(path + ".id");
  if (id && !IsTargetId(*id)) {
    request.AddViolation(
        std::string(*id), path + ".id",
        std::string("Member must satisfy regular expression pattern: ") + kTargetIdPattern);
  }
  if (!arn) request.AddNullViolation(path + ".arn");
  if (arn) request.CheckLength(*arn, path + ".arn", 1, 1600);
  target.id = id ? std::string(*id) : "";
  target.arn = arn ? std::string(*arn) : "";
  if (auto role = request.String(object, "RoleArn")) {
    request.CheckLength(*role, path + ".roleArn", 1, 1600);
    target.role_arn = std::string(*role);
  }
  if (auto input = request.String(object, "Input")) {
    request.CheckLength(*input, path + ".input", 0, 8192);
    target.input = std::string(*input);
  }
  if (auto input_path = request.String(object, "InputPath")) {
    request.CheckLength(*input_path, path + ".inputPath", 0, 256);
    target.input_path = std::string(*input_path);
  }
  ordered_json extra = ordered_json::object();
  for (auto [key, value] : object) {
    if (key == "Id" || key == "Arn" || key == "RoleArn" || key == "Input" || key == "InputPath" ||
        value.is_null()) {
      continue;
    }
    extra[std::string(key)] = ordered_json::parse(simdjson::minify(value));
  }
  if (!extra.empty()) target.extra = extra.dump();
  return target;
}

// What EventBridge refuses in a target beyond the model's constraints.
ApiResult<void> CheckTarget(const schedule::Target& target, simdjson::dom::object object) {
  if (target.input && !nlohmann::json::accept(*target.input)) {
    return ApiFail("ValidationException",
                   "Input for target " + target.id + " is not a valid JSON text.");
  }
  if (target.input_path && !schedule::IsValidInputPath(*target.input_path)) {
    return ApiFail("ValidationException",
                   "InputPath for target " + target.id + " is not a valid JSON path.");
  }
  bool transformer = !object["InputTransformer"].error();
  if ((target.input ? 1 : 0) + (target.input_path ? 1 : 0) + (transformer ? 1 : 0) > 1) {
    return ApiFail("ValidationException",
                   "Only one of Input, InputPath, or InputTransformer must be provided.");
  }
  return {};
}

}  // namespace

ApiResult<std::string> EventsApi::PutTargets(JsonRequest& request) {
  std::string rule = RuleName(request, "Rule");
  auto list = request.Array("Targets");
  std::vector<schedule::Target> targets;
  std::vector<simdjson::dom::object> objects;
  if (!list) {
    request.AddNullViolation("targets");
  } else {
    size_t index = 0;
    for (auto element : *list) {
      auto object = element.get_object();
      if (object.error()) return ApiFail("SerializationException", "Targets must be objects");
      targets.push_back(
          ReadTarget(request, object.value(), "targets." + std::to_string(++index) + ".member"));
      objects.push_back(object.value());
    }
    if (targets.empty() || targets.size() > 100) {
      request.AddViolation("[...]", "targets",
                           targets.empty() ? "Member must have length greater than or equal to 1"
                                           : "Member must have length less than or equal to 100");
    }
  }
  auto bus = CheckEventBus(request);
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  if (!bus) return tl::unexpected(bus.error());
  for (size_t i = 0; i < targets.size(); ++i) {
    if (auto valid = CheckTarget(targets[i], objects[i]); !valid) {
      return tl::unexpected(valid.error());
    }
  }
  auto put = rules_.PutTargets(rule, targets);
  if (!put) return tl::unexpected(put.error());
  ordered_json failed = ordered_json::array();
  for (const schedule::TargetFailure& f : *put) {
    failed.push_back({{"TargetId", f.target_id},
                      {"ErrorCode", f.error_code},
                      {"ErrorMessage", f.error_message}});
  }
  return ordered_json{{"FailedEntryCount", failed.size()}, {"FailedEntries", failed}}.dump();
}

ApiResult<std::string> EventsApi::RemoveTargets(JsonRequest& request) {
  std::string rule = RuleName(request, "Rule");
  auto list = request.Array("Ids");
  std::vector<std::string> ids;
  if (!list) {
    request.AddNullViolation("ids");
  } else {
    for (auto element : *list) {
      auto id = element.get_string();
      if (id.error()) return ApiFail("SerializationException", "Ids must be strings");
      ids.emplace_back(id.value());
      if (!IsTargetId(ids.back())) {
        request.AddViolation(
            ids.back(), "ids.member",
            std::string("Member must satisfy regular expression pattern: ") + kTargetIdPattern);
      }
    }
    if (ids.empty() || ids.size() > 100) {
      request.AddViolation("[...]", "ids",
                           ids.empty() ? "Member must have length greater than or equal to 1"
                                       : "Member must have length less than or equal to 100");
    }
  }
  (void)request.Bool("Force");
  auto bus = CheckEventBus(request);
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  if (!bus) return tl::unexpected(bus.error());
  auto removed = rules_.RemoveTargets(rule, ids);
  if (!removed) return tl::unexpected(removed.error());
  return ordered_json{{"FailedEntryCount", 0}, {"FailedEntries", ordered_json::array()}}.dump();
}

ApiResult<std::string> EventsApi::ListTargetsByRule(JsonRequest& request) {
  std::string name = RuleName(request, "Rule");
  auto token = request.String("NextToken");
  if (token) request.CheckLength(*token, "nextToken", 1, 2048);
  auto limit = request.Integer("Limit");
  if (limit) request.CheckRange(*limit, "limit", 1, 100);
  auto bus = CheckEventBus(request);
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  if (!bus) return tl::unexpected(bus.error());
  auto rule = rules_.Get(name);
  if (!rule) return tl::unexpected(rule.error());
  size_t first = 0;  // the token is the index of the next target
  if (token) {
    auto [end, ec] = std::from_chars(token->data(), token->data() + token->size(), first);
    if (ec != std::errc() || end != token->data() + token->size()) {
      return ApiFail("ValidationException", "The NextToken provided is not valid.");
    }
  }
  size_t max = static_cast<size_t>(limit.value_or(100));
  ordered_json targets = ordered_json::array();
  size_t i = first;
  for (; i < rule->targets.size() && targets.size() < max; ++i) {
    targets.push_back(TargetJson(rule->targets[i]));
  }
  ordered_json out = {{"Targets", targets}};
  if (i < rule->targets.size()) out["NextToken"] = std::to_string(i);
  return out.dump();
}

ApiResult<std::string> EventsApi::TagResource(JsonRequest& request) {
  auto list = request.Array("Tags");
  std::map<std::string, std::string> tags;
  if (!list) {
    request.AddNullViolation("tags");
  } else {
    for (auto element : *list) {
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
      tags[std::string(*key)] = std::string(*value);
    }
  }
  auto name = RuleFromArn(request);
  if (!name) return tl::unexpected(name.error());
  auto tagged = rules_.Tag(*name, tags);
  if (!tagged) return tl::unexpected(tagged.error());
  return std::string("{}");
}

ApiResult<std::string> EventsApi::UntagResource(JsonRequest& request) {
  auto list = request.Array("TagKeys");
  std::vector<std::string> keys;
  if (!list) {
    request.AddNullViolation("tagKeys");
  } else {
    for (auto element : *list) {
      auto key = element.get_string();
      if (key.error()) return ApiFail("SerializationException", "TagKeys must be strings");
      keys.emplace_back(key.value());
    }
  }
  auto name = RuleFromArn(request);
  if (!name) return tl::unexpected(name.error());
  auto untagged = rules_.Untag(*name, keys);
  if (!untagged) return tl::unexpected(untagged.error());
  return std::string("{}");
}

ApiResult<std::string> EventsApi::ListTagsForResource(JsonRequest& request) {
  auto name = RuleFromArn(request);
  if (!name) return tl::unexpected(name.error());
  auto rule = rules_.Get(*name);
  if (!rule) return tl::unexpected(rule.error());
  return ordered_json{{"Tags", TagList(rule->settings.tags)}}.dump();
}

}  // namespace sf::engine::events
