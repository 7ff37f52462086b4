#pragma once
// AWS::Lambda::Function on the engine, through the Lambda API (client/lambda_client.h), so the
// same code can talk to AWS.
//
// The physical id is the function name (FunctionName, else generated: at most 64 characters).
// Observed: FunctionName, Runtime, Handler, Role, Description, Timeout, MemorySize,
// Environment (Variables) and ReservedConcurrentExecutions; Code is not read back (Lambda
// reports only its digest), so a code change is a template change, never drift. Attribute:
// Arn. created_ms is LastModified as first read; incarnation the function's Arn and that time.
//
// Code, as CloudFormation takes it: {ZipFile: <inline source>} becomes a zip of one file,
// index.py (python runtimes) or index (others), as CloudFormation packages inline code;
// {S3Bucket, S3Key[, S3ObjectVersion]} is passed through (the engine reads the object from its
// own bucket). ImageUri is refused: the engine runs zip packages only.
//
// Update is one step: UpdateFunctionCode when Code changed, UpdateFunctionConfiguration when
// any configuration property changed, Put/DeleteFunctionConcurrency for
// ReservedConcurrentExecutions. FunctionName cannot change in place. Functions hold no data:
// DataHeld is known and empty; Empty refuses. Thread-safe.

#include "auth/sigv4_types.h"
#include "client/lambda_client.h"
#include "provider/local/client_pool.h"
#include "provider/provider.h"

namespace sf::provider {

class LambdaFunctionProvider final : public Provider {
 public:
  LambdaFunctionProvider(std::string endpoint, auth::Credentials credentials, std::string region);

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
  Result<LiveState> ReadOne(client::LambdaClient& client, const std::string& name);

  ClientPool<client::LambdaClient> clients_;
};

// The Lambda API's Code for CloudFormation's Code property (see above); kInvalidArgument for
// ImageUri or an empty Code.
Result<nlohmann::json> FunctionCodeRequest(const Value& code, const std::string& runtime);
// The configuration fields of CreateFunction/UpdateFunctionConfiguration from the properties.
nlohmann::json FunctionConfigurationRequest(const Value& properties);
// The observed properties from a GetFunction response.
Value FunctionProperties(const nlohmann::json& get_function);

}  // namespace sf::provider
