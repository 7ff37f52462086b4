#include "engine/api/s3/s3_api.h"

#include <utility>

#include "engine/api/s3/s3_call.h"
#include "engine/api/s3/s3_headers.h"

namespace sf::engine::s3 {

namespace {

bool IsStreamedPut(Operation operation) {
  return operation == Operation::kPutObject || operation == Operation::kUploadPart;
}

}  // namespace

void S3Metrics::Count(Operation operation, int status) {
  size_t op = static_cast<size_t>(operation);
  if (op >= counts_.size() || status < 0 || status >= 600) return;
  counts_[op][static_cast<size_t>(status)].fetch_add(1, std::memory_order_relaxed);
}

void WriteOwner(XmlWriter& xml, std::string_view element) {
  xml.Open(element)
      .Element("ID", "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a")
      .Element("DisplayName", "streamform")
      .Close();
}

S3Api::S3Api(ObjectStore& store, const RequestAuthenticator& auth, const Clock& clock,
             WorkPool& pool, std::string region)
    : store_(store), auth_(auth), clock_(clock), pool_(pool), region_(std::move(region)) {}

Respond S3Api::Counted(Operation operation, Respond respond) {
  return [this, operation, respond = std::move(respond)](HttpResponse response) {
    metrics_.Count(operation, response.status);
    respond(std::move(response));
  };
}

BodyPlan S3Api::Classify(const HttpRequest& head) {
  auto route = ParseS3Request(head);
  if (!route || !IsStreamedPut(route->operation)) return {};  // answered from Handle
  std::string request_id = NewRequestId();
  BodyPlan plan;
  auto verified = auth_.Check(head, "s3", std::nullopt);
  if (!verified) {
    plan.answer = AuthErrorResponse(verified.error(), route->Resource(), request_id);
  } else if (auto denied = Authorize(head, *route, auth_.PrincipalOf(*verified), request_id)) {
    plan.answer = std::move(*denied);
  } else {
    plan = StreamedPut(head, std::move(*route), request_id, *verified);
  }
  if (plan.answer) metrics_.Count(route->operation, plan.answer->status);
  return plan;
}

void S3Api::Handle(HttpRequest&& request, Respond respond) {
  auto call = std::make_shared<Call>();
  call->request_id = NewRequestId();
  auto route = ParseS3Request(request);
  if (!route) {
    metrics_.Count(Operation::kUnsupported, route.error().status);
    return respond(ErrorResponse(route.error(), request.path, call->request_id));
  }
  call->route = std::move(*route);
  Respond uncounted = respond;  // for the put sink, which counts its own responses
  respond = Counted(call->route.operation, std::move(respond));
  auto verified = auth_.Check(request, "s3", request.body);
  if (!verified) {
    return respond(AuthErrorResponse(verified.error(), call->route.Resource(), call->request_id));
  }
  call->principal = auth_.PrincipalOf(*verified);
  if (auto denied = Authorize(request, call->route, call->principal, call->request_id)) {
    return respond(std::move(*denied));
  }
  if (auto md5 = ContentMd5Hex(request)) {
    if (md5->empty()) {
      return respond(RequestError(
          *call, {"InvalidDigest", "The Content-MD5 you specified was invalid.", 400}));
    }
    if (*md5 != Md5Hex(request.body)) {
      return respond(RequestError(
          *call,
          {"BadDigest", "The Content-MD5 you specified did not match what we received.", 400}));
    }
  }
  Operation operation = call->route.operation;
  if (IsStreamedPut(operation)) {  // buffered only when the server has no classify hook
    BodyPlan plan = StreamedPut(request, call->route, call->request_id, *verified);
    if (plan.answer) return respond(std::move(*plan.answer));
    if (auto refused = plan.sink->Write(request.body)) return uncounted(std::move(*refused));
    return plan.sink->Finish(std::move(request), std::move(uncounted));
  }
  call->request = std::move(request);
  if (operation == Operation::kGetObject || operation == Operation::kHeadObject) {
    return respond(GetObject(*call, operation == Operation::kHeadObject));  // inline: no fsync
  }
  pool_.Submit([this, call, respond = std::move(respond)] {
    HttpResponse response;
    switch (call->route.operation) {
      case Operation::kListBuckets:
        response = ListBuckets(*call);
        break;
      case Operation::kCreateBucket:
        response = CreateBucket(*call);
        break;
      case Operation::kDeleteBucket:
        response = DeleteBucket(*call);
        break;
      case Operation::kHeadBucket:
        response = HeadBucket(*call);
        break;
      case Operation::kGetBucketLocation:
        response = GetBucketLocation(*call);
        break;
      case Operation::kListObjects:
        response = ListObjects(*call, false);
        break;
      case Operation::kListObjectsV2:
        response = ListObjects(*call, true);
        break;
      case Operation::kListMultipartUploads:
        response = ListMultipartUploads(*call);
        break;
      case Operation::kDeleteObjects:
        response = DeleteObjects(*call);
        break;
      case Operation::kCopyObject:
        response = CopyObject(*call);
        break;
      case Operation::kDeleteObject:
        response = DeleteObject(*call);
        break;
      case Operation::kCreateMultipartUpload:
        response = CreateMultipartUpload(*call);
        break;
      case Operation::kCompleteMultipartUpload:
        response = CompleteMultipartUpload(*call);
        break;
      case Operation::kAbortMultipartUpload:
        response = AbortMultipartUpload(*call);
        break;
      case Operation::kListParts:
        response = ListParts(*call);
        break;
      case Operation::kUnsupported:
        response = RequestError(*call, {"NotImplemented",
                                        "streamform does not implement this S3 operation (" +
                                            call->route.subresource + ")",
                                        501});
        break;
      default:  // PutObject, UploadPart, GetObject and HeadObject were answered above
        response = RequestError(*call, {"InternalError", "misrouted S3 operation", 500});
        break;
    }
    respond(std::move(response));
  });
}

}  // namespace sf::engine::s3
