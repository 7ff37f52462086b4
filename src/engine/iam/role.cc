#include "engine/iam/role.h"

#include <algorithm>
#include <cctype>

#include "engine/iam/managed_policies.h"

namespace sf::engine::iam {

std::string RoleArn(const std::string& account, const std::string& path, const std::string& name) {
  return "arn:aws:iam::" + account + ":role" + path + name;
}

std::string SessionArn(const std::string& account, const std::string& role,
                       const std::string& session) {
  return "arn:aws:sts::" + account + ":assumed-role/" + role + "/" + session;
}

ApiResult<std::shared_ptr<const RoleAccess>> CompileRole(RoleRecord record,
                                                         const std::string& account,
                                                         const std::string& region) {
  auto access = std::make_shared<RoleAccess>();
  auto trust = ParsePolicy(record.assume_role_policy, PolicyKind::kTrust);
  if (!trust) return tl::unexpected(trust.error());
  access->trust = std::move(*trust);
  access->inline_documents.reserve(record.inline_policies.size());
  for (const InlinePolicy& policy : record.inline_policies) {
    auto parsed = ParsePolicy(policy.document, PolicyKind::kPermissions);
    if (!parsed) return tl::unexpected(parsed.error());
    access->inline_documents.push_back(std::move(*parsed));
  }
  for (const PolicyDocument& document : access->inline_documents) {
    access->policies.push_back(&document);
  }
  for (const std::string& arn : record.attached) {
    const ManagedPolicy* managed = FindManagedPolicy(arn);
    if (managed == nullptr) {
      return ApiFail("NoSuchEntity", "Policy " + arn + " does not exist or is not attachable.",
                     404);
    }
    access->policies.push_back(managed->parsed);
  }
  access->keys = {{"aws:principalarn", record.arn},
                  {"aws:principalaccount", account},
                  {"aws:principaltype", "AssumedRole"},
                  {"aws:requestedregion", region},
                  {"aws:securetransport", "false"}};
  for (const RoleTag& tag : record.tags) {
    std::string key = "aws:principaltag/" + tag.key;
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    access->keys.emplace_back(std::move(key), tag.value);
  }
  access->record = std::move(record);
  return std::shared_ptr<const RoleAccess>(std::move(access));
}

}  // namespace sf::engine::iam
