#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>

#include "base/base64.h"
#include "engine/stream/stream_service_internal.h"

namespace sf::engine {

namespace fs = std::filesystem;

void StreamService::Stream::RebuildRouting() {
  routing.clear();
  for (const auto& shard : shards) {
    if (shard->meta.open()) routing.push_back(shard.get());
  }
  std::sort(routing.begin(), routing.end(), [](const Shard* a, const Shard* b) {
    return a->meta.starting_hash_key < b->meta.starting_hash_key;
  });
}

StreamService::Shard* StreamService::Stream::Route(HashKey key) const {
  auto it = std::upper_bound(
      routing.begin(), routing.end(), key,
      [](HashKey k, const Shard* shard) { return k < shard->meta.starting_hash_key; });
  if (it == routing.begin()) return nullptr;
  Shard* shard = *(it - 1);
  return key <= shard->meta.ending_hash_key ? shard : nullptr;
}

StreamService::StreamService(const StreamServiceOptions& options) : options_(options) {}
StreamService::~StreamService() = default;

Result<std::unique_ptr<StreamService>> StreamService::Open(const StreamServiceOptions& options) {
  if (options.clock == nullptr)
    return Fail(ErrorCode::kInvalidArgument, "StreamService needs a clock");
  std::error_code ec;
  fs::create_directories(fs::path(options.data_dir) / "streams", ec);
  if (ec) return Fail(ErrorCode::kIo, "cannot create " + options.data_dir + ": " + ec.message());
  std::unique_ptr<StreamService> service(new StreamService(options));
  auto store = MetadataStore::Open((fs::path(options.data_dir) / "metadata.db").string());
  if (!store) return tl::unexpected(store.error());
  service->store_ = std::move(*store);
  auto secret = service->store_->GetSetting("iterator_secret");
  if (!secret) return tl::unexpected(secret.error());
  if (secret->empty()) {  // first start: a random signing key, kept for later restarts
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof(bytes)) != 1) return Fail(ErrorCode::kInternal, "no randomness");
    *secret = Base64Encode(std::string_view(reinterpret_cast<char*>(bytes), sizeof(bytes)));
    if (auto status = service->store_->PutSetting("iterator_secret", *secret); !status) {
      return tl::unexpected(status.error());
    }
  }
  service->iterators_ = std::make_unique<IteratorCodec>(*secret);
  if (auto status = service->Load(); !status) return tl::unexpected(status.error());
  return service;
}

std::string StreamService::StreamDirectory(const StreamMeta& meta) const {
  return (fs::path(options_.data_dir) / "streams" /
          (meta.name + "-" + std::to_string(meta.incarnation)))
      .string();
}

Result<std::unique_ptr<StreamService::Shard>> StreamService::OpenShard(
    const Stream& stream, const ShardMeta& meta) const {
  std::string directory = (fs::path(StreamDirectory(stream.meta)) / meta.id()).string();
  LogOptions log_options = options_.log;
  log_options.on_visible = [this, name = stream.meta.name] { NotifyRecords(name); };
  auto log = ShardLog::Open(directory, log_options);
  if (!log) return tl::unexpected(log.error());
  return std::make_unique<Shard>(meta, std::shared_ptr<ShardLog>(std::move(*log)),
                                 options_.clock->NowMs());
}

Status StreamService::Load() {
  auto metas = store_->LoadAll();
  if (!metas) return tl::unexpected(metas.error());
  for (auto& meta : *metas) {
    auto stream = std::make_unique<Stream>();
    stream->meta = std::move(meta);
    for (const auto& shard_meta : stream->meta.shards) {
      auto shard = OpenShard(*stream, shard_meta);
      if (!shard) return tl::unexpected(shard.error());
      stream->shards.push_back(std::move(*shard));
    }
    stream->RebuildRouting();
    std::string name = stream->meta.name;
    streams_.emplace(std::move(name), std::move(stream));
  }
  return {};
}

StreamService::Stream* StreamService::Find(const std::string& name) const {
  auto it = streams_.find(name);
  return it == streams_.end() ? nullptr : it->second.get();
}

ApiError StreamService::NotFound(const std::string& name) const {
  return {"ResourceNotFoundException",
          "Stream " + name + " under account " + options_.account + " not found."};
}

std::string StreamService::StreamArn(const std::string& name) const {
  return "arn:aws:kinesis:" + options_.region + ":" + options_.account + ":stream/" + name;
}

namespace {

// Hash ranges of `count` uniform shards: h = floor(2^128 / count); shard i covers
// [i*h, (i+1)*h - 1], the last ending at 2^128 - 1.
std::vector<std::pair<HashKey, HashKey>> UniformRanges(int count) {
  HashKey n = static_cast<HashKey>(count);
  HashKey width = kMaxHashKey / n + (kMaxHashKey % n == n - 1 ? 1 : 0);
  std::vector<std::pair<HashKey, HashKey>> ranges;
  for (int i = 0; i < count; ++i) {
    HashKey start = width * static_cast<HashKey>(i);
    HashKey end = i == count - 1 ? kMaxHashKey : start + width - 1;
    ranges.emplace_back(start, end);
  }
  return ranges;
}

}  // namespace

ApiResult<void> StreamService::CreateStream(const std::string& name, std::optional<int> shard_count,
                                            StreamMode mode) {
  // The API validates names too; this keeps a name from ever leaving streams/ on disk.
  bool valid_name = !name.empty() && name.size() <= 128 &&
                    std::all_of(name.begin(), name.end(),
                                [](char c) {
                                  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
                                         c == '.' || c == '-';
                                }) &&
                    name != "." && name != "..";
  if (!valid_name)
    return ApiFail("InvalidArgumentException", "Invalid stream name '" + name + "'.");
  if (shard_count && *shard_count < 1) {
    return ApiFail("InvalidArgumentException", "ShardCount must be at least 1.");
  }
  std::unique_lock lock(mu_);
  if (Find(name) != nullptr) {
    return ApiFail("ResourceInUseException",
                   "Stream " + name + " under account " + options_.account + " already exists.");
  }
  int count = shard_count.value_or(mode == StreamMode::kOnDemand ? 4 : 1);
  if (mode == StreamMode::kProvisioned && !shard_count) {
    return ApiFail("InvalidArgumentException",
                   "ShardCount is required for streams in PROVISIONED mode.");
  }
  int total = 0;
  for (const auto& [other, stream] : streams_) total += static_cast<int>(stream->routing.size());
  if (total + count > options_.max_shards) {
    return ApiFail(
        "LimitExceededException",
        "This request would exceed the shard limit for the account " + options_.account + " in " +
            options_.region + ". Current shard count for the account: " + std::to_string(total) +
            ". Limit: " + std::to_string(options_.max_shards) +
            ". Number of additional shards that would have resulted from this request: " +
            std::to_string(count) + ".");
  }
  auto stream = std::make_unique<Stream>();
  stream->meta.name = name;
  stream->meta.created_ms = options_.clock->NowMs();
  unsigned char random[8];
  if (RAND_bytes(random, sizeof(random)) != 1)
    return ApiFail("InternalFailure", "no randomness", 500);
  for (unsigned char byte : random)
    stream->meta.incarnation = (stream->meta.incarnation << 8) | byte;
  stream->meta.mode = mode;
  for (const auto& [start, end] : UniformRanges(count)) {
    ShardMeta shard;
    shard.index = stream->meta.next_shard_index();
    shard.starting_hash_key = start;
    shard.ending_hash_key = end;
    shard.created_ms = stream->meta.created_ms;
    stream->meta.shards.push_back(shard);
  }
  for (const auto& shard_meta : stream->meta.shards) {
    auto shard = OpenShard(*stream, shard_meta);
    if (!shard) return ApiFail("InternalFailure", shard.error().message, 500);
    stream->shards.push_back(std::move(*shard));
  }
  if (auto status = store_->Put(stream->meta); !status) {
    return ApiFail("InternalFailure", status.error().message, 500);
  }
  stream->RebuildRouting();
  streams_.emplace(name, std::move(stream));
  return {};
}

ApiResult<void> StreamService::DeleteStream(const std::string& name) {
  std::unique_lock lock(mu_);
  Stream* stream = Find(name);
  if (stream == nullptr) return tl::unexpected(NotFound(name));
  if (auto status = store_->Delete(name); !status)
    return ApiFail("InternalFailure", status.error().message, 500);
  std::string directory = StreamDirectory(stream->meta);
  streams_.erase(name);  // logs still synced by in-flight commits stay alive through shared_ptr
  std::error_code ec;
  fs::remove_all(directory, ec);
  return {};
}

SequenceParts StreamService::SequenceOf(const ShardMeta& shard, uint64_t index,
                                        int64_t arrival_ms) {
  return {static_cast<uint64_t>(shard.created_ms / 1000), shard.index, index,
          static_cast<uint64_t>(std::max(arrival_ms, shard.created_ms) / 1000)};
}

void StreamService::SetRecordsListener(
    std::function<void(const std::string& stream_name)> listener) {
  std::lock_guard lock(listener_mu_);
  if (listener) {
    listener_ =
        std::make_shared<const std::function<void(const std::string&)>>(std::move(listener));
  } else {
    listener_.reset();
  }
}

void StreamService::NotifyRecords(const std::string& stream_name) const {
  std::shared_ptr<const std::function<void(const std::string&)>> listener;
  {
    std::lock_guard lock(listener_mu_);
    listener = listener_;
  }
  if (listener) (*listener)(stream_name);
}

std::string StreamService::SequenceNumber(const ShardMeta& shard, uint64_t index,
                                          int64_t arrival_ms) const {
  return FormatSequenceNumber(SequenceOf(shard, index, arrival_ms));
}

ShardInfo StreamService::Describe(const Stream& stream, const ShardMeta& shard) const {
  ShardInfo info;
  info.created_ms = shard.created_ms;
  if (shard.closed_at) {
    for (const auto& child : stream.meta.shards) {
      if (child.parent == shard.index || child.adjacent_parent == shard.index) {
        info.closed_ms =
            info.closed_ms ? std::min(*info.closed_ms, child.created_ms) : child.created_ms;
      }
    }
  }
  info.shard_id = shard.id();
  if (shard.parent) info.parent = ShardIdOf(*shard.parent);
  if (shard.adjacent_parent) info.adjacent_parent = ShardIdOf(*shard.adjacent_parent);
  info.starting_hash_key = shard.starting_hash_key;
  info.ending_hash_key = shard.ending_hash_key;
  info.starting_sequence_number = SequenceNumber(shard, 0, shard.created_ms);
  if (shard.closed_at) {  // the last record's number (the start's, for a shard that got none)
    bool empty = *shard.closed_at == 0;
    info.ending_sequence_number =
        SequenceNumber(shard, empty ? 0 : *shard.closed_at - 1,
                       empty ? shard.created_ms : shard.closed_last_arrival_ms);
  }
  return info;
}

ApiResult<StreamInfo> StreamService::DescribeStream(const std::string& name) const {
  std::shared_lock lock(mu_);
  const Stream* stream = Find(name);
  if (stream == nullptr) return tl::unexpected(NotFound(name));
  StreamInfo info;
  info.name = name;
  info.arn = StreamArn(name);
  info.mode = stream->meta.mode;
  info.retention_hours = stream->meta.retention_hours;
  info.created_ms = stream->meta.created_ms;
  info.open_shard_count = static_cast<int>(stream->routing.size());
  for (const auto& shard : stream->meta.shards) info.shards.push_back(Describe(*stream, shard));
  return info;
}

std::vector<std::string> StreamService::ListStreams() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> names;
  for (const auto& [name, stream] : streams_) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

ApiResult<void> StreamService::SetRetention(const std::string& name, int hours, bool increase) {
  std::unique_lock lock(mu_);
  Stream* stream = Find(name);
  if (stream == nullptr) return tl::unexpected(NotFound(name));
  int current = stream->meta.retention_hours;
  if (hours < 24) {
    return ApiFail("InvalidArgumentException",
                   "Minimum allowed retention period is 24 hours. Requested retention period (" +
                       std::to_string(hours) + " hours) is too short.");
  }
  if (hours > 8760) {
    return ApiFail("InvalidArgumentException",
                   "Maximum allowed retention period is 8760 hours. Requested retention period (" +
                       std::to_string(hours) + " hours) is too long.");
  }
  if (increase && hours < current) {
    return ApiFail("InvalidArgumentException",
                   "Requested retention period (" + std::to_string(hours) + " hours) for stream " +
                       name + " can not be shorter than existing retention period (" +
                       std::to_string(current) + " hours). Use DecreaseRetentionPeriod API.");
  }
  if (!increase && hours > current) {
    return ApiFail("InvalidArgumentException",
                   "Requested retention period (" + std::to_string(hours) + " hours) for stream " +
                       name + " can not be longer than existing retention period (" +
                       std::to_string(current) + " hours). Use IncreaseRetentionPeriod API.");
  }
  stream->meta.retention_hours = hours;
  if (auto status = store_->Put(stream->meta); !status)
    return ApiFail("InternalFailure", status.error().message, 500);
  return {};
}

namespace {
bool ValidTag(const std::string& text) {
  for (unsigned char c : text) {
    if (c >= 0x80) continue;  // unicode letters and digits are allowed
    if (!(std::isalnum(c) || std::isspace(c) || std::strchr("_./=+-%@:", c) != nullptr))
      return false;
  }
  return true;
}
}  // namespace

ApiResult<void> StreamService::AddTags(const std::string& name,
                                       const std::map<std::string, std::string>& tags) {
  std::unique_lock lock(mu_);
  Stream* stream = Find(name);
  if (stream == nullptr) return tl::unexpected(NotFound(name));
  for (const auto& [key, value] : tags) {
    if (!ValidTag(key) || !ValidTag(value)) {
      return ApiFail(
          "InvalidArgumentException",
          "Failed to add tags to stream " + name + " under account " + options_.account +
              " because some tags contained illegal characters. The allowed characters are "
              "Unicode letters, white-spaces, '_',',','/','=','+','-','@'.");
    }
  }
  std::map<std::string, std::string> merged = stream->meta.tags;
  for (const auto& [key, value] : tags) merged[key] = value;
  if (merged.size() > 50) {
    return ApiFail("InvalidArgumentException",
                   "Failed to add tags to stream " + name + " under account " + options_.account +
                       " because a given stream cannot have more than 50 tags associated with it.");
  }
  stream->meta.tags = std::move(merged);
  if (auto status = store_->Put(stream->meta); !status)
    return ApiFail("InternalFailure", status.error().message, 500);
  return {};
}

ApiResult<void> StreamService::RemoveTags(const std::string& name,
                                          const std::vector<std::string>& keys) {
  std::unique_lock lock(mu_);
  Stream* stream = Find(name);
  if (stream == nullptr) return tl::unexpected(NotFound(name));
  for (const auto& key : keys) stream->meta.tags.erase(key);
  if (auto status = store_->Put(stream->meta); !status)
    return ApiFail("InternalFailure", status.error().message, 500);
  return {};
}

ApiResult<std::map<std::string, std::string>> StreamService::ListTags(
    const std::string& name) const {
  std::shared_lock lock(mu_);
  const Stream* stream = Find(name);
  if (stream == nullptr) return tl::unexpected(NotFound(name));
  return stream->meta.tags;
}

ApiResult<void> StreamService::SetThrottling(const std::string& name, std::optional<bool> enabled) {
  std::unique_lock lock(mu_);
  Stream* stream = Find(name);
  if (stream == nullptr) return tl::unexpected(NotFound(name));
  stream->meta.throttling = enabled;
  if (auto status = store_->Put(stream->meta); !status)
    return ApiFail("InternalFailure", status.error().message, 500);
  return {};
}

bool StreamService::Throttled(const Stream& stream) const {
  if (stream.meta.mode == StreamMode::kOnDemand) return false;  // on-demand streams scale instead
  return stream.meta.throttling.value_or(options_.throttling);
}

void StreamService::EnforceRetention() {
  std::shared_lock lock(mu_);
  std::lock_guard retention(retention_mu_);
  int64_t now = options_.clock->NowMs();
  for (const auto& [name, stream] : streams_) {
    int64_t period = static_cast<int64_t>(stream->meta.retention_hours) * 3600 * 1000;
    int64_t cutoff = now - period;
    // Records expire by whole segments, so the active segment is sealed at least every
    // 1/24 of the retention period (and at least a minute apart): a busy shard's old records
    // then expire within 1/24 of the period, and a quiet shard's too.
    int64_t seal_every = std::max<int64_t>(60 * 1000, period / 24);
    for (const auto& shard : stream->shards) {
      ShardLog& log = *shard->log;
      bool appended = log.next_sequence() > shard->sealed_at_sequence;
      bool all_expired =
          log.next_sequence() > log.first_sequence() && log.last_arrival_ms() < cutoff;
      if (appended && (now - shard->sealed_ms >= seal_every || all_expired)) {
        if (log.Roll()) {
          shard->sealed_ms = now;
          shard->sealed_at_sequence = log.next_sequence();
        }
      }
      (void)log.DropBefore(cutoff);
    }
  }
}

void StreamService::SyncAll() {
  std::shared_lock lock(mu_);
  for (const auto& [name, stream] : streams_) {
    for (const auto& shard : stream->shards) (void)shard->log->SyncAll();
  }
}

std::vector<StreamMetricsSnapshot> StreamService::Metrics() const {
  std::shared_lock lock(mu_);
  std::vector<StreamMetricsSnapshot> out;
  for (const auto& [name, stream] : streams_) {
    StreamMetricsSnapshot snapshot{name, {}};
    for (const auto& shard : stream->shards) {
      const ShardCounters& c = shard->counters;
      snapshot.shards.push_back({shard->meta.id(), shard->meta.open(), c.incoming_bytes.load(),
                                 c.incoming_records.load(), c.get_records_bytes.load(),
                                 c.get_records_records.load(), c.get_records_calls.load(),
                                 c.write_throttled.load(), c.read_throttled.load(),
                                 c.iterator_age_ms.load(), shard->log->size_bytes()});
    }
    out.push_back(std::move(snapshot));
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.stream < b.stream; });
  return out;
}

}  // namespace sf::engine
