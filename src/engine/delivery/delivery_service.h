#pragma once
// DeliveryService: the engine's Firehose-style delivery streams. Records put to a stream are
// buffered durably (buffer_log.h) and written as one object into an engine bucket
// (ObjectStore::PutObject) when the stream's BufferingHints say so:
//   - size: an object holds at most SizeInMBs MiB; the buffer is sealed before a record that
//     would take it past the limit and as soon as it reaches it;
//   - interval: IntervalInSeconds after the arrival of the oldest record buffered, on the
//     engine's Clock.
// Records are concatenated with no delimiter and compressed as the destination says; the key
// is decided when the buffer is sealed (object_naming.h) and stored beside it, so a delivery
// retried after a failure or a restart writes the same key: delivery is exactly once unless a
// stream's definition is deleted meanwhile (its buffer goes with it, as on AWS).
//
// When delivery runs: a background thread (Start) wakes when a buffer is sealed and otherwise
// at the next interval deadline or retry time (at most every `max_sleep_ms`); on a virtual
// clock the engine calls FlushDue after every clock move, before answering it, so a test sees
// the objects then. FlushNow delivers a stream's whole buffer at once (the engine's
// POST /_streamform/delivery-streams/{name}/flush).
//
// Failure: when the bucket is missing or the write fails, the data stays buffered, the attempt
// is counted (DeliveryToS3.Success 0) and logged, and it is retried after a backoff that
// doubles from `retry_initial_ms` to `retry_max_ms`, on the engine's Clock, for as long as it
// takes. Acknowledged records are never dropped.
//
// Definitions persist in <data dir>/delivery.db (stream_store.h); buffers in
// <data dir>/delivery/<stream id>/. Errors are Firehose's (engine/api_error.h):
//   ResourceNotFoundException  "Firehose <name> under account <account> not found."
//   ResourceInUseException     "Firehose <name> under accountId <account> already exists"
//   InvalidArgumentException   a destination the engine cannot deliver to (CheckDestination)
//   ConcurrentModificationException  UpdateDestination with a stale version
//   LimitExceededException     more than 50 tags
//   InternalFailure (500)      the disk or SQLite failed
// Field validation (names, lengths, ranges) is the API's.
//
// Thread-safe. Definition changes are serialised; puts to one stream are serialised (each one
// fsyncs before it returns); deliveries (FlushDue, FlushNow, the thread) are serialised, and
// write objects outside the stream's lock, so puts go on meanwhile. The ObjectStore, Clock and
// Logger must outlive the service; Stop (or destruction) before they go.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/logger.h"
#include "base/result.h"
#include "engine/api_error.h"
#include "engine/bucket/object_store.h"
#include "engine/delivery/delivery_stream.h"

namespace sf::engine::delivery {

inline constexpr size_t kMaxTags = 50;

struct DeliveryServiceOptions {
  std::string data_dir;
  std::string region = "us-east-1";
  std::string account = "000000000000";
  const Clock* clock = nullptr;    // required; not owned
  bool virtual_clock = false;      // the thread then only polls: the engine calls FlushDue
  ObjectStore* objects = nullptr;  // required; not owned
  Logger* logger = nullptr;        // may be null
  int64_t max_sleep_ms = 1000;
  int64_t retry_initial_ms = 1000;
  int64_t retry_max_ms = 60000;
  // Whether a stream's role (its destination's RoleARN, as defined when the write happens) lets
  // Firehose write `key` into `bucket`: nullopt when it does, else why not, as Firehose reports
  // it ("S3.AccessDenied: ..."). Asked before every object write; a refusal fails the write as a
  // missing bucket does: the records stay buffered and are retried. Empty: writes are allowed.
  std::function<std::optional<std::string>(const std::string& role_arn, const std::string& bucket,
                                           const std::string& key)>
      authorize_write;
  // Whether Firehose may assume `role_arn`: nullopt when it may, else Firehose's
  // InvalidArgumentException message. Asked by Create and UpdateDestination. Empty: any role.
  std::function<std::optional<std::string>(const std::string& role_arn)> check_role;
};

// One record of a put: its RecordId, or why it was not taken (ErrorCode, ErrorMessage).
struct PutOutcome {
  std::string record_id;
  std::string error_code;
  std::string error_message;
};

// A stream's Firehose metrics since the engine started (buffered_* and freshness: now).
struct StreamMetrics {
  std::string name;
  uint64_t incoming_records = 0;   // IncomingRecords
  uint64_t incoming_bytes = 0;     // IncomingBytes
  uint64_t delivered_records = 0;  // DeliveryToS3.Records
  uint64_t delivered_bytes = 0;    // DeliveryToS3.Bytes (before compression)
  uint64_t delivered_objects = 0;
  uint64_t failed_puts = 0;        // object writes that failed
  bool last_put_succeeded = true;  // DeliveryToS3.Success of the latest write (true before any)
  uint64_t buffered_records = 0;
  uint64_t buffered_bytes = 0;
  int64_t data_freshness_ms = 0;  // DeliveryToS3.DataFreshness: age of the oldest record held
};

// What a stream holds that is not delivered yet.
struct BufferFacts {
  uint64_t records = 0;
  uint64_t bytes = 0;
  int64_t oldest_ms = 0;  // 0 when empty
};

// What FlushNow delivered.
struct FlushReport {
  uint64_t records = 0;
  uint64_t bytes = 0;
  std::vector<std::string> keys;
};

struct StreamState;
class StreamStore;

class DeliveryService {
 public:
  static Result<std::unique_ptr<DeliveryService>> Open(DeliveryServiceOptions options);
  ~DeliveryService();
  DeliveryService(const DeliveryService&) = delete;
  DeliveryService& operator=(const DeliveryService&) = delete;

  void Start();  // the background thread
  // Joins the thread; deliveries end. Idempotent.
  void Stop();

  // --- definitions ---
  // Creates `stream` (its name, type, destination and tags; the service sets the ARN, id,
  // version and times) with an empty buffer.
  ApiResult<DeliveryStream> Create(DeliveryStream stream);
  ApiResult<DeliveryStream> Get(const std::string& name) const;
  std::vector<DeliveryStream> List() const;  // by name
  // Deletes the stream and what it holds undelivered.
  ApiResult<void> Delete(const std::string& name);
  // Applies `change` to the stream's definition when `version_id` is its VersionId and
  // `destination_id` its destination's; the destination is checked again and the version goes
  // up by one. Buffered records keep the key they were sealed with; the rest use the new one.
  using DestinationChange = std::function<ApiResult<void>(DeliveryStream&)>;
  ApiResult<DeliveryStream> UpdateDestination(const std::string& name, std::string_view version_id,
                                              std::string_view destination_id,
                                              const DestinationChange& change);
  ApiResult<void> Tag(const std::string& name, const std::map<std::string, std::string>& tags);
  ApiResult<void> Untag(const std::string& name, const std::vector<std::string>& keys);

  // --- records ---
  // Buffers `records` durably, in order, at the clock's now: one outcome per record. A record
  // whose write failed (the disk) carries ErrorCode InternalFailure, as do the ones after it.
  ApiResult<std::vector<PutOutcome>> Put(const std::string& name,
                                         std::span<const std::string_view> records);

  // --- delivery ---
  // Seals what the BufferingHints make due and writes every sealed buffer whose retry time has
  // come. Returns how many objects were written.
  size_t FlushDue();
  // Seals and writes the stream's whole buffer now, retry times aside; the first failure (a
  // missing bucket) is ServiceUnavailableException with the store's reason, the data kept.
  ApiResult<FlushReport> FlushNow(const std::string& name);
  ApiResult<BufferFacts> Buffered(const std::string& name) const;
  std::vector<StreamMetrics> Metrics() const;  // by name

 private:
  explicit DeliveryService(DeliveryServiceOptions options);
  Status Load();
  std::shared_ptr<StreamState> Find(const std::string& name) const;
  std::string BufferDirectory(const std::string& id) const;
  tl::unexpected<ApiError> NotFound(const std::string& name) const;
  // Why the engine will not deliver to `destination` (CheckDestination, then check_role).
  std::optional<ApiError> Refusal(const S3Destination& destination) const;
  // delivery_flush.cc: seals what is due in `stream` (all of it when `force`), then writes its
  // sealed buffers that are due; adds what it wrote to `report`, the first failure to `failure`.
  size_t DeliverStream(StreamState& stream, bool force, FlushReport* report, std::string* failure);
  // Writes one sealed buffer's object (its records and data bytes) as `role_arn` may; the reason
  // on failure.
  tl::expected<FlushReport, std::string> WriteObject(const std::string& path,
                                                     const std::string& intent,
                                                     const std::string& role_arn);
  void Loop();
  int64_t SleepMs() const;
  void Wake();

  const DeliveryServiceOptions options_;
  std::unique_ptr<StreamStore> store_;  // used under admin_mu_
  std::mutex admin_mu_;                 // serialises definition changes
  mutable std::shared_mutex map_mu_;
  std::map<std::string, std::shared_ptr<StreamState>> streams_;  // guarded by map_mu_
  std::mutex flush_mu_;                                          // serialises deliveries
  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  bool stopping_ = false;  // guarded by wake_mu_
  bool woken_ = false;     // guarded by wake_mu_
  std::thread thread_;
};

}  // namespace sf::engine::delivery
