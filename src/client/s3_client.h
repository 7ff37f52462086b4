#pragma once
// A minimal S3 client over SignedClient (service "s3", path-style URLs: /bucket, /bucket/key),
// for the controller's bucket provider: the bucket lifecycle and what emptying a bucket needs.
// Blocking; not thread-safe (one per thread, as SignedClient).
//
// Every S3 error reply is parsed from its XML body (<Error><Code>, <Message>); a reply with no
// such body (HEAD, or not XML) gets "HttpError" and the status. A transport failure has code
// "ConnectionError" and status 0, with SignedClient's message (endpoint and start hint).

#include <cstdint>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "auth/sigv4_types.h"
#include "client/signed_client.h"

namespace sf::client {

struct S3Error {
  std::string code;  // "NoSuchBucket", "BucketNotEmpty", ..., "HttpError", "ConnectionError"
  std::string message;
  long http_status = 0;
};

template <class T>
using S3Result = tl::expected<T, S3Error>;

struct S3Bucket {
  std::string name;
  int64_t creation_ms = 0;  // CreationDate
};

struct S3Object {
  std::string key;
  int64_t size = 0;
};

// One page of ListObjectsV2.
struct S3ObjectPage {
  std::vector<S3Object> objects;
  bool truncated = false;
  std::string next_token;  // NextContinuationToken, when truncated
};

struct S3Upload {
  std::string key;
  std::string upload_id;
};

// A key DeleteObjects could not delete, with S3's code and message for it.
struct S3KeyError {
  std::string key;
  std::string code;
  std::string message;
};

inline constexpr size_t kDeleteObjectsBatch = 1000;

class S3Client {
 public:
  // `endpoint` is the base URL ("http://127.0.0.1:4560").
  S3Client(std::string endpoint, auth::Credentials credentials, std::string region);

  S3Result<std::vector<S3Bucket>> ListBuckets();
  // true: the bucket exists (and is ours); false: 404.
  S3Result<bool> HeadBucket(const std::string& bucket);
  // Sends a CreateBucketConfiguration with the client's region as LocationConstraint unless
  // the region is us-east-1 (which S3 names by no constraint).
  S3Result<void> CreateBucket(const std::string& bucket);
  S3Result<void> DeleteBucket(const std::string& bucket);
  // One page of at most `max_keys` (1..1000) keys, from `continuation_token` ("" first).
  // Asks for encoding-type=url and decodes, so keys XML cannot carry survive.
  S3Result<S3ObjectPage> ListObjectsV2(const std::string& bucket,
                                       const std::string& continuation_token, int max_keys = 1000);
  // Deletes `keys` in quiet batches of kDeleteObjectsBatch (each with its Content-MD5) and
  // returns the keys S3 refused; an error stops at the failing batch.
  S3Result<std::vector<S3KeyError>> DeleteObjects(const std::string& bucket,
                                                  const std::vector<std::string>& keys);
  // Every open upload, following the listing's markers when it is truncated.
  S3Result<std::vector<S3Upload>> ListMultipartUploads(const std::string& bucket);
  // HeadObject: true when the object exists, false on 404.
  S3Result<bool> HeadObject(const std::string& bucket, const std::string& key);
  // PutObject of `body` in one request (Content-MD5 sent, so the engine checks it).
  S3Result<void> PutObject(const std::string& bucket, const std::string& key,
                           const std::string& body);
  S3Result<void> AbortMultipartUpload(const std::string& bucket, const std::string& key,
                                      const std::string& upload_id);

  const std::string& region() const { return region_; }

 private:
  // Sends and turns transport failures and non-2xx replies into S3Error.
  S3Result<HttpReply> Call(const std::string& method, const std::string& path,
                           const std::string& query, const std::string& body = "",
                           std::vector<std::pair<std::string, std::string>> headers = {});

  std::string region_;
  SignedClient signed_;
};

}  // namespace sf::client
