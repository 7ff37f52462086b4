#include "engine/api/firehose/firehose_api.h"

#include <memory>
#include <unordered_map>

#include "engine/api/kinesis/kinesis_api.h"

namespace sf::engine::firehose {

void FirehoseApi::Handle(std::string operation, HttpRequest&& request, Respond respond,
                         iam::Principal principal) {
  auto shared = std::make_shared<HttpRequest>(std::move(request));
  pool_.Submit([this, operation = std::move(operation), shared, respond = std::move(respond),
                principal = std::move(principal)] {
    auto body = Dispatch(operation, shared->body, principal);
    // JSON 1.1 answers and errors are the same for every JSON protocol API.
    respond(body ? KinesisApi::JsonResponse(std::move(*body))
                 : KinesisApi::ErrorResponse(body.error()));
  });
}

ApiResult<std::string> FirehoseApi::Dispatch(std::string_view operation, std::string_view body,
                                             const iam::Principal& principal) {
  static const std::unordered_map<std::string_view, Operation> kOperations = {
      {"CreateDeliveryStream", &FirehoseApi::CreateDeliveryStream},
      {"DescribeDeliveryStream", &FirehoseApi::DescribeDeliveryStream},
      {"ListDeliveryStreams", &FirehoseApi::ListDeliveryStreams},
      {"DeleteDeliveryStream", &FirehoseApi::DeleteDeliveryStream},
      {"UpdateDestination", &FirehoseApi::UpdateDestination},
      {"PutRecord", &FirehoseApi::PutRecord},
      {"PutRecordBatch", &FirehoseApi::PutRecordBatch},
      {"TagDeliveryStream", &FirehoseApi::TagDeliveryStream},
      {"UntagDeliveryStream", &FirehoseApi::UntagDeliveryStream},
      {"ListTagsForDeliveryStream", &FirehoseApi::ListTagsForDeliveryStream},
  };
  auto it = kOperations.find(operation);
  if (it == kOperations.end()) {
    return ApiFail("UnknownOperationException",
                   "The engine does not serve Firehose operation " + std::string(operation));
  }
  auto request = JsonRequest::Parse(body);
  if (!request) return tl::unexpected(request.error());
  if (!principal.administrator()) {
    if (auto denied = Authorize(operation, **request, principal)) return tl::unexpected(*denied);
  }
  return (this->*(it->second))(**request);
}

std::optional<ApiError> FirehoseApi::Authorize(std::string_view operation, JsonRequest& request,
                                               const iam::Principal& principal) const {
  std::string resource;
  if (operation == "ListDeliveryStreams") {
    resource = "*";
  } else if (auto name = request.String("DeliveryStreamName")) {
    resource = delivery::DeliveryStreamArn(region_, account_, *name);
  }
  if (resource.empty()) return std::nullopt;  // the operation refuses it: nothing is done
  std::string action = "firehose:" + std::string(operation);
  return iam::AccessDenied(principal, action, resource);
}

std::string FirehoseApi::StreamName(JsonRequest& request) {
  auto name = request.String("DeliveryStreamName");
  if (!name) {
    request.AddNullViolation("deliveryStreamName");
    return "";
  }
  request.CheckLength(*name, "deliveryStreamName", 1, 64);
  request.CheckNamePattern(*name, "deliveryStreamName");
  return std::string(*name);
}

}  // namespace sf::engine::firehose
