#include "provider/local/property_values.h"

#include <charconv>

namespace sf::provider {

std::optional<int64_t> IntegerOf(const Value* value) {
  if (value == nullptr || (value->kind() != Value::Kind::kNumber && !value->IsString()))
    return std::nullopt;
  const std::string& text = value->text();
  int64_t number = 0;
  auto parsed = std::from_chars(text.data(), text.data() + text.size(), number);
  if (text.empty() || parsed.ec != std::errc() || parsed.ptr != text.data() + text.size())
    return std::nullopt;
  return number;
}

Value IntegerValue(int64_t number) { return Value::Number(std::to_string(number)); }

std::map<std::string, std::string> TagMap(const Value* tags) {
  std::map<std::string, std::string> out;
  if (tags == nullptr || !tags->IsList()) return out;
  for (const Value& tag : tags->items()) {
    const Value* key = tag.IsMap() ? tag.Find("Key") : nullptr;
    const Value* value = tag.IsMap() ? tag.Find("Value") : nullptr;
    if (key == nullptr || !key->IsString()) continue;
    out[key->text()] = value != nullptr ? value->AsString() : "";
  }
  return out;
}

Value TagList(const std::map<std::string, std::string>& tags) {
  std::vector<Value> items;
  items.reserve(tags.size());
  for (const auto& [key, value] : tags)
    items.push_back(Value::Map({{"Key", Value::String(key)}, {"Value", Value::String(value)}}));
  return Value::List(std::move(items));
}

}  // namespace sf::provider
