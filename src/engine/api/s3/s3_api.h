#pragma once
// The S3 REST API over the object store (engine/bucket): routing (s3_request.h), SigV4
// (service "s3", header or presigned), XML bodies and S3's error documents.
//
// Threading: Classify and Handle run on the HTTP server's I/O threads and never block there.
// PutObject and UploadPart stream their bodies into the store from the I/O thread (page-cache
// writes) and commit (fsync, rename) on the work pool; GetObject and HeadObject open the object
// inline and stream it from the page cache; every other operation runs on the work pool.
//
// Operations: ListBuckets, CreateBucket, DeleteBucket, HeadBucket, GetBucketLocation,
// ListObjects (v1), ListObjectsV2, ListMultipartUploads (paged, with prefix and delimiter),
// DeleteObjects, PutObject, CopyObject, GetObject, HeadObject, DeleteObject, and multipart
// upload (Create, UploadPart, Complete, Abort, ListParts). Anything else is 501 NotImplemented.
//
// Authorization: a role session's request is checked against its role's policies once it is
// authenticated, before anything is read or written, with the actions and resources of AWS's
// service authorization reference (s3_authorize.cc: s3:GetObject on arn:aws:s3:::bucket/key,
// s3:ListBucket on arn:aws:s3:::bucket, ...; DeleteObjects checks s3:DeleteObject per key and
// reports refused keys in its result, as S3 does), and refused with 403 AccessDenied.

#include <array>
#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/work_pool.h"
#include "engine/api/request_auth.h"
#include "engine/api/s3/s3_request.h"
#include "engine/bucket/object_store.h"
#include "engine/server/http_server.h"

namespace sf::engine::s3 {

// The largest object body a single PUT (or part) carries: S3's 5 GiB.
inline constexpr uint64_t kMaxPutBytes = 5ull << 30;
// What the server must let through for one: aws-chunked framing adds about 0.13% at 64 KiB
// chunks, far more at tiny ones; 6 GiB covers chunks down to ~90 bytes.
inline constexpr uint64_t kMaxPutWireBytes = 6ull << 30;

// Requests by operation and status, for /metrics. Counted when the response is produced.
class S3Metrics {
 public:
  void Count(Operation operation, int status);
  // Calls f(operation, status, count) for every non-zero counter.
  template <class F>
  void ForEach(F f) const {
    for (size_t op = 0; op < counts_.size(); ++op) {
      for (size_t status = 0; status < counts_[op].size(); ++status) {
        uint64_t n = counts_[op][status].load(std::memory_order_relaxed);
        if (n != 0) f(static_cast<Operation>(op), static_cast<int>(status), n);
      }
    }
  }

 private:
  std::array<std::array<std::atomic<uint64_t>, 600>, static_cast<size_t>(Operation::kCount)>
      counts_{};
};

class S3Api {
 public:
  // All references must outlive the S3Api. `region` is the engine's (GetBucketLocation,
  // CreateBucket's LocationConstraint).
  S3Api(ObjectStore& store, const RequestAuthenticator& auth, const Clock& clock, WorkPool& pool,
        std::string region);

  // The server's classify hook for a request bound for S3: a streamed plan for PutObject and
  // UploadPart (authenticated, and checked as far as the head allows, before any body byte is
  // read); an immediate answer when the head alone is refused; buffered otherwise.
  BodyPlan Classify(const HttpRequest& head);
  // A buffered S3 request.
  void Handle(HttpRequest&& request, Respond respond);

  const S3Metrics& metrics() const { return metrics_; }
  ObjectStore& store() { return store_; }

  struct Call;  // internal: one buffered request being answered (s3_call.h)

 private:
  friend class PutSink;

  // Wraps `respond` so that the response is counted under `operation`.
  Respond Counted(Operation operation, Respond respond);
  void Dispatch(Call& call);

  // s3_bucket_ops.cc
  HttpResponse ListBuckets(Call& call);
  HttpResponse CreateBucket(Call& call);
  HttpResponse DeleteBucket(Call& call);
  HttpResponse HeadBucket(Call& call);
  HttpResponse GetBucketLocation(Call& call);
  HttpResponse ListObjects(Call& call, bool v2);
  HttpResponse ListMultipartUploads(Call& call);
  HttpResponse DeleteObjects(Call& call);
  // s3_object_ops.cc
  HttpResponse GetObject(Call& call, bool head);
  HttpResponse DeleteObject(Call& call);
  HttpResponse CopyObject(Call& call);
  // s3_multipart_ops.cc
  HttpResponse CreateMultipartUpload(Call& call);
  HttpResponse CompleteMultipartUpload(Call& call);
  HttpResponse AbortMultipartUpload(Call& call);
  HttpResponse ListParts(Call& call);
  // put_sink.cc: the streamed plan for PutObject / UploadPart.
  // s3_authorize.cc: nullopt when `principal` may perform the routed operation; else S3's
  // AccessDenied for it.
  std::optional<HttpResponse> Authorize(const HttpRequest& request, const S3Request& route,
                                        const iam::Principal& principal,
                                        std::string_view request_id) const;
  BodyPlan StreamedPut(const HttpRequest& head, S3Request route, std::string request_id,
                       const auth::Authenticated& authenticated);

  ObjectStore& store_;
  const RequestAuthenticator& auth_;
  const Clock& clock_;
  WorkPool& pool_;
  const std::string region_;
  S3Metrics metrics_;
};

}  // namespace sf::engine::s3
