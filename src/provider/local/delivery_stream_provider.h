#pragma once
// AWS::KinesisFirehose::DeliveryStream on the engine, through the Firehose API
// (client/firehose_client.h), so the same code can talk to AWS.
//
// The physical id is the stream's name (DeliveryStreamName, else generated: at most 64
// characters). Observed: DeliveryStreamName, DeliveryStreamType,
// ExtendedS3DestinationConfiguration (as DescribeDeliveryStream's ExtendedS3DestinationDescription
// shows it: every delivery stream with an S3 destination has one) and Tags.
// S3DestinationConfiguration is write-only (the schema says so): compared with what was applied.
// Attribute: Arn, predicted once one stream has been read (the engine's ARN prefix).
//
// Create refuses a name that is taken, then CreateDeliveryStream with the template's properties
// (numbers given as strings, "60", sent as numbers). Update is one step: UpdateDestination with
// every member of the new destination (Prefix, ErrorOutputPrefix, BufferingHints and
// CompressionFormat reset to Firehose's defaults when the template drops them: an update merges),
// then TagDeliveryStream / UntagDeliveryStream for changed Tags. DeliveryStreamName,
// DeliveryStreamType and the source cannot change in place. Delete removes the stream and what it
// holds undelivered.
//
// Data: a delivery stream's buffer (records acknowledged, not yet written to the bucket) is data.
// DataHeld reports it (records and bytes, from the engine's GET
// /_streamform/delivery-streams/{name}); Empty writes it all to the bucket now (POST .../flush),
// so nothing is lost when the stream goes. Thread-safe.

#include <mutex>

#include "auth/sigv4_types.h"
#include "client/firehose_client.h"
#include "provider/local/client_pool.h"
#include "provider/provider.h"

namespace sf::provider {

class DeliveryStreamProvider final : public Provider {
 public:
  DeliveryStreamProvider(std::string endpoint, auth::Credentials credentials, std::string region);

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
  Result<LiveState> ReadOne(client::FirehoseClient& client, const std::string& name);
  Result<nlohmann::json> ListTags(client::FirehoseClient& client, const std::string& name);
  Status UpdateTags(client::FirehoseClient& client, const std::string& name, const Value& before,
                    const Value& after);

  ClientPool<client::FirehoseClient> clients_;
  mutable std::mutex arn_mu_;
  std::string arn_prefix_;  // "arn:aws:firehose:<region>:<account>:deliverystream/"; guarded
};

}  // namespace sf::provider
