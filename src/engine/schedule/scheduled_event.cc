#include "engine/schedule/scheduled_event.h"

#include <charconv>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <variant>
#include <vector>

#include "base/json_writer.h"

namespace sf::engine::schedule {

namespace {

using Step = std::variant<std::string, size_t>;  // a member name or an array index

// The steps of an InputPath; nullopt when it is not of the form "$" (".name" | "[n]")*.
std::optional<std::vector<Step>> ParsePath(std::string_view path) {
  if (path.empty() || path[0] != '$') return std::nullopt;
  std::vector<Step> steps;
  size_t i = 1;
  while (i < path.size()) {
    if (path[i] == '.') {
      size_t end = path.find_first_of(".[", i + 1);
      if (end == std::string_view::npos) end = path.size();
      if (end == i + 1) return std::nullopt;
      steps.emplace_back(std::string(path.substr(i + 1, end - i - 1)));
      i = end;
    } else if (path[i] == '[') {
      size_t close = path.find(']', i);
      if (close == std::string_view::npos) return std::nullopt;
      size_t index = 0;
      auto [end, ec] = std::from_chars(path.data() + i + 1, path.data() + close, index);
      if (ec != std::errc() || end != path.data() + close || close == i + 1) return std::nullopt;
      steps.emplace_back(index);
      i = close + 1;
    } else {
      return std::nullopt;
    }
  }
  return steps;
}

}  // namespace

std::string EventTime(int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000 - (ms % 1000 < 0 ? 1 : 0));
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string ScheduledEventJson(const std::string& id, const std::string& account,
                               const std::string& region, int64_t time_ms,
                               const std::string& rule_arn) {
  std::string out;
  JsonWriter(out)
      .BeginObject()
      .Member("version", "0")
      .Member("id", id)
      .Member("detail-type", "Scheduled Event")
      .Member("source", "aws.events")
      .Member("account", account)
      .Member("time", EventTime(time_ms))
      .Member("region", region)
      .Key("resources")
      .BeginArray()
      .String(rule_arn)
      .EndArray()
      .Key("detail")
      .BeginObject()
      .EndObject()
      .EndObject();
  return out;
}

bool IsValidInputPath(std::string_view path) { return ParsePath(path).has_value(); }

std::string TargetPayload(const Target& target, const std::string& event) {
  if (target.input) return *target.input;
  if (!target.input_path) return event;
  auto steps = ParsePath(*target.input_path);
  if (!steps) return "null";
  if (steps->empty()) return event;
  nlohmann::json document = nlohmann::json::parse(event, nullptr, false);
  const nlohmann::json* at = &document;
  for (const Step& step : *steps) {
    if (const std::string* name = std::get_if<std::string>(&step)) {
      if (!at->is_object() || !at->contains(*name)) return "null";
      at = &(*at)[*name];
    } else {
      size_t index = std::get<size_t>(step);
      if (!at->is_array() || index >= at->size()) return "null";
      at = &(*at)[index];
    }
  }
  return at->dump();
}

}  // namespace sf::engine::schedule
