// StreamService: resharding. A split or merge closes its parents at their current end (their
// EndingSequenceNumber) and opens children that name them as ParentShardId and
// AdjacentParentShardId; both happen in one metadata write, under the exclusive lock, so no
// record lands in a parent after it closed. UpdateShardCount (UNIFORM_SCALING) is a series
// of splits at the target boundaries and then merges of the pieces that share a target range,
// as Kinesis does, so every child has at most two parents.

#include <algorithm>

#include "engine/stream/stream_service_internal.h"

namespace sf::engine {

namespace {

constexpr int kReshardsPerDay = 10;
constexpr int64_t kDayMs = 24LL * 3600 * 1000;

std::vector<HashKey> TargetStarts(int count) {
  HashKey n = static_cast<HashKey>(count);
  HashKey width = kMaxHashKey / n + (kMaxHashKey % n == n - 1 ? 1 : 0);
  std::vector<HashKey> starts;
  for (int i = 0; i < count; ++i) starts.push_back(width * static_cast<HashKey>(i));
  return starts;
}

}  // namespace

ApiResult<void> StreamService::Reshard(Stream& stream, const std::vector<uint32_t>& parents,
                                       const std::vector<std::pair<HashKey, HashKey>>& children) {
  int64_t now = options_.clock->NowMs();
  StreamMeta updated = stream.meta;
  for (uint32_t parent : parents) {
    const ShardLog& log = *stream.shards[parent]->log;
    updated.shards[parent].closed_at = log.next_sequence();
    updated.shards[parent].closed_last_arrival_ms = log.last_arrival_ms();
  }
  std::vector<ShardMeta> added;
  for (const auto& [start, end] : children) {
    ShardMeta child;
    child.index = updated.next_shard_index();
    child.starting_hash_key = start;
    child.ending_hash_key = end;
    child.created_ms = now;
    child.parent = parents[0];
    if (parents.size() > 1) child.adjacent_parent = parents[1];
    updated.shards.push_back(child);
    added.push_back(child);
  }
  std::vector<std::unique_ptr<Shard>> opened;
  for (const auto& meta : added) {
    auto shard = OpenShard(stream, meta);
    if (!shard) return ApiFail("InternalFailure", shard.error().message, 500);
    opened.push_back(std::move(*shard));
  }
  // Parents must be durable up to their end before anyone is told they closed.
  for (uint32_t parent : parents) {
    if (auto status = stream.shards[parent]->log->SyncAll(); !status) {
      return ApiFail("InternalFailure", status.error().message, 500);
    }
  }
  if (auto status = store_->Put(updated); !status)
    return ApiFail("InternalFailure", status.error().message, 500);
  stream.meta = std::move(updated);
  for (uint32_t parent : parents) stream.shards[parent]->meta = stream.meta.shards[parent];
  for (auto& shard : opened) stream.shards.push_back(std::move(shard));
  stream.RebuildRouting();
  return {};
}

ApiResult<void> StreamService::SplitLocked(Stream& stream, uint32_t index, HashKey at) {
  const ShardMeta& shard = stream.meta.shards[index];
  if (at <= shard.starting_hash_key || at > shard.ending_hash_key) {
    return ApiFail(
        "InvalidArgumentException",
        "NewStartingHashKey " + FormatHashKey(at) + " used in SplitShard() on shard " + shard.id() +
            " in stream " + stream.meta.name + " under account " + options_.account +
            " is not both greater than one plus the shard's StartingHashKey " +
            FormatHashKey(shard.starting_hash_key) + " and less than the shard's EndingHashKey " +
            FormatHashKey(shard.ending_hash_key) + ".");
  }
  return Reshard(stream, {index}, {{shard.starting_hash_key, at - 1}, {at, shard.ending_hash_key}});
}

ApiResult<void> StreamService::MergeLocked(Stream& stream, uint32_t lower, uint32_t upper) {
  const ShardMeta& a = stream.meta.shards[lower];
  const ShardMeta& b = stream.meta.shards[upper];
  return Reshard(stream, {lower, upper}, {{a.starting_hash_key, b.ending_hash_key}});
}

namespace {

ApiError ShardNotFound(const std::string& shard_id, const std::string& stream,
                       const std::string& account) {
  return {"ResourceNotFoundException",
          "Could not find shard " + shard_id + " in stream " + stream + " under account " +
              account + ".",
          400};
}

}  // namespace

ApiResult<void> StreamService::SplitShard(const std::string& name, const std::string& shard_id,
                                          const std::string& new_starting_hash_key) {
  std::unique_lock lock(mu_);
  Stream* stream = Find(name);
  if (stream == nullptr) return tl::unexpected(NotFound(name));
  const ShardMeta* shard = stream->meta.FindShard(shard_id);
  if (shard == nullptr) return tl::unexpected(ShardNotFound(shard_id, name, options_.account));
  if (!shard->open()) {
    return ApiFail("ResourceInUseException", "Shard " + shard_id + " in stream " + name +
                                                 " under account " + options_.account +
                                                 " has already been merged or split, and thus "
                                                 "is not eligible for merging or splitting.");
  }
  auto at = ParseHashKey(new_starting_hash_key);
  if (!at) {
    return ApiFail("InvalidArgumentException",
                   "NewStartingHashKey " + new_starting_hash_key +
                       " is not a valid hash key: it must be in [0, 2^128-1].");
  }
  // As the message says: greater than one plus the StartingHashKey, less than the EndingHashKey.
  if (*at <= shard->starting_hash_key + 1 || *at >= shard->ending_hash_key) {
    return ApiFail("InvalidArgumentException",
                   "NewStartingHashKey " + FormatHashKey(*at) + " used in SplitShard() on shard " +
                       shard->id() + " in stream " + name + " under account " + options_.account +
                       " is not both greater than one plus the shard's StartingHashKey " +
                       FormatHashKey(shard->starting_hash_key) +
                       " and less than the shard's EndingHashKey " +
                       FormatHashKey(shard->ending_hash_key) + ".");
  }
  if (static_cast<int>(stream->routing.size()) + 1 > options_.max_shards) {
    return ApiFail("LimitExceededException",
                   "This request would exceed the shard limit for the account " + options_.account +
                       " in " + options_.region + ".");
  }
  return SplitLocked(*stream, shard->index, *at);
}

ApiResult<void> StreamService::MergeShards(const std::string& name, const std::string& shard_id,
                                           const std::string& adjacent_shard_id) {
  std::unique_lock lock(mu_);
  Stream* stream = Find(name);
  if (stream == nullptr) return tl::unexpected(NotFound(name));
  const ShardMeta* a = stream->meta.FindShard(shard_id);
  if (a == nullptr) return tl::unexpected(ShardNotFound(shard_id, name, options_.account));
  const ShardMeta* b = stream->meta.FindShard(adjacent_shard_id);
  if (b == nullptr) return tl::unexpected(ShardNotFound(adjacent_shard_id, name, options_.account));
  for (const ShardMeta* shard : {a, b}) {
    if (!shard->open()) {
      return ApiFail("ResourceInUseException",
                     "Shard " + shard->id() + " in stream " + name + " under account " +
                         options_.account +
                         " has already been merged or split, and thus is not eligible "
                         "for merging or splitting.");
    }
  }
  const ShardMeta* lower = a->starting_hash_key < b->starting_hash_key ? a : b;
  const ShardMeta* upper = lower == a ? b : a;
  if (lower->ending_hash_key + 1 != upper->starting_hash_key) {
    return ApiFail("InvalidArgumentException",
                   "Shards " + shard_id + " and " + adjacent_shard_id + " in stream " + name +
                       " under account " + options_.account +
                       " are not an adjacent pair of shards eligible for merging");
  }
  // The shard named first is the ParentShardId of the merged shard, as in Kinesis.
  return Reshard(*stream, {a->index, b->index},
                 {{lower->starting_hash_key, upper->ending_hash_key}});
}

ApiResult<int> StreamService::UpdateShardCount(const std::string& name, int target) {
  std::unique_lock lock(mu_);
  Stream* stream = Find(name);
  if (stream == nullptr) return tl::unexpected(NotFound(name));
  int current = static_cast<int>(stream->routing.size());
  if (stream->meta.mode == StreamMode::kOnDemand) {
    return ApiFail("ValidationException", "UpdateShardCount is not supported for stream " + name +
                                              " under account " + options_.account +
                                              " in On-Demand mode.");
  }
  if (target > 2 * current) {
    return ApiFail(
        "LimitExceededException",
        "UpdateShardCount cannot scale up over double your current open shard count. Current open "
        "shard count: " +
            std::to_string(current) + " Target shard count: " + std::to_string(target));
  }
  if (2 * target < current) {
    return ApiFail(
        "LimitExceededException",
        "UpdateShardCount cannot scale down below half your current open shard count. Current open "
        "shard count: " +
            std::to_string(current) + " Target shard count: " + std::to_string(target));
  }
  int64_t now = options_.clock->NowMs();
  auto& times = stream->meta.reshard_times_ms;
  times.erase(
      std::remove_if(times.begin(), times.end(), [&](int64_t t) { return now - t >= kDayMs; }),
      times.end());
  if (static_cast<int>(times.size()) >= kReshardsPerDay) {
    return ApiFail("LimitExceededException",
                   "Stream " + name + " under account " + options_.account +
                       " has already been scaled " + std::to_string(kReshardsPerDay) +
                       " times in the last 24 hours, the most UpdateShardCount allows.");
  }
  int total = 0;
  for (const auto& [other, s] : streams_) total += static_cast<int>(s->routing.size());
  if (total - current + target > options_.max_shards) {
    return ApiFail("LimitExceededException",
                   "This request would exceed the shard limit for the account " + options_.account +
                       " in " + options_.region + ".");
  }
  if (target == current) return current;
  std::vector<HashKey> starts = TargetStarts(target);
  // Split every open shard at each target boundary strictly inside it.
  for (HashKey boundary : starts) {
    Shard* holder = stream->Route(boundary);
    if (holder != nullptr && holder->meta.starting_hash_key != boundary) {
      if (auto split = SplitLocked(*stream, holder->meta.index, boundary); !split)
        return tl::unexpected(split.error());
    }
  }
  // Merge, left to right, the pieces that lie in one target range.
  for (size_t t = 0; t < starts.size(); ++t) {
    HashKey end = t + 1 < starts.size() ? starts[t + 1] - 1 : kMaxHashKey;
    while (true) {
      Shard* first = stream->Route(starts[t]);
      if (first == nullptr || first->meta.ending_hash_key >= end) break;
      Shard* next = stream->Route(first->meta.ending_hash_key + 1);
      if (auto merged = MergeLocked(*stream, first->meta.index, next->meta.index); !merged) {
        return tl::unexpected(merged.error());
      }
    }
  }
  stream->meta.reshard_times_ms.push_back(now);
  if (auto status = store_->Put(stream->meta); !status)
    return ApiFail("InternalFailure", status.error().message, 500);
  return current;
}

}  // namespace sf::engine
