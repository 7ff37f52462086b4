// DeliveryService: opening, definitions, puts and metrics (delivery_flush.cc delivers).

#include "engine/delivery/delivery_service.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "engine/delivery/object_naming.h"
#include "engine/delivery/stream_state.h"
#include "engine/delivery/stream_store.h"
#include "engine/log/posix_file.h"

namespace sf::engine::delivery {

namespace {

tl::unexpected<ApiError> Internal(const Error& error) {
  return ApiFail("InternalFailure", error.message, 500);
}

PrefixExpression ParsedPrefix(const std::string& prefix) {
  auto parsed = PrefixExpression::Parse(prefix, PrefixKind::kPrefix);
  return parsed ? std::move(*parsed) : PrefixExpression();
}

}  // namespace

SegmentNamer StreamState::Namer() {
  return [this](const SegmentSummary& segment) {
    const DeliveryStream& d = definition;
    std::string extension = ObjectExtension(d.destination);
    ObjectIntent intent;
    intent.bucket = BucketName(d.destination.bucket_arn);
    intent.key = ObjectKey(prefix, {d.name, d.version, segment.oldest_ms, extension});
    intent.compression = d.destination.compression;
    return IntentJson(intent);
  };
}

std::string IntentJson(const ObjectIntent& intent) {
  return nlohmann::json{{"bucket", intent.bucket},
                        {"key", intent.key},
                        {"compression", CompressionName(intent.compression)}}
      .dump();
}

tl::expected<ObjectIntent, std::string> ParseIntent(const std::string& text) {
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object() || !json.contains("bucket") || !json.contains("key")) {
    return tl::unexpected("the buffer's delivery intent is not readable: " + text);
  }
  ObjectIntent intent;
  intent.bucket = json.value("bucket", "");
  intent.key = json.value("key", "");
  intent.compression =
      json.value("compression", "") == "GZIP" ? Compression::kGzip : Compression::kUncompressed;
  return intent;
}

DeliveryService::DeliveryService(DeliveryServiceOptions options) : options_(std::move(options)) {}

DeliveryService::~DeliveryService() { Stop(); }

Result<std::unique_ptr<DeliveryService>> DeliveryService::Open(DeliveryServiceOptions options) {
  std::unique_ptr<DeliveryService> service(new DeliveryService(std::move(options)));
  auto store = StreamStore::Open(service->options_.data_dir + "/delivery.db");
  if (!store) return tl::unexpected(store.error());
  service->store_ = std::move(*store);
  if (auto loaded = service->Load(); !loaded) return tl::unexpected(loaded.error());
  return service;
}

std::string DeliveryService::BufferDirectory(const std::string& id) const {
  return options_.data_dir + "/delivery/" + id;
}

Status DeliveryService::Load() {
  if (auto made = CreateDirectories(options_.data_dir + "/delivery"); !made) return made;
  auto stored = store_->LoadAll();
  if (!stored) return tl::unexpected(stored.error());
  std::set<std::string> ids;
  for (DeliveryStream& definition : *stored) {
    auto state = std::make_shared<StreamState>();
    state->definition = std::move(definition);
    state->prefix = ParsedPrefix(state->definition.destination.prefix);
    BufferRecovery recovered;
    auto log = BufferLog::Open(BufferDirectory(state->definition.id), state->Namer(), &recovered);
    if (!log) return tl::unexpected(log.error());
    state->log = std::move(*log);
    if (options_.logger != nullptr && (recovered.records > 0 || recovered.truncated_bytes > 0)) {
      options_.logger->Info("delivery stream buffer replayed",
                            {{"delivery_stream", state->definition.name},
                             {"records", std::to_string(recovered.records)},
                             {"torn_bytes_cut", std::to_string(recovered.truncated_bytes)}});
    }
    ids.insert(state->definition.id);
    streams_[state->definition.name] = std::move(state);
  }
  // Buffers of streams deleted while the engine was stopping: their definitions are gone.
  std::error_code error;
  for (const auto& entry :
       std::filesystem::directory_iterator(options_.data_dir + "/delivery", error)) {
    if (entry.is_directory() && !ids.count(entry.path().filename().string())) {
      std::filesystem::remove_all(entry.path(), error);
    }
  }
  return {};
}

std::shared_ptr<StreamState> DeliveryService::Find(const std::string& name) const {
  std::shared_lock lock(map_mu_);
  auto it = streams_.find(name);
  return it == streams_.end() ? nullptr : it->second;
}

tl::unexpected<ApiError> DeliveryService::NotFound(const std::string& name) const {
  return ApiFail("ResourceNotFoundException",
                 "Firehose " + name + " under account " + options_.account + " not found.");
}

std::optional<ApiError> DeliveryService::Refusal(const S3Destination& destination) const {
  std::optional<std::string> refused = CheckDestination(destination);
  if (!refused && options_.check_role) refused = options_.check_role(destination.role_arn);
  if (!refused) return std::nullopt;
  return ApiError{"InvalidArgumentException", *refused, 400};
}

ApiResult<DeliveryStream> DeliveryService::Create(DeliveryStream stream) {
  if (auto refused = Refusal(stream.destination)) return tl::unexpected(*refused);
  std::lock_guard admin(admin_mu_);
  if (Find(stream.name)) {
    return ApiFail("ResourceInUseException", "Firehose " + stream.name + " under accountId " +
                                                 options_.account + " already exists");
  }
  int64_t now = options_.clock->NowMs();
  stream.arn = DeliveryStreamArn(options_.region, options_.account, stream.name);
  stream.id = NewStreamId();
  stream.version = 1;
  stream.created_ms = stream.updated_ms = now;
  auto state = std::make_shared<StreamState>();
  state->definition = stream;
  state->prefix = ParsedPrefix(stream.destination.prefix);
  auto log = BufferLog::Open(BufferDirectory(stream.id), state->Namer());
  if (!log) return Internal(log.error());
  if (auto stored = store_->Put(stream); !stored) {
    (void)(*log)->Destroy();
    return Internal(stored.error());
  }
  state->log = std::move(*log);
  std::unique_lock lock(map_mu_);
  streams_[stream.name] = std::move(state);
  return stream;
}

ApiResult<DeliveryStream> DeliveryService::Get(const std::string& name) const {
  auto state = Find(name);
  if (!state) return NotFound(name);
  std::lock_guard lock(state->mu);
  return state->definition;
}

std::vector<DeliveryStream> DeliveryService::List() const {
  std::vector<std::shared_ptr<StreamState>> states;
  {
    std::shared_lock lock(map_mu_);
    for (const auto& [name, state] : streams_) states.push_back(state);
  }
  std::vector<DeliveryStream> out;
  for (const auto& state : states) {
    std::lock_guard lock(state->mu);
    out.push_back(state->definition);
  }
  return out;
}

ApiResult<void> DeliveryService::Delete(const std::string& name) {
  std::lock_guard admin(admin_mu_);
  auto state = Find(name);
  if (!state) return NotFound(name);
  if (auto removed = store_->Remove(name); !removed) return Internal(removed.error());
  {
    std::unique_lock lock(map_mu_);
    streams_.erase(name);
  }
  std::lock_guard lock(state->mu);
  state->deleted = true;
  if (auto destroyed = state->log->Destroy(); !destroyed && options_.logger != nullptr) {
    options_.logger->Warn(
        "cannot remove a deleted delivery stream's buffer (removed at the next "
        "start)",
        {{"delivery_stream", name}, {"error", destroyed.error().message}});
  }
  return {};
}

ApiResult<DeliveryStream> DeliveryService::UpdateDestination(const std::string& name,
                                                             std::string_view version_id,
                                                             std::string_view destination_id,
                                                             const DestinationChange& change) {
  std::lock_guard admin(admin_mu_);
  auto state = Find(name);
  if (!state) return NotFound(name);
  std::lock_guard lock(state->mu);
  DeliveryStream updated = state->definition;
  if (version_id != std::to_string(updated.version)) {
    return ApiFail("ConcurrentModificationException",
                   "Cannot update firehose: " + name +
                       " since the current version id: " + std::to_string(updated.version) +
                       " and specified version id: " + std::string(version_id) + " do not match");
  }
  if (destination_id != kDestinationId) {
    return ApiFail("InvalidArgumentException",
                   "Destination Id " + std::string(destination_id) + " not found");
  }
  if (auto changed = change(updated); !changed) return tl::unexpected(changed.error());
  if (auto refused = Refusal(updated.destination)) return tl::unexpected(*refused);
  ++updated.version;
  updated.updated_ms = options_.clock->NowMs();
  if (auto stored = store_->Put(updated); !stored) return Internal(stored.error());
  state->definition = updated;
  state->prefix = ParsedPrefix(updated.destination.prefix);
  return updated;
}

ApiResult<void> DeliveryService::Tag(const std::string& name,
                                     const std::map<std::string, std::string>& tags) {
  std::lock_guard admin(admin_mu_);
  auto state = Find(name);
  if (!state) return NotFound(name);
  std::lock_guard lock(state->mu);
  DeliveryStream updated = state->definition;
  for (const auto& [key, value] : tags) updated.tags[key] = value;
  if (updated.tags.size() > kMaxTags) {
    return ApiFail("LimitExceededException",
                   "A delivery stream can have at most 50 tags; this one would have " +
                       std::to_string(updated.tags.size()));
  }
  if (auto stored = store_->Put(updated); !stored) return Internal(stored.error());
  state->definition = std::move(updated);
  return {};
}

ApiResult<void> DeliveryService::Untag(const std::string& name,
                                       const std::vector<std::string>& keys) {
  std::lock_guard admin(admin_mu_);
  auto state = Find(name);
  if (!state) return NotFound(name);
  std::lock_guard lock(state->mu);
  DeliveryStream updated = state->definition;
  for (const std::string& key : keys) updated.tags.erase(key);
  if (auto stored = store_->Put(updated); !stored) return Internal(stored.error());
  state->definition = std::move(updated);
  return {};
}

ApiResult<std::vector<PutOutcome>> DeliveryService::Put(const std::string& name,
                                                        std::span<const std::string_view> records) {
  auto state = Find(name);
  if (!state) return NotFound(name);
  int64_t now = options_.clock->NowMs();
  std::vector<BufferedRecord> buffered;
  buffered.reserve(records.size());
  for (std::string_view data : records) buffered.push_back({now, data});
  AppendOutcome appended;
  bool wake = false;
  {
    std::lock_guard lock(state->mu);
    if (state->deleted) return NotFound(name);
    size_t sealed_before = state->log->sealed().size();
    appended = state->log->Append(buffered, state->max_bytes(), state->Namer());
    state->counters.incoming_records += appended.durable;
    for (size_t i = 0; i < appended.durable; ++i) {
      state->counters.incoming_bytes += records[i].size();
    }
    wake = state->log->sealed().size() != sealed_before ||
           state->definition.destination.buffering.interval_s == 0;
  }
  if (wake) Wake();
  if (appended.error && options_.logger != nullptr) {
    options_.logger->Error("cannot buffer records durably",
                           {{"delivery_stream", name}, {"error", appended.error->message}});
  }
  std::vector<PutOutcome> outcomes(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    if (i < appended.durable) {
      outcomes[i].record_id = NewRecordId();
    } else {
      outcomes[i].error_code = "InternalFailure";
      outcomes[i].error_message =
          "The record could not be stored durably: " +
          (appended.error ? appended.error->message : std::string("an earlier record failed"));
    }
  }
  return outcomes;
}

ApiResult<BufferFacts> DeliveryService::Buffered(const std::string& name) const {
  auto state = Find(name);
  if (!state) return NotFound(name);
  std::lock_guard lock(state->mu);
  return BufferFacts{state->log->buffered_records(), state->log->buffered_bytes(),
                     state->log->oldest_ms()};
}

std::vector<StreamMetrics> DeliveryService::Metrics() const {
  std::vector<std::shared_ptr<StreamState>> states;
  {
    std::shared_lock lock(map_mu_);
    for (const auto& [name, state] : streams_) states.push_back(state);
  }
  int64_t now = options_.clock->NowMs();
  std::vector<StreamMetrics> out;
  for (const auto& state : states) {
    std::lock_guard lock(state->mu);
    const StreamCounters& c = state->counters;
    StreamMetrics m;
    m.name = state->definition.name;
    m.incoming_records = c.incoming_records;
    m.incoming_bytes = c.incoming_bytes;
    m.delivered_records = c.delivered_records;
    m.delivered_bytes = c.delivered_bytes;
    m.delivered_objects = c.delivered_objects;
    m.failed_puts = c.failed_puts;
    m.last_put_succeeded = c.last_put_succeeded;
    m.buffered_records = state->log->buffered_records();
    m.buffered_bytes = state->log->buffered_bytes();
    int64_t oldest = state->log->oldest_ms();
    m.data_freshness_ms = oldest > 0 ? std::max<int64_t>(0, now - oldest) : 0;
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace sf::engine::delivery
