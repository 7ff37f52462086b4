#include "engine/mapping/kinesis_event.h"

#include <ctime>

#include "base/json_writer.h"

namespace sf::engine::mapping {

namespace {

constexpr size_t kFixedEnvelopeBytes = 330;  // the constant members of one record

void Seconds(JsonWriter& json, int64_t ms) {
  // approximateArrivalTimestamp: seconds with milliseconds, as a number (1545084650.987).
  char text[32];
  int n = std::snprintf(text, sizeof text, "%lld.%03lld", static_cast<long long>(ms / 1000),
                        static_cast<long long>(ms % 1000));
  json.Raw(std::string_view(text, static_cast<size_t>(n)));
}

}  // namespace

std::string IsoMillis(int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + n, sizeof text - n, ".%03lldZ", static_cast<long long>(ms % 1000));
  return text;
}

size_t RecordEventBytes(const EventSource& source, const RecordOut& record) {
  return (record.data.size() + 2) / 3 * 4 + kFixedEnvelopeBytes + source.stream_arn.size() +
         source.shard_id.size() + source.region.size() + source.role_arn.size() +
         2 * record.sequence_number.size() +
         record.partition_key.size() * 2;  // the key may need escaping
}

std::string KinesisEvent(const EventSource& source, std::span<const RecordOut> records,
                         const TumblingWindow* window) {
  std::string out;
  size_t estimate = 64;
  for (const RecordOut& record : records) {
    estimate += RecordEventBytes(source, record);
  }
  out.reserve(estimate);
  JsonWriter json(out);
  json.BeginObject().Key("Records").BeginArray();
  std::string event_id_prefix = source.shard_id + ":";
  for (const RecordOut& record : records) {
    json.BeginObject().Key("kinesis").BeginObject();
    json.Member("kinesisSchemaVersion", "1.0");
    json.Member("partitionKey", record.partition_key);
    json.Key("sequenceNumber").UncheckedString(record.sequence_number);
    json.Key("data").Base64String(record.data);
    json.Key("approximateArrivalTimestamp");
    Seconds(json, record.arrival_ms);
    json.EndObject();
    json.Member("eventSource", "aws:kinesis");
    json.Member("eventVersion", "1.0");
    json.Member("eventID", event_id_prefix + record.sequence_number);
    json.Member("eventName", "aws:kinesis:record");
    json.Member("invokeIdentityArn", source.role_arn);
    json.Member("awsRegion", source.region);
    json.Member("eventSourceARN", source.stream_arn);
    json.EndObject();
  }
  json.EndArray();
  if (window != nullptr) {
    json.Key("window")
        .BeginObject()
        .Member("start", IsoMillis(window->start_ms))
        .Member("end", IsoMillis(window->end_ms))
        .EndObject();
    json.Key("state").Raw(window->state.empty() ? std::string_view("{}") : window->state);
    json.Member("shardId", source.shard_id);
    json.Member("eventSourceARN", source.stream_arn);
    json.Key("isFinalInvokeForWindow").Bool(window->final_invoke);
    json.Key("isWindowTerminatedEarly").Bool(window->terminated_early);
  }
  json.EndObject();
  return out;
}

std::string OnFailureRecord(const FailureRecord& failure, const EventSource& source,
                            std::span<const RecordOut> records) {
  std::string out;
  JsonWriter json(out);
  json.BeginObject();
  json.Key("requestContext")
      .BeginObject()
      .Member("requestId", failure.request_id)
      .Member("functionArn", failure.function_arn)
      .Member("condition", failure.condition == DiscardCondition::kRetryAttemptsExhausted
                               ? "RetryAttemptsExhausted"
                               : "RecordAgeExceeded")
      .Member("approximateInvokeCount", int64_t{failure.invoke_count})
      .EndObject();
  json.Key("responseContext").BeginObject().Member("statusCode", int64_t{200});
  json.Member("executedVersion", "$LATEST");
  if (!failure.function_error.empty()) json.Member("functionError", failure.function_error);
  json.EndObject();
  json.Member("version", "1.0");
  json.Member("timestamp", IsoMillis(failure.now_ms));
  json.Key("KinesisBatchInfo").BeginObject();
  json.Member("shardId", source.shard_id);
  if (!records.empty()) {
    json.Member("startSequenceNumber", records.front().sequence_number);
    json.Member("endSequenceNumber", records.back().sequence_number);
    json.Member("approximateArrivalOfFirstRecord", IsoMillis(records.front().arrival_ms));
    json.Member("approximateArrivalOfLastRecord", IsoMillis(records.back().arrival_ms));
  }
  json.Member("batchSize", static_cast<int64_t>(records.size()));
  json.Member("streamArn", source.stream_arn);
  json.EndObject();
  json.EndObject();
  return out;
}

}  // namespace sf::engine::mapping
