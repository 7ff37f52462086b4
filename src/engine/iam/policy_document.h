#pragma once
// IAM JSON policy documents: the model and the parser. A document is parsed once, when it is
// stored (PutRolePolicy, CreateRole, ...), and kept parsed for evaluation (policy_evaluation.h).
//
// Grammar (IAM's): {"Version"?, "Id"?, "Statement": statement | [statement, ...]}; a statement
// has "Sid"?, "Effect" ("Allow" | "Deny"), exactly one of "Action"/"NotAction", for permission
// policies exactly one of "Resource"/"NotResource", for trust policies exactly one of
// "Principal"/"NotPrincipal", and "Condition"? ({operator: {key: value | [values]}}). Action,
// Resource and principal values are a string or a list of strings.
//
// Failures are IAM's MalformedPolicyDocument (400) with IAM's wording where it is known
// ("Syntax errors in policy.", "Policy document should not specify a principal.", "Missing
// required field Principal", ...). Version must be "2012-10-17" or "2008-10-17" when given.
// Policy variables (${aws:username}) are not substituted: they match literally.
//
// Plain data; thread-safe once built.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/api_error.h"

namespace sf::engine::iam {

enum class Effect { kAllow, kDeny };

// Which rules a document follows: permission policies name resources, trust policies
// (AssumeRolePolicyDocument) name principals.
enum class PolicyKind { kPermissions, kTrust };

// A Principal / NotPrincipal element: "*" or {"AWS" | "Service" | "Federated" |
// "CanonicalUser": value | [values]}.
struct PrincipalSet {
  bool anyone = false;                                          // "Principal": "*"
  std::vector<std::pair<std::string, std::string>> principals;  // (type, value)
};

// One clause of a Condition block: operator (as written, e.g. "StringLikeIfExists",
// "ForAnyValue:StringEquals"), key (lower-cased: keys compare case-insensitively) and values.
struct ConditionClause {
  std::string op;
  std::string key;
  std::vector<std::string> values;
};

struct Statement {
  std::string sid;
  Effect effect = Effect::kAllow;
  bool not_action = false;
  std::vector<std::string> actions;  // lower-cased: actions compare case-insensitively
  bool has_resource = false;         // Resource or NotResource given
  bool not_resource = false;
  std::vector<std::string> resources;  // as written: resources compare case-sensitively
  std::optional<PrincipalSet> principal;
  bool not_principal = false;
  std::vector<ConditionClause> conditions;
};

struct PolicyDocument {
  std::string version;  // "" when the document has none (IAM then reads it as 2008-10-17)
  std::vector<Statement> statements;
};

// Parses `text` as a policy of `kind`. MalformedPolicyDocument when it is not one.
ApiResult<PolicyDocument> ParsePolicy(std::string_view text, PolicyKind kind);

// A document's size as IAM counts it against its quotas: characters other than whitespace.
size_t PolicySize(std::string_view text);

}  // namespace sf::engine::iam
