#include "engine/iam/policy_evaluation.h"

#include <algorithm>

#include "engine/iam/policy_conditions.h"
#include "engine/iam/wildcard.h"

namespace sf::engine::iam {

namespace {

const std::string* FindIn(const KeyValues* list, std::string_view key) {
  if (list == nullptr) return nullptr;
  for (const auto& [name, value] : *list) {
    if (name == key) return &value;
  }
  return nullptr;
}

bool AnyMatches(const std::vector<std::string>& patterns, std::string_view text, bool fold) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& pattern) {
    return WildcardMatch(pattern, text, fold);
  });
}

bool ActionMatches(const Statement& statement, std::string_view action) {
  return AnyMatches(statement.actions, action, /*fold=*/true) != statement.not_action;
}

// Whether the statement applies to the request, given that its target (resource or principal)
// matched: by its Condition, read conservatively for what cannot be evaluated.
bool ConditionsApply(const Statement& statement, const ConditionKeys& keys) {
  if (statement.conditions.empty()) return true;
  ConditionOutcome outcome = EvaluateConditions(statement.conditions, keys);
  if (outcome == ConditionOutcome::kHolds) return true;
  return outcome == ConditionOutcome::kUnevaluable && statement.effect == Effect::kDeny;
}

bool PrincipalMatches(const Statement& statement, const TrustRequest& request) {
  const PrincipalSet& set = *statement.principal;
  bool matched = set.anyone;
  for (const auto& [type, value] : set.principals) {
    if (matched) break;
    if (type != request.type) continue;
    if (value == "*") {
      matched = true;
      continue;
    }
    const std::string& wanted = value;  // a lambda may not capture a structured binding (clang)
    matched = std::any_of(request.names.begin(), request.names.end(),
                          [&](const std::string& name) { return name == wanted; });
  }
  return matched != statement.not_principal;
}

}  // namespace

const std::string* ConditionKeys::Find(std::string_view key) const {
  const std::string* found = FindIn(first, key);
  return found != nullptr ? found : FindIn(second, key);
}

Decision Evaluate(const std::vector<const PolicyDocument*>& policies,
                  const AccessRequest& request) {
  bool allowed = false;
  for (const PolicyDocument* policy : policies) {
    for (const Statement& statement : policy->statements) {
      if (allowed && statement.effect == Effect::kAllow) continue;  // only a Deny can change it
      if (!ActionMatches(statement, request.action)) continue;
      if (AnyMatches(statement.resources, request.resource, false) == statement.not_resource) {
        continue;
      }
      if (!ConditionsApply(statement, request.keys)) continue;
      if (statement.effect == Effect::kDeny) return Decision::kExplicitDeny;
      allowed = true;
    }
  }
  return allowed ? Decision::kAllow : Decision::kImplicitDeny;
}

bool ServiceMayAssume(const PolicyDocument& trust, std::string_view service,
                      const KeyValues* keys) {
  TrustRequest request;
  request.type = "Service";
  request.names = {std::string(service)};
  request.keys = {keys, nullptr};
  return TrustAllows(trust, request);
}

bool TrustAllows(const PolicyDocument& trust, const TrustRequest& request) {
  bool allowed = false;
  for (const Statement& statement : trust.statements) {
    if (!statement.principal || !ActionMatches(statement, request.action)) continue;
    if (!PrincipalMatches(statement, request)) continue;
    if (!ConditionsApply(statement, request.keys)) continue;
    if (statement.effect == Effect::kDeny) return false;
    allowed = true;
  }
  return allowed;
}

}  // namespace sf::engine::iam
