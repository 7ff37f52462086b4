#include "template/resolver.h"

#include <algorithm>
#include <cstdlib>

#include "base/base64.h"
#include "base/strings.h"
#include "base/yaml_value.h"
#include "template/intrinsics.h"

namespace sf {

namespace {

constexpr int kMaxDepth = 200;

std::string Describe(const Value& value) {
  return value.IsUnknown() ? "${" + value.text() + "}" : value.AsString();
}

}  // namespace

Resolver::Resolver(const ResolveScope& scope, Diagnostics& diagnostics)
    : scope_(scope), diagnostics_(diagnostics) {}

Value Resolver::Broken(const Node& at, const std::string& pointer, std::string message,
                       std::string hint) {
  diagnostics_.Error(scope_.tmpl->At(at), "invalid-intrinsic", std::move(message), pointer,
                     std::move(hint));
  return Value::Unknown("invalid").set_origin(at.mark());
}

std::optional<Value> Resolver::Resolve(const Node& node, const std::string& pointer) {
  if (depth_ > kMaxDepth) {
    Broken(node, pointer, "value nested too deeply");
    return Value::Unknown("invalid");
  }
  struct DepthGuard {
    int& depth;
    explicit DepthGuard(int& d) : depth(d) { ++depth; }
    ~DepthGuard() { --depth; }
  } guard(depth_);

  switch (node.kind()) {
    case Node::Kind::kNull:
      return Value().set_origin(node.mark());
    case Node::Kind::kScalar:
      return ScalarToValue(node).set_origin(node.mark());
    case Node::Kind::kSequence: {
      Value list = Value::List();
      int index = 0;
      for (const auto& item : node.items()) {
        auto value = Resolve(item, pointer + "/" + std::to_string(index++));
        if (value) list.items().push_back(std::move(*value));
      }
      return list.set_origin(node.mark());
    }
    case Node::Kind::kMap: {
      std::string_view name = IntrinsicName(node, in_condition_);
      if (!name.empty()) {
        const auto& [key, argument] = node.entries().front();
        return ResolveIntrinsic(name, argument, node, pointer + "/" + PointerEscape(key.scalar()));
      }
      Value map = Value::Map();
      for (const auto& [key, value] : node.entries()) {
        auto resolved = Resolve(value, pointer + "/" + PointerEscape(key.scalar()));
        if (resolved) map.members().emplace_back(key.scalar(), std::move(*resolved));
      }
      return map.set_origin(node.mark());
    }
  }
  return Value();
}

std::optional<Value> Resolver::ResolveIntrinsic(std::string_view name, const Node& argument,
                                                const Node& call, const std::string& pointer) {
  Value result;
  if (name == "Ref") {
    if (argument.IsScalar() && argument.scalar() == "AWS::NoValue") return std::nullopt;
    result = Ref(argument, pointer);
  } else if (name == "Fn::If") {
    auto value = If(argument, pointer);
    if (!value) return std::nullopt;
    result = std::move(*value);
  } else if (name == "Fn::GetAtt") {
    if (in_condition_) {
      return Broken(call, pointer,
                    "conditions can refer only to parameters; Fn::GetAtt cannot be used here");
    }
    result = GetAtt(argument, pointer);
  } else if (name == "Fn::Sub") {
    result = Sub(argument, pointer);
  } else if (name == "Fn::Join") {
    result = Join(argument, pointer);
  } else if (name == "Fn::Select") {
    result = Select(argument, pointer);
  } else if (name == "Fn::Split") {
    result = Split(argument, pointer);
  } else if (name == "Fn::FindInMap") {
    result = FindInMap(argument, pointer);
  } else if (name == "Fn::ImportValue") {
    result = ImportValue(argument, pointer);
  } else if (name == "Fn::Base64") {
    result = Base64(argument, pointer);
  } else if (name == "Fn::GetAZs") {
    result = GetAZs(argument, pointer);
  } else if (name == "Fn::Equals" || name == "Fn::And" || name == "Fn::Or" || name == "Fn::Not" ||
             name == "Condition") {
    if (!in_condition_) {
      return Broken(
          call, pointer,
          std::string(name) + " can only be used in Conditions, or in the condition of Fn::If");
    }
    result = Value::Bool(ConditionExpression(call, pointer));
  } else {
    return Broken(call, pointer, "unknown intrinsic function '" + std::string(name) + "'",
                  DidYouMean(name, IntrinsicNames()));
  }
  return result.set_origin(call.mark());
}

std::vector<std::string> Resolver::ReferenceableNames() const {
  std::vector<std::string> names = PseudoParameterNames();
  for (const auto& p : scope_.tmpl->parameters) names.push_back(p.name);
  for (const auto& r : scope_.tmpl->resources) names.push_back(r.logical_id);
  return names;
}

Value Resolver::Ref(const Node& argument, const std::string& pointer) {
  if (!argument.IsScalar())
    return Broken(argument, pointer, "Ref takes the name of a parameter or resource");
  return RefName(argument.scalar(), argument, pointer);
}

Value Resolver::RefName(const std::string& name, const Node& at, const std::string& pointer) {
  if (auto it = scope_.parameters.find(name); it != scope_.parameters.end()) {
    Value value = it->second;
    return value.set_origin(at.mark());
  }
  if (scope_.tmpl->FindParameter(name) != nullptr) {
    return Value::Unknown(name);  // declared, but its value was not valid or not given
  }
  if (const Resource* resource = scope_.tmpl->FindResource(name)) {
    if (in_condition_) {
      return Broken(at, pointer,
                    "conditions can refer only to parameters, not to resource '" + name + "'");
    }
    return scope_.ref ? scope_.ref(*resource) : Value::Unknown(name);
  }
  if (IsPseudoParameter(name)) return Value::Unknown(name);
  diagnostics_.Error(scope_.tmpl->At(at), "unresolved-ref",
                     "'" + name + "' is not a parameter, a resource or a pseudo parameter", pointer,
                     DidYouMean(name, ReferenceableNames()));
  return Value::Unknown(name);
}

Value Resolver::GetAtt(const Node& argument, const std::string& pointer) {
  if (!argument.IsSequence() || argument.items().size() != 2 || !argument.items()[0].IsScalar()) {
    return Broken(argument, pointer,
                  "Fn::GetAtt takes [LogicalId, Attribute] or 'LogicalId.Attribute'");
  }
  const Node& attribute = argument.items()[1];
  std::string attribute_name;
  if (attribute.IsScalar()) {
    attribute_name = attribute.scalar();
  } else {
    Value resolved = ResolveString(attribute, pointer + "/1", "the attribute name");
    if (resolved.IsUnknown()) return Value::Unknown(argument.items()[0].scalar() + ".?");
    attribute_name = resolved.text();
  }
  return GetAttNamed(argument.items()[0].scalar(), attribute_name, argument, pointer);
}

Value Resolver::GetAttNamed(const std::string& id, const std::string& attribute, const Node& at,
                            const std::string& pointer) {
  const Resource* resource = scope_.tmpl->FindResource(id);
  if (resource == nullptr) {
    std::vector<std::string> ids;
    for (const auto& r : scope_.tmpl->resources) ids.push_back(r.logical_id);
    diagnostics_.Error(scope_.tmpl->At(at), "unresolved-ref",
                       "Fn::GetAtt of '" + id + "', which is not a resource of this template",
                       pointer, DidYouMean(id, ids));
    return Value::Unknown(id + "." + attribute);
  }
  if (!scope_.get_att) return Value::Unknown(id + "." + attribute);
  auto value = scope_.get_att(*resource, attribute);
  if (!value) {
    std::vector<std::string> names;
    if (scope_.attribute_names) names = scope_.attribute_names(*resource);
    std::string hint = DidYouMean(attribute, names);
    for (const auto& name : names) {  // "StreamArn" for "Arn": the type's name prefixed
      if (hint.empty() && attribute.size() > name.size() &&
          attribute.compare(attribute.size() - name.size(), name.size(), name) == 0) {
        hint = "did you mean '" + name + "'?";
      }
    }
    constexpr size_t kListed = 6;
    if (names.size() > kListed) {
      names.resize(kListed);
      names.push_back("...");
    }
    std::string known = names.empty() ? "it has none" : "it has " + sf::Join(names, ", ");
    diagnostics_.Error(scope_.tmpl->At(at), "unknown-attribute",
                       resource->type + " has no attribute '" + attribute + "' (" + known + ")",
                       pointer, hint);
    return Value::Unknown(id + "." + attribute);
  }
  return *value;
}

Value Resolver::Sub(const Node& argument, const std::string& pointer) {
  const Node* text = &argument;
  const Node* variables = nullptr;
  if (argument.IsSequence()) {
    if (argument.items().size() != 2 || !argument.items()[1].IsMap()) {
      return Broken(argument, pointer, "Fn::Sub takes a string, or [string, {Name: value, ...}]");
    }
    text = &argument.items()[0];
    variables = &argument.items()[1];
  }
  if (!text->IsScalar())
    return Broken(*text, pointer, "the string of Fn::Sub must be a literal string");

  const std::string& s = text->scalar();
  std::string out;
  std::string description;
  bool known = true;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = s.find("${", i);
    if (start == std::string::npos) {
      out += s.substr(i);
      description += s.substr(i);
      break;
    }
    out += s.substr(i, start - i);
    description += s.substr(i, start - i);
    size_t end = s.find('}', start);
    if (end == std::string::npos) {
      Broken(*text, pointer, "unterminated '${' in Fn::Sub string");
      return Value::Unknown("invalid");
    }
    std::string name = s.substr(start + 2, end - start - 2);
    i = end + 1;
    if (!name.empty() && name[0] == '!') {  // ${!Literal} is the text ${Literal}
      out += "${" + name.substr(1) + "}";
      description += "${" + name.substr(1) + "}";
      continue;
    }
    Value value;
    if (const Node* local = variables ? variables->Find(name) : nullptr) {
      auto resolved = Resolve(*local, pointer + "/1/" + PointerEscape(name));
      value = resolved ? *resolved : Value::String("");
    } else if (size_t dot = name.find('.'); dot != std::string::npos && !IsPseudoParameter(name)) {
      value = GetAttNamed(name.substr(0, dot), name.substr(dot + 1), *text, pointer);
    } else {
      value = RefName(name, *text, pointer);
    }
    if (value.IsUnknown()) {
      known = false;
      description += "${" + value.text() + "}";
    } else if (value.IsList() || value.IsMap()) {
      Broken(*text, pointer, "${" + name + "} is a list; Fn::Sub can only substitute strings");
      known = false;
    } else {
      out += value.AsString();
      description += value.AsString();
    }
  }
  return known ? Value::String(out) : Value::Unknown(description);
}

Value Resolver::ResolveString(const Node& node, const std::string& pointer, const char* what) {
  auto value = Resolve(node, pointer);
  if (!value) return Value::String("");
  if (value->IsUnknown()) return *value;
  if (value->IsList() || value->IsMap() || value->IsNull()) {
    return Broken(node, pointer, std::string(what) + " must be a string");
  }
  return Value::String(value->AsString());
}

Value Resolver::Join(const Node& argument, const std::string& pointer) {
  if (!argument.IsSequence() || argument.items().size() != 2) {
    return Broken(argument, pointer, "Fn::Join takes [delimiter, [values...]]");
  }
  Value delimiter = ResolveString(argument.items()[0], pointer + "/0", "the delimiter of Fn::Join");
  auto list = Resolve(argument.items()[1], pointer + "/1");
  if (!list || list->IsUnknown() || delimiter.IsUnknown()) return Value::Unknown("Fn::Join");
  if (!list->IsList())
    return Broken(argument.items()[1], pointer + "/1",
                  "the second argument of Fn::Join must be a list");
  std::vector<std::string> parts;
  bool known = true;
  for (const auto& item : list->items()) {
    if (item.IsList() || item.IsMap()) {
      return Broken(argument.items()[1], pointer + "/1", "Fn::Join can only join strings");
    }
    known = known && !item.IsUnknown();
    parts.push_back(Describe(item));
  }
  std::string joined = sf::Join(parts, delimiter.text());
  return known ? Value::String(joined) : Value::Unknown(joined);
}

Value Resolver::Select(const Node& argument, const std::string& pointer) {
  if (!argument.IsSequence() || argument.items().size() != 2) {
    return Broken(argument, pointer, "Fn::Select takes [index, [values...]]");
  }
  Value index = ResolveString(argument.items()[0], pointer + "/0", "the index of Fn::Select");
  auto list = Resolve(argument.items()[1], pointer + "/1");
  if (index.IsUnknown() || !list || list->IsUnknown()) return Value::Unknown("Fn::Select");
  char* end = nullptr;
  long position = std::strtol(index.text().c_str(), &end, 10);
  if (index.text().empty() || *end != '\0' || position < 0) {
    return Broken(argument.items()[0], pointer + "/0",
                  "the index of Fn::Select must be a whole number");
  }
  if (!list->IsList())
    return Broken(argument.items()[1], pointer + "/1",
                  "the second argument of Fn::Select must be a list");
  if (static_cast<size_t>(position) >= list->items().size()) {
    return Broken(argument, pointer,
                  "Fn::Select index " + index.text() + " is out of range (the list has " +
                      std::to_string(list->items().size()) + " items)");
  }
  return list->items()[static_cast<size_t>(position)];
}

Value Resolver::Split(const Node& argument, const std::string& pointer) {
  if (!argument.IsSequence() || argument.items().size() != 2) {
    return Broken(argument, pointer, "Fn::Split takes [delimiter, string]");
  }
  Value delimiter =
      ResolveString(argument.items()[0], pointer + "/0", "the delimiter of Fn::Split");
  Value text = ResolveString(argument.items()[1], pointer + "/1", "the source of Fn::Split");
  if (delimiter.IsUnknown() || text.IsUnknown()) return Value::Unknown("Fn::Split");
  if (delimiter.text().empty())
    return Broken(argument.items()[0], pointer + "/0", "the delimiter of Fn::Split is empty");
  Value list = Value::List();
  const std::string& s = text.text();
  const std::string& d = delimiter.text();
  size_t start = 0;
  while (true) {
    size_t found = s.find(d, start);
    list.items().push_back(
        Value::String(s.substr(start, found == std::string::npos ? found : found - start)));
    if (found == std::string::npos) break;
    start = found + d.size();
  }
  return list;
}

Value Resolver::FindInMap(const Node& argument, const std::string& pointer) {
  if (!argument.IsSequence() || argument.items().size() != 3) {
    return Broken(argument, pointer, "Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey]");
  }
  std::string keys[3];
  for (size_t i = 0; i < 3; ++i) {
    Value key = ResolveString(argument.items()[i], pointer + "/" + std::to_string(i),
                              "a key of Fn::FindInMap");
    if (key.IsUnknown()) return Value::Unknown("Fn::FindInMap");
    keys[i] = key.text();
  }
  const Node* level = scope_.tmpl->mappings;
  std::vector<std::string> path;
  for (size_t i = 0; i < 3; ++i) {
    const Node* next = level != nullptr && level->IsMap() ? level->Find(keys[i]) : nullptr;
    if (next == nullptr) {
      std::vector<std::string> names;
      if (level != nullptr) {
        for (const auto& [key, value] : level->entries()) names.push_back(key.scalar());
      }
      std::string where = path.empty() ? "Mappings" : "mapping " + sf::Join(path, ".");
      return Broken(argument.items()[i], pointer + "/" + std::to_string(i),
                    "Fn::FindInMap: " + where + " has no key '" + keys[i] + "'",
                    DidYouMean(keys[i], names));
    }
    path.push_back(keys[i]);
    level = next;
  }
  auto value = Resolve(*level, "/Mappings/" + PointerEscape(keys[0]) + "/" +
                                   PointerEscape(keys[1]) + "/" + PointerEscape(keys[2]));
  return value ? *value : Value();
}

Value Resolver::ImportValue(const Node& argument, const std::string& pointer) {
  Value name = ResolveString(argument, pointer, "the name given to Fn::ImportValue");
  if (name.IsUnknown()) return Value::Unknown("import of " + name.text());
  if (!scope_.import_value) return Value::Unknown("import " + name.text());
  auto value = scope_.import_value(name.text());
  if (!value) {
    diagnostics_.Error(scope_.tmpl->At(argument), "unresolved-import",
                       "Fn::ImportValue: no stack exports '" + name.text() + "'", pointer);
    return Value::Unknown("import " + name.text());
  }
  return *value;
}

Value Resolver::Base64(const Node& argument, const std::string& pointer) {
  Value text = ResolveString(argument, pointer, "the argument of Fn::Base64");
  if (text.IsUnknown()) return Value::Unknown("Fn::Base64(" + text.text() + ")");
  return Value::String(Base64Encode(text.text()));
}

Value Resolver::GetAZs(const Node& argument, const std::string& pointer) {
  Value region = ResolveString(argument, pointer, "the region of Fn::GetAZs");
  if (region.IsUnknown()) return Value::Unknown("Fn::GetAZs");
  std::string name = region.text();
  if (name.empty()) {
    auto it = scope_.parameters.find("AWS::Region");
    if (it == scope_.parameters.end()) return Value::Unknown("Fn::GetAZs");
    name = it->second.text();
  }
  return Value::List(
      {Value::String(name + "a"), Value::String(name + "b"), Value::String(name + "c")});
}

std::optional<Value> Resolver::If(const Node& argument, const std::string& pointer) {
  if (!argument.IsSequence() || argument.items().size() != 3 || !argument.items()[0].IsScalar()) {
    return Broken(argument, pointer, "Fn::If takes [ConditionName, value-if-true, value-if-false]");
  }
  bool chosen = Condition(argument.items()[0].scalar(), argument.items()[0], pointer + "/0");
  size_t taken = chosen ? 1 : 2;
  if (scope_.check_all_branches) {  // its problems are problems too, whatever the stage
    Resolve(argument.items()[3 - taken], pointer + "/" + std::to_string(3 - taken));
  }
  return Resolve(argument.items()[taken], pointer + "/" + std::to_string(taken));
}

bool Resolver::Condition(const std::string& name, const Node& at, const std::string& pointer) {
  if (auto it = conditions_.find(name); it != conditions_.end()) return it->second;
  const Node* definition = scope_.tmpl->FindCondition(name);
  if (definition == nullptr) {
    std::vector<std::string> names;
    for (const auto& [condition, node] : scope_.tmpl->conditions) names.push_back(condition);
    diagnostics_.Error(scope_.tmpl->At(at), "unresolved-condition",
                       "condition '" + name + "' is not defined in Conditions", pointer,
                       DidYouMean(name, names));
    conditions_[name] = false;
    return false;
  }
  if (evaluating_.count(name) != 0) {
    diagnostics_.Error(scope_.tmpl->At(*definition), "dependency-cycle",
                       "condition '" + name + "' depends on itself",
                       "/Conditions/" + PointerEscape(name));
    return false;
  }
  evaluating_.insert(name);
  bool saved = in_condition_;
  in_condition_ = true;
  bool value = ConditionExpression(*definition, "/Conditions/" + PointerEscape(name));
  in_condition_ = saved;
  evaluating_.erase(name);
  conditions_[name] = value;
  return value;
}

std::map<std::string, bool> Resolver::AllConditions() {
  for (const auto& [name, node] : scope_.tmpl->conditions)
    Condition(name, *node, "/Conditions/" + PointerEscape(name));
  return conditions_;
}

bool Resolver::ConditionExpression(const Node& node, const std::string& pointer) {
  bool saved = in_condition_;
  in_condition_ = true;
  struct Restore {
    bool& flag;
    bool value;
    ~Restore() { flag = value; }
  } restore{in_condition_, saved};

  std::string_view name = IntrinsicName(node, true);
  if (name.empty()) {
    Broken(node, pointer,
           "a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or a Condition reference");
    return false;
  }
  const Node& argument = node.entries().front().second;
  std::string inner = pointer + "/" + PointerEscape(std::string(name));
  if (name == "Fn::Equals") return Equals(argument, inner);
  if (name == "Condition") {
    if (!argument.IsScalar()) {
      Broken(argument, inner, "Condition takes a condition name");
      return false;
    }
    return Condition(argument.scalar(), argument, inner);
  }
  if (name == "Fn::Not") {
    if (!argument.IsSequence() || argument.items().size() != 1) {
      Broken(argument, inner, "Fn::Not takes a list of one condition");
      return false;
    }
    return !ConditionExpression(argument.items()[0], inner + "/0");
  }
  if (name == "Fn::And" || name == "Fn::Or") {
    if (!argument.IsSequence() || argument.items().size() < 2 || argument.items().size() > 10) {
      Broken(argument, inner, std::string(name) + " takes a list of 2 to 10 conditions");
      return false;
    }
    bool is_and = name == "Fn::And";
    bool result = is_and;
    int index = 0;
    for (const auto& item : argument.items()) {  // evaluate all, to report every problem
      bool value = ConditionExpression(item, inner + "/" + std::to_string(index++));
      result = is_and ? (result && value) : (result || value);
    }
    return result;
  }
  Broken(node, pointer, std::string(name) + " cannot be used as a condition");
  return false;
}

bool Resolver::Equals(const Node& argument, const std::string& pointer) {
  if (!argument.IsSequence() || argument.items().size() != 2) {
    Broken(argument, pointer, "Fn::Equals takes a list of two values");
    return false;
  }
  auto a = Resolve(argument.items()[0], pointer + "/0");
  auto b = Resolve(argument.items()[1], pointer + "/1");
  if (!a || !b) return !a && !b;
  if (a->IsUnknown() || b->IsUnknown()) return false;
  bool a_scalar = !a->IsList() && !a->IsMap();
  bool b_scalar = !b->IsList() && !b->IsMap();
  if (a_scalar && b_scalar) return a->AsString() == b->AsString();  // "1" equals 1, as on AWS
  return *a == *b;
}

}  // namespace sf
