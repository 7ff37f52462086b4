// IAM's role policy operations: inline (PutRolePolicy, GetRolePolicy, DeleteRolePolicy,
// ListRolePolicies) and managed (AttachRolePolicy, DetachRolePolicy, ListAttachedRolePolicies).

#include <algorithm>
#include <cctype>

#include "engine/api/iam/iam_api.h"
#include "engine/api/iam/query_response.h"
#include "engine/iam/managed_policies.h"

namespace sf::engine::iam_api {

namespace {

constexpr size_t kMaxInlineChars = 10240;
constexpr size_t kMaxManagedPolicies = 10;

tl::unexpected<ApiError> NoSuchPolicy(const std::string& name) {
  return ApiFail("NoSuchEntity", "The role policy with name " + name + " cannot be found.", 404);
}

// The paging parameters of the List operations: (first name to list, how many).
struct Page {
  std::optional<std::string> marker;
  int64_t max_items = 100;
};

Page ReadPage(QueryRequest& query) {
  Page page;
  page.marker = query.Get("Marker");
  query.Length(page.marker, "marker", 1, 320);
  page.max_items = query.Integer("MaxItems", "maxItems", 1, 1000).value_or(100);
  return page;
}

// Writes <IsTruncated> and <Marker> after a list of `names` written by `write`, honouring `page`.
template <class Write>
void WritePage(s3::XmlWriter& xml, const char* element, const std::vector<std::string>& names,
               const Page& page, Write write) {
  xml.Open(element);
  std::string next;
  int64_t listed = 0;
  for (const std::string& name : names) {
    if (page.marker && name < *page.marker) continue;
    if (listed == page.max_items) {
      next = name;
      break;
    }
    write(name);
    ++listed;
  }
  xml.Close().Element("IsTruncated", !next.empty());
  if (!next.empty()) xml.Element("Marker", next);
}

}  // namespace

ApiResult<HttpResponse> IamApi::PutRolePolicy(Call& call) {
  QueryRequest& q = call.query;
  auto policy = q.Get("PolicyName");
  auto document = q.Get("PolicyDocument");
  q.Required(policy, "policyName");
  q.Length(policy, "policyName", 1, 128);
  q.NamePattern(policy, "policyName");
  q.Required(document, "policyDocument");
  q.Length(document, "policyDocument", 1, 131072);
  q.TextPattern(document, "policyDocument", kPolicyTextPattern);
  auto name = RoleTarget(call, "iam:PutRolePolicy");
  if (!name) return tl::unexpected(name.error());
  if (roles_.FindRole(*name) == nullptr) {
    return ApiFail("NoSuchEntity", "The role with name " + *name + " cannot be found.", 404);
  }
  auto parsed = iam::ParsePolicy(*document, iam::PolicyKind::kPermissions);
  if (!parsed) return tl::unexpected(parsed.error());
  auto updated = roles_.Modify(*name, [&](iam::RoleRecord& role) -> ApiResult<void> {
    auto& policies = role.inline_policies;
    auto at = std::lower_bound(
        policies.begin(), policies.end(), *policy,
        [](const iam::InlinePolicy& p, const std::string& n) { return p.name < n; });
    if (at != policies.end() && at->name == *policy) {
      at->document = *document;
    } else {
      policies.insert(at, {*policy, *document});
    }
    size_t total = 0;
    for (const iam::InlinePolicy& p : policies) total += iam::PolicySize(p.document);
    if (total > kMaxInlineChars) {
      return ApiFail("LimitExceeded",
                     "Maximum policy size of 10240 bytes exceeded for role " + role.name, 409);
    }
    return {};
  });
  if (!updated) return tl::unexpected(updated.error());
  return QueryResponse("PutRolePolicy", kIamNamespace, false).Finish(call.request_id);
}

ApiResult<HttpResponse> IamApi::GetRolePolicy(Call& call) {
  auto policy = call.query.Get("PolicyName");
  call.query.Required(policy, "policyName");
  call.query.Length(policy, "policyName", 1, 128);
  call.query.NamePattern(policy, "policyName");
  auto name = RoleTarget(call, "iam:GetRolePolicy");
  if (!name) return tl::unexpected(name.error());
  auto role = roles_.FindRole(*name);
  if (role == nullptr) {
    return ApiFail("NoSuchEntity", "The role with name " + *name + " cannot be found.", 404);
  }
  for (const iam::InlinePolicy& p : role->record.inline_policies) {
    if (p.name != *policy) continue;
    QueryResponse response("GetRolePolicy", kIamNamespace);
    response.xml()
        .Element("RoleName", role->record.name)
        .Element("PolicyName", p.name)
        .Element("PolicyDocument", UrlEncode(p.document));
    return response.Finish(call.request_id);
  }
  return NoSuchPolicy(*policy);
}

ApiResult<HttpResponse> IamApi::DeleteRolePolicy(Call& call) {
  auto policy = call.query.Get("PolicyName");
  call.query.Required(policy, "policyName");
  call.query.Length(policy, "policyName", 1, 128);
  call.query.NamePattern(policy, "policyName");
  auto name = RoleTarget(call, "iam:DeleteRolePolicy");
  if (!name) return tl::unexpected(name.error());
  auto updated = roles_.Modify(*name, [&](iam::RoleRecord& role) -> ApiResult<void> {
    auto& policies = role.inline_policies;
    auto at = std::find_if(policies.begin(), policies.end(),
                           [&](const iam::InlinePolicy& p) { return p.name == *policy; });
    if (at == policies.end()) return NoSuchPolicy(*policy);
    policies.erase(at);
    return {};
  });
  if (!updated) return tl::unexpected(updated.error());
  return QueryResponse("DeleteRolePolicy", kIamNamespace, false).Finish(call.request_id);
}

ApiResult<HttpResponse> IamApi::ListRolePolicies(Call& call) {
  Page page = ReadPage(call.query);
  auto name = RoleTarget(call, "iam:ListRolePolicies");
  if (!name) return tl::unexpected(name.error());
  auto role = roles_.FindRole(*name);
  if (role == nullptr) {
    return ApiFail("NoSuchEntity", "The role with name " + *name + " cannot be found.", 404);
  }
  std::vector<std::string> names;
  for (const iam::InlinePolicy& p : role->record.inline_policies) names.push_back(p.name);
  QueryResponse response("ListRolePolicies", kIamNamespace);
  s3::XmlWriter& xml = response.xml();
  WritePage(xml, "PolicyNames", names, page,
            [&xml](const std::string& policy) { xml.Element("member", policy); });
  return response.Finish(call.request_id);
}

ApiResult<HttpResponse> IamApi::AttachRolePolicy(Call& call) {
  auto arn = call.query.Get("PolicyArn");
  call.query.Required(arn, "policyArn");
  call.query.Length(arn, "policyArn", 20, 2048);
  auto name = RoleTarget(call, "iam:AttachRolePolicy");
  if (!name) return tl::unexpected(name.error());
  if (roles_.FindRole(*name) == nullptr) {
    return ApiFail("NoSuchEntity", "The role with name " + *name + " cannot be found.", 404);
  }
  if (iam::FindManagedPolicy(*arn) == nullptr) {
    return ApiFail("NoSuchEntity", "Policy " + *arn + " does not exist or is not attachable.", 404);
  }
  auto updated = roles_.Modify(*name, [&](iam::RoleRecord& role) -> ApiResult<void> {
    if (std::find(role.attached.begin(), role.attached.end(), *arn) != role.attached.end()) {
      return {};  // attaching twice changes nothing, as in IAM
    }
    if (role.attached.size() >= kMaxManagedPolicies) {
      return ApiFail("LimitExceeded", "Cannot exceed quota for PoliciesPerRole: 10", 409);
    }
    role.attached.push_back(*arn);
    return {};
  });
  if (!updated) return tl::unexpected(updated.error());
  return QueryResponse("AttachRolePolicy", kIamNamespace, false).Finish(call.request_id);
}

ApiResult<HttpResponse> IamApi::DetachRolePolicy(Call& call) {
  auto arn = call.query.Get("PolicyArn");
  call.query.Required(arn, "policyArn");
  call.query.Length(arn, "policyArn", 20, 2048);
  auto name = RoleTarget(call, "iam:DetachRolePolicy");
  if (!name) return tl::unexpected(name.error());
  auto updated = roles_.Modify(*name, [&](iam::RoleRecord& role) -> ApiResult<void> {
    auto at = std::find(role.attached.begin(), role.attached.end(), *arn);
    if (at == role.attached.end()) {
      return ApiFail("NoSuchEntity", "Policy " + *arn + " was not found.", 404);
    }
    role.attached.erase(at);
    return {};
  });
  if (!updated) return tl::unexpected(updated.error());
  return QueryResponse("DetachRolePolicy", kIamNamespace, false).Finish(call.request_id);
}

ApiResult<HttpResponse> IamApi::ListAttachedRolePolicies(Call& call) {
  auto prefix = call.query.Get("PathPrefix");
  call.query.Length(prefix, "pathPrefix", 1, 512);
  call.query.PathPattern(prefix, "pathPrefix", true);
  Page page = ReadPage(call.query);
  auto name = RoleTarget(call, "iam:ListAttachedRolePolicies");
  if (!name) return tl::unexpected(name.error());
  auto role = roles_.FindRole(*name);
  if (role == nullptr) {
    return ApiFail("NoSuchEntity", "The role with name " + *name + " cannot be found.", 404);
  }
  std::vector<std::string> arns;
  for (const std::string& arn : role->record.attached) {
    // A managed policy's path: "/service-role/" in arn:aws:iam::aws:policy/service-role/Name.
    std::string_view rest = std::string_view(arn).substr(arn.find(":policy") + 7);
    std::string path(rest.substr(0, rest.rfind('/') + 1));
    if (!prefix || path.compare(0, prefix->size(), *prefix) == 0) arns.push_back(arn);
  }
  QueryResponse response("ListAttachedRolePolicies", kIamNamespace);
  s3::XmlWriter& xml = response.xml();
  WritePage(xml, "AttachedPolicies", arns, page, [&xml](const std::string& arn) {
    xml.Open("member")
        .Element("PolicyName", arn.substr(arn.rfind('/') + 1))
        .Element("PolicyArn", arn)
        .Close();
  });
  return response.Finish(call.request_id);
}

}  // namespace sf::engine::iam_api
