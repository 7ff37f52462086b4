#include "engine/iam/policy_document.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace sf::engine::iam {

namespace {

using nlohmann::json;

tl::unexpected<ApiError> Malformed(std::string message) {
  return ApiFail("MalformedPolicyDocument", std::move(message), 400);
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// A string or a non-empty list of strings, as Action, Resource and principal values are.
ApiResult<std::vector<std::string>> Strings(const json& value, std::string_view field) {
  std::vector<std::string> out;
  if (value.is_string()) {
    out.push_back(value.get<std::string>());
  } else if (value.is_array()) {
    for (const json& item : value) {
      if (!item.is_string()) return Malformed("Syntax errors in policy.");
      out.push_back(item.get<std::string>());
    }
  } else {
    return Malformed("Syntax errors in policy.");
  }
  if (out.empty()) return Malformed("Required field " + std::string(field) + " cannot be empty");
  return out;
}

// Actions are "service:Action" (wildcards allowed) or "*".
ApiResult<std::vector<std::string>> Actions(const json& value, std::string_view field) {
  auto actions = Strings(value, field);
  if (!actions) return actions;
  for (std::string& action : *actions) {
    if (action != "*" && action.find(':') == std::string::npos) {
      return Malformed(
          "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
    }
    action = Lower(action);
  }
  return actions;
}

ApiResult<PrincipalSet> Principals(const json& value) {
  PrincipalSet set;
  if (value.is_string()) {
    if (value.get<std::string>() != "*") {
      return Malformed("Invalid principal in policy: " + value.dump());
    }
    set.anyone = true;
    return set;
  }
  if (!value.is_object() || value.empty()) return Malformed("Syntax errors in policy.");
  static const char* const kTypes[] = {"AWS", "Service", "Federated", "CanonicalUser"};
  for (const auto& [type, names] : value.items()) {
    if (std::find(std::begin(kTypes), std::end(kTypes), type) == std::end(kTypes)) {
      return Malformed("Invalid principal in policy: \"" + type + "\"");
    }
    auto values = Strings(names, "Principal");
    if (!values) return tl::unexpected(values.error());
    for (std::string& name : *values) set.principals.emplace_back(type, std::move(name));
  }
  return set;
}

ApiResult<std::vector<ConditionClause>> Conditions(const json& value) {
  if (!value.is_object()) return Malformed("Syntax errors in policy.");
  std::vector<ConditionClause> clauses;
  for (const auto& [op, block] : value.items()) {
    if (!block.is_object()) return Malformed("Syntax errors in policy.");
    for (const auto& [key, values] : block.items()) {
      ConditionClause clause{op, Lower(key), {}};
      auto add = [&clause](const json& item) {
        if (item.is_string()) {
          clause.values.push_back(item.get<std::string>());
        } else if (item.is_boolean() || item.is_number()) {
          clause.values.push_back(item.dump());
        } else {
          return false;
        }
        return true;
      };
      bool valid = values.is_array() ? std::all_of(values.begin(), values.end(), add) : add(values);
      if (!valid) return Malformed("Syntax errors in policy.");
      clauses.push_back(std::move(clause));
    }
  }
  return clauses;
}

// The one of `name` / "Not" + `name` a statement has; Malformed when it has both.
const json* OneOf(const json& statement, const std::string& name, bool* negated,
                  ApiResult<void>* status) {
  const std::string negative = "Not" + name;
  bool has = statement.contains(name);
  bool has_not = statement.contains(negative);
  *negated = has_not;
  if (has && has_not) {
    *status = Malformed("Statement can not contain both " + name + " and " + negative);
    return nullptr;
  }
  if (has) return &statement[name];
  if (has_not) return &statement[negative];
  return nullptr;
}

ApiResult<Statement> ParseStatement(const json& item, PolicyKind kind) {
  if (!item.is_object()) return Malformed("Syntax errors in policy.");
  static const char* const kFields[] = {"Sid",       "Effect",       "Action",
                                        "NotAction", "Resource",     "NotResource",
                                        "Principal", "NotPrincipal", "Condition"};
  for (const auto& [field, value] : item.items()) {
    if (std::find(std::begin(kFields), std::end(kFields), field) == std::end(kFields)) {
      return Malformed("Unknown field " + field);
    }
  }
  Statement statement;
  if (auto sid = item.find("Sid"); sid != item.end()) {
    if (!sid->is_string()) return Malformed("Syntax errors in policy.");
    statement.sid = sid->get<std::string>();
  }
  auto effect = item.find("Effect");
  if (effect == item.end()) return Malformed("Missing required field Effect");
  if (!effect->is_string() || (*effect != "Allow" && *effect != "Deny")) {
    return Malformed("Invalid effect: " +
                     (effect->is_string() ? effect->get<std::string>() : effect->dump()));
  }
  statement.effect = *effect == "Allow" ? Effect::kAllow : Effect::kDeny;

  ApiResult<void> status;
  const json* actions = OneOf(item, "Action", &statement.not_action, &status);
  if (!status) return tl::unexpected(status.error());
  if (actions == nullptr) return Malformed("Policy statement must contain actions.");
  auto parsed_actions = Actions(*actions, statement.not_action ? "NotAction" : "Action");
  if (!parsed_actions) return tl::unexpected(parsed_actions.error());
  statement.actions = std::move(*parsed_actions);

  const json* resources = OneOf(item, "Resource", &statement.not_resource, &status);
  if (!status) return tl::unexpected(status.error());
  const json* principal = OneOf(item, "Principal", &statement.not_principal, &status);
  if (!status) return tl::unexpected(status.error());
  if (kind == PolicyKind::kPermissions) {
    if (principal != nullptr) return Malformed("Policy document should not specify a principal.");
    if (resources == nullptr) return Malformed("Policy statement must contain resources.");
  } else {
    if (resources != nullptr) {
      return Malformed(std::string("Has prohibited field ") +
                       (statement.not_resource ? "NotResource" : "Resource"));
    }
    if (principal == nullptr) return Malformed("Missing required field Principal");
  }
  if (resources != nullptr) {
    auto parsed = Strings(*resources, statement.not_resource ? "NotResource" : "Resource");
    if (!parsed) return tl::unexpected(parsed.error());
    statement.has_resource = true;
    statement.resources = std::move(*parsed);
  }
  if (principal != nullptr) {
    auto parsed = Principals(*principal);
    if (!parsed) return tl::unexpected(parsed.error());
    statement.principal = std::move(*parsed);
  }
  if (auto condition = item.find("Condition"); condition != item.end()) {
    auto parsed = Conditions(*condition);
    if (!parsed) return tl::unexpected(parsed.error());
    statement.conditions = std::move(*parsed);
  }
  return statement;
}

}  // namespace

size_t PolicySize(std::string_view text) {
  return static_cast<size_t>(
      std::count_if(text.begin(), text.end(), [](unsigned char c) { return !std::isspace(c); }));
}

ApiResult<PolicyDocument> ParsePolicy(std::string_view text, PolicyKind kind) {
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return Malformed("This policy contains invalid Json");
  if (!root.is_object()) return Malformed("Syntax errors in policy.");
  PolicyDocument document;
  for (const auto& [field, value] : root.items()) {
    if (field != "Version" && field != "Id" && field != "Statement") {
      return Malformed("Unknown field " + field);
    }
  }
  if (auto version = root.find("Version"); version != root.end()) {
    if (!version->is_string() || (*version != "2012-10-17" && *version != "2008-10-17")) {
      return Malformed("The policy must contain a valid version string");
    }
    document.version = version->get<std::string>();
  }
  auto statements = root.find("Statement");
  if (statements == root.end()) return Malformed("Missing required field Statement");
  if (statements->is_object()) {
    auto statement = ParseStatement(*statements, kind);
    if (!statement) return tl::unexpected(statement.error());
    document.statements.push_back(std::move(*statement));
  } else if (statements->is_array() && !statements->empty()) {
    for (const json& item : *statements) {
      auto statement = ParseStatement(item, kind);
      if (!statement) return tl::unexpected(statement.error());
      document.statements.push_back(std::move(*statement));
    }
  } else {
    return Malformed("Syntax errors in policy.");
  }
  return document;
}

}  // namespace sf::engine::iam
