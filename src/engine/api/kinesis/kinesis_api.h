#pragma once
// The Kinesis Data Streams API over JSON 1.1: `POST /` with `X-Amz-Target:
// Kinesis_20131202.<Operation>`. Shapes follow botocore's kinesis model; errors are
// {"__type": "<Name>", "message": "..."} with AWS's status and text. Requests are validated
// here (types, lengths, patterns, ranges); semantics live in StreamService.
//
// Authorization: a role session's request is checked against its role's policies before the
// operation runs (kinesis:<Operation> on the stream's ARN; "*" for ListStreams), and refused as
// Kinesis does: 400 AccessDeniedException "User: <session arn> is not authorized to perform:
// ...". A request whose stream cannot be read (no StreamName, a bad iterator) is left to the
// operation, which refuses it without acting.
//
// Thread-safe. Handle never blocks: puts are acknowledged by the Committer once durable.

#include <functional>
#include <string>
#include <string_view>

#include "engine/api/json_request.h"
#include "engine/iam/principal.h"
#include "engine/server/http_server.h"
#include "engine/stream/committer.h"
#include "engine/stream/stream_service.h"

namespace sf::engine {

inline constexpr std::string_view kKinesisTargetPrefix = "Kinesis_20131202.";

class KinesisApi {
 public:
  KinesisApi(StreamService& streams, Committer& committer)
      : streams_(streams), committer_(committer) {}

  // `operation` is the part of X-Amz-Target after the prefix; `principal` signed the request.
  void Handle(std::string_view operation, const HttpRequest& request, Respond respond,
              const iam::Principal& principal = {});

  // The response for an error, in the JSON 1.1 protocol.
  static HttpResponse ErrorResponse(const ApiError& error);
  static HttpResponse JsonResponse(std::string body);

 private:
  using Operation = ApiResult<std::string> (KinesisApi::*)(JsonRequest&);

  // Each returns the response body, or the error.
  ApiResult<std::string> CreateStream(JsonRequest& request);
  ApiResult<std::string> DeleteStream(JsonRequest& request);
  ApiResult<std::string> DescribeStream(JsonRequest& request);
  ApiResult<std::string> DescribeStreamSummary(JsonRequest& request);
  ApiResult<std::string> ListStreams(JsonRequest& request);
  ApiResult<std::string> ListShards(JsonRequest& request);
  ApiResult<std::string> GetShardIterator(JsonRequest& request);
  ApiResult<std::string> GetRecords(JsonRequest& request);
  ApiResult<std::string> UpdateShardCount(JsonRequest& request);
  ApiResult<std::string> SplitShard(JsonRequest& request);
  ApiResult<std::string> MergeShards(JsonRequest& request);
  ApiResult<std::string> IncreaseRetention(JsonRequest& request);
  ApiResult<std::string> DecreaseRetention(JsonRequest& request);
  ApiResult<std::string> AddTags(JsonRequest& request);
  ApiResult<std::string> RemoveTags(JsonRequest& request);
  ApiResult<std::string> ListTags(JsonRequest& request);
  // PutRecord and PutRecords answer through the Committer, so they respond themselves.
  void PutRecords(JsonRequest& request, bool single, Respond respond);

  // kinesis_authorize.cc: nullopt when `principal` may perform `operation` as `request` asks,
  // else the AccessDeniedException.
  std::optional<ApiError> Authorize(std::string_view operation, JsonRequest& request,
                                    const iam::Principal& principal) const;

  // The stream a request names, by StreamName or StreamARN (either is accepted wherever the
  // other is). Records a violation and returns "" when neither is valid.
  std::string StreamName(JsonRequest& request);

  StreamService& streams_;
  Committer& committer_;
};

}  // namespace sf::engine
