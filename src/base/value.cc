#include "base/value.h"

#include <algorithm>

namespace sf {

Value Value::Bool(bool value) {
  Value v;
  v.kind_ = Kind::kBool;
  v.bool_ = value;
  v.text_ = value ? "true" : "false";
  return v;
}

Value Value::Number(std::string text) {
  Value v;
  v.kind_ = Kind::kNumber;
  v.text_ = std::move(text);
  return v;
}

Value Value::String(std::string text) {
  Value v;
  v.kind_ = Kind::kString;
  v.text_ = std::move(text);
  return v;
}

Value Value::List(std::vector<Value> items) {
  Value v;
  v.kind_ = Kind::kList;
  v.items_ = std::move(items);
  return v;
}

Value Value::Map(std::vector<Member> members) {
  Value v;
  v.kind_ = Kind::kMap;
  v.members_ = std::move(members);
  return v;
}

Value Value::Unknown(std::string description) {
  Value v;
  v.kind_ = Kind::kUnknown;
  v.text_ = std::move(description);
  return v;
}

bool Value::IsFullyKnown() const {
  switch (kind_) {
    case Kind::kUnknown:
      return false;
    case Kind::kList:
      return std::all_of(items_.begin(), items_.end(),
                         [](const Value& v) { return v.IsFullyKnown(); });
    case Kind::kMap:
      return std::all_of(members_.begin(), members_.end(),
                         [](const Member& m) { return m.second.IsFullyKnown(); });
    default:
      return true;
  }
}

std::string Value::AsString() const {
  switch (kind_) {
    case Kind::kBool:
    case Kind::kNumber:
    case Kind::kString:
      return text_;
    default:
      return "";
  }
}

const Value* Value::Find(const std::string& key) const {
  for (const auto& [k, v] : members_) {
    if (k == key) return &v;
  }
  return nullptr;
}

void Value::Set(std::string key, Value value) {
  for (auto& [k, v] : members_) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  members_.emplace_back(std::move(key), std::move(value));
}

namespace {

nlohmann::json NumberJson(const std::string& text) {
  // Parse as JSON so integers stay integers; fall back to the text.
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  return parsed.is_number() ? parsed : nlohmann::json(text);
}

}  // namespace

nlohmann::json Value::ToJson() const {
  switch (kind_) {
    case Kind::kNull:
      return nullptr;
    case Kind::kBool:
      return bool_;
    case Kind::kNumber:
      return NumberJson(text_);
    case Kind::kString:
      return text_;
    case Kind::kUnknown:
      return "(known after apply: " + text_ + ")";
    case Kind::kList: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : items_) out.push_back(item.ToJson());
      return out;
    }
    case Kind::kMap: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& [k, v] : members_) out[k] = v.ToJson();
      return out;
    }
  }
  return nullptr;
}

nlohmann::json Value::ToTaggedJson() const {
  switch (kind_) {
    case Kind::kUnknown:
      return {{"$unknown", text_}};
    case Kind::kNumber:
      return {{"$number", text_}};
    case Kind::kList: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : items_) out.push_back(item.ToTaggedJson());
      return out;
    }
    case Kind::kMap: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& [k, v] : members_) out.push_back({k, v.ToTaggedJson()});
      return {{"$map", out}};
    }
    default:
      return ToJson();
  }
}

nlohmann::json Value::ReadableTaggedJson(const nlohmann::json& json) {
  if (json.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : json) out.push_back(ReadableTaggedJson(item));
    return out;
  }
  if (!json.is_object()) return json;
  if (json.size() == 1 && json.contains("$number") && json["$number"].is_string()) {
    const std::string& text = json["$number"].get_ref<const std::string&>();
    nlohmann::json number = nlohmann::json::parse(text, nullptr, false);
    return number.is_number() && number.dump() == text ? number : json["$number"];
  }
  if (json.size() == 1 && json.contains("$map") && json["$map"].is_array()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& pair : json["$map"]) {
      if (pair.is_array() && pair.size() == 2 && pair[0].is_string())
        out[pair[0].get<std::string>()] = ReadableTaggedJson(pair[1]);
    }
    return out;
  }
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : json.items()) out[key] = ReadableTaggedJson(value);
  return out;
}

Value Value::FromTaggedJson(const nlohmann::json& json) {
  if (json.is_null()) return Value();
  if (json.is_boolean()) return Bool(json.get<bool>());
  if (json.is_string()) return String(json.get<std::string>());
  if (json.is_number()) return Number(json.dump());
  if (json.is_array()) {
    std::vector<Value> items;
    for (const auto& item : json) items.push_back(FromTaggedJson(item));
    return List(std::move(items));
  }
  if (json.contains("$unknown")) return Unknown(json["$unknown"].get<std::string>());
  if (json.contains("$number")) return Number(json["$number"].get<std::string>());
  std::vector<Member> members;
  if (json.contains("$map")) {
    for (const auto& pair : json["$map"]) {
      members.emplace_back(pair[0].get<std::string>(), FromTaggedJson(pair[1]));
    }
  } else {  // a plain JSON object (written with ToJson): its members, in key order
    for (const auto& [key, value] : json.items()) members.emplace_back(key, FromTaggedJson(value));
  }
  return Map(std::move(members));
}

bool Value::operator==(const Value& other) const {
  if (kind_ != other.kind_) return false;
  switch (kind_) {
    case Kind::kNull:
      return true;
    case Kind::kList:
      return items_ == other.items_;
    case Kind::kMap: {
      if (members_.size() != other.members_.size()) return false;
      return std::all_of(members_.begin(), members_.end(), [&](const Member& m) {
        const Value* theirs = other.Find(m.first);
        return theirs != nullptr && *theirs == m.second;
      });
    }
    default:
      return text_ == other.text_;
  }
}

}  // namespace sf
