#pragma once
// AWS::Lambda::Permission on the engine: one statement of a function's resource-based policy,
// through the Lambda API's AddPermission, RemovePermission and GetPolicy
// (client/lambda_client.h), so the same code can talk to AWS.
//
// The physical id is the statement id, generated as CloudFormation does
// ("<stack>-<LogicalId>-<12 random>", at most 100 characters). Every property is create-only:
// any change replaces the permission (PlanUpdate refuses, the schema says so too). Read finds
// each statement id in the policies of the functions ListFunctions lists (one GetPolicy per
// function per Read batch): the id alone does not name its function. Observed: Action,
// Principal (back to the form AddPermission takes: a service, an account id, an ARN or "*"),
// SourceArn, SourceAccount, EventSourceToken, PrincipalOrgID and FunctionUrlAuthType;
// FunctionName is not observed (a template may name the function by name or by ARN), so it is
// compared with what was applied. Attribute: Id (the statement id).
//
// Delete removes the statement from the function the applied properties name; a statement or
// function already gone is success. Permissions hold no data: DataHeld is known and empty;
// Empty refuses. Thread-safe.

#include "auth/sigv4_types.h"
#include "client/lambda_client.h"
#include "provider/local/client_pool.h"
#include "provider/provider.h"

namespace sf::provider {

class LambdaPermissionProvider final : public Provider {
 public:
  LambdaPermissionProvider(std::string endpoint, auth::Credentials credentials, std::string region);

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
  ClientPool<client::LambdaClient> clients_;
};

// The properties a policy statement (GetPolicy's JSON) was added with, as the template writes
// them: Action, Principal, SourceArn, SourceAccount, EventSourceToken, PrincipalOrgID,
// FunctionUrlAuthType (those it has).
Value PermissionProperties(const nlohmann::json& statement);

}  // namespace sf::provider
