#pragma once
// Resolving intrinsic functions to Values, for one template in one stage.
//
// The scope supplies what the template cannot know by itself: parameter values (pseudo
// parameters included, keyed "AWS::Region", ...), and callbacks for what resources and other
// stacks provide (physical ids, attributes, exports). Anything not known until apply comes
// back as Value::Unknown. Every problem found (a Ref to nothing, a wrong argument shape, a
// missing mapping key, ...) is reported with its location; resolution continues past it,
// yielding an Unknown, so one run reports every problem.

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "base/diagnostics.h"
#include "base/value.h"
#include "template/template.h"

namespace sf {

struct ResolveScope {
  const Template* tmpl = nullptr;
  // Parameter and pseudo-parameter values by name.
  std::map<std::string, Value> parameters;
  // The resource's physical id (what Ref returns).
  std::function<Value(const Resource&)> ref;
  // The attribute's value; nullopt when the type has no such attribute.
  std::function<std::optional<Value>(const Resource&, const std::string& attribute)> get_att;
  // The attributes a type has, for did-you-mean hints.
  std::function<std::vector<std::string>(const Resource&)> attribute_names;
  // An export's value; nullopt when nothing exports that name.
  std::function<std::optional<Value>(const std::string& name)> import_value;
  // Also walk the branch of Fn::If that is not taken (for validation).
  bool check_all_branches = false;
};

class Resolver {
 public:
  Resolver(const ResolveScope& scope, Diagnostics& diagnostics);

  // The value of `node`, or nullopt for AWS::NoValue (the caller drops the key or item).
  // `pointer` is the node's JSON pointer, used in diagnostics.
  std::optional<Value> Resolve(const Node& node, const std::string& pointer);

  // The value of a named condition (false when it is undefined or broken, after reporting).
  bool Condition(const std::string& name, const Node& at, const std::string& pointer);

  // Every condition of the template, evaluated.
  std::map<std::string, bool> AllConditions();

 private:
  std::optional<Value> ResolveIntrinsic(std::string_view name, const Node& argument,
                                        const Node& call, const std::string& pointer);
  Value Ref(const Node& argument, const std::string& pointer);
  Value RefName(const std::string& name, const Node& at, const std::string& pointer);
  Value GetAtt(const Node& argument, const std::string& pointer);
  Value GetAttNamed(const std::string& id, const std::string& attribute, const Node& at,
                    const std::string& pointer);
  Value Sub(const Node& argument, const std::string& pointer);
  Value Join(const Node& argument, const std::string& pointer);
  Value Select(const Node& argument, const std::string& pointer);
  Value Split(const Node& argument, const std::string& pointer);
  Value FindInMap(const Node& argument, const std::string& pointer);
  Value ImportValue(const Node& argument, const std::string& pointer);
  Value Base64(const Node& argument, const std::string& pointer);
  Value GetAZs(const Node& argument, const std::string& pointer);
  std::optional<Value> If(const Node& argument, const std::string& pointer);
  bool ConditionExpression(const Node& node, const std::string& pointer);
  bool Equals(const Node& argument, const std::string& pointer);

  // Resolves to a string (or Unknown); reports other kinds as `what` being wrong.
  Value ResolveString(const Node& node, const std::string& pointer, const char* what);
  Value Broken(const Node& at, const std::string& pointer, std::string message,
               std::string hint = "");
  std::vector<std::string> ReferenceableNames() const;

  const ResolveScope& scope_;
  Diagnostics& diagnostics_;
  int depth_ = 0;
  std::map<std::string, bool> conditions_;
  std::set<std::string> evaluating_;
  bool in_condition_ = false;
};

}  // namespace sf
