#pragma once
// The IAM and STS Query APIs (botocore's iam 2010-05-08 and sts 2011-06-15 models) over the
// role store: form-encoded POSTs to "/", routed here by their SigV4 signing service ("iam",
// "sts"), answered in XML (query_response.h).
//
// IAM: CreateRole, GetRole, DeleteRole, ListRoles, UpdateRole, UpdateAssumeRolePolicy,
// PutRolePolicy, GetRolePolicy, DeleteRolePolicy, ListRolePolicies, AttachRolePolicy,
// DetachRolePolicy, ListAttachedRolePolicies, TagRole, UntagRole, ListRoleTags.
// STS: AssumeRole (the session of (role, RoleSessionName): the same name gives the same
// credentials), GetCallerIdentity.
//
// Rules kept as IAM keeps them: names and paths by the model's patterns; trust and permission
// policies parsed when stored (MalformedPolicyDocument); policy documents returned URL-encoded,
// as given; DeleteRole refused (DeleteConflict) while the role has inline or attached policies;
// at most 10 managed policies per role, 10,240 characters of inline policy (whitespace not
// counted), a 2,048-character trust policy and 50 tags (LimitExceeded); only the built-in AWS
// managed policies can be attached (NoSuchEntity otherwise); tag keys compare
// case-insensitively. PermissionsBoundary and session policies (AssumeRole's Policy and
// PolicyArns) are refused as not supported.
//
// Authorization: a role session may call these only as its policies allow (iam:<Action> on
// the role's ARN, "*" for ListRoles; sts:AssumeRole on the role's ARN, and the role's trust
// policy must name the caller: its role or session ARN, or its account when an identity policy
// allows too). The administrator may assume any role whatever its trust policy: the engine's
// key stands in for the AWS services that assume roles. GetCallerIdentity needs no permission.
//
// Threading: Handle runs on an I/O thread and returns at once; every operation runs on the work
// pool (SQLite commits). Thread-safe; the store and the pool must outlive it.

#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/work_pool.h"
#include "engine/api/iam/query_request.h"
#include "engine/iam/principal.h"
#include "engine/iam/role_store.h"
#include "engine/server/http_server.h"

namespace sf::engine::iam_api {

// The model's pattern for policy documents, as validation messages quote it.
inline constexpr char kPolicyTextPattern[] = "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+";

class IamApi {
 public:
  // `clock`: creation dates and AssumeRole's Expiration.
  IamApi(iam::RoleStore& roles, WorkPool& pool, const Clock& clock)
      : roles_(roles), pool_(pool), clock_(clock) {}

  // `request` is authenticated for `service` ("iam" or "sts") and signed by `principal`.
  void Handle(HttpRequest&& request, std::string service, iam::Principal principal,
              Respond respond);

  // Whether a request is for this API: its SigV4 signing service is "iam" or "sts".
  static bool IsQueryService(std::string_view signing_service);

 private:
  struct Call {
    QueryRequest query;
    iam::Principal principal;
    std::string request_id;
  };
  using Operation = ApiResult<HttpResponse> (IamApi::*)(Call&);

  HttpResponse Dispatch(Call& call, bool sts);
  // AccessDenied unless the principal may do `action` on `resource`.
  ApiResult<void> Allow(const Call& call, std::string_view action, std::string_view resource) const;
  // The ARN of the role `name`: its own when it exists, else arn:aws:iam::<account>:role/<name>.
  std::string ArnOf(const std::string& name) const;
  // Validates RoleName (required) and authorizes `action` on it; returns the name.
  ApiResult<std::string> RoleTarget(Call& call, std::string_view action);

  // iam_role_ops.cc
  ApiResult<HttpResponse> CreateRole(Call& call);
  ApiResult<HttpResponse> GetRole(Call& call);
  ApiResult<HttpResponse> DeleteRole(Call& call);
  ApiResult<HttpResponse> ListRoles(Call& call);
  ApiResult<HttpResponse> UpdateRole(Call& call);
  ApiResult<HttpResponse> UpdateAssumeRolePolicy(Call& call);
  ApiResult<HttpResponse> TagRole(Call& call);
  ApiResult<HttpResponse> UntagRole(Call& call);
  ApiResult<HttpResponse> ListRoleTags(Call& call);
  // iam_policy_ops.cc
  ApiResult<HttpResponse> PutRolePolicy(Call& call);
  ApiResult<HttpResponse> GetRolePolicy(Call& call);
  ApiResult<HttpResponse> DeleteRolePolicy(Call& call);
  ApiResult<HttpResponse> ListRolePolicies(Call& call);
  ApiResult<HttpResponse> AttachRolePolicy(Call& call);
  ApiResult<HttpResponse> DetachRolePolicy(Call& call);
  ApiResult<HttpResponse> ListAttachedRolePolicies(Call& call);
  // sts_ops.cc
  ApiResult<HttpResponse> AssumeRole(Call& call);
  ApiResult<HttpResponse> GetCallerIdentity(Call& call);

  iam::RoleStore& roles_;
  WorkPool& pool_;
  const Clock& clock_;
};

}  // namespace sf::engine::iam_api
