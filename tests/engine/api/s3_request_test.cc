// S3 REST routing: which operation a method, path, Host and query select, and how keys decode.
#include "engine/api/s3/s3_request.h"

#include <gtest/gtest.h>

namespace sf::engine::s3 {
namespace {

HttpRequest Make(std::string method, std::string target, std::string host = "127.0.0.1:4560",
                 HttpHeaders extra = {}) {
  HttpRequest request;
  request.method = std::move(method);
  request.target = target;
  size_t q = target.find('?');
  request.path = target.substr(0, q);
  request.query = q == std::string::npos ? "" : target.substr(q + 1);
  request.headers = {{"Host", host}};
  for (auto& h : extra) request.headers.push_back(h);
  return request;
}

Operation Op(std::string method, std::string target, HttpHeaders extra = {}) {
  auto parsed = ParseS3Request(Make(std::move(method), std::move(target), "127.0.0.1:1", extra));
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().message);
  return parsed ? parsed->operation : Operation::kCount;
}

TEST(S3RequestTest, SelectsEveryOperation) {
  EXPECT_EQ(Op("GET", "/"), Operation::kListBuckets);
  EXPECT_EQ(Op("PUT", "/bkt"), Operation::kCreateBucket);
  EXPECT_EQ(Op("DELETE", "/bkt"), Operation::kDeleteBucket);
  EXPECT_EQ(Op("HEAD", "/bkt"), Operation::kHeadBucket);
  EXPECT_EQ(Op("GET", "/bkt?location"), Operation::kGetBucketLocation);
  EXPECT_EQ(Op("GET", "/bkt"), Operation::kListObjects);
  EXPECT_EQ(Op("GET", "/bkt?list-type=2&prefix=a"), Operation::kListObjectsV2);
  EXPECT_EQ(Op("GET", "/bkt?uploads"), Operation::kListMultipartUploads);
  EXPECT_EQ(Op("POST", "/bkt?delete"), Operation::kDeleteObjects);
  EXPECT_EQ(Op("PUT", "/bkt/k"), Operation::kPutObject);
  EXPECT_EQ(Op("PUT", "/bkt/k", {{"x-amz-copy-source", "src/k"}}), Operation::kCopyObject);
  EXPECT_EQ(Op("GET", "/bkt/k"), Operation::kGetObject);
  EXPECT_EQ(Op("HEAD", "/bkt/k"), Operation::kHeadObject);
  EXPECT_EQ(Op("DELETE", "/bkt/k"), Operation::kDeleteObject);
  EXPECT_EQ(Op("POST", "/bkt/k?uploads"), Operation::kCreateMultipartUpload);
  EXPECT_EQ(Op("PUT", "/bkt/k?partNumber=1&uploadId=u"), Operation::kUploadPart);
  EXPECT_EQ(Op("POST", "/bkt/k?uploadId=u"), Operation::kCompleteMultipartUpload);
  EXPECT_EQ(Op("DELETE", "/bkt/k?uploadId=u"), Operation::kAbortMultipartUpload);
  EXPECT_EQ(Op("GET", "/bkt/k?uploadId=u"), Operation::kListParts);
}

TEST(S3RequestTest, UnsupportedSubresourcesAreNotMistakenForPlainOperations) {
  auto tagging = ParseS3Request(Make("PUT", "/bkt/k?tagging"));
  ASSERT_TRUE(tagging);
  EXPECT_EQ(tagging->operation, Operation::kUnsupported);
  EXPECT_EQ(tagging->subresource, "tagging");
  EXPECT_EQ(Op("PUT", "/bkt?versioning"), Operation::kUnsupported);
  EXPECT_EQ(Op("GET", "/bkt?acl"), Operation::kUnsupported);
  EXPECT_EQ(Op("PUT", "/bkt/k?partNumber=1&uploadId=u", {{"x-amz-copy-source", "a/b"}}),
            Operation::kUnsupported);
  // Parameters that are not subresources never change the operation (SDK v3 adds x-id).
  EXPECT_EQ(Op("PUT", "/bkt/k?x-id=PutObject"), Operation::kPutObject);
  EXPECT_EQ(Op("GET", "/bkt/k?response-content-type=text%2Fplain"), Operation::kGetObject);
}

TEST(S3RequestTest, DecodesKeysAndQuery) {
  auto r = ParseS3Request(Make("GET", "/bkt/a%2Fb/c%20d+e%E2%82%AC?prefix=x+y%2Bz&max-keys=5"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->bucket, "bkt");
  EXPECT_EQ(r->key, "a/b/c d+e\xE2\x82\xAC");  // '+' in a path is a plus
  EXPECT_EQ(r->Param("prefix"), "x y+z");      // in a query it is a space
  EXPECT_EQ(r->Param("max-keys"), "5");
  EXPECT_FALSE(r->Param("marker"));
  EXPECT_EQ(r->Resource(), "/bkt/a/b/c d+e\xE2\x82\xAC");

  auto dots = ParseS3Request(Make("PUT", "/bkt/../../etc/passwd"));
  ASSERT_TRUE(dots);
  EXPECT_EQ(dots->bucket, "bkt");
  EXPECT_EQ(dots->key, "../../etc/passwd");  // a literal key; the store keeps it in the bucket
}

TEST(S3RequestTest, VirtualHostedStyle) {
  auto r = ParseS3Request(Make("GET", "/photos/2026/a.jpg", "my-bucket.localhost:4560"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->virtual_host);
  EXPECT_EQ(r->bucket, "my-bucket");
  EXPECT_EQ(r->key, "photos/2026/a.jpg");
  auto s3_style = ParseS3Request(Make("PUT", "/", "logs.s3.localhost"));
  ASSERT_TRUE(s3_style);
  EXPECT_EQ(s3_style->bucket, "logs");
  EXPECT_EQ(s3_style->operation, Operation::kCreateBucket);
  auto plain = ParseS3Request(Make("GET", "/", "localhost:4560"));
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->operation, Operation::kListBuckets);
  auto named = ParseS3Request(Make("GET", "/b1b/k", "s3.localhost:4560"));
  ASSERT_TRUE(named);
  EXPECT_FALSE(named->virtual_host);
  EXPECT_EQ(named->bucket, "b1b");
}

TEST(S3RequestTest, RefusesMalformedRequests) {
  auto bad_escape = ParseS3Request(Make("GET", "/bkt/a%2"));
  ASSERT_FALSE(bad_escape);
  EXPECT_EQ(bad_escape.error().type, "InvalidURI");
  auto bad_query = ParseS3Request(Make("GET", "/bkt?prefix=%zz"));
  ASSERT_FALSE(bad_query);
  EXPECT_EQ(bad_query.error().type, "InvalidURI");
  auto post_root = ParseS3Request(Make("POST", "/"));
  ASSERT_FALSE(post_root);
  EXPECT_EQ(post_root.error().type, "MethodNotAllowed");
  EXPECT_EQ(post_root.error().status, 405);
  auto patch = ParseS3Request(Make("PATCH", "/bkt/k"));
  ASSERT_FALSE(patch);
  EXPECT_EQ(patch.error().status, 405);
}

}  // namespace
}  // namespace sf::engine::s3
