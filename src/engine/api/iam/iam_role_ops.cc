// IAM's role operations: CreateRole, GetRole, DeleteRole, ListRoles, UpdateRole,
// UpdateAssumeRolePolicy, TagRole, UntagRole, ListRoleTags.

#include <algorithm>
#include <cctype>

#include "engine/api/iam/iam_api.h"
#include "engine/api/iam/query_response.h"
#include "engine/api/s3/xml/s3_time.h"

namespace sf::engine::iam_api {

namespace {

constexpr size_t kMaxTags = 50;
constexpr size_t kMaxTrustPolicyChars = 2048;
constexpr char kTagPattern[] = "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*";
constexpr char kDescriptionPattern[] = "[\\p{L}\\p{M}\\p{Z}\\p{S}\\p{N}\\p{P}]*";

bool SameKey(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The Tags parameter, checked; InvalidInput for a key given twice (case-insensitively).
ApiResult<std::vector<iam::RoleTag>> ReadTags(QueryRequest& query, bool required) {
  std::vector<iam::RoleTag> tags;
  for (auto& [key, value] : query.KeyValues("Tags")) tags.push_back({key, value});
  if (required && tags.empty()) query.Required(std::nullopt, "tags");
  if (tags.size() > kMaxTags) {
    query.AddViolation("[...]", "tags", "Member must have length less than or equal to 50");
  }
  for (size_t i = 0; i < tags.size(); ++i) {
    std::string at = "tags." + std::to_string(i + 1) + ".member.";
    query.Length(tags[i].key, at + "key", 1, 128);
    query.TextPattern(tags[i].key, at + "key", kTagPattern);
    query.Length(tags[i].value, at + "value", 0, 256);
    query.TextPattern(tags[i].value, at + "value", kTagPattern);
  }
  if (auto valid = query.Finish(); !valid) return tl::unexpected(valid.error());
  for (size_t i = 0; i < tags.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (SameKey(tags[i].key, tags[j].key)) {
        return ApiFail("InvalidInput",
                       "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
                       400);
      }
    }
  }
  return tags;
}

ApiResult<void> CheckTrustPolicy(const std::string& document) {
  if (iam::PolicySize(document) > kMaxTrustPolicyChars) {
    return ApiFail("LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048", 409);
  }
  auto parsed = iam::ParsePolicy(document, iam::PolicyKind::kTrust);
  if (!parsed) return tl::unexpected(parsed.error());
  return {};
}

void WriteTags(s3::XmlWriter& xml, const std::vector<iam::RoleTag>& tags) {
  xml.Open("Tags");
  for (const iam::RoleTag& tag : tags) {
    xml.Open("member").Element("Key", tag.key).Element("Value", tag.value).Close();
  }
  xml.Close();
}

struct RoleShape {
  bool tags = false;       // CreateRole, GetRole
  bool last_used = false;  // GetRole
};

void WriteRole(s3::XmlWriter& xml, const iam::RoleRecord& role, RoleShape shape,
               std::string_view element = "Role") {
  xml.Open(element)
      .Element("Path", role.path)
      .Element("RoleName", role.name)
      .Element("RoleId", role.role_id)
      .Element("Arn", role.arn)
      .Element("CreateDate", s3::FormatIso8601Ms(role.created_ms))
      .Element("AssumeRolePolicyDocument", UrlEncode(role.assume_role_policy));
  if (!role.description.empty()) xml.Element("Description", role.description);
  xml.Element("MaxSessionDuration", role.max_session_seconds);
  if (shape.tags && !role.tags.empty()) WriteTags(xml, role.tags);
  if (shape.last_used) xml.Open("RoleLastUsed").Close();
  xml.Close();
}

}  // namespace

ApiResult<HttpResponse> IamApi::CreateRole(Call& call) {
  QueryRequest& q = call.query;
  auto name = q.Get("RoleName");
  auto path = q.Get("Path");
  auto document = q.Get("AssumeRolePolicyDocument");
  auto description = q.Get("Description");
  q.Required(name, "roleName");
  q.Length(name, "roleName", 1, 64);
  q.NamePattern(name, "roleName");
  q.Length(path, "path", 1, 512);
  q.PathPattern(path, "path");
  q.Required(document, "assumeRolePolicyDocument");
  q.Length(document, "assumeRolePolicyDocument", 1, 131072);
  q.TextPattern(document, "assumeRolePolicyDocument", kPolicyTextPattern);
  q.Length(description, "description", 0, 1000);
  q.TextPattern(description, "description", kDescriptionPattern);
  auto max_session = q.Integer("MaxSessionDuration", "maxSessionDuration", 3600, 43200);
  auto tags = ReadTags(q, false);
  if (!tags) return tl::unexpected(tags.error());
  if (q.Get("PermissionsBoundary")) {
    return ApiFail("InvalidInput", "streamform does not support permissions boundaries", 400);
  }
  iam::RoleRecord record;
  record.name = *name;
  record.path = path.value_or("/");
  if (auto allowed =
          Allow(call, "iam:CreateRole", iam::RoleArn(roles_.account(), record.path, record.name));
      !allowed) {
    return tl::unexpected(allowed.error());
  }
  if (auto trust = CheckTrustPolicy(*document); !trust) return tl::unexpected(trust.error());
  record.assume_role_policy = *document;
  record.description = description.value_or("");
  record.max_session_seconds = static_cast<int>(max_session.value_or(3600));
  record.tags = std::move(*tags);
  auto created = roles_.Create(std::move(record));
  if (!created) return tl::unexpected(created.error());
  QueryResponse response("CreateRole", kIamNamespace);
  WriteRole(response.xml(), (*created)->record, {true, false});
  return response.Finish(call.request_id);
}

ApiResult<HttpResponse> IamApi::GetRole(Call& call) {
  auto name = RoleTarget(call, "iam:GetRole");
  if (!name) return tl::unexpected(name.error());
  auto role = roles_.FindRole(*name);
  if (role == nullptr) {
    return ApiFail("NoSuchEntity", "The role with name " + *name + " cannot be found.", 404);
  }
  QueryResponse response("GetRole", kIamNamespace);
  WriteRole(response.xml(), role->record, {true, true});
  return response.Finish(call.request_id);
}

ApiResult<HttpResponse> IamApi::DeleteRole(Call& call) {
  auto name = RoleTarget(call, "iam:DeleteRole");
  if (!name) return tl::unexpected(name.error());
  auto deleted = roles_.Delete(*name, [](const iam::RoleRecord& role) -> ApiResult<void> {
    if (!role.inline_policies.empty()) {
      return ApiFail("DeleteConflict", "Cannot delete entity, must delete policies first.", 409);
    }
    if (!role.attached.empty()) {
      return ApiFail("DeleteConflict", "Cannot delete entity, must detach all policies first.",
                     409);
    }
    return {};
  });
  if (!deleted) return tl::unexpected(deleted.error());
  return QueryResponse("DeleteRole", kIamNamespace, false).Finish(call.request_id);
}

ApiResult<HttpResponse> IamApi::ListRoles(Call& call) {
  QueryRequest& q = call.query;
  auto prefix = q.Get("PathPrefix");
  auto marker = q.Get("Marker");
  q.Length(prefix, "pathPrefix", 1, 512);
  q.PathPattern(prefix, "pathPrefix", true);
  q.Length(marker, "marker", 1, 320);
  auto max_items = q.Integer("MaxItems", "maxItems", 1, 1000);
  if (auto valid = q.Finish(); !valid) return tl::unexpected(valid.error());
  if (auto allowed = Allow(call, "iam:ListRoles", "*"); !allowed) {
    return tl::unexpected(allowed.error());
  }
  QueryResponse response("ListRoles", kIamNamespace);
  s3::XmlWriter& xml = response.xml();
  xml.Open("Roles");
  std::string next;
  int64_t listed = 0;
  for (const auto& role : roles_.Roles()) {
    const iam::RoleRecord& record = role->record;
    if (marker && record.name < *marker) continue;
    if (prefix && record.path.compare(0, prefix->size(), *prefix) != 0) continue;
    if (listed == max_items.value_or(100)) {
      next = record.name;
      break;
    }
    WriteRole(xml, record, {}, "member");
    ++listed;
  }
  xml.Close().Element("IsTruncated", !next.empty());
  if (!next.empty()) xml.Element("Marker", next);
  return response.Finish(call.request_id);
}

ApiResult<HttpResponse> IamApi::UpdateRole(Call& call) {
  QueryRequest& q = call.query;
  auto description = q.Get("Description");
  q.Length(description, "description", 0, 1000);
  q.TextPattern(description, "description", kDescriptionPattern);
  auto max_session = q.Integer("MaxSessionDuration", "maxSessionDuration", 3600, 43200);
  auto name = RoleTarget(call, "iam:UpdateRole");
  if (!name) return tl::unexpected(name.error());
  auto updated = roles_.Modify(*name, [&](iam::RoleRecord& role) -> ApiResult<void> {
    if (description) role.description = *description;
    if (max_session) role.max_session_seconds = static_cast<int>(*max_session);
    return {};
  });
  if (!updated) return tl::unexpected(updated.error());
  return QueryResponse("UpdateRole", kIamNamespace).Finish(call.request_id);
}

ApiResult<HttpResponse> IamApi::UpdateAssumeRolePolicy(Call& call) {
  QueryRequest& q = call.query;
  auto document = q.Get("PolicyDocument");
  q.Required(document, "policyDocument");
  q.Length(document, "policyDocument", 1, 131072);
  q.TextPattern(document, "policyDocument", kPolicyTextPattern);
  auto name = RoleTarget(call, "iam:UpdateAssumeRolePolicy");
  if (!name) return tl::unexpected(name.error());
  if (roles_.FindRole(*name) == nullptr) {
    return ApiFail("NoSuchEntity", "The role with name " + *name + " cannot be found.", 404);
  }
  if (auto trust = CheckTrustPolicy(*document); !trust) return tl::unexpected(trust.error());
  auto updated = roles_.Modify(*name, [&](iam::RoleRecord& role) -> ApiResult<void> {
    role.assume_role_policy = *document;
    return {};
  });
  if (!updated) return tl::unexpected(updated.error());
  return QueryResponse("UpdateAssumeRolePolicy", kIamNamespace, false).Finish(call.request_id);
}

ApiResult<HttpResponse> IamApi::TagRole(Call& call) {
  auto tags = ReadTags(call.query, true);
  if (!tags) return tl::unexpected(tags.error());
  auto name = RoleTarget(call, "iam:TagRole");
  if (!name) return tl::unexpected(name.error());
  auto updated = roles_.Modify(*name, [&](iam::RoleRecord& role) -> ApiResult<void> {
    for (const iam::RoleTag& tag : *tags) {
      auto same = std::find_if(role.tags.begin(), role.tags.end(),
                               [&](const iam::RoleTag& t) { return SameKey(t.key, tag.key); });
      if (same != role.tags.end()) {
        same->value = tag.value;
      } else {
        role.tags.push_back(tag);
      }
    }
    if (role.tags.size() > kMaxTags) {
      return ApiFail("LimitExceeded", "Cannot exceed quota for TagsPerRole: 50", 409);
    }
    return {};
  });
  if (!updated) return tl::unexpected(updated.error());
  return QueryResponse("TagRole", kIamNamespace, false).Finish(call.request_id);
}

ApiResult<HttpResponse> IamApi::UntagRole(Call& call) {
  std::vector<std::string> keys = call.query.Members("TagKeys");
  if (keys.empty()) call.query.Required(std::nullopt, "tagKeys");
  for (size_t i = 0; i < keys.size(); ++i) {
    call.query.Length(keys[i], "tagKeys." + std::to_string(i + 1) + ".member", 1, 128);
  }
  auto name = RoleTarget(call, "iam:UntagRole");
  if (!name) return tl::unexpected(name.error());
  auto updated = roles_.Modify(*name, [&](iam::RoleRecord& role) -> ApiResult<void> {
    for (const std::string& key : keys) {
      role.tags.erase(std::remove_if(role.tags.begin(), role.tags.end(),
                                     [&](const iam::RoleTag& t) { return SameKey(t.key, key); }),
                      role.tags.end());
    }
    return {};
  });
  if (!updated) return tl::unexpected(updated.error());
  return QueryResponse("UntagRole", kIamNamespace, false).Finish(call.request_id);
}

ApiResult<HttpResponse> IamApi::ListRoleTags(Call& call) {
  auto name = RoleTarget(call, "iam:ListRoleTags");
  if (!name) return tl::unexpected(name.error());
  auto role = roles_.FindRole(*name);
  if (role == nullptr) {
    return ApiFail("NoSuchEntity", "The role with name " + *name + " cannot be found.", 404);
  }
  QueryResponse response("ListRoleTags", kIamNamespace);
  WriteTags(response.xml(), role->record.tags);
  response.xml().Element("IsTruncated", false);
  return response.Finish(call.request_id);
}

}  // namespace sf::engine::iam_api
