#include "engine/api/iam/iam_api.h"

#include <memory>
#include <unordered_map>

#include "engine/api/iam/query_response.h"
#include "engine/iam/identifiers.h"

namespace sf::engine::iam_api {

bool IamApi::IsQueryService(std::string_view signing_service) {
  return signing_service == "iam" || signing_service == "sts";
}

void IamApi::Handle(HttpRequest&& request, std::string service, iam::Principal principal,
                    Respond respond) {
  auto call = std::make_shared<Call>();
  std::string_view form =
      request.method == "POST" ? std::string_view(request.body) : std::string_view(request.query);
  call->query = QueryRequest::Parse(form);
  call->principal = std::move(principal);
  call->request_id = iam::NewRequestUuid();
  pool_.Submit([this, call, sts = service == "sts", respond = std::move(respond)] {
    respond(Dispatch(*call, sts));
  });
}

HttpResponse IamApi::Dispatch(Call& call, bool sts) {
  static const std::unordered_map<std::string, Operation> kIam = {
      {"CreateRole", &IamApi::CreateRole},
      {"GetRole", &IamApi::GetRole},
      {"DeleteRole", &IamApi::DeleteRole},
      {"ListRoles", &IamApi::ListRoles},
      {"UpdateRole", &IamApi::UpdateRole},
      {"UpdateAssumeRolePolicy", &IamApi::UpdateAssumeRolePolicy},
      {"TagRole", &IamApi::TagRole},
      {"UntagRole", &IamApi::UntagRole},
      {"ListRoleTags", &IamApi::ListRoleTags},
      {"PutRolePolicy", &IamApi::PutRolePolicy},
      {"GetRolePolicy", &IamApi::GetRolePolicy},
      {"DeleteRolePolicy", &IamApi::DeleteRolePolicy},
      {"ListRolePolicies", &IamApi::ListRolePolicies},
      {"AttachRolePolicy", &IamApi::AttachRolePolicy},
      {"DetachRolePolicy", &IamApi::DetachRolePolicy},
      {"ListAttachedRolePolicies", &IamApi::ListAttachedRolePolicies},
  };
  static const std::unordered_map<std::string, Operation> kSts = {
      {"AssumeRole", &IamApi::AssumeRole},
      {"GetCallerIdentity", &IamApi::GetCallerIdentity},
  };
  const char* xmlns = sts ? kStsNamespace : kIamNamespace;
  const std::string& action = call.query.action();
  if (action.empty()) {
    return QueryError({"MissingAction", "Missing Action", 400}, xmlns, call.request_id);
  }
  const auto& operations = sts ? kSts : kIam;
  auto it = operations.find(action);
  if (it == operations.end()) {
    std::string version = sts ? "2011-06-15" : "2010-05-08";
    return QueryError(
        {"InvalidAction", "Could not find operation " + action + " for version " + version, 400},
        xmlns, call.request_id);
  }
  auto response = (this->*(it->second))(call);
  return response ? std::move(*response) : QueryError(response.error(), xmlns, call.request_id);
}

ApiResult<void> IamApi::Allow(const Call& call, std::string_view action,
                              std::string_view resource) const {
  iam::Decision decision = iam::Authorize(call.principal, action, resource);
  if (decision == iam::Decision::kAllow) return {};
  return ApiFail("AccessDenied", iam::DenialMessage(call.principal, action, resource, decision),
                 403);
}

std::string IamApi::ArnOf(const std::string& name) const {
  auto role = roles_.FindRole(name);
  return role != nullptr ? role->record.arn : iam::RoleArn(roles_.account(), "/", name);
}

ApiResult<std::string> IamApi::RoleTarget(Call& call, std::string_view action) {
  auto name = call.query.Get("RoleName");
  call.query.Required(name, "roleName");
  call.query.Length(name, "roleName", 1, 64);
  call.query.NamePattern(name, "roleName");
  if (auto valid = call.query.Finish(); !valid) return tl::unexpected(valid.error());
  if (auto allowed = Allow(call, action, ArnOf(*name)); !allowed) {
    return tl::unexpected(allowed.error());
  }
  return *name;
}

}  // namespace sf::engine::iam_api
