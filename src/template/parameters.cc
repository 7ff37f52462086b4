#include "template/parameters.h"

#include <cmath>
#include <cstdlib>
#include <regex>

#include "base/strings.h"

namespace sf {

namespace {

std::optional<double> ParseNumber(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (*end != '\0' || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string Format(double value) {
  std::string text = std::to_string(value);
  text.erase(text.find_last_not_of('0') + 1);
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

// Checks one value (one item of a list type) against the parameter's constraints.
class Checker {
 public:
  Checker(const Parameter& parameter, SourceLocation location, std::string pointer,
          Diagnostics& diagnostics)
      : p_(parameter),
        location_(std::move(location)),
        pointer_(std::move(pointer)),
        diagnostics_(diagnostics) {}

  bool Check(const std::string& text, bool numeric) {
    bool ok = true;
    std::string shown = "'" + text + "'";
    if (numeric) {
      auto number = ParseNumber(text);
      if (!number) {
        return Fail("wrong-type", "parameter " + p_.name + ": " + shown + " is not a number");
      }
      if (p_.min_value && *number < *p_.min_value) {
        ok = Fail("parameter-constraint", "parameter " + p_.name + ": " + shown +
                                              " is less than MinValue " + Format(*p_.min_value));
      }
      if (p_.max_value && *number > *p_.max_value) {
        ok = Fail("parameter-constraint", "parameter " + p_.name + ": " + shown +
                                              " is greater than MaxValue " + Format(*p_.max_value));
      }
    } else {
      double length = static_cast<double>(Utf8Length(text));
      if (p_.min_length && length < *p_.min_length) {
        ok = Fail("parameter-constraint", "parameter " + p_.name + ": " + shown +
                                              " is shorter than MinLength " +
                                              Format(*p_.min_length));
      }
      if (p_.max_length && length > *p_.max_length) {
        ok =
            Fail("parameter-constraint", "parameter " + p_.name + ": " + shown +
                                             " is longer than MaxLength " + Format(*p_.max_length));
      }
    }
    if (!p_.allowed_values.empty() && std::find(p_.allowed_values.begin(), p_.allowed_values.end(),
                                                text) == p_.allowed_values.end()) {
      ok = Fail("allowed-values",
                "parameter " + p_.name + ": " + shown + " is not one of the AllowedValues [" +
                    Join(p_.allowed_values, ", ") + "]",
                DidYouMean(text, p_.allowed_values));
    }
    if (p_.allowed_pattern) {
      std::regex pattern(*p_.allowed_pattern);
      if (!std::regex_match(text, pattern)) {
        ok = Fail("allowed-pattern",
                  "parameter " + p_.name + ": " + shown + " does not match AllowedPattern '" +
                      *p_.allowed_pattern + "'",
                  p_.constraint_description);
      }
    }
    return ok;
  }

 private:
  bool Fail(const char* code, std::string message, std::string hint = "") {
    diagnostics_.Error(location_, code, std::move(message), pointer_, std::move(hint));
    return false;
  }

  const Parameter& p_;
  SourceLocation location_;
  std::string pointer_;
  Diagnostics& diagnostics_;
};

// The value as text items: a list type splits a string at commas.
std::vector<std::string> Items(const Value& value, bool list_type) {
  if (value.IsList()) {
    std::vector<std::string> items;
    for (const auto& item : value.items()) items.push_back(item.AsString());
    return items;
  }
  if (!list_type) return {value.AsString()};
  std::vector<std::string> items = Split(value.AsString(), ',');
  for (auto& item : items) {  // CloudFormation trims the spaces around each member
    size_t first = item.find_first_not_of(" \t");
    size_t last = item.find_last_not_of(" \t");
    item = first == std::string::npos ? "" : item.substr(first, last - first + 1);
  }
  return items;
}

Value FromNode(const Node& node) {
  if (node.IsSequence()) {
    Value list = Value::List();
    for (const auto& item : node.items()) list.items().push_back(Value::String(item.scalar()));
    return list;
  }
  if (!node.quoted() && node.LooksNumeric()) return Value::Number(node.scalar());
  return Value::String(node.scalar());
}

}  // namespace

std::map<std::string, Value> BindParameters(const Template& tmpl,
                                            const std::map<std::string, GivenParameter>& given,
                                            bool strict_unknown, Diagnostics& diagnostics) {
  std::map<std::string, Value> values;
  for (const auto& p : tmpl.parameters) {
    Value value;
    SourceLocation location;
    std::string pointer;
    if (auto it = given.find(p.name); it != given.end()) {
      value = it->second.value;
      location = it->second.location;
      pointer = it->second.pointer;
    } else if (p.default_value != nullptr) {
      if (p.default_value->IsMap()) {
        diagnostics.Error(tmpl.At(*p.default_value), "wrong-type",
                          "parameter " + p.name + ": Default must be a string, a number or a list",
                          "/Parameters/" + PointerEscape(p.name) + "/Default");
        continue;
      }
      value = FromNode(*p.default_value);
      location = tmpl.At(*p.default_value);
      pointer = "/Parameters/" + PointerEscape(p.name) + "/Default";
    } else {
      diagnostics.Error(tmpl.At(*p.node), "missing-parameter",
                        "parameter " + p.name + " has no Default, and no value is given for it",
                        "/Parameters/" + PointerEscape(p.name));
      continue;
    }
    bool list_type =
        p.type == "CommaDelimitedList" || p.type == "List<Number>" || StartsWith(p.type, "List<");
    bool numeric = p.type == "Number" || p.type == "List<Number>";
    if (value.IsList() && !list_type) {
      diagnostics.Error(location, "wrong-type",
                        "parameter " + p.name + " is a " + p.type + ", not a list", pointer);
      continue;
    }
    if (value.IsMap()) {
      diagnostics.Error(location, "wrong-type", "parameter " + p.name + " cannot be a mapping",
                        pointer);
      continue;
    }
    Checker checker(p, location, pointer, diagnostics);
    std::vector<std::string> items = Items(value, list_type);
    bool ok = true;
    for (const auto& item : items)
      ok = checker.Check(list_type ? std::string(item) : item, numeric) && ok;
    if (!ok) continue;
    if (list_type) {
      Value list = Value::List();
      for (const auto& item : items) {
        list.items().push_back(numeric ? Value::Number(item) : Value::String(item));
      }
      values[p.name] = std::move(list);
    } else {
      values[p.name] = numeric ? Value::Number(value.AsString()) : Value::String(value.AsString());
    }
  }
  if (strict_unknown) {
    for (const auto& [name, parameter] : given) {
      if (tmpl.FindParameter(name) == nullptr) {
        std::vector<std::string> names;
        for (const auto& p : tmpl.parameters) names.push_back(p.name);
        diagnostics.Error(parameter.location, "unknown-parameter",
                          "template " + tmpl.file() + " declares no parameter '" + name + "'",
                          parameter.pointer, DidYouMean(name, names));
      }
    }
  }
  return values;
}

}  // namespace sf
