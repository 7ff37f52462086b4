// FirehoseApi: PutRecord and PutRecordBatch.

#include "base/json_writer.h"
#include "engine/api/firehose/firehose_api.h"
#include "engine/api/json_blob.h"

namespace sf::engine::firehose {

namespace {

constexpr size_t kMaxRecordBytes = 1024000;         // 1,000 KiB
constexpr size_t kMaxBatchBytes = 4 * 1024 * 1024;  // 4 MiB of data a call
constexpr size_t kMaxBatchRecords = 500;

// Decodes one record's Data member, checking its size; violations under `path` ("record.data").
// A Data that is not base64 is kept in `decode_error`, reported after validation.
std::string ReadData(JsonRequest& request, std::optional<simdjson::dom::object> record,
                     const std::string& path, std::optional<ApiError>& decode_error) {
  auto data = record ? request.String(*record, "Data") : std::nullopt;
  if (!data) {
    request.AddNullViolation(path);
    return "";
  }
  auto decoded = DecodeBlob(*data);
  if (!decoded) {
    if (!decode_error) decode_error = decoded.error();
    return "";
  }
  if (decoded->size() > kMaxRecordBytes) {
    request.AddViolation(BlobValueText(decoded->size()), path,
                         "Member must have length less than or equal to 1024000");
  }
  return std::move(*decoded);
}

}  // namespace

ApiResult<std::string> FirehoseApi::PutRecord(JsonRequest& request) {
  std::string name = StreamName(request);
  auto record = request.Object("Record");
  if (!record) request.AddNullViolation("record");
  std::optional<ApiError> decode_error;
  std::string data = record ? ReadData(request, record, "record.data", decode_error) : "";
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  if (decode_error) return tl::unexpected(*decode_error);
  std::string_view view = data;
  auto outcomes = service_.Put(name, std::span<const std::string_view>(&view, 1));
  if (!outcomes) return tl::unexpected(outcomes.error());
  const delivery::PutOutcome& outcome = outcomes->front();
  if (!outcome.error_code.empty()) {
    return ApiFail("ServiceUnavailableException", outcome.error_message, 503);
  }
  std::string body;
  JsonWriter(body)
      .BeginObject()
      .Member("RecordId", outcome.record_id)
      .Key("Encrypted")
      .Bool(false)
      .EndObject();
  return body;
}

ApiResult<std::string> FirehoseApi::PutRecordBatch(JsonRequest& request) {
  std::string name = StreamName(request);
  std::vector<std::string> data;
  std::optional<ApiError> decode_error;
  size_t total = 0;
  if (auto records = request.Array("Records")) {
    size_t count = records->size();
    if (count < 1 || count > kMaxBatchRecords) {
      request.AddViolation(count < 1 ? "[]" : "[...]", "records",
                           count < 1 ? "Member must have length greater than or equal to 1"
                                     : "Member must have length less than or equal to 500");
    }
    data.reserve(count);
    size_t index = 0;
    for (auto element : *records) {
      std::string path = "records." + std::to_string(++index) + ".member.data";
      auto object = element.get_object();
      if (object.error()) return ApiFail("SerializationException", "Expected a structure");
      data.push_back(ReadData(request, object.value(), path, decode_error));
      total += data.back().size();
    }
  } else {
    request.AddNullViolation("records");
  }
  if (auto valid = request.Finish(); !valid) return tl::unexpected(valid.error());
  if (decode_error) return tl::unexpected(*decode_error);
  if (total > kMaxBatchBytes) {
    return ApiFail("InvalidArgumentException", "Records size exceeds 4 MB limit");
  }
  std::vector<std::string_view> views(data.begin(), data.end());
  auto outcomes = service_.Put(name, views);
  if (!outcomes) return tl::unexpected(outcomes.error());
  int64_t failed = 0;
  for (const auto& outcome : *outcomes) failed += outcome.error_code.empty() ? 0 : 1;
  std::string body;
  body.reserve(outcomes->size() * 130 + 64);
  JsonWriter json(body);
  json.BeginObject().Member("FailedPutCount", failed).Key("Encrypted").Bool(false);
  json.Key("RequestResponses").BeginArray();
  for (const auto& outcome : *outcomes) {
    json.BeginObject();
    if (outcome.error_code.empty()) {
      json.Key("RecordId").UncheckedString(outcome.record_id);  // base64 characters only
    } else {
      json.Member("ErrorCode", outcome.error_code).Member("ErrorMessage", outcome.error_message);
    }
    json.EndObject();
  }
  json.EndArray().EndObject();
  return body;
}

}  // namespace sf::engine::firehose
