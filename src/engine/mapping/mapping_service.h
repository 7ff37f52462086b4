#pragma once
// Event-source mappings from Kinesis streams to functions (AWS::Lambda::EventSourceMapping):
// their lifecycle behind Lambda's CreateEventSourceMapping, Get, List, Update and Delete, and
// the consumers that run them (shard_consumer.h: one thread per mapping and shard).
//
// Records reach a consumer within milliseconds of being put: the engine calls OnRecords from
// the stream service's records listener (StreamService::SetRecordsListener), which wakes every
// consumer of that stream. A supervisor thread starts a consumer for every shard of every
// enabled mapping (children wait for their parents), reaps consumers whose shard has ended,
// and looks again once a second or when told (a reshard, an update).
//
// Mappings and checkpoints are durable (MappingStore); after a restart every mapping resumes
// from its checkpoints. Thread-safe.

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "engine/mapping/consumer_env.h"
#include "engine/mapping/mapping_config.h"
#include "engine/mapping/mapping_store.h"
#include "engine/mapping/shard_consumer.h"

namespace sf::engine::mapping {

struct MappingServiceOptions {
  std::string data_dir;
  std::string account = "000000000000";
  ConsumerEnv env;  // everything but `store`, which the service opens
};

// A mapping as the API shows it.
struct MappingView {
  MappingConfig config;
  std::string function_arn;
  std::string state;  // Creating, Enabled, Disabled, Updating, Enabling, Disabling, Deleting
  std::string last_processing_result;  // "No records processed", "OK", "PROBLEM: ..."
};

struct MappingMetrics {
  std::string uuid;
  std::string function_name;
  std::string stream_name;
  uint64_t invocations, failed_invocations, records_delivered, records_discarded;
  int64_t iterator_age_ms;
};

class MappingService {
 public:
  // Opens the store and loads the mappings; nothing runs until Start.
  static Result<std::unique_ptr<MappingService>> Open(MappingServiceOptions options);
  // Starts the supervisor, which starts the consumers. Call once the runtime can invoke.
  void Start();
  ~MappingService();  // Stop
  MappingService(const MappingService&) = delete;
  MappingService& operator=(const MappingService&) = delete;

  // Stops every consumer (in-flight batches are abandoned, to be sent again after a restart).
  void Stop();

  // `draft` carries the settings; the uuid and time are assigned here. ResourceNotFound when
  // the function does not exist, InvalidParameterValue when the stream does not, and
  // ResourceConflict when a mapping of this stream to this function exists.
  ApiResult<MappingView> Create(MappingConfig draft);  // (consumers start with Start)
  ApiResult<MappingView> Get(const std::string& uuid) const;
  // Filtered by function name and stream ARN when given; ordered by uuid.
  std::vector<MappingView> List(const std::optional<std::string>& function_name,
                                const std::optional<std::string>& stream_arn) const;
  ApiResult<MappingView> Update(const std::string& uuid, const MappingChange& change);
  ApiResult<MappingView> Delete(const std::string& uuid);

  // Records became visible in stream `stream_name`.
  void OnRecords(const std::string& stream_name);
  std::vector<MappingMetrics> Metrics() const;

 private:
  struct Running {
    MappingConfig config;
    std::shared_ptr<Wakeup> wakeup = std::make_shared<Wakeup>();
    std::shared_ptr<MappingStats> stats = std::make_shared<MappingStats>();
    std::map<std::string, std::unique_ptr<ShardConsumer>> consumers;  // by shard id
  };
  explicit MappingService(MappingServiceOptions options) : options_(std::move(options)) {}
  void Supervise();
  // Starts consumers for the shards of `running` that have none and have not ended; reaps
  // finished ones. Requires mu_.
  void Reconcile(Running& running);
  static void StopConsumers(Running& running);
  MappingView View(const Running& running, const std::string& state) const;
  std::string FunctionArn(const std::string& name) const;
  void Poke();

  void IndexWakeups();  // rebuilds wakeups_ from mappings_; requires mu_

  MappingServiceOptions options_;
  std::unique_ptr<MappingStore> store_;
  // The wake-up signals of the enabled mappings of each stream, for OnRecords, which runs on
  // the put path and so takes only this lock, never mu_.
  mutable std::shared_mutex wakeups_mu_;
  std::unordered_map<std::string, std::vector<std::shared_ptr<Wakeup>>> wakeups_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Running>> mappings_;  // by uuid
  std::mutex supervisor_mu_;
  std::condition_variable supervisor_cv_;
  bool poked_ = false;
  bool stopping_ = false;
  std::thread supervisor_;
};

}  // namespace sf::engine::mapping
