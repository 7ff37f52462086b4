#pragma once
// The Firehose API (botocore's firehose model, 2015-08-04) over JSON 1.1: `POST /` with
// `X-Amz-Target: Firehose_20150804.<Operation>`, signed for service "firehose", over the
// DeliveryService (engine/delivery/delivery_service.h):
//
//   CreateDeliveryStream, DescribeDeliveryStream, ListDeliveryStreams, DeleteDeliveryStream,
//   PutRecord, PutRecordBatch, UpdateDestination, TagDeliveryStream, UntagDeliveryStream,
//   ListTagsForDeliveryStream
//
// Requests are validated here as Firehose does: the model's constraints as one
// ValidationException ("1 validation error detected: Value ... at 'records' failed to satisfy
// constraint: Member must have length less than or equal to 500"; records of up to 1,000 KiB,
// 500 a call), then its semantic refusals as InvalidArgumentException ("Records size exceeds 4
// MB limit" past 4 MiB of data in one call, "Exactly one destination configuration is supported
// for a Firehose", prefixes, unsupported sources, destinations and compressions), and
// ResourceNotFoundException / ResourceInUseException from the service. Errors are
// {"__type": "<Name>", "message": "..."}.
//
// Only DirectPut streams with an S3DestinationConfiguration or ExtendedS3DestinationConfiguration
// exist; IntervalInSeconds takes 0-900 as Firehose does today (the installed botocore model, from
// before zero buffering, says 60-900, so boto3 1.26 refuses 0-59 itself).
//
// Authorization: a role session's request is checked against its role's policies before the
// operation runs (firehose:<Operation> on the delivery stream's ARN; "*" for
// ListDeliveryStreams) and refused as Firehose does: 400 AccessDeniedException "User: <session
// arn> is not authorized to perform: firehose:PutRecordBatch on resource: <arn> ...".
//
// Threading: Handle runs on an I/O thread and returns at once; the operation runs on the work
// pool (puts fsync before they answer). Thread-safe; the service and the pool must outlive it.

#include <map>
#include <string>
#include <string_view>

#include "base/work_pool.h"
#include "engine/api/json_request.h"
#include "engine/delivery/delivery_service.h"
#include "engine/iam/principal.h"
#include "engine/server/http_server.h"

namespace sf::engine::firehose {

inline constexpr std::string_view kTargetPrefix = "Firehose_20150804.";

class FirehoseApi {
 public:
  FirehoseApi(delivery::DeliveryService& service, WorkPool& pool, std::string region,
              std::string account)
      : service_(service), pool_(pool), region_(std::move(region)), account_(std::move(account)) {}

  // `operation` is the part of X-Amz-Target after kTargetPrefix; `principal` signed the request
  // for service "firehose".
  void Handle(std::string operation, HttpRequest&& request, Respond respond,
              iam::Principal principal);

 private:
  using Operation = ApiResult<std::string> (FirehoseApi::*)(JsonRequest&);

  ApiResult<std::string> Dispatch(std::string_view operation, std::string_view body,
                                  const iam::Principal& principal);
  // nullopt when `principal` may perform `operation` as `request` asks; else the refusal.
  std::optional<ApiError> Authorize(std::string_view operation, JsonRequest& request,
                                    const iam::Principal& principal) const;
  // The DeliveryStreamName member: required, 1-64 of [a-zA-Z0-9_.-]. Records violations.
  std::string StreamName(JsonRequest& request);

  // firehose_streams_api.cc
  ApiResult<std::string> CreateDeliveryStream(JsonRequest& request);
  ApiResult<std::string> DescribeDeliveryStream(JsonRequest& request);
  ApiResult<std::string> ListDeliveryStreams(JsonRequest& request);
  ApiResult<std::string> DeleteDeliveryStream(JsonRequest& request);
  ApiResult<std::string> UpdateDestination(JsonRequest& request);
  // firehose_records_api.cc
  ApiResult<std::string> PutRecord(JsonRequest& request);
  ApiResult<std::string> PutRecordBatch(JsonRequest& request);
  // firehose_tags_api.cc
  ApiResult<std::string> TagDeliveryStream(JsonRequest& request);
  // A Tags list (1-50 {Key, Value}, keys not starting with "aws:"); violations under `path`.
  static std::map<std::string, std::string> ReadTags(JsonRequest& request,
                                                     simdjson::dom::array tags,
                                                     const std::string& path);
  ApiResult<std::string> UntagDeliveryStream(JsonRequest& request);
  ApiResult<std::string> ListTagsForDeliveryStream(JsonRequest& request);

  delivery::DeliveryService& service_;
  WorkPool& pool_;
  const std::string region_;
  const std::string account_;
};

}  // namespace sf::engine::firehose
