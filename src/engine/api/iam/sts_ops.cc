// STS: AssumeRole and GetCallerIdentity.

#include "engine/api/iam/iam_api.h"
#include "engine/api/iam/query_response.h"
#include "engine/api/s3/xml/s3_time.h"

namespace sf::engine::iam_api {

namespace {

std::string CallerArn(const iam::Principal& principal, const std::string& account) {
  return principal.administrator() ? "arn:aws:iam::" + account + ":root" : principal.session->arn;
}

// Whether the caller may assume `role`, as AWS decides within one account: an explicit Deny in
// the caller's policies refuses; a trust policy naming the caller's role (or session) allows; a
// trust policy naming the caller's account allows when the caller's policies allow too.
bool MayAssume(const iam::Principal& caller, const iam::RoleAccess& role,
               const std::string& account) {
  if (caller.administrator()) return true;
  if (caller.role == nullptr) return false;
  iam::Decision identity = iam::Authorize(caller, "sts:AssumeRole", role.record.arn);
  if (identity == iam::Decision::kExplicitDeny) return false;
  iam::TrustRequest named;
  named.type = "AWS";
  named.names = {caller.role->record.arn, caller.session->arn};
  named.keys = {&caller.role->keys, &caller.session->keys};
  if (iam::TrustAllows(role.trust, named)) return true;
  iam::TrustRequest whole_account = named;
  whole_account.names = {account, "arn:aws:iam::" + account + ":root"};
  return identity == iam::Decision::kAllow && iam::TrustAllows(role.trust, whole_account);
}

}  // namespace

ApiResult<HttpResponse> IamApi::AssumeRole(Call& call) {
  QueryRequest& q = call.query;
  auto arn = q.Get("RoleArn");
  auto session_name = q.Get("RoleSessionName");
  q.Required(arn, "roleArn");
  q.Length(arn, "roleArn", 20, 2048);
  q.Required(session_name, "roleSessionName");
  q.Length(session_name, "roleSessionName", 2, 64);
  q.NamePattern(session_name, "roleSessionName");
  auto duration = q.Integer("DurationSeconds", "durationSeconds", 900, 43200);
  if (auto valid = q.Finish(); !valid) return tl::unexpected(valid.error());
  if (q.Get("Policy") || q.Get("PolicyArns.member.1.arn")) {
    return ApiFail("ValidationError",
                   "streamform does not support session policies (Policy, PolicyArns)", 400);
  }
  const std::string& account = roles_.account();
  auto role = roles_.FindRoleByArn(*arn);
  if (role == nullptr || !MayAssume(call.principal, *role, account)) {
    return ApiFail("AccessDenied",
                   "User: " + CallerArn(call.principal, account) +
                       " is not authorized to perform: sts:AssumeRole on resource: " + *arn,
                   403);
  }
  if (duration && *duration > role->record.max_session_seconds) {
    return ApiFail("ValidationError",
                   "The requested DurationSeconds exceeds the MaxSessionDuration set for this "
                   "role.",
                   400);
  }
  auto session = roles_.SessionFor(role->record.name, *session_name);
  if (!session) return tl::unexpected(session.error());
  const iam::Session& s = **session;
  QueryResponse response("AssumeRole", kStsNamespace);
  response.xml()
      .Open("AssumedRoleUser")
      .Element("AssumedRoleId", s.role_id + ":" + s.session_name)
      .Element("Arn", s.arn)
      .Close()
      .Open("Credentials")
      .Element("AccessKeyId", s.access_key)
      .Element("SecretAccessKey", s.secret_key)
      .Element("SessionToken", s.token)
      .Element("Expiration", s3::FormatIso8601Ms(clock_.NowMs() + duration.value_or(3600) * 1000))
      .Close();
  return response.Finish(call.request_id);
}

ApiResult<HttpResponse> IamApi::GetCallerIdentity(Call& call) {
  const std::string& account = roles_.account();
  const iam::Principal& caller = call.principal;
  QueryResponse response("GetCallerIdentity", kStsNamespace);
  response.xml()
      .Element("Arn", CallerArn(caller, account))
      .Element("UserId", caller.administrator()
                             ? account
                             : caller.session->role_id + ":" + caller.session->session_name)
      .Element("Account", account);
  return response.Finish(call.request_id);
}

}  // namespace sf::engine::iam_api
