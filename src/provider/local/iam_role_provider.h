#pragma once
// AWS::IAM::Role on the engine, through the IAM Query API (client/iam_client.h), so the same
// code can talk to AWS.
//
// The physical id is the role name (RoleName, else generated: at most 64 characters of
// [A-Za-z0-9_.-]). Observed: RoleName, Path, AssumeRolePolicyDocument, Description,
// MaxSessionDuration, Policies ([{PolicyName, PolicyDocument}]), ManagedPolicyArns and Tags;
// policy documents are read back as the JSON objects they are (a document a template gives as
// a JSON string is sent as given, but reads back as an object: give documents as objects).
// Attributes: Arn, RoleId. created_ms is CreateDate; incarnation the RoleId (new with each
// creation).
//
// Create: CreateRole, then PutRolePolicy per inline policy and AttachRolePolicy per managed
// ARN. Update is one step that diffs the template against the live role (read first, so a
// retried or half-applied step converges): UpdateAssumeRolePolicy, UpdateRole (Description,
// MaxSessionDuration), Put/DeleteRolePolicy, Attach/DetachRolePolicy, Tag/UntagRole.
// RoleName and Path cannot change in place. Delete removes the inline policies and detaches
// the managed ones first, as CloudFormation does, then deletes the role. PermissionsBoundary
// is not sent (the engine has no permissions boundaries; validation warns of it). Roles hold no
// data: DataHeld is known and empty; Empty refuses. Thread-safe.

#include "auth/sigv4_types.h"
#include "client/iam_client.h"
#include "provider/local/client_pool.h"
#include "provider/provider.h"

namespace sf::provider {

class IamRoleProvider final : public Provider {
 public:
  IamRoleProvider(std::string endpoint, auth::Credentials credentials);

  const std::string& type_name() const override;
  std::vector<Result<LiveState>> Read(std::span<const std::string> physical_ids) override;
  Result<LiveState> Create(const CreateRequest& request) override;
  Result<LiveState> Update(const UpdateRequest& request) override;
  Status Delete(const DeleteRequest& request) override;
  Result<DataFacts> DataHeld(const std::string& physical_id) override;
  Status Empty(const std::string& physical_id) override;

  const std::string& name_property() const override;
  std::string GenerateName(const std::string& stack_name,
                           const std::string& logical_id) const override;
  Result<std::vector<UpdateStep>> PlanUpdate(const Value& before,
                                             const Value& after) const override;
  std::map<std::string, Value> PredictAttributes(const std::string& physical_id,
                                                 const Value& properties) const override;

 private:
  Result<LiveState> ReadOne(client::IamClient& client, const std::string& name);
  // Brings the role's inline policies, managed policies and tags from `live` to `after`.
  Status Converge(client::IamClient& client, const std::string& name, const Value& live,
                  const Value& after);

  ClientPool<client::IamClient> clients_;
};

// A policy document property (an object, or a JSON string) as the text IAM takes.
std::string PolicyText(const Value& document);

}  // namespace sf::provider
