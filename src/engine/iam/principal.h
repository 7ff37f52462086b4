#pragma once
// Who signed a request, and whether they may do what it asks.
//
// The engine's own key pair (credentials.json) is the account's administrator: every action is
// allowed, as for the account's root user. A role session's credentials make the session the
// principal, held to its role's identity-based policies (policy_evaluation.h) as they are when
// the request arrives: a policy change applies to the next request. There are no
// resource-based policies (bucket policies, Lambda permissions), permissions boundaries,
// session policies or SCPs.
//
// Cheap to copy (two shared pointers); thread-safe.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/api_error.h"
#include "engine/iam/policy_evaluation.h"
#include "engine/iam/role.h"

namespace sf::engine::iam {

struct Principal {
  std::shared_ptr<const Session> session;  // null: the administrator
  std::shared_ptr<const RoleAccess> role;  // the session's role, as of the request
  bool administrator() const { return session == nullptr; }
};

// The decision for `principal` doing `action` ("kinesis:PutRecord") on `resource` (an ARN, or
// "*" for actions without a resource type). The administrator is always allowed; a session
// whose role is gone is implicitly denied.
Decision Authorize(const Principal& principal, std::string_view action, std::string_view resource);

// AWS's sentence for a refusal:
//   User: <session arn> is not authorized to perform: <action> on resource: <resource>
//   because no identity-based policy allows the <action> action
// or, for an explicit Deny, "... with an explicit deny in an identity-based policy".
// `quote_resource` writes the resource in double quotes, as S3 does.
std::string DenialMessage(const Principal& principal, std::string_view action,
                          std::string_view resource, Decision decision,
                          bool quote_resource = false);

// For the JSON APIs (Kinesis, Firehose, EventBridge: 400; Lambda: 403): nullopt when
// `principal` may do `action` on `resource`, else AccessDeniedException with DenialMessage.
std::optional<ApiError> AccessDenied(const Principal& principal, std::string_view action,
                                     std::string_view resource, int status = 400);

}  // namespace sf::engine::iam
