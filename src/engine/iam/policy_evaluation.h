#pragma once
// Evaluating identity-based policies and trust policies as AWS does, within one account:
// an explicit Deny in any statement that applies wins; otherwise an Allow that applies
// allows; otherwise the request is implicitly denied.
//
// A statement applies when its Action (or NotAction) matches the action (case-insensitively,
// with '*' and '?'), its Resource (or NotResource) matches the resource (case-sensitively,
// with wildcards; actions without a resource type are evaluated against "*", which only a
// Resource of "*" matches), and its Condition holds. Conditions are evaluated for the String*,
// Arn*, Numeric*, Bool and Null operators, with the IfExists suffix and the ForAnyValue: /
// ForAllValues: prefixes (every key streamform knows is single-valued), against the keys in
// ConditionKeys; a key the request lacks makes positive operators false, negated operators,
// IfExists and ForAllValues true, as AWS documents. A statement whose Condition uses an
// operator streamform cannot evaluate (Date*, IpAddress, Binary, ...) is taken not to apply
// when it allows and to apply when it denies: it never grants more than AWS would.
//
// Pure; thread-safe.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/iam/policy_document.h"

namespace sf::engine::iam {

enum class Decision { kAllow, kImplicitDeny, kExplicitDeny };

using KeyValues = std::vector<std::pair<std::string, std::string>>;  // lower-cased key, value

// The condition keys of one request, looked up case-insensitively: up to two lists (the
// role's and the session's keys), neither owned.
struct ConditionKeys {
  const KeyValues* first = nullptr;
  const KeyValues* second = nullptr;
  // The value of `key` (lower case), or nullptr when the request has no such key.
  const std::string* Find(std::string_view key) const;
};

struct AccessRequest {
  std::string_view action;    // as IAM names it: "kinesis:PutRecord" (any case)
  std::string_view resource;  // an ARN, or "*" for actions without a resource type
  ConditionKeys keys;
};

// The decision of `policies` together (inline and managed alike) for `request`.
Decision Evaluate(const std::vector<const PolicyDocument*>& policies, const AccessRequest& request);

// A principal asking to assume a role: its type ("Service", "AWS") and the names it goes by
// (a service's "lambda.amazonaws.com"; a role session's role ARN, account id and account root
// ARN).
struct TrustRequest {
  std::string_view type;
  std::vector<std::string> names;
  std::string_view action = "sts:AssumeRole";
  ConditionKeys keys;
};

// Whether `trust` (an AssumeRolePolicyDocument) lets the principal perform the action, by the
// same rules, with Principal / NotPrincipal in place of Resource.
bool TrustAllows(const PolicyDocument& trust, const TrustRequest& request);

// Whether `trust` lets AWS service `service` ("lambda.amazonaws.com") assume the role, with
// the condition keys the service passes (`keys`: Firehose passes sts:ExternalId; may be null).
bool ServiceMayAssume(const PolicyDocument& trust, std::string_view service,
                      const KeyValues* keys = nullptr);

}  // namespace sf::engine::iam
