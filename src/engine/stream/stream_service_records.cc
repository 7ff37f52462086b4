// StreamService: putting records, iterators, and reading records.

#include <algorithm>
#include <cmath>
#include <ctime>

#include "engine/stream/stream_service_internal.h"

namespace sf::engine {

namespace {

constexpr size_t kMaxGetRecordsBytes = 10 * 1024 * 1024;

// "Thu Jan 01 00:00:00 UTC 1970", the form Kinesis uses in ExpiredIteratorException.
std::string AmzUtc(int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof(buffer), "%a %b %d %H:%M:%S UTC %Y", &tm);
  return buffer;
}

}  // namespace

ApiResult<PutOutcome> StreamService::PutRecords(const std::string& name,
                                                const std::vector<PutEntry>& entries, bool single) {
  std::shared_lock lock(mu_);
  Stream* stream = Find(name);
  if (stream == nullptr) return tl::unexpected(NotFound(name));
  int64_t now = options_.clock->NowMs();
  bool throttled = Throttled(*stream);

  PutOutcome outcome;
  outcome.results.resize(entries.size());
  // Group the entries by shard, keeping request order within each shard.
  std::vector<std::pair<Shard*, std::vector<size_t>>> groups;
  for (size_t i = 0; i < entries.size(); ++i) {
    const PutEntry& entry = entries[i];
    HashKey key =
        entry.explicit_hash_key ? *entry.explicit_hash_key : PartitionKeyHash(entry.partition_key);
    Shard* shard = stream->Route(key);
    if (shard == nullptr)
      return ApiFail("InternalFailure", "no open shard holds the hash key", 500);
    auto group =
        std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == shard; });
    if (group == groups.end()) {
      groups.push_back({shard, {}});
      group = groups.end() - 1;
    }
    group->second.push_back(i);
  }
  for (auto& [shard, indexes] : groups) {
    std::vector<AppendRecord> records;
    std::vector<size_t> accepted;
    records.reserve(indexes.size());
    for (size_t i : indexes) {
      const PutEntry& entry = entries[i];
      double bytes = static_cast<double>(entry.data.size() + entry.partition_key.size());
      if (throttled) {
        std::lock_guard guard(shard->throttle_mu);
        bool fits = shard->write_records.TryTake(1, now);
        if (fits && !shard->write_bytes.TryTake(bytes, now)) {
          shard->write_records.Take(-1, now);  // give the record token back
          fits = false;
        }
        if (!fits) {
          shard->counters.write_throttled.fetch_add(1, std::memory_order_relaxed);
          PutResult& result = outcome.results[i];
          result.error_code = "ProvisionedThroughputExceededException";
          result.error_message = "Rate exceeded for shard " + shard->meta.id() + " in stream " +
                                 name + " under account " + options_.account + ".";
          ++outcome.failed;
          continue;
        }
      }
      records.push_back({entry.partition_key, entry.data, now});
      accepted.push_back(i);
    }
    if (records.empty()) continue;
    auto first = shard->log->Append(records);
    if (!first) {
      for (size_t i : accepted) {
        outcome.results[i].error_code = "InternalFailure";
        outcome.results[i].error_message = "Internal service failure.";
        ++outcome.failed;
      }
      continue;
    }
    uint64_t bytes = 0;
    SequenceParts parts = SequenceOf(shard->meta, *first, now);
    SequenceNumberFormatter formatter(parts);
    for (size_t k = 0; k < accepted.size(); ++k) {
      PutResult& result = outcome.results[accepted[k]];
      formatter.MoveTo(*first + k, parts.record_seconds);
      result.sequence_number.reserve(60);
      formatter.AppendTo(result.sequence_number);
      result.shard_id = shard->id;
      bytes += records[k].data.size() + records[k].partition_key.size();
    }
    shard->counters.incoming_records.fetch_add(accepted.size(), std::memory_order_relaxed);
    shard->counters.incoming_bytes.fetch_add(bytes, std::memory_order_relaxed);
    outcome.sync.push_back({shard->log, *first + accepted.size() - 1});
  }
  if (single && outcome.failed > 0) {
    const PutResult& failed = outcome.results.front();
    int status = failed.error_code == "InternalFailure" ? 500 : 400;
    return ApiFail(failed.error_code, failed.error_message, status);
  }
  return outcome;
}

ApiResult<uint64_t> StreamService::IteratorStart(const Stream& stream, const Shard& shard,
                                                 IteratorType type,
                                                 const std::optional<std::string>& sequence_number,
                                                 std::optional<double> timestamp_seconds) const {
  const std::string& name = stream.meta.name;
  const std::string shard_id = shard.meta.id();
  bool by_sequence = type == IteratorType::kAtSequence || type == IteratorType::kAfterSequence;
  if (by_sequence != sequence_number.has_value()) {
    static const char* kNames[] = {"AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "TRIM_HORIZON",
                                   "LATEST", "AT_TIMESTAMP"};
    if (type != IteratorType::kAtTimestamp || sequence_number) {
      return ApiFail(
          "InvalidArgumentException",
          std::string("Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and "
                      "StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no "
                      "StartingSequenceNumber. Request specified ") +
              kNames[static_cast<int>(type)] +
              (sequence_number ? " and also a StartingSequenceNumber."
                               : " and no StartingSequenceNumber."));
    }
  }
  switch (type) {
    case IteratorType::kTrimHorizon:
      return shard.log->first_sequence();
    case IteratorType::kLatest:
      return shard.log->visible_end();
    case IteratorType::kAtTimestamp: {
      if (!timestamp_seconds) {
        return ApiFail(
            "InvalidArgumentException",
            "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current "
            "request has no timestamp parameter.");
      }
      int64_t ms = static_cast<int64_t>(std::llround(*timestamp_seconds * 1000.0));
      int64_t now = options_.clock->NowMs();
      if (ms > now) {
        return ApiFail(
            "InvalidArgumentException",
            "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. "
            "timestampInMillis: " +
                std::to_string(ms) + ", currentTimestampInMillis: " + std::to_string(now));
      }
      auto position = shard.log->SeekTimestamp(ms);
      if (!position) return ApiFail("InternalFailure", position.error().message, 500);
      return *position;
    }
    default:
      break;
  }
  auto parts = ParseSequenceNumber(*sequence_number);
  std::string invalid = "StartingSequenceNumber " + *sequence_number +
                        " used in GetShardIterator on shard " + shard_id + " in stream " + name +
                        " under account " + options_.account + " is invalid";
  if (!parts) return ApiFail("InvalidArgumentException", invalid + ".");
  if (parts->shard_index != shard.meta.index) {
    return ApiFail("InvalidArgumentException",
                   "Invalid StartingSequenceNumber. It encodes " + ShardIdOf(parts->shard_index) +
                       ", while it was used in a call to a shard with " + shard_id);
  }
  if (parts->shard_create_seconds != static_cast<uint64_t>(shard.meta.created_ms / 1000)) {
    return ApiFail("InvalidArgumentException",
                   invalid + " because it did not come from this stream.");
  }
  return parts->sequence_index + (type == IteratorType::kAfterSequence ? 1 : 0);
}

ApiResult<const StreamService::Shard*> StreamService::FindShard(const std::string& name,
                                                                const std::string& shard_id) const {
  const Stream* stream = Find(name);
  if (stream == nullptr) return tl::unexpected(NotFound(name));
  auto index = ParseShardId(shard_id);
  if (!index || *index >= stream->shards.size()) {
    return ApiFail("ResourceNotFoundException", "Shard " + shard_id + " in stream " + name +
                                                    " under account " + options_.account +
                                                    " does not exist");
  }
  return stream->shards[*index].get();
}

ApiResult<std::string> StreamService::GetShardIterator(
    const std::string& name, const std::string& shard_id, IteratorType type,
    const std::optional<std::string>& sequence_number, std::optional<double> timestamp_seconds) {
  std::shared_lock lock(mu_);
  auto found = FindShard(name, shard_id);
  if (!found) return tl::unexpected(found.error());
  const Stream* stream = Find(name);
  const Shard& shard = **found;
  auto start = IteratorStart(*stream, shard, type, sequence_number, timestamp_seconds);
  if (!start) return tl::unexpected(start.error());
  return iterators_->Encode(
      {name, stream->meta.incarnation, shard.meta.index, *start, options_.clock->NowMs()});
}

ApiResult<std::optional<std::string>> StreamService::LastSequenceNumber(
    const std::string& name, const std::string& shard_id) const {
  std::shared_lock lock(mu_);
  auto found = FindShard(name, shard_id);
  if (!found) return tl::unexpected(found.error());
  const Shard& shard = **found;
  uint64_t end = shard.log->visible_end();
  if (end == 0 || end <= shard.log->first_sequence()) return std::optional<std::string>();
  auto read = shard.log->Read(end - 1, 1, kMaxGetRecordsBytes);
  if (!read) return ApiFail("InternalFailure", read.error().message, 500);
  if (read->records.empty()) return std::optional<std::string>();
  const LogRecord& last = read->records.back();
  return std::optional<std::string>(SequenceNumber(shard.meta, last.sequence, last.arrival_ms));
}

std::optional<std::string> StreamService::IteratorStream(std::string_view iterator) const {
  auto position = iterators_->Decode(iterator);
  if (!position) return std::nullopt;
  return std::move(position->stream_name);
}

ApiResult<GetRecordsOutcome> StreamService::GetRecords(const std::string& token, int limit) {
  auto position = iterators_->Decode(token);
  if (!position) return ApiFail("InvalidArgumentException", "Invalid ShardIterator.");
  int64_t now = options_.clock->NowMs();
  if (now - position->issued_ms > kIteratorLifetimeMs) {
    return ApiFail(
        "ExpiredIteratorException",
        "Iterator expired. The iterator was created at time " + AmzUtc(position->issued_ms) +
            " while right now it is " + AmzUtc(now) +
            " which is further in the future than the tolerated delay of 300000 milliseconds.");
  }
  std::shared_lock lock(mu_);
  const Stream* stream = Find(position->stream_name);
  if (stream == nullptr || stream->meta.incarnation != position->stream_incarnation) {
    return ApiFail("ResourceNotFoundException", "Shard " + ShardIdOf(position->shard_index) +
                                                    " in stream " + position->stream_name +
                                                    " under account " + options_.account +
                                                    " does not exist");
  }
  if (position->shard_index >= stream->shards.size())
    return ApiFail("InvalidArgumentException", "Invalid ShardIterator.");
  Shard& shard = *stream->shards[position->shard_index];
  if (Throttled(*stream)) {
    std::lock_guard guard(shard.throttle_mu);
    if (!shard.read_calls.TryTake(1, now) || shard.read_bytes.InDebt(now)) {
      shard.counters.read_throttled.fetch_add(1, std::memory_order_relaxed);
      return ApiFail("ProvisionedThroughputExceededException",
                     "Rate exceeded for shard " + shard.meta.id() + " in stream " +
                         stream->meta.name + " under account " + options_.account + ".");
    }
  }
  // One record past the limit tells how far behind the reader is.
  auto read = shard.log->Read(position->sequence_index, static_cast<size_t>(limit) + 1,
                              kMaxGetRecordsBytes);
  if (!read) return ApiFail("InternalFailure", read.error().message, 500);
  GetRecordsOutcome outcome;
  std::vector<LogRecord>& records = read->records;
  uint64_t next = read->next_sequence;
  std::optional<int64_t> first_unread_arrival;
  if (records.size() > static_cast<size_t>(limit)) {
    first_unread_arrival = records.back().arrival_ms;
    next = records.back().sequence;
    records.pop_back();
  } else if (next < shard.log->visible_end()) {
    first_unread_arrival = shard.log->last_arrival_ms();  // cut by bytes: behind by at least this
  }
  uint64_t bytes = 0;
  outcome.records.reserve(records.size());
  std::optional<SequenceNumberFormatter> formatter;
  for (auto& record : records) {
    bytes += record.data.size() + record.partition_key.size();
    SequenceParts parts = SequenceOf(shard.meta, record.sequence, record.arrival_ms);
    if (!formatter) {
      formatter.emplace(parts);
    } else {
      formatter->MoveTo(parts.sequence_index, parts.record_seconds);
    }
    std::string sequence_number;
    sequence_number.reserve(60);
    formatter->AppendTo(sequence_number);
    outcome.records.push_back({std::move(sequence_number), record.arrival_ms,
                               std::move(record.partition_key), std::move(record.data)});
  }
  outcome.millis_behind_latest =
      first_unread_arrival ? std::max<int64_t>(0, now - *first_unread_arrival) : 0;
  bool at_end = shard.meta.closed_at && next >= *shard.meta.closed_at;
  if (at_end) {
    for (const auto& child : stream->meta.shards) {
      bool is_child = child.parent == shard.meta.index || child.adjacent_parent == shard.meta.index;
      if (!is_child) continue;
      ChildShardInfo info{child.id(), {}, child.starting_hash_key, child.ending_hash_key};
      if (child.parent) info.parents.push_back(ShardIdOf(*child.parent));
      if (child.adjacent_parent) info.parents.push_back(ShardIdOf(*child.adjacent_parent));
      outcome.child_shards.push_back(std::move(info));
    }
  } else {
    outcome.next_iterator = iterators_->Encode(
        {stream->meta.name, stream->meta.incarnation, shard.meta.index, next, now});
  }
  shard.counters.get_records_calls.fetch_add(1, std::memory_order_relaxed);
  shard.counters.get_records_records.fetch_add(outcome.records.size(), std::memory_order_relaxed);
  shard.counters.get_records_bytes.fetch_add(bytes, std::memory_order_relaxed);
  shard.counters.iterator_age_ms.store(outcome.records.empty()
                                           ? outcome.millis_behind_latest
                                           : now - outcome.records.front().arrival_ms,
                                       std::memory_order_relaxed);
  if (Throttled(*stream)) {
    std::lock_guard guard(shard.throttle_mu);
    shard.read_bytes.Take(static_cast<double>(bytes), now);
  }
  return outcome;
}

}  // namespace sf::engine
