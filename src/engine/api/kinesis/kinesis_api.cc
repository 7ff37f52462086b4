#include "engine/api/kinesis/kinesis_api.h"

#include <unordered_map>

#include "base/json_writer.h"

namespace sf::engine {

HttpResponse KinesisApi::JsonResponse(std::string body) {
  HttpResponse response;
  response.headers = {{"Content-Type", "application/x-amz-json-1.1"}};
  response.body = std::move(body);
  return response;
}

HttpResponse KinesisApi::ErrorResponse(const ApiError& error) {
  std::string body;
  JsonWriter(body)
      .BeginObject()
      .Member("__type", error.type)
      .Member("message", error.message)
      .EndObject();
  HttpResponse response = JsonResponse(std::move(body));
  response.status = error.status;
  response.headers.emplace_back("x-amzn-ErrorType", error.type);
  return response;
}

std::string KinesisApi::StreamName(JsonRequest& request) {
  auto name = request.String("StreamName");
  auto arn = request.String("StreamARN");
  if (arn) {
    constexpr std::string_view kMarker = ":stream/";
    size_t at = arn->find(kMarker);
    bool valid = arn->substr(0, 7) == "arn:aws" &&
                 arn->find(":kinesis:") != std::string_view::npos && at != std::string_view::npos &&
                 at + kMarker.size() < arn->size();
    if (!valid) {
      request.AddViolation(std::string(*arn), "streamARN",
                           "Member must satisfy regular expression pattern: "
                           "arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+");
      return "";
    }
    std::string from_arn(arn->substr(at + kMarker.size()));
    if (name && *name != from_arn) {
      request.AddViolation(std::string(*name), "streamName",
                           "Member must name the same stream as StreamARN (" + from_arn + ")");
      return "";
    }
    request.CheckNamePattern(from_arn, "streamARN");
    request.CheckLength(from_arn, "streamARN", 1, 128);
    return from_arn;
  }
  if (!name) {
    request.AddNullViolation("streamName");
    return "";
  }
  request.CheckNamePattern(*name, "streamName");
  request.CheckLength(*name, "streamName", 1, 128);
  return std::string(*name);
}

void KinesisApi::Handle(std::string_view operation, const HttpRequest& http, Respond respond,
                        const iam::Principal& principal) {
  static const std::unordered_map<std::string_view, Operation> kOperations = {
      {"CreateStream", &KinesisApi::CreateStream},
      {"DeleteStream", &KinesisApi::DeleteStream},
      {"DescribeStream", &KinesisApi::DescribeStream},
      {"DescribeStreamSummary", &KinesisApi::DescribeStreamSummary},
      {"ListStreams", &KinesisApi::ListStreams},
      {"ListShards", &KinesisApi::ListShards},
      {"GetShardIterator", &KinesisApi::GetShardIterator},
      {"GetRecords", &KinesisApi::GetRecords},
      {"UpdateShardCount", &KinesisApi::UpdateShardCount},
      {"SplitShard", &KinesisApi::SplitShard},
      {"MergeShards", &KinesisApi::MergeShards},
      {"IncreaseStreamRetentionPeriod", &KinesisApi::IncreaseRetention},
      {"DecreaseStreamRetentionPeriod", &KinesisApi::DecreaseRetention},
      {"AddTagsToStream", &KinesisApi::AddTags},
      {"RemoveTagsFromStream", &KinesisApi::RemoveTags},
      {"ListTagsForStream", &KinesisApi::ListTags},
  };
  const std::string* content_type = http.Header("Content-Type");
  if (content_type != nullptr && content_type->find("cbor") != std::string::npos) {
    respond(ErrorResponse(
        {"SerializationException",
         "CBOR requests are not supported; streamform speaks JSON 1.1 (for the Java SDK, set "
         "AWS_CBOR_DISABLE=true or -Dcom.amazonaws.sdk.disableCbor)",
         400}));
    return;
  }
  auto request = JsonRequest::Parse(http.body);
  if (!request) {
    respond(ErrorResponse(request.error()));
    return;
  }
  if (!principal.administrator()) {
    if (auto denied = Authorize(operation, **request, principal)) {
      respond(ErrorResponse(*denied));
      return;
    }
  }
  if (operation == "PutRecords" || operation == "PutRecord") {
    PutRecords(**request, operation == "PutRecord", std::move(respond));
    return;
  }
  auto it = kOperations.find(operation);
  if (it == kOperations.end()) {
    respond(ErrorResponse({"UnknownOperationException", "", 400}));
    return;
  }
  auto body = (this->*(it->second))(**request);
  respond(body ? JsonResponse(std::move(*body)) : ErrorResponse(body.error()));
}

}  // namespace sf::engine
