#pragma once
// AWS::Events::Rule on the engine, through the EventBridge API (client/events_client.h), so the
// same code can talk to AWS.
//
// The physical id is the rule name (Name, else generated: at most 64 characters). Observed:
// Name, ScheduleExpression, EventPattern, State, Description, RoleArn and Targets (each with
// every member it was put with: Id, Arn, Input, InputPath, RoleArn, RetryPolicy, ...); Tags are
// not read back. Attribute: Arn. The engine accepts and keeps an EventPattern but never matches
// it (it has no event bus events are put on): only scheduled rules fire.
//
// Create refuses a name that is taken (PutRule alone would replace the rule), then PutRule and
// PutTargets. Update is one step: PutRule with every property of `after` (PutRule keeps no
// omitted value), PutTargets of `after`'s targets, RemoveTargets of the live targets `after`
// no longer has, and Tag/UntagResource for changed Tags. Name and EventBusName cannot change
// in place. Delete removes the targets, then the rule. Rules hold no data: DataHeld is known
// and empty; Empty refuses. Thread-safe.

#include "auth/sigv4_types.h"
#include "client/events_client.h"
#include "provider/local/client_pool.h"
#include "provider/provider.h"

namespace sf::provider {

class EventsRuleProvider final : public Provider {
 public:
  EventsRuleProvider(std::string endpoint, auth::Credentials credentials, std::string region);

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
  Result<LiveState> ReadOne(client::EventsClient& client, const std::string& name);
  // Every target of the rule, through ListTargetsByRule's pages.
  Result<nlohmann::json> ListTargets(client::EventsClient& client, const std::string& name);
  // PutRule with every property of `properties` for rule `name`.
  Status PutRule(client::EventsClient& client, const std::string& name, const Value& properties,
                 bool with_tags);

  ClientPool<client::EventsClient> clients_;
};

}  // namespace sf::provider
