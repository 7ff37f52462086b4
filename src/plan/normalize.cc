#include "plan/normalize.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "base/strings.h"

namespace sf::plan {

namespace {

// `node` with local "$ref"s followed (a few hops at most; a broken one stops there).
const nlohmann::json& Follow(const nlohmann::json& root, const nlohmann::json& node, int hops = 0) {
  if (hops >= 16 || !node.is_object() || !node.contains("$ref") || !node["$ref"].is_string())
    return node;
  const std::string ref = node["$ref"].get<std::string>();
  const std::string prefix = "#/definitions/";
  if (!StartsWith(ref, prefix) || !root.contains("definitions")) return node;
  const auto& definitions = root["definitions"];
  auto it = definitions.find(ref.substr(prefix.size()));
  return it == definitions.end() ? node : Follow(root, *it, hops + 1);
}

// The single scalar type a schema node declares ("" when none or several).
std::string ScalarType(const nlohmann::json& schema) {
  if (!schema.is_object() || !schema.contains("type") || !schema["type"].is_string()) return "";
  return schema["type"].get<std::string>();
}

// "05", "+5", "5.0" -> "5"; nullopt when the text is not an integral number.
std::optional<std::string> CanonicalInteger(const std::string& text) {
  char* end = nullptr;
  double parsed = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(parsed) ||
      parsed != std::floor(parsed) || std::fabs(parsed) > 9.007199254740992e15) {
    return std::nullopt;
  }
  return std::to_string(static_cast<int64_t>(parsed));
}

std::optional<std::string> CanonicalNumber(const std::string& text) {
  if (auto integer = CanonicalInteger(text)) return integer;
  char* end = nullptr;
  double parsed = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(parsed))
    return std::nullopt;
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, parsed);
  return std::string(buffer, result.ptr);
}

Value Scalar(const std::string& type, const Value& value) {
  const bool scalar = value.kind() == Value::Kind::kNumber ||
                      value.kind() == Value::Kind::kString || value.kind() == Value::Kind::kBool;
  if (!scalar) return value;
  std::string text = value.AsString();
  if (type == "integer" || type == "number") {
    if (value.kind() == Value::Kind::kBool) return value;
    auto canonical = type == "integer" ? CanonicalInteger(text) : CanonicalNumber(text);
    return canonical ? Value::Number(*canonical) : value;
  }
  if (type == "boolean") {
    if (text == "true" || text == "True" || text == "TRUE") return Value::Bool(true);
    if (text == "false" || text == "False" || text == "FALSE") return Value::Bool(false);
    return value;
  }
  if (type == "string") return Value::String(text);
  return value;
}

class Normalizer {
 public:
  Normalizer(const nlohmann::json& root, bool fill_defaults)
      : root_(root), fill_defaults_(fill_defaults) {}

  // `top`: `value` is the resource's property map (whose defaults Normalize fills itself).
  Value Walk(const nlohmann::json& schema_in, const Value& value, bool top = false) const {
    const nlohmann::json& schema = Follow(root_, schema_in);
    if (value.IsMap()) return Object(schema, value, top);
    if (value.IsList()) return Array(schema, value);
    std::string type = ScalarType(schema);
    return type.empty() ? value : Scalar(type, value);
  }

  // The schema of member `key` of an object schema (null when it says nothing).
  const nlohmann::json& MemberSchema(const nlohmann::json& schema, const std::string& key) const {
    static const nlohmann::json none;
    if (!schema.is_object()) return none;
    if (schema.contains("properties") && schema["properties"].contains(key))
      return schema["properties"][key];
    if (schema.contains("additionalProperties") && schema["additionalProperties"].is_object())
      return schema["additionalProperties"];
    return none;
  }

  // The default a property's schema gives (on the property, else on what its $ref names).
  const nlohmann::json* Default(const nlohmann::json& declared) const {
    if (declared.is_object() && declared.contains("default")) return &declared["default"];
    const nlohmann::json& target = Follow(root_, declared);
    if (target.is_object() && target.contains("default")) return &target["default"];
    return nullptr;
  }

 private:
  Value Object(const nlohmann::json& schema, const Value& value, bool top) const {
    Value out = Value::Map();
    out.set_origin(value.origin());
    for (const auto& [key, member] : value.members()) {
      out.members().emplace_back(key, Walk(MemberSchema(schema, key), member));
    }
    if (fill_defaults_ && !top && schema.is_object() && schema.contains("properties")) {
      for (const auto& [name, declared] : schema["properties"].items()) {
        if (out.Find(name) != nullptr) continue;
        if (const nlohmann::json* found = Default(declared)) {
          out.Set(name, Walk(declared, ValueFromPlainJson(*found)));
        }
      }
    }
    return out;
  }

  Value Array(const nlohmann::json& schema, const Value& value) const {
    static const nlohmann::json none;
    const nlohmann::json& items =
        schema.is_object() && schema.contains("items") ? schema["items"] : none;
    std::vector<Value> out;
    for (const auto& item : value.items()) out.push_back(Walk(items, item));
    bool ordered = !schema.is_object() || !schema.contains("insertionOrder") ||
                   !schema["insertionOrder"].is_boolean() || schema["insertionOrder"].get<bool>();
    if (!ordered) {
      std::vector<std::pair<std::string, Value>> keyed;
      for (auto& item : out) keyed.emplace_back(CanonicalJson(item), std::move(item));
      std::stable_sort(keyed.begin(), keyed.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      out.clear();
      for (auto& [key, item] : keyed) out.push_back(std::move(item));
    }
    Value list = Value::List(std::move(out));
    list.set_origin(value.origin());
    return list;
  }

  const nlohmann::json& root_;
  const bool fill_defaults_;
};

// Removes the member at `path` ("Endpoint.Address" is Endpoint's Address) if present.
void Erase(Value& properties, const std::vector<std::string>& path, size_t i = 0) {
  if (!properties.IsMap() || i >= path.size()) return;
  auto& members = properties.members();
  for (auto it = members.begin(); it != members.end(); ++it) {
    if (it->first != path[i]) continue;
    if (i + 1 == path.size()) {
      members.erase(it);
    } else {
      Erase(it->second, path, i + 1);
    }
    return;
  }
}

}  // namespace

Value Normalize(const ResourceSchema* schema, const Value& properties,
                const NormalizeOptions& options) {
  if (schema == nullptr || !properties.IsMap()) return properties;
  const nlohmann::json& root = schema->document;
  Normalizer normalizer(root, options.fill_defaults);
  Value out = normalizer.Walk(root, properties, /*top=*/true);
  if (options.drop_read_only) {
    for (const auto& attribute : schema->attributes) Erase(out, Split(attribute, '.'));
  }
  if (options.fill_defaults && root.contains("properties")) {
    for (const auto& [name, declared] : root["properties"].items()) {
      if (out.Find(name) != nullptr) continue;
      if (const nlohmann::json* found = normalizer.Default(declared)) {
        out.Set(name, normalizer.Walk(declared, ValueFromPlainJson(*found)));
      }
    }
  }
  return out;
}

std::string CanonicalJson(const Value& value) { return value.ToJson().dump(); }

Value ValueFromPlainJson(const nlohmann::json& json) {
  switch (json.type()) {
    case nlohmann::json::value_t::null:
      return Value();
    case nlohmann::json::value_t::boolean:
      return Value::Bool(json.get<bool>());
    case nlohmann::json::value_t::string:
      return Value::String(json.get<std::string>());
    case nlohmann::json::value_t::array: {
      std::vector<Value> items;
      for (const auto& item : json) items.push_back(ValueFromPlainJson(item));
      return Value::List(std::move(items));
    }
    case nlohmann::json::value_t::object: {
      std::vector<Value::Member> members;
      for (const auto& [key, item] : json.items())
        members.emplace_back(key, ValueFromPlainJson(item));
      return Value::Map(std::move(members));
    }
    default:
      return Value::Number(json.dump());
  }
}

}  // namespace sf::plan
