// PutObject and UploadPart: the body streams from the socket through the PayloadDecoder into
// an ObjectWriter (a temporary file); the commit (Content-MD5 check, fsync, rename) runs on the
// work pool. Nothing is visible before the commit succeeds, so a client that disconnects, a
// bad chunk signature or a full disk leaves no object behind.

#include "engine/api/s3/payload_decoder.h"
#include "engine/api/s3/s3_call.h"
#include "engine/api/s3/s3_headers.h"

namespace sf::engine::s3 {

class PutSink : public BodySink {
 public:
  PutSink(S3Api& api, S3Request route, std::string request_id,
          std::unique_ptr<PayloadDecoder> decoder, std::unique_ptr<ObjectWriter> writer,
          std::string expected_md5)
      : api_(api),
        route_(std::move(route)),
        request_id_(std::move(request_id)),
        decoder_(std::move(decoder)),
        writer_(std::move(writer)),
        expected_md5_(std::move(expected_md5)) {}

  std::optional<HttpResponse> Write(std::string_view slice) override {
    auto data = decoder_->Feed(slice);
    if (!data) return Refuse(data.error());
    if (decoder_->decoded_bytes() > kMaxPutBytes) {
      return Refuse(
          {"EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400});
    }
    if (data->empty()) return std::nullopt;
    if (auto written = writer_->Write(*data); !written) {
      return Count(StoreErrorResponse(written.error(), route_.bucket, route_.key, request_id_));
    }
    return std::nullopt;
  }

  void Finish(HttpRequest&&, Respond respond) override {
    respond = api_.Counted(route_.operation, std::move(respond));
    if (auto finished = decoder_->Finish(); !finished) {
      writer_.reset();
      return respond(ErrorResponse(finished.error(), route_.Resource(), request_id_));
    }
    std::shared_ptr<ObjectWriter> writer = std::move(writer_);  // std::function copies
    api_.pool_.Submit([writer, route = route_, id = request_id_, md5 = expected_md5_,
                       checksum = decoder_->checksum_header(), respond = std::move(respond)] {
      auto info = writer->Commit(md5);
      if (!info) return respond(StoreErrorResponse(info.error(), route.bucket, route.key, id));
      HttpResponse response = Response(200, id);
      response.headers.emplace_back("ETag", info->etag);
      if (checksum) response.headers.push_back(*checksum);
      respond(std::move(response));
    });
  }

  void Abort() override { writer_.reset(); }

 private:
  HttpResponse Count(HttpResponse response) {
    api_.metrics_.Count(route_.operation, response.status);
    return response;
  }
  HttpResponse Refuse(const ApiError& error) {
    writer_.reset();
    return Count(ErrorResponse(error, route_.Resource(), request_id_));
  }

  S3Api& api_;
  S3Request route_;
  std::string request_id_;
  std::unique_ptr<PayloadDecoder> decoder_;
  std::unique_ptr<ObjectWriter> writer_;
  std::string expected_md5_;
};

BodyPlan S3Api::StreamedPut(const HttpRequest& head, S3Request route, std::string request_id,
                            const auth::Authenticated& authenticated) {
  BodyPlan plan;
  auto refuse = [&](ApiError error) {
    plan.answer = ErrorResponse(error, route.Resource(), request_id);
    return std::move(plan);
  };
  const std::string* transfer_encoding = head.Header("Transfer-Encoding");
  auto length = ContentLength(head);
  if (!length && transfer_encoding == nullptr) {
    return refuse(
        {"MissingContentLength", "You must provide the Content-Length HTTP header.", 411});
  }
  auto decoder = PayloadDecoder::For(head, authenticated);
  if (!decoder) return refuse(decoder.error());
  bool chunked = authenticated.payload_hash.rfind("STREAMING-", 0) == 0;
  if (length && *length > (chunked ? kMaxPutWireBytes : kMaxPutBytes)) {
    return refuse({"EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400});
  }
  std::string md5;
  if (auto given = ContentMd5Hex(head)) {
    if (given->empty()) {
      return refuse({"InvalidDigest", "The Content-MD5 you specified was invalid.", 400});
    }
    md5 = std::move(*given);
  }
  StoreResult<std::unique_ptr<ObjectWriter>> writer;
  if (route.operation == Operation::kUploadPart) {
    // partNumber as S3 validates it: an integer in 1..10000 (0 below stands for "absent").
    auto part = route.NonNegativeParam("partNumber", 0);
    auto upload_id = route.Param("uploadId");
    if (!part || *part < 1 || *part > kMaxPartNumber || !upload_id) {
      return refuse({"InvalidArgument",
                     "Part number must be an integer between 1 and 10000, inclusive", 400});
    }
    writer = store_.NewPartWriter(route.bucket, route.key, std::string(*upload_id),
                                  static_cast<int>(*part));
  } else {
    ObjectMetadata metadata = MetadataFromHeaders(head);
    if (auto too_large = CheckMetadataSize(metadata)) return refuse(*too_large);
    writer = store_.NewObjectWriter(route.bucket, route.key, metadata);
  }
  if (!writer) {
    plan.answer = StoreErrorResponse(writer.error(), route.bucket, route.key, request_id);
    return plan;
  }
  plan.max_body_bytes = chunked ? kMaxPutWireBytes : kMaxPutBytes;
  plan.sink = std::make_unique<PutSink>(*this, std::move(route), std::move(request_id),
                                        std::move(*decoder), std::move(*writer), std::move(md5));
  return plan;
}

}  // namespace sf::engine::s3
