#include "client/iam_client.h"

#include <algorithm>

#include "auth/canonical.h"
#include "engine/api/s3/xml/xml_reader.h"

namespace sf::client {

namespace {

using engine::s3::XmlElement;

constexpr char kVersion[] = "2010-05-08";
constexpr char kRegion[] = "us-east-1";  // IAM signs in us-east-1 wherever it is called from

std::string Text(const XmlElement* parent, std::string_view name) {
  const XmlElement* child = parent != nullptr ? parent->Child(name) : nullptr;
  return child != nullptr ? child->text : std::string();
}

IamResult<XmlElement> Parse(const std::string& body) {
  auto root = engine::s3::ParseXml(body, {8 << 20, 32, 100'000});
  if (!root)
    return tl::unexpected(IamError{"SerializationException", "the engine sent bad XML", 0});
  return std::move(*root);
}

// The <{action}Result> element of a response document.
IamResult<XmlElement> Result(const std::string& body, const std::string& action) {
  auto root = Parse(body);
  if (!root) return root;
  const XmlElement* result = root->Child(action + "Result");
  if (result == nullptr) {
    return tl::unexpected(IamError{"SerializationException", "no " + action + "Result", 0});
  }
  return *result;
}

// Pages through a list operation: `collect` reads each page's result element.
template <class Collect, class Send>
IamResult<void> EachPage(const std::string& action, QueryParams params, Collect collect,
                         Send send) {
  for (;;) {
    auto body = send(params);
    if (!body) return tl::unexpected(body.error());
    auto result = Result(*body, action);
    if (!result) return tl::unexpected(result.error());
    collect(*result);
    if (Text(&*result, "IsTruncated") != "true") return {};
    std::string marker = Text(&*result, "Marker");
    if (marker.empty()) return {};
    params.erase(std::remove_if(params.begin(), params.end(),
                                [](const auto& p) { return p.first == "Marker"; }),
                 params.end());
    params.emplace_back("Marker", marker);
  }
}

}  // namespace

IamClient::IamClient(std::string endpoint, auth::Credentials credentials)
    : http_(std::move(endpoint), std::move(credentials), kRegion, "iam") {}

IamResult<std::string> IamClient::Send(const std::string& action, const QueryParams& params) {
  std::string body = "Action=" + action + "&Version=" + kVersion;
  for (const auto& [name, value] : params) {
    body += "&" + auth::UriEncode(name, false) + "=" + auth::UriEncode(value, false);
  }
  auto reply = http_.Send("POST", "/", "", body,
                          {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}});
  if (!reply) return tl::unexpected(IamError{"ConnectionError", reply.error().message, 0});
  if (reply->status < 300) return std::move(reply->body);
  IamError error{"HttpError", "HTTP " + std::to_string(reply->status), reply->status};
  if (auto root = Parse(reply->body)) {
    const XmlElement* detail = root->Child("Error");
    if (detail != nullptr) {
      error.code = Text(detail, "Code");
      error.message = Text(detail, "Message");
    }
  }
  return tl::unexpected(std::move(error));
}

IamResult<void> IamClient::Call(const std::string& action, const QueryParams& params) {
  auto body = Send(action, params);
  if (!body) return tl::unexpected(body.error());
  return {};
}

IamResult<RoleDescription> IamClient::GetRole(const std::string& name) {
  auto body = Send("GetRole", {{"RoleName", name}});
  if (!body) return tl::unexpected(body.error());
  auto result = Result(*body, "GetRole");
  if (!result) return tl::unexpected(result.error());
  const XmlElement* role = result->Child("Role");
  if (role == nullptr) return tl::unexpected(IamError{"SerializationException", "no Role", 0});
  RoleDescription out;
  out.name = Text(role, "RoleName");
  out.path = Text(role, "Path");
  out.arn = Text(role, "Arn");
  out.role_id = Text(role, "RoleId");
  out.create_date = Text(role, "CreateDate");
  out.assume_role_policy = auth::PercentDecode(Text(role, "AssumeRolePolicyDocument"));
  out.description = Text(role, "Description");
  std::string max_session = Text(role, "MaxSessionDuration");
  if (!max_session.empty()) out.max_session_duration = std::stoll(max_session);
  if (const XmlElement* tags = role->Child("Tags")) {
    for (const XmlElement* member : tags->Children("member")) {
      out.tags.emplace_back(Text(member, "Key"), Text(member, "Value"));
    }
  }
  return out;
}

IamResult<std::vector<std::string>> IamClient::ListRolePolicies(const std::string& role) {
  std::vector<std::string> names;
  auto listed = EachPage(
      "ListRolePolicies", {{"RoleName", role}},
      [&names](const XmlElement& result) {
        if (const XmlElement* list = result.Child("PolicyNames")) {
          for (const XmlElement* member : list->Children("member")) names.push_back(member->text);
        }
      },
      [this](const QueryParams& params) { return Send("ListRolePolicies", params); });
  if (!listed) return tl::unexpected(listed.error());
  return names;
}

IamResult<std::string> IamClient::GetRolePolicy(const std::string& role,
                                                const std::string& policy) {
  auto body = Send("GetRolePolicy", {{"RoleName", role}, {"PolicyName", policy}});
  if (!body) return tl::unexpected(body.error());
  auto result = Result(*body, "GetRolePolicy");
  if (!result) return tl::unexpected(result.error());
  return auth::PercentDecode(Text(&*result, "PolicyDocument"));
}

IamResult<std::vector<std::string>> IamClient::ListAttachedRolePolicies(const std::string& role) {
  std::vector<std::string> arns;
  auto listed = EachPage(
      "ListAttachedRolePolicies", {{"RoleName", role}},
      [&arns](const XmlElement& result) {
        if (const XmlElement* list = result.Child("AttachedPolicies")) {
          for (const XmlElement* member : list->Children("member")) {
            arns.push_back(Text(member, "PolicyArn"));
          }
        }
      },
      [this](const QueryParams& params) { return Send("ListAttachedRolePolicies", params); });
  if (!listed) return tl::unexpected(listed.error());
  return arns;
}

}  // namespace sf::client
