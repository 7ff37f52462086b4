#pragma once
// What the engine's IAM keeps: roles (their trust policy, inline and attached managed
// policies, tags) and role sessions (the temporary credentials issued for a role, to a
// function's workers or through sts:AssumeRole). Plain data, plus RoleAccess: a role compiled
// for authorization.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/iam/policy_document.h"
#include "engine/iam/policy_evaluation.h"

namespace sf::engine::iam {

struct RoleTag {
  std::string key;
  std::string value;
};

struct InlinePolicy {
  std::string name;
  std::string document;  // as given (IAM returns it as given, URL-encoded)
};

struct RoleRecord {
  std::string name;  // unique in the account, case-insensitively
  std::string path = "/";
  std::string role_id;  // "AROA..."
  std::string arn;      // arn:aws:iam::<account>:role<path><name>
  int64_t created_ms = 0;
  std::string assume_role_policy;  // the trust policy, as given
  std::string description;
  int max_session_seconds = 3600;
  std::vector<RoleTag> tags;                  // in the order they were added
  std::vector<InlinePolicy> inline_policies;  // sorted by name
  std::vector<std::string> attached;          // managed policy ARNs, in the order attached
};

// A role session's credentials: what a signed request is checked against.
struct Session {
  std::string access_key;  // "ASIA..."
  std::string secret_key;
  std::string token;  // X-Amz-Security-Token must carry it
  std::string role_id;
  std::string role_name;
  std::string session_name;  // a function's name, or AssumeRole's RoleSessionName
  std::string arn;           // arn:aws:sts::<account>:assumed-role/<role>/<session>
  int64_t created_ms = 0;
  KeyValues keys;  // the session's condition keys (aws:userid)
};

// A role compiled for authorization: its documents parsed, the permission policies gathered
// (inline, then managed) and the role's condition keys (aws:PrincipalArn, aws:PrincipalAccount,
// aws:PrincipalType, aws:PrincipalTag/<key>, aws:RequestedRegion, aws:SecureTransport).
// Immutable once built; a change to the role builds a new one. Not copyable: `policies` points
// into `inline_documents` and the built-in managed policies.
struct RoleAccess {
  RoleAccess() = default;
  RoleAccess(const RoleAccess&) = delete;
  RoleAccess& operator=(const RoleAccess&) = delete;

  RoleRecord record;
  PolicyDocument trust;
  std::vector<PolicyDocument> inline_documents;
  std::vector<const PolicyDocument*> policies;
  KeyValues keys;
};

// Builds the RoleAccess of `record`; MalformedPolicyDocument if a stored document no longer
// parses, NoSuchEntity for an attached ARN that is not a built-in managed policy.
ApiResult<std::shared_ptr<const RoleAccess>> CompileRole(RoleRecord record,
                                                         const std::string& account,
                                                         const std::string& region);

// arn:aws:iam::<account>:role<path><name>
std::string RoleArn(const std::string& account, const std::string& path, const std::string& name);
// arn:aws:sts::<account>:assumed-role/<role>/<session>
std::string SessionArn(const std::string& account, const std::string& role,
                       const std::string& session);

}  // namespace sf::engine::iam
