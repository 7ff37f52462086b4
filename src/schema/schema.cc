#include "schema/schema.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "base/embedded.h"

namespace sf {

bool ResourceSchema::HasAttribute(const std::string& name) const {
  return std::find(attributes.begin(), attributes.end(), name) != attributes.end();
}

namespace {

constexpr const char* kPropertiesPrefix = "/properties/";

std::vector<std::string> Strings(const nlohmann::json& json, const char* key) {
  std::vector<std::string> out;
  if (!json.contains(key) || !json[key].is_array()) return out;
  for (const auto& item : json[key]) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

Result<ResourceSchema> ReadSchema(const nlohmann::json& json) {
  ResourceSchema schema;
  if (!json.contains("typeName") || !json["typeName"].is_string()) {
    return Fail(ErrorCode::kParse, "schema without a typeName");
  }
  schema.type_name = json["typeName"].get<std::string>();
  if (!json.contains("properties") || !json["properties"].is_object()) {
    return Fail(ErrorCode::kParse, schema.type_name + ": schema without properties");
  }
  for (const auto& [name, value] : json["properties"].items())
    schema.property_names.push_back(name);
  schema.document = json;
  schema.required = Strings(json, "required");
  schema.create_only = Strings(json, "createOnlyProperties");
  schema.conditional_create_only = Strings(json, "conditionalCreateOnlyProperties");
  for (const auto& pointer : Strings(json, "readOnlyProperties")) {
    if (pointer.rfind(kPropertiesPrefix, 0) != 0) continue;
    std::string attribute = pointer.substr(std::char_traits<char>::length(kPropertiesPrefix));
    std::replace(attribute.begin(), attribute.end(), '/', '.');
    schema.attributes.push_back(attribute);
  }
  if (json.contains("x-streamform") && json["x-streamform"].is_object()) {
    const auto& extension = json["x-streamform"];
    if (extension.contains("ref") && extension["ref"].is_string()) {
      std::string ref = extension["ref"].get<std::string>();
      if (ref.rfind(kPropertiesPrefix, 0) == 0)
        ref = ref.substr(std::char_traits<char>::length(kPropertiesPrefix));
      schema.ref_property = ref;
    }
    schema.ref_description = extension.value("refDescription", "");
    schema.engine_supported = extension.value("engine", "supported") == "supported";
    schema.engine_unsupported = Strings(extension, "engineUnsupportedProperties");
  }
  return schema;
}

}  // namespace

Result<SchemaRegistry> SchemaRegistry::FromTexts(const std::vector<std::string>& texts) {
  SchemaRegistry registry;
  for (const auto& text : texts) {
    nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded()) return Fail(ErrorCode::kParse, "a schema is not valid JSON");
    if (!json.contains("typeName")) {
      registry.project_schema_ = std::move(json);  // the one plain JSON Schema
      continue;
    }
    auto schema = ReadSchema(json);
    if (!schema) return tl::unexpected(schema.error());
    std::string name = schema->type_name;
    registry.schemas_.emplace(std::move(name), std::move(*schema));
  }
  return registry;
}

const SchemaRegistry& SchemaRegistry::Builtin() {
  static const SchemaRegistry registry = [] {
    std::vector<std::string> texts;
    for (const auto& file : EmbeddedSchemas()) texts.emplace_back(file.content);
    auto built = FromTexts(texts);
    if (!built) {
      std::fprintf(stderr, "streamform: built-in schemas are broken: %s\n",
                   built.error().message.c_str());
      std::abort();
    }
    return std::move(*built);
  }();
  return registry;
}

const ResourceSchema* SchemaRegistry::Find(const std::string& type_name) const {
  auto it = schemas_.find(type_name);
  return it == schemas_.end() ? nullptr : &it->second;
}

std::vector<std::string> SchemaRegistry::TypeNames() const {
  std::vector<std::string> names;
  for (const auto& [name, schema] : schemas_) names.push_back(name);
  return names;
}

}  // namespace sf
