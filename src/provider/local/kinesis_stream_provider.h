#pragma once
// AWS::Kinesis::Stream on the engine, through its public Kinesis API (so the same code can
// talk to AWS): CreateStream, DescribeStreamSummary, ListTagsForStream, UpdateShardCount,
// Increase/DecreaseStreamRetentionPeriod, AddTagsToStream, RemoveTagsFromStream, DeleteStream.
//
// The physical id is the stream name. Observed: Name, ShardCount (open shards; absent for
// ON_DEMAND), RetentionPeriodHours, StreamModeDetails {StreamMode}, Tags ([{Key, Value}]
// sorted by Key; absent when the stream has none). Attributes: Arn. created_ms is the
// StreamCreationTimestamp; incarnation is that timestamp in ms as text (a stream deleted and
// created again under the same name gets a new one, unless both happen in the same ms).
//
// Properties the engine does not act on (StreamEncryption, DesiredShardLevelMetrics,
// MaxRecordSizeInKiB, WarmThroughputMiBps: the schema's engineUnsupportedProperties) are not
// sent and not observed; a change to them is an in-place step with no engine call, except
// StreamEncryption, whose change is a replacement (the engine has no Start/StopStreamEncryption).
//
// PlanUpdate: ShardCount moves in steps of at most double or half (2 -> 10: 4, 8, 10; 10 -> 3:
// 5, 3) as UpdateShardCount allows; other in-place changes ride on the first step. Changing
// Name, StreamModeDetails (the engine has no UpdateStreamMode) or StreamEncryption cannot be
// done in place. Update diffs `after` against the live stream (read first), so a retried or
// half-applied step converges instead of failing.
//
// Waits (ACTIVE after create and reshard, gone after delete) poll DescribeStreamSummary and
// are bounded by `wait_timeout_ms`. Read fans a batch out over up to 8 threads, each with its
// own keep-alive client from a pool. DataHeld: the engine exposes no count of retained records
// (only counters of records ever put and log bytes on disk), so it reports known = false.
// Thread-safe.

#include <mutex>

#include "auth/sigv4_types.h"
#include "client/kinesis_client.h"
#include "provider/local/client_pool.h"
#include "provider/provider.h"

namespace sf::provider {

struct StreamProviderOptions {
  int64_t wait_timeout_ms = 300'000;
  int64_t poll_interval_ms = 50;
};

class KinesisStreamProvider final : public Provider {
 public:
  KinesisStreamProvider(std::string endpoint, auth::Credentials credentials, std::string region,
                        StreamProviderOptions options = {});

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
  // Arn, once a DescribeStreamSummary has shown which partition, region and account the
  // endpoint puts in its ARNs; nothing before that.
  std::map<std::string, Value> PredictAttributes(const std::string& physical_id,
                                                 const Value& properties) const override;

 private:
  using Client = client::KinesisClient;

  Result<nlohmann::json> Call(Client& client, const std::string& operation,
                              const std::string& stream, const nlohmann::json& request);
  Result<LiveState> ReadOne(Client& client, const std::string& name);
  Status WaitUntilActive(Client& client, const std::string& name, const OperationContext& context);
  Status Reshard(Client& client, const std::string& name, int64_t from, int64_t to,
                 const OperationContext& context);
  Status SetRetention(Client& client, const std::string& name, int64_t from, int64_t to);
  Status SetTags(Client& client, const std::string& name,
                 const std::map<std::string, std::string>& from,
                 const std::map<std::string, std::string>& to);
  void LearnArn(const std::string& arn, const std::string& name) const;

  const StreamProviderOptions options_;
  ClientPool<Client> clients_;
  mutable std::mutex arn_mu_;
  mutable std::string arn_prefix_;  // "arn:aws:kinesis:us-east-1:000000000000:stream/"
};

}  // namespace sf::provider
