// The S3 examples of the AWS documentation ("Signature Calculations for the Authorization
// Header: Transferring Payload in a Single Chunk", and "Query String Authentication"):
// AKIAIOSFODNN7EXAMPLE, us-east-1, s3, 2013-05-24T00:00:00Z, bucket examplebucket.

#include <gtest/gtest.h>

#include "auth/amz_time.h"
#include "auth/crypto.h"
#include "auth/signer.h"
#include "auth/verifier.h"

namespace sf::auth {
namespace {

constexpr char kAccessKey[] = "AKIAIOSFODNN7EXAMPLE";
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr char kHost[] = "examplebucket.s3.amazonaws.com";

int64_t ExampleTime() { return *ParseAmzDate("20130524T000000Z"); }

Signer ExampleSigner() { return Signer({kAccessKey, kSecret, std::nullopt}, "us-east-1", "s3"); }

HttpRequest Request(std::string method, std::string path, std::string query) {
  HttpRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  request.query = std::move(query);
  request.headers.push_back({"Host", kHost});
  return request;
}

// The verifier accepts what was signed, at the example's time.
void ExpectVerifies(const HttpRequest& request, std::string_view body) {
  VirtualClock clock(ExampleTime());
  Verifier verifier(
      "us-east-1", [](std::string_view) -> std::optional<std::string> { return kSecret; }, &clock);
  auto result = verifier.Verify({&request, "s3", body});
  ASSERT_TRUE(result.has_value()) << AuthFailureName(result.error().reason) << " "
                                  << result.error().detail;
}

TEST(S3Examples, GetObjectWithRange) {
  HttpRequest request = Request("GET", "/test.txt", "");
  request.headers.push_back({"Range", "bytes=0-9"});
  auto parts = ExampleSigner().Sign(&request, kEmptySha256, ExampleTime());
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->canonical_request,
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            "\nx-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(parts->string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(parts->signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(request.FindHeader("authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  ExpectVerifies(request, "");
}

TEST(S3Examples, PutObject) {
  const std::string body = "Welcome to Amazon S3.";
  HttpRequest request = Request("PUT", "/test$file.text", "");
  request.headers.push_back({"Date", "Fri, 24 May 2013 00:00:00 GMT"});
  request.headers.push_back({"x-amz-storage-class", "REDUCED_REDUNDANCY"});
  EXPECT_EQ(PayloadHash(body), "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  auto parts = ExampleSigner().Sign(&request, PayloadHash(body), ExampleTime());
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->canonical_request,
            "PUT\n/test%24file.text\n\ndate:Fri, 24 May 2013 00:00:00 GMT\n"
            "host:examplebucket.s3.amazonaws.com\n"
            "x-amz-content-sha256:44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"
            "\nx-amz-date:20130524T000000Z\nx-amz-storage-class:REDUCED_REDUNDANCY\n\n"
            "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class\n"
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  EXPECT_EQ(parts->string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d");
  EXPECT_EQ(parts->signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
  ExpectVerifies(request, body);
}

TEST(S3Examples, GetBucketLifecycle) {
  HttpRequest request = Request("GET", "/", "lifecycle");
  auto parts = ExampleSigner().Sign(&request, kEmptySha256, ExampleTime());
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->canonical_request,
            "GET\n/\nlifecycle=\nhost:examplebucket.s3.amazonaws.com\n"
            "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            "\nx-amz-date:20130524T000000Z\n\nhost;x-amz-content-sha256;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(parts->string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca");
  EXPECT_EQ(parts->signature, "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
  ExpectVerifies(request, "");
}

TEST(S3Examples, ListObjects) {
  HttpRequest request = Request("GET", "/", "max-keys=2&prefix=J");
  auto parts = ExampleSigner().Sign(&request, kEmptySha256, ExampleTime());
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->canonical_request,
            "GET\n/\nmax-keys=2&prefix=J\nhost:examplebucket.s3.amazonaws.com\n"
            "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            "\nx-amz-date:20130524T000000Z\n\nhost;x-amz-content-sha256;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(parts->string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7");
  EXPECT_EQ(parts->signature, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
  ExpectVerifies(request, "");
}

TEST(S3Examples, PresignedGetObject) {
  HttpRequest request = Request("GET", "/test.txt", "");
  auto parts = ExampleSigner().Presign(&request, 86400, ExampleTime());
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->canonical_request,
            "GET\n/test.txt\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
            "AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date="
            "20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\n"
            "host:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD");
  EXPECT_EQ(parts->string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04");
  EXPECT_EQ(parts->signature, "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
  EXPECT_NE(request.query.find("&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957"
                               "d157751f604d404"),
            std::string::npos);
  ExpectVerifies(request, "");
}

}  // namespace
}  // namespace sf::auth
