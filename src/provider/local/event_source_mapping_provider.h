#pragma once
// AWS::Lambda::EventSourceMapping on the engine, through the Lambda API's event-source mapping
// operations (client/lambda_client.h), so the same code can talk to AWS.
//
// The physical id is the mapping's UUID, which the service assigns: Create returns it, and the
// record keeps it. Before that, the executor journals a generated placeholder; Delete given a
// placeholder (an apply that crashed mid-create and rolls back) finds the mapping by its
// FunctionName and EventSourceArn, and Create adopts the mapping of that function and stream
// when the service says it exists (ResourceConflictException), bringing its settings to the
// template's: after a crash mid-create the re-run converges instead of failing. (A mapping of
// the same function and stream made by hand is adopted the same way.)
//
// Observed: EventSourceArn, StartingPosition, StartingPositionTimestamp, BatchSize,
// MaximumBatchingWindowInSeconds, ParallelizationFactor, BisectBatchOnFunctionError,
// MaximumRetryAttempts, MaximumRecordAgeInSeconds, TumblingWindowInSeconds,
// FunctionResponseTypes (when not empty), DestinationConfig (when it has an OnFailure
// destination) and Enabled. FunctionName is not observed (the service reports the ARN; a
// template may give the name or the ARN), so it is compared with what was applied.
// Attributes: Id (the UUID) and EventSourceMappingArn.
//
// Update is one UpdateEventSourceMapping call; EventSourceArn and the starting position are
// create-only (the schema says so: a change replaces the mapping and its checkpoints, as
// plan/data_impact.h explains). A mapping holds no data: DataHeld is known and empty.
// Thread-safe.

#include "auth/sigv4_types.h"
#include "client/lambda_client.h"
#include "provider/local/client_pool.h"
#include "provider/provider.h"

namespace sf::provider {

class EventSourceMappingProvider final : public Provider {
 public:
  EventSourceMappingProvider(std::string endpoint, auth::Credentials credentials,
                             std::string region);

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
  Result<LiveState> ReadOne(client::LambdaClient& client, const std::string& uuid);
  // The UUID of the mapping of the properties' function and stream; "" when there is none.
  Result<std::string> FindByPair(client::LambdaClient& client, const Value& properties);

  ClientPool<client::LambdaClient> clients_;
};

// The CreateEventSourceMapping body for `properties` (`create`: with EventSourceArn and the
// starting position; else UpdateEventSourceMapping's, which takes neither).
nlohmann::json MappingRequest(const Value& properties, bool create);
// The observed properties of an EventSourceMappingConfiguration.
Value MappingProperties(const nlohmann::json& configuration);

}  // namespace sf::provider
