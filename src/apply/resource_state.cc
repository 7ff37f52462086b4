#include "apply/resource_state.h"

namespace sf::apply {

nlohmann::json StateToJson(const provider::LiveState& state) {
  nlohmann::json attributes = nlohmann::json::object();
  for (const auto& [name, value] : state.attributes) attributes[name] = value.ToTaggedJson();
  return {{"physicalId", state.physical_id},
          {"exists", state.exists},
          {"properties", state.properties.ToTaggedJson()},
          {"attributes", attributes},
          {"createdMs", state.created_ms},
          {"incarnation", state.incarnation}};
}

Result<provider::LiveState> StateFromJson(const nlohmann::json& json) {
  if (!json.is_object()) return Fail(ErrorCode::kParse, "a resource state is not an object");
  provider::LiveState state;
  state.physical_id = json.value("physicalId", "");
  state.exists = json.value("exists", false);
  if (auto it = json.find("properties"); it != json.end()) {
    state.properties = Value::FromTaggedJson(*it);
  }
  if (auto it = json.find("attributes"); it != json.end() && it->is_object()) {
    for (const auto& [name, value] : it->items()) {
      state.attributes[name] = Value::FromTaggedJson(value);
    }
  }
  state.created_ms = json.value("createdMs", int64_t{0});
  state.incarnation = json.value("incarnation", "");
  return state;
}

void ApplyState(stackapi::ResourceRecord& entry, const plan::ResourceChange& change,
                const provider::LiveState& state, const Value& properties,
                const std::string& status) {
  entry.logical_id = change.logical_id;
  entry.type = change.type;
  if (!state.physical_id.empty()) entry.physical_id = state.physical_id;
  entry.status = status;
  entry.properties = properties.ToTaggedJson();
  nlohmann::json attributes = nlohmann::json::object();
  for (const auto& [name, value] : state.attributes) attributes[name] = value.ToJson();
  if (!attributes.empty() || entry.attributes.is_null()) entry.attributes = attributes;
  entry.depends_on = change.depends_on;
  if (state.created_ms != 0) entry.created_ms = state.created_ms;
  if (!state.incarnation.empty()) entry.incarnation = state.incarnation;
}

Value RecordedProperties(const stackapi::ResourceRecord& entry) {
  if (entry.properties.is_null()) return Value::Map();
  return Value::FromTaggedJson(entry.properties);
}

Value BeforeProperties(const stackapi::ResourceRecord& entry, const plan::ResourceChange& change) {
  Value before = RecordedProperties(entry);
  for (const auto& property : change.properties) {
    if (property.path.size() < 2 || property.path.find('/', 1) != std::string::npos) continue;
    std::string name = property.path.substr(1);
    std::vector<Value::Member> members;
    for (auto& member : before.members()) {
      if (member.first != name) members.push_back(member);
    }
    if (property.before) members.emplace_back(name, *property.before);
    before = Value::Map(std::move(members));
  }
  return before;
}

}  // namespace sf::apply
