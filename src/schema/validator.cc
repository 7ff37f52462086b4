#include "schema/validator.h"

#include <cmath>
#include <cstdlib>
#include <map>
#include <regex>

#include "base/strings.h"

namespace sf {

namespace {

// Compiled patterns, shared by every validation on this thread.
const std::regex* CompiledPattern(const std::string& pattern) {
  thread_local std::map<std::string, std::unique_ptr<std::regex>> cache;
  auto it = cache.find(pattern);
  if (it == cache.end()) {
    std::unique_ptr<std::regex> compiled;
    try {
      compiled = std::make_unique<std::regex>(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      // A pattern std::regex cannot read (some Java-only syntax) is not checked.
    }
    it = cache.emplace(pattern, std::move(compiled)).first;
  }
  return it->second.get();
}

std::optional<double> AsNumber(const Value& value) {
  if (value.kind() != Value::Kind::kNumber && value.kind() != Value::Kind::kString)
    return std::nullopt;
  const std::string& text = value.text();
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  double number = std::strtod(text.c_str(), &end);
  if (*end != '\0' || !std::isfinite(number)) return std::nullopt;
  return number;
}

bool IsInteger(const Value& value) {
  auto number = AsNumber(value);
  return number && std::floor(*number) == *number &&
         value.text().find_first_of(".eE") == std::string::npos;
}

bool IsBoolean(const Value& value) {
  if (value.kind() == Value::Kind::kBool) return true;
  if (value.kind() != Value::Kind::kString) return false;
  std::string lower;
  for (char c : value.text())
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "true" || lower == "false";
}

bool MatchesType(const std::string& type, const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kUnknown:
      return true;
    case Value::Kind::kList:
      return type == "array";
    case Value::Kind::kMap:
      return type == "object";
    case Value::Kind::kNull:
      return type == "null";
    default:
      break;
  }
  if (type == "string") return true;  // CloudFormation turns scalars into strings
  if (type == "integer") return IsInteger(value);
  if (type == "number") return AsNumber(value).has_value();
  if (type == "boolean") return IsBoolean(value);
  return false;
}

std::string Describe(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      return "null";
    case Value::Kind::kList:
      return "a list";
    case Value::Kind::kMap:
      return "a mapping";
    case Value::Kind::kBool:
      return "the boolean " + value.text();
    case Value::Kind::kNumber:
      return "the number " + value.text();
    default:
      return "the string '" + value.text() + "'";
  }
}

std::string Article(const std::string& type) {
  if (type == "integer") return "an integer";
  if (type == "array") return "a list";
  if (type == "object") return "a mapping";
  return "a " + type;
}

std::string LastToken(const std::string& pointer) {
  size_t slash = pointer.rfind('/');
  return slash == std::string::npos ? pointer : pointer.substr(slash + 1);
}

class Validator {
 public:
  Validator(const SchemaContext& context, Diagnostics& diagnostics)
      : context_(context), diagnostics_(diagnostics) {}

  void Validate(const nlohmann::json& schema_in, const Value& value, const std::string& pointer,
                Mark at) {
    const nlohmann::json& schema = Dereference(schema_in);
    if (!schema.is_object() || value.IsUnknown()) return;
    Mark where = value.origin().line != 0 ? value.origin() : at;

    if (schema.contains("type") && !CheckType(schema["type"], value, pointer, where)) return;
    if (schema.contains("enum")) CheckEnum(schema["enum"], value, pointer, where);
    if (value.IsList()) CheckArray(schema, value, pointer, where);
    if (value.IsMap()) CheckObject(schema, value, pointer, where);
    if (!value.IsList() && !value.IsMap() && !value.IsNull())
      CheckScalar(schema, value, pointer, where);
    if (schema.contains("oneOf")) CheckAlternatives(schema["oneOf"], value, pointer, where, true);
    if (schema.contains("anyOf")) CheckAlternatives(schema["anyOf"], value, pointer, where, false);
  }

 private:
  const nlohmann::json& Dereference(const nlohmann::json& schema) {
    const nlohmann::json* current = &schema;
    for (int hops = 0; hops < 16 && current->is_object() && current->contains("$ref"); ++hops) {
      std::string ref = (*current)["$ref"].get<std::string>();
      const std::string prefix = "#/definitions/";
      if (ref.rfind(prefix, 0) != 0 || context_.root == nullptr) break;
      const auto& definitions = (*context_.root)["definitions"];
      auto it = definitions.find(ref.substr(prefix.size()));
      if (it == definitions.end()) break;
      current = &*it;
    }
    return *current;
  }

  void Error(Mark at, const std::string& pointer, std::string code, std::string message,
             std::string hint = "") {
    diagnostics_.Error({context_.file, at.line, at.column}, std::move(code), std::move(message),
                       pointer, std::move(hint));
  }

  std::string Name(const std::string& pointer) const {
    std::string token = LastToken(pointer);
    return token.empty() ? "value" : "'" + token + "'";
  }

  bool CheckType(const nlohmann::json& type, const Value& value, const std::string& pointer,
                 Mark at) {
    std::vector<std::string> types;
    if (type.is_string()) types.push_back(type.get<std::string>());
    if (type.is_array()) {
      for (const auto& t : type) types.push_back(t.get<std::string>());
    }
    for (const auto& t : types) {
      if (MatchesType(t, value)) return true;
    }
    std::vector<std::string> wanted;
    for (const auto& t : types) wanted.push_back(Article(t));
    Error(at, pointer, "wrong-type",
          Name(pointer) + " must be " + Join(wanted, " or ") + ", not " + Describe(value));
    return false;
  }

  void CheckEnum(const nlohmann::json& allowed, const Value& value, const std::string& pointer,
                 Mark at) {
    std::vector<std::string> options;
    for (const auto& option : allowed) {
      std::string text = option.is_string() ? option.get<std::string>() : option.dump();
      if (text == value.AsString()) return;
      options.push_back(text);
    }
    Error(at, pointer, "invalid-value",
          Name(pointer) + " is " + Describe(value) + "; allowed: " + Join(options, ", "),
          DidYouMean(value.AsString(), options));
  }

  void CheckScalar(const nlohmann::json& schema, const Value& value, const std::string& pointer,
                   Mark at) {
    const std::string& text = value.text();
    if (schema.contains("pattern") && value.kind() == Value::Kind::kString) {
      if (const std::regex* pattern = CompiledPattern(schema["pattern"].get<std::string>())) {
        if (!std::regex_search(text, *pattern)) {
          Error(at, pointer, "invalid-value",
                Name(pointer) + " '" + text + "' does not match the pattern " +
                    schema["pattern"].get<std::string>());
        }
      }
    }
    size_t length = Utf8Length(text);
    if (schema.contains("minLength") && length < schema["minLength"].get<size_t>()) {
      Error(at, pointer, "invalid-value",
            Name(pointer) + " is shorter than " + schema["minLength"].dump() + " characters");
    }
    if (schema.contains("maxLength") && length > schema["maxLength"].get<size_t>()) {
      Error(at, pointer, "invalid-value",
            Name(pointer) + " is longer than " + schema["maxLength"].dump() + " characters");
    }
    auto number = AsNumber(value);
    if (number && schema.contains("minimum") && *number < schema["minimum"].get<double>()) {
      Error(at, pointer, "invalid-value",
            Name(pointer) + " is " + text + ", below the minimum of " + schema["minimum"].dump());
    }
    if (number && schema.contains("maximum") && *number > schema["maximum"].get<double>()) {
      Error(at, pointer, "invalid-value",
            Name(pointer) + " is " + text + ", above the maximum of " + schema["maximum"].dump());
    }
  }

  void CheckArray(const nlohmann::json& schema, const Value& value, const std::string& pointer,
                  Mark at) {
    size_t size = value.items().size();
    if (schema.contains("minItems") && size < schema["minItems"].get<size_t>()) {
      Error(at, pointer, "invalid-value",
            Name(pointer) + " needs at least " + schema["minItems"].dump() + " items");
    }
    if (schema.contains("maxItems") && size > schema["maxItems"].get<size_t>()) {
      Error(at, pointer, "invalid-value",
            Name(pointer) + " takes at most " + schema["maxItems"].dump() + " items");
    }
    if (schema.value("uniqueItems", false)) {
      for (size_t i = 0; i < size; ++i) {
        for (size_t j = 0; j < i; ++j) {
          if (value.items()[i].IsFullyKnown() && value.items()[i] == value.items()[j]) {
            Mark where = value.items()[i].origin().line != 0 ? value.items()[i].origin() : at;
            Error(where, pointer + "/" + std::to_string(i), "invalid-value",
                  Name(pointer) + " lists the same item twice (items " + std::to_string(j) +
                      " and " + std::to_string(i) + ")");
            break;
          }
        }
      }
    }
    if (!schema.contains("items")) return;
    for (size_t i = 0; i < size; ++i) {
      Validate(schema["items"], value.items()[i], pointer + "/" + std::to_string(i), at);
    }
  }

  void CheckObject(const nlohmann::json& schema, const Value& value, const std::string& pointer,
                   Mark at) {
    const nlohmann::json empty = nlohmann::json::object();
    const nlohmann::json& properties = schema.contains("properties") ? schema["properties"] : empty;
    for (const auto& [key, member] : value.members()) {
      std::string child = pointer + "/" + PointerEscape(key);
      if (properties.contains(key)) {
        Validate(properties[key], member, child, at);
        continue;
      }
      if (const nlohmann::json* pattern_schema = PatternSchema(schema, key)) {
        Validate(*pattern_schema, member, child, at);
        continue;
      }
      if (!schema.contains("additionalProperties")) continue;
      const auto& additional = schema["additionalProperties"];
      if (additional.is_object()) {
        Validate(additional, member, child, at);
      } else if (additional.is_boolean() && !additional.get<bool>()) {
        std::vector<std::string> names;
        for (const auto& [name, unused] : properties.items()) names.push_back(name);
        Mark where = member.origin().line != 0 ? member.origin() : at;
        std::string owner = pointer.size() > 1 && LastToken(pointer) != "Properties"
                                ? " in " + Name(pointer)
                                : (context_.subject.empty() ? "" : " for " + context_.subject);
        Error(where, child, "unknown-property", "unknown property '" + key + "'" + owner,
              DidYouMean(key, names));
      }
    }
    if (schema.contains("required")) {
      for (const auto& required : schema["required"]) {
        std::string name = required.get<std::string>();
        if (value.Find(name) == nullptr) {
          std::string owner = LastToken(pointer) == "Properties" || pointer.empty()
                                  ? context_.subject
                                  : Name(pointer);
          Error(at, pointer, "missing-required",
                "missing required property '" + name + "'" + (owner.empty() ? "" : " of " + owner));
        }
      }
    }
  }

  const nlohmann::json* PatternSchema(const nlohmann::json& schema, const std::string& key) {
    if (!schema.contains("patternProperties")) return nullptr;
    for (const auto& [pattern, sub] : schema["patternProperties"].items()) {
      const std::regex* compiled = CompiledPattern(pattern);
      if (compiled == nullptr || std::regex_search(key, *compiled)) return &sub;
    }
    return nullptr;
  }

  void CheckAlternatives(const nlohmann::json& options, const Value& value,
                         const std::string& pointer, Mark at, bool exactly_one) {
    int matches = 0;
    for (const auto& option : options) {
      Diagnostics trial;
      Validator(context_, trial).Validate(option, value, pointer, at);
      matches += trial.has_errors() ? 0 : 1;
    }
    if (matches == 0 || (exactly_one && matches > 1)) {
      Error(at, pointer, "invalid-value",
            Name(pointer) + (matches == 0 ? " matches none of the allowed forms"
                                          : " matches more than one of the exclusive forms"));
    }
  }

  const SchemaContext& context_;
  Diagnostics& diagnostics_;
};

}  // namespace

void ValidateValue(const SchemaContext& context, const nlohmann::json& schema, const Value& value,
                   const std::string& pointer, Diagnostics& diagnostics) {
  Validator(context, diagnostics).Validate(schema, value, pointer, value.origin());
}

}  // namespace sf
