// KinesisApi: creating, describing, listing, resharding, retention and tags.

#include <algorithm>
#include <charconv>

#include "base/base64.h"
#include "base/json_writer.h"
#include "engine/api/kinesis/kinesis_api.h"

namespace sf::engine {

namespace {

std::string Empty() { return "{}"; }

const char* ModeName(StreamMode mode) {
  return mode == StreamMode::kOnDemand ? "ON_DEMAND" : "PROVISIONED";
}

void WriteShard(JsonWriter& json, const ShardInfo& shard) {
  json.BeginObject().Member("ShardId", shard.shard_id);
  if (shard.parent) json.Member("ParentShardId", *shard.parent);
  if (shard.adjacent_parent) json.Member("AdjacentParentShardId", *shard.adjacent_parent);
  json.Key("HashKeyRange")
      .BeginObject()
      .Member("StartingHashKey", FormatHashKey(shard.starting_hash_key))
      .Member("EndingHashKey", FormatHashKey(shard.ending_hash_key))
      .EndObject();
  json.Key("SequenceNumberRange")
      .BeginObject()
      .Member("StartingSequenceNumber", shard.starting_sequence_number);
  if (shard.ending_sequence_number)
    json.Member("EndingSequenceNumber", *shard.ending_sequence_number);
  json.EndObject().EndObject();
}

void WriteSummaryFields(JsonWriter& json, const StreamInfo& info) {
  json.Member("StreamName", info.name)
      .Member("StreamARN", info.arn)
      .Member("StreamStatus", info.status)
      .Key("StreamModeDetails")
      .BeginObject()
      .Member("StreamMode", ModeName(info.mode))
      .EndObject()
      .Member("RetentionPeriodHours", info.retention_hours)
      .Key("StreamCreationTimestamp")
      .Double(static_cast<double>(info.created_ms) / 1000.0)
      .Key("EnhancedMonitoring")
      .BeginArray()
      .BeginObject()
      .Key("ShardLevelMetrics")
      .BeginArray()
      .EndArray()
      .EndObject()
      .EndArray()
      .Member("EncryptionType", "NONE");
}

// An opaque, unforgeable-enough pagination token: the position, base64'd.
std::string PageToken(const std::string& stream, int64_t created_ms, size_t next) {
  return Base64Encode(stream + "\n" + std::to_string(created_ms) + "\n" + std::to_string(next));
}

}  // namespace

ApiResult<std::string> KinesisApi::CreateStream(JsonRequest& request) {
  // CreateStream names the stream to be; it has no ARN yet.
  auto given = request.String("StreamName");
  std::string name = given ? std::string(*given) : "";
  if (!given) {
    request.AddNullViolation("streamName");
  } else {
    request.CheckNamePattern(name, "streamName");
    request.CheckLength(name, "streamName", 1, 128);
  }
  auto shards = request.Integer("ShardCount");
  StreamMode mode = StreamMode::kProvisioned;
  if (auto details = request.Object("StreamModeDetails")) {
    auto stream_mode = request.String(*details, "StreamMode");
    request.RequireString(stream_mode, "streamModeDetails.streamMode");
    if (stream_mode) {
      request.CheckEnum(*stream_mode, "streamModeDetails.streamMode", {"PROVISIONED", "ON_DEMAND"});
      if (*stream_mode == "ON_DEMAND") mode = StreamMode::kOnDemand;
    }
  }
  if (shards) request.CheckRange(*shards, "shardCount", 1, 100000);
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  auto created = streams_.CreateStream(
      name, shards ? std::optional<int>(static_cast<int>(*shards)) : std::nullopt, mode);
  if (!created) return tl::unexpected(created.error());
  return Empty();
}

ApiResult<std::string> KinesisApi::DeleteStream(JsonRequest& request) {
  std::string name = StreamName(request);
  (void)request.Bool("EnforceConsumerDeletion");
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  auto deleted = streams_.DeleteStream(name);
  if (!deleted) return tl::unexpected(deleted.error());
  return Empty();
}

ApiResult<std::string> KinesisApi::DescribeStream(JsonRequest& request) {
  std::string name = StreamName(request);
  auto limit = request.Integer("Limit");
  auto start = request.String("ExclusiveStartShardId");
  if (limit) request.CheckRange(*limit, "limit", 1, 10000);
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  auto info = streams_.DescribeStream(name);
  if (!info) return tl::unexpected(info.error());
  size_t first = 0;
  if (start) {
    while (first < info->shards.size() && info->shards[first].shard_id <= *start) ++first;
  }
  size_t count = std::min(info->shards.size() - first, static_cast<size_t>(limit.value_or(100)));
  std::string body;
  JsonWriter json(body);
  json.BeginObject().Key("StreamDescription").BeginObject();
  WriteSummaryFields(json, *info);
  json.Key("Shards").BeginArray();
  for (size_t i = first; i < first + count; ++i) WriteShard(json, info->shards[i]);
  json.EndArray()
      .Key("HasMoreShards")
      .Bool(first + count < info->shards.size())
      .EndObject()
      .EndObject();
  return body;
}

ApiResult<std::string> KinesisApi::DescribeStreamSummary(JsonRequest& request) {
  std::string name = StreamName(request);
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  auto info = streams_.DescribeStream(name);
  if (!info) return tl::unexpected(info.error());
  std::string body;
  JsonWriter json(body);
  json.BeginObject().Key("StreamDescriptionSummary").BeginObject();
  WriteSummaryFields(json, *info);
  json.Member("OpenShardCount", info->open_shard_count)
      .Member("ConsumerCount", 0)
      .EndObject()
      .EndObject();
  return body;
}

ApiResult<std::string> KinesisApi::ListStreams(JsonRequest& request) {
  auto limit = request.Integer("Limit");
  auto start = request.String("ExclusiveStartStreamName");
  auto token = request.String("NextToken");
  if (limit) request.CheckRange(*limit, "limit", 1, 10000);
  if (start) request.CheckNamePattern(*start, "exclusiveStartStreamName");
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  std::vector<std::string> names = streams_.ListStreams();
  std::string after = start ? std::string(*start) : "";
  if (token) {
    auto decoded = Base64Decode(*token);
    if (!decoded) return ApiFail("InvalidArgumentException", "Invalid NextToken.");
    after = *decoded;
  }
  auto first = after.empty() ? names.begin() : std::upper_bound(names.begin(), names.end(), after);
  size_t available = static_cast<size_t>(names.end() - first);
  size_t count = std::min(available, static_cast<size_t>(limit.value_or(100)));
  std::string body;
  JsonWriter json(body);
  json.BeginObject().Key("StreamNames").BeginArray();
  for (auto it = first; it != first + static_cast<long>(count); ++it) json.String(*it);
  json.EndArray().Key("HasMoreStreams").Bool(count < available);
  json.Key("StreamSummaries").BeginArray();
  for (auto it = first; it != first + static_cast<long>(count); ++it) {
    auto info = streams_.DescribeStream(*it);
    if (!info) continue;  // deleted meanwhile
    json.BeginObject()
        .Member("StreamName", info->name)
        .Member("StreamARN", info->arn)
        .Member("StreamStatus", info->status)
        .Key("StreamModeDetails")
        .BeginObject()
        .Member("StreamMode", ModeName(info->mode))
        .EndObject()
        .Key("StreamCreationTimestamp")
        .Double(static_cast<double>(info->created_ms) / 1000.0)
        .EndObject();
  }
  json.EndArray();
  if (count < available)
    json.Member("NextToken", Base64Encode(*(first + static_cast<long>(count) - 1)));
  json.EndObject();
  return body;
}

ApiResult<std::string> KinesisApi::ListShards(JsonRequest& request) {
  auto token = request.String("NextToken");
  auto max_results = request.Integer("MaxResults");
  auto start = request.String("ExclusiveStartShardId");
  auto filter = request.Object("ShardFilter");
  if (max_results) request.CheckRange(*max_results, "maxResults", 1, 10000);
  std::string name;
  size_t first = 0;
  if (token) {
    if (request.String("StreamARN")) {
      return ApiFail("InvalidArgumentException",
                     "NextToken and StreamARN cannot be provided together.");
    }
    if (request.String("StreamName")) {
      return ApiFail("InvalidArgumentException",
                     "NextToken and StreamName cannot be provided together.");
    }
    auto decoded = Base64Decode(*token);
    size_t a = decoded ? decoded->find('\n') : std::string::npos;
    size_t b = a == std::string::npos ? a : decoded->find('\n', a + 1);
    if (b == std::string::npos) return ApiFail("InvalidArgumentException", "Invalid NextToken.");
    name = decoded->substr(0, a);
    std::string_view position = std::string_view(*decoded).substr(b + 1);
    auto parsed = std::from_chars(position.data(), position.data() + position.size(), first);
    if (parsed.ec != std::errc() || parsed.ptr != position.data() + position.size()) {
      return ApiFail("InvalidArgumentException", "Invalid NextToken.");
    }
  } else {
    name = StreamName(request);
  }
  std::optional<std::string_view> filter_type, filter_shard;
  std::optional<int64_t> filter_ms;
  if (filter) {
    filter_type = request.String(*filter, "Type");
    filter_shard = request.String(*filter, "ShardId");
    auto timestamp = (*filter)["Timestamp"];
    if (!timestamp.error() && timestamp.is_number())
      filter_ms = static_cast<int64_t>(timestamp.get_double().value() * 1000);
    request.RequireString(filter_type, "shardFilter.type");
    if (filter_type) {
      request.CheckEnum(*filter_type, "shardFilter.type",
                        {"AFTER_SHARD_ID", "AT_TRIM_HORIZON", "FROM_TRIM_HORIZON", "AT_LATEST",
                         "AT_TIMESTAMP", "FROM_TIMESTAMP"});
      if (*filter_type == "AFTER_SHARD_ID" && !filter_shard) {
        return ApiFail("InvalidArgumentException",
                       "ShardId must be specified for ShardFilter Type AFTER_SHARD_ID.");
      }
      if ((*filter_type == "AT_TIMESTAMP" || *filter_type == "FROM_TIMESTAMP") && !filter_ms) {
        return ApiFail(
            "InvalidArgumentException",
            "Timestamp must be specified for ShardFilter Type " + std::string(*filter_type) + ".");
      }
    }
  }
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  auto info = streams_.DescribeStream(name);
  if (!info) return tl::unexpected(info.error());
  std::vector<const ShardInfo*> shards;
  for (const auto& shard : info->shards) {
    if (start && shard.shard_id <= *start) continue;
    if (filter_type && *filter_type == "AFTER_SHARD_ID" && filter_shard &&
        shard.shard_id <= *filter_shard)
      continue;
    if (filter_type && *filter_type == "AT_LATEST" && shard.ending_sequence_number) continue;
    // Open at the timestamp, or (FROM_) open at any time since it.
    bool closed_before = shard.closed_ms && *shard.closed_ms <= filter_ms.value_or(0);
    if (filter_type && *filter_type == "AT_TIMESTAMP" &&
        (shard.created_ms > *filter_ms || closed_before))
      continue;
    if (filter_type && *filter_type == "FROM_TIMESTAMP" && closed_before) continue;
    shards.push_back(&shard);
  }
  size_t count = first < shards.size() ? std::min(shards.size() - first,
                                                  static_cast<size_t>(max_results.value_or(1000)))
                                       : 0;
  std::string body;
  JsonWriter json(body);
  json.BeginObject().Key("Shards").BeginArray();
  for (size_t i = first; i < first + count; ++i) WriteShard(json, *shards[i]);
  json.EndArray();
  if (first + count < shards.size())
    json.Member("NextToken", PageToken(name, info->created_ms, first + count));
  json.EndObject();
  return body;
}

ApiResult<std::string> KinesisApi::UpdateShardCount(JsonRequest& request) {
  std::string name = StreamName(request);
  auto target = request.Integer("TargetShardCount");
  auto scaling = request.String("ScalingType");
  if (!target) request.AddNullViolation("targetShardCount");
  if (target) request.CheckRange(*target, "targetShardCount", 1, std::nullopt);
  request.RequireString(scaling, "scalingType");
  if (scaling) request.CheckEnum(*scaling, "scalingType", {"UNIFORM_SCALING"});
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  auto current =
      streams_.UpdateShardCount(name, static_cast<int>(std::min<int64_t>(*target, 1 << 20)));
  if (!current) return tl::unexpected(current.error());
  auto info = streams_.DescribeStream(name);
  std::string body;
  JsonWriter(body)
      .BeginObject()
      .Member("StreamName", name)
      .Member("CurrentShardCount", *current)
      .Member("TargetShardCount", *target)
      .Member("StreamARN", info ? info->arn : "")
      .EndObject();
  return body;
}

ApiResult<std::string> KinesisApi::SplitShard(JsonRequest& request) {
  std::string name = StreamName(request);
  auto shard = request.String("ShardToSplit");
  auto key = request.String("NewStartingHashKey");
  request.RequireString(shard, "shardToSplit");
  request.RequireString(key, "newStartingHashKey");
  if (shard) request.CheckNamePattern(*shard, "shardToSplit");
  if (key) request.CheckDigitsPattern(*key, "newStartingHashKey", 39, "0|([1-9]\\d{0,38})");
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  auto split = streams_.SplitShard(name, std::string(*shard), std::string(*key));
  if (!split) return tl::unexpected(split.error());
  return Empty();
}

ApiResult<std::string> KinesisApi::MergeShards(JsonRequest& request) {
  std::string name = StreamName(request);
  auto shard = request.String("ShardToMerge");
  auto adjacent = request.String("AdjacentShardToMerge");
  request.RequireString(shard, "shardToMerge");
  request.RequireString(adjacent, "adjacentShardToMerge");
  if (shard) request.CheckNamePattern(*shard, "shardToMerge");
  if (adjacent) request.CheckNamePattern(*adjacent, "adjacentShardToMerge");
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  auto merged = streams_.MergeShards(name, std::string(*shard), std::string(*adjacent));
  if (!merged) return tl::unexpected(merged.error());
  return Empty();
}

ApiResult<std::string> KinesisApi::IncreaseRetention(JsonRequest& request) {
  std::string name = StreamName(request);
  auto hours = request.Integer("RetentionPeriodHours");
  if (!hours) request.AddNullViolation("retentionPeriodHours");
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  auto set =
      streams_.SetRetention(name, static_cast<int>(std::clamp<int64_t>(*hours, -1, 1 << 30)), true);
  if (!set) return tl::unexpected(set.error());
  return Empty();
}

ApiResult<std::string> KinesisApi::DecreaseRetention(JsonRequest& request) {
  std::string name = StreamName(request);
  auto hours = request.Integer("RetentionPeriodHours");
  if (!hours) request.AddNullViolation("retentionPeriodHours");
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  auto set = streams_.SetRetention(name, static_cast<int>(std::clamp<int64_t>(*hours, -1, 1 << 30)),
                                   false);
  if (!set) return tl::unexpected(set.error());
  return Empty();
}

ApiResult<std::string> KinesisApi::AddTags(JsonRequest& request) {
  std::string name = StreamName(request);
  auto tags = request.Object("Tags");
  std::map<std::string, std::string> values;
  if (!tags) {
    request.AddNullViolation("tags");
  } else {
    if (tags->size() < 1 || tags->size() > 200) {
      request.AddViolation("{...}", "tags",
                           tags->size() < 1 ? "Member must have length greater than or equal to 1"
                                            : "Member must have length less than or equal to 200");
    }
    for (auto [key, value] : *tags) {
      auto text = value.get_string();
      if (text.error()) return ApiFail("SerializationException", "Tag values must be strings");
      request.CheckLength(key, "tags", 1, 128);
      values[std::string(key)] = std::string(text.value());
    }
  }
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  auto added = streams_.AddTags(name, values);
  if (!added) return tl::unexpected(added.error());
  return Empty();
}

ApiResult<std::string> KinesisApi::RemoveTags(JsonRequest& request) {
  std::string name = StreamName(request);
  auto keys = request.Array("TagKeys");
  std::vector<std::string> names;
  if (!keys) {
    request.AddNullViolation("tagKeys");
  } else {
    for (auto element : *keys) {
      auto text = element.get_string();
      if (text.error()) return ApiFail("SerializationException", "Tag keys must be strings");
      names.emplace_back(text.value());
    }
    if (names.empty() || names.size() > 50) {
      request.AddViolation("[...]", "tagKeys",
                           names.empty() ? "Member must have length greater than or equal to 1"
                                         : "Member must have length less than or equal to 50");
    }
  }
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  auto removed = streams_.RemoveTags(name, names);
  if (!removed) return tl::unexpected(removed.error());
  return Empty();
}

ApiResult<std::string> KinesisApi::ListTags(JsonRequest& request) {
  std::string name = StreamName(request);
  auto start = request.String("ExclusiveStartTagKey");
  auto limit = request.Integer("Limit");
  if (limit) request.CheckRange(*limit, "limit", 1, 50);
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  auto tags = streams_.ListTags(name);
  if (!tags) return tl::unexpected(tags.error());
  auto first = start ? tags->upper_bound(std::string(*start)) : tags->begin();
  size_t max = static_cast<size_t>(limit.value_or(50));
  std::string body;
  JsonWriter json(body);
  json.BeginObject().Key("Tags").BeginArray();
  size_t written = 0;
  auto it = first;
  for (; it != tags->end() && written < max; ++it, ++written) {
    json.BeginObject().Member("Key", it->first).Member("Value", it->second).EndObject();
  }
  json.EndArray().Key("HasMoreTags").Bool(it != tags->end()).EndObject();
  return body;
}

}  // namespace sf::engine
