// KinesisApi: PutRecord, PutRecords, GetShardIterator, GetRecords (the hot paths).

#include <cmath>

#include "base/base64.h"
#include "base/json_writer.h"
#include "engine/api/kinesis/kinesis_api.h"

namespace sf::engine {

namespace {

constexpr size_t kMaxRecordBytes = 1024 * 1024;
constexpr size_t kMaxPutRecordsBytes = 5 * 1024 * 1024;

// Decodes a Blob member; a bad encoding is a SerializationException, as in AWS's JSON protocol.
ApiResult<std::string> DecodeBlob(std::string_view text) {
  if (text.size() % 4 != 0) {
    return ApiFail("SerializationException",
                   "'" + std::string(text.substr(0, 64)) +
                       "' can not be converted to a Blob: Base64 encoded "
                       "length is expected a multiple of 4 bytes but found: " +
                       std::to_string(text.size()));
  }
  auto bytes = Base64Decode(text);
  if (!bytes) {
    return ApiFail("SerializationException",
                   "'" + std::string(text.substr(0, 64)) +
                       "' can not be converted to a Blob: Invalid Base64 character");
  }
  return std::move(*bytes);
}

}  // namespace

void KinesisApi::PutRecords(JsonRequest& request, bool single, Respond respond) {
  std::string name = StreamName(request);
  std::vector<std::string> data;  // decoded blobs; PutEntry views point into them
  std::vector<PutEntry> entries;
  size_t total_bytes = 0;
  auto add = [&](std::optional<std::string_view> blob, std::optional<std::string_view> key,
                 std::optional<std::string_view> hash, const std::string& path) -> ApiResult<void> {
    if (!blob) request.AddNullViolation(path + "data");
    if (!key) request.AddNullViolation(path + "partitionKey");
    if (key) request.CheckLength(*key, path + "partitionKey", 1, 256);
    if (hash) request.CheckDigitsPattern(*hash, path + "explicitHashKey", 39, "0|([1-9]\\d{0,38})");
    if (!blob || !key) return {};
    auto decoded = DecodeBlob(*blob);
    if (!decoded) return tl::unexpected(decoded.error());
    if (decoded->size() > kMaxRecordBytes) {
      request.AddViolation("java.nio.HeapByteBuffer[pos=0 lim=" + std::to_string(decoded->size()) +
                               " cap=" + std::to_string(decoded->size()) + "]",
                           path + "data", "Member must have length less than or equal to 1048576");
    }
    total_bytes += decoded->size() + key->size();
    PutEntry entry{*key, {}, std::nullopt};
    if (hash) {
      entry.explicit_hash_key = ParseHashKey(*hash);
      if (!entry.explicit_hash_key) {
        return ApiFail("InvalidArgumentException",
                       "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, "
                       "2^128-1]. Specified value was " +
                           std::string(*hash));
      }
    }
    data.push_back(std::move(*decoded));
    entries.push_back(entry);
    return {};
  };
  ApiResult<void> added;
  if (single) {
    added = add(request.String("Data"), request.String("PartitionKey"),
                request.String("ExplicitHashKey"), "");
    if (auto ordering = request.String("SequenceNumberForOrdering")) {
      request.CheckDigitsPattern(*ordering, "sequenceNumberForOrdering", 129,
                                 "0|([1-9]\\d{0,128})");
    }
  } else if (auto records = request.Array("Records")) {
    size_t count = records->size();
    if (count < 1 || count > 500) {
      request.AddViolation(count < 1 ? "[]" : "[...]", "records",
                           count < 1 ? "Member must have length greater than or equal to 1"
                                     : "Member must have length less than or equal to 500");
    }
    data.reserve(count);
    entries.reserve(count);
    size_t index = 0;
    for (auto element : *records) {
      ++index;
      std::string path = "records." + std::to_string(index) + ".member.";
      auto object = element.get_object();
      if (object.error()) {
        added = ApiFail("SerializationException", "Expected a structure in records");
        break;
      }
      added = add(request.String(object.value(), "Data"),
                  request.String(object.value(), "PartitionKey"),
                  request.String(object.value(), "ExplicitHashKey"), path);
      if (!added) break;
    }
  } else {
    request.AddNullViolation("records");
  }
  if (auto valid = request.Finish(); !valid) return respond(ErrorResponse(valid.error()));
  if (!added) return respond(ErrorResponse(added.error()));
  if (!single && total_bytes > kMaxPutRecordsBytes) {
    return respond(
        ErrorResponse({"InvalidArgumentException", "Records size exceeds 5 MB limit", 400}));
  }
  for (size_t i = 0; i < entries.size(); ++i) entries[i].data = data[i];
  auto outcome = streams_.PutRecords(name, entries, single);
  if (!outcome) return respond(ErrorResponse(outcome.error()));
  std::string body;
  JsonWriter json(body);
  if (single) {
    const PutResult& result = outcome->results.front();
    json.BeginObject()
        .Member("ShardId", result.shard_id)
        .Member("SequenceNumber", result.sequence_number)
        .Member("EncryptionType", "NONE")
        .EndObject();
  } else {
    body.reserve(outcome->results.size() * 110 + 64);
    json.BeginObject().Member("FailedRecordCount", outcome->failed).Key("Records").BeginArray();
    for (const auto& result : outcome->results) {
      json.BeginObject();
      if (result.error_code.empty()) {  // digits and a shard id: nothing to escape
        json.Key("SequenceNumber").UncheckedString(result.sequence_number);
        json.Key("ShardId").UncheckedString(result.shard_id);
      } else {
        json.Member("ErrorCode", result.error_code).Member("ErrorMessage", result.error_message);
      }
      json.EndObject();
    }
    json.EndArray().Member("EncryptionType", "NONE").EndObject();
  }
  committer_.Commit(std::move(outcome->sync), [respond = std::move(respond),
                                               body = std::move(body)](Status durable) mutable {
    if (!durable) {
      respond(ErrorResponse({"InternalFailure",
                             "The records could not be made durable: " + durable.error().message,
                             500}));
      return;
    }
    respond(JsonResponse(std::move(body)));
  });
}

ApiResult<std::string> KinesisApi::GetShardIterator(JsonRequest& request) {
  std::string name = StreamName(request);
  auto shard_id = request.String("ShardId");
  auto type = request.String("ShardIteratorType");
  auto sequence = request.String("StartingSequenceNumber");
  auto timestamp = request.Number("Timestamp");
  request.RequireString(shard_id, "shardId");
  if (shard_id) {
    request.CheckLength(*shard_id, "shardId", 1, 128);
    request.CheckNamePattern(*shard_id, "shardId");
  }
  request.RequireString(type, "shardIteratorType");
  static const std::vector<std::string_view> kTypes = {
      "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"};
  if (type) request.CheckEnum(*type, "shardIteratorType", kTypes);
  if (sequence)
    request.CheckDigitsPattern(*sequence, "startingSequenceNumber", 129, "0|([1-9]\\d{0,128})");
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  IteratorType kind =
      static_cast<IteratorType>(std::find(kTypes.begin(), kTypes.end(), *type) - kTypes.begin());
  auto iterator = streams_.GetShardIterator(
      name, std::string(*shard_id), kind,
      sequence ? std::optional<std::string>(*sequence) : std::nullopt, timestamp);
  if (!iterator) return tl::unexpected(iterator.error());
  std::string body;
  JsonWriter(body).BeginObject().Member("ShardIterator", *iterator).EndObject();
  return body;
}

ApiResult<std::string> KinesisApi::GetRecords(JsonRequest& request) {
  auto iterator = request.String("ShardIterator");
  auto limit = request.Integer("Limit");
  request.RequireString(iterator, "shardIterator");
  if (iterator) request.CheckLength(*iterator, "shardIterator", 1, 512);
  if (limit) request.CheckRange(*limit, "limit", 1, 10000);
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  auto outcome =
      streams_.GetRecords(std::string(*iterator), static_cast<int>(limit.value_or(10000)));
  if (!outcome) return tl::unexpected(outcome.error());
  std::string body;
  size_t estimate = 128;
  for (const auto& record : outcome->records)
    estimate += record.data.size() * 4 / 3 + record.partition_key.size() + 160;
  body.reserve(estimate);
  JsonWriter json(body);
  json.BeginObject().Key("Records").BeginArray();
  for (const auto& record : outcome->records) {
    json.BeginObject()
        .Key("SequenceNumber")
        .UncheckedString(record.sequence_number)
        .Key("ApproximateArrivalTimestamp")
        .Double(static_cast<double>(record.arrival_ms) / 1000.0)
        .Key("Data")
        .Base64String(record.data)
        .Member("PartitionKey", record.partition_key)
        .EndObject();
  }
  json.EndArray();
  json.Key("NextShardIterator");
  if (outcome->next_iterator) {
    json.String(*outcome->next_iterator);
  } else {
    json.Null();
  }
  json.Member("MillisBehindLatest", outcome->millis_behind_latest);
  if (!outcome->child_shards.empty()) {
    json.Key("ChildShards").BeginArray();
    for (const auto& child : outcome->child_shards) {
      json.BeginObject().Member("ShardId", child.shard_id).Key("ParentShards").BeginArray();
      for (const auto& parent : child.parents) json.String(parent);
      json.EndArray()
          .Key("HashKeyRange")
          .BeginObject()
          .Member("StartingHashKey", FormatHashKey(child.starting_hash_key))
          .Member("EndingHashKey", FormatHashKey(child.ending_hash_key))
          .EndObject()
          .EndObject();
    }
    json.EndArray();
  }
  json.EndObject();
  return body;
}

}  // namespace sf::engine
