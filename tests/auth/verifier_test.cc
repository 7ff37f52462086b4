// The Verifier's reasons, each produced by the input that should produce it, and its time
// boundaries.

#include <gtest/gtest.h>

#include "auth/amz_time.h"
#include "auth/crypto.h"
#include "auth/signer.h"
#include "auth/verifier.h"

namespace sf::auth {
namespace {

constexpr char kKey[] = "AKIDLOCAL";
constexpr char kSecret[] = "local-secret";

class VerifierTest : public ::testing::Test {
 protected:
  const int64_t t0_ = *ParseAmzDate("20240101T120000Z");
  VirtualClock clock_{t0_};
  Verifier verifier_{"us-east-1",
                     [](std::string_view key) -> std::optional<std::string> {
                       if (key == kKey) return std::string(kSecret);
                       return std::nullopt;
                     },
                     &clock_};

  static HttpRequest KinesisRequest() {
    HttpRequest request;
    request.method = "POST";
    request.path = "/";
    request.headers = {{"Host", "localhost:4566"},
                       {"X-Amz-Target", "Kinesis_20131202.PutRecord"},
                       {"Content-Type", "application/x-amz-json-1.1"}};
    return request;
  }
  HttpRequest SignedKinesis(std::string_view body, std::string service = "kinesis") const {
    HttpRequest request = KinesisRequest();
    Signer signer({kKey, kSecret, std::nullopt}, "us-east-1", std::move(service));
    EXPECT_TRUE(signer.Sign(&request, PayloadHash(body), t0_).has_value());
    return request;
  }
  HttpRequest SignedS3Put(std::string_view body, std::string_view hash) const {
    HttpRequest request;
    request.method = "PUT";
    request.path = "/bucket/key";
    request.headers = {{"Host", "localhost:4566"}};
    Signer signer({kKey, kSecret, std::nullopt}, "us-east-1", "s3");
    EXPECT_TRUE(signer.Sign(&request, hash.empty() ? PayloadHash(body) : hash, t0_).has_value());
    return request;
  }
  AuthFailure Reason(const HttpRequest& request, std::string_view service,
                     std::optional<std::string_view> body) const {
    auto result = verifier_.Verify({&request, service, body});
    EXPECT_FALSE(result.has_value());
    return result ? AuthFailure::kMissing : result.error().reason;
  }
};

constexpr std::string_view kBody = R"({"StreamName":"s","Data":"aGk=","PartitionKey":"p"})";

TEST_F(VerifierTest, AcceptsASignedRequest) {
  HttpRequest request = SignedKinesis(kBody);
  auto result = verifier_.Verify({&request, "kinesis", kBody});
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->access_key, kKey);
  EXPECT_EQ(result->service, "kinesis");
  EXPECT_EQ(result->payload_hash, PayloadHash(kBody));
  EXPECT_FALSE(result->chunk_context.has_value());
}

TEST_F(VerifierTest, Missing) {
  EXPECT_EQ(Reason(KinesisRequest(), "kinesis", kBody), AuthFailure::kMissing);
}

TEST_F(VerifierTest, Malformed) {
  const HttpRequest good = SignedKinesis(kBody);
  const std::string auth(*good.FindHeader("authorization"));
  for (const std::string& bad : std::vector<std::string>{
           std::string("AWS4-HMAC-SHA256"), std::string("garbage"),
           "AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20240101/us-east-1/kinesis/aws4_request",
           "AWS4-HMAC-SHA256 Credential=x, SignedHeaders=host, Signature=" + std::string(64, 'a'),
           "AWS AKIDLOCAL:abc", "AWS4-ECDSA-P256-SHA256" + auth.substr(16),
           auth.substr(0, auth.size() - 1) + "Z", auth + ", Extra=1"}) {
    HttpRequest request = good;
    request.SetHeader("Authorization", bad);
    EXPECT_EQ(Reason(request, "kinesis", kBody), AuthFailure::kMalformed) << bad;
  }
  // Scope: wrong service, wrong region, a date that is not X-Amz-Date's.
  EXPECT_EQ(Reason(good, "dynamodb", kBody), AuthFailure::kMalformed);
  HttpRequest other_region = KinesisRequest();
  ASSERT_TRUE(Signer({kKey, kSecret, std::nullopt}, "eu-west-1", "kinesis")
                  .Sign(&other_region, PayloadHash(kBody), t0_)
                  .has_value());
  EXPECT_EQ(Reason(other_region, "kinesis", kBody), AuthFailure::kMalformed);
  HttpRequest other_date = good;
  other_date.SetHeader("X-Amz-Date", "20240102T000000Z");
  auto result = verifier_.Verify({&other_date, "kinesis", kBody});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().reason, AuthFailure::kMalformed);
  EXPECT_NE(result.error().detail.find("Date in Credential scope"), std::string::npos);
  HttpRequest no_date = good;
  std::erase_if(no_date.headers, [](const Header& h) { return h.name == "X-Amz-Date"; });
  EXPECT_EQ(Reason(no_date, "kinesis", kBody), AuthFailure::kMalformed);
  // Both mechanisms at once.
  HttpRequest both = good;
  both.query = "X-Amz-Algorithm=AWS4-HMAC-SHA256";
  EXPECT_EQ(Reason(both, "kinesis", kBody), AuthFailure::kMalformed);
}

TEST_F(VerifierTest, UnknownAccessKey) {
  HttpRequest request = KinesisRequest();
  ASSERT_TRUE(Signer({"AKIDOTHER", kSecret, std::nullopt}, "us-east-1", "kinesis")
                  .Sign(&request, PayloadHash(kBody), t0_)
                  .has_value());
  EXPECT_EQ(Reason(request, "kinesis", kBody), AuthFailure::kUnknownAccessKey);
}

TEST_F(VerifierTest, SignatureMismatchCarriesTheCanonicalRequest) {
  HttpRequest request = SignedKinesis(kBody);
  request.SetHeader("X-Amz-Target", "Kinesis_20131202.DeleteStream");
  auto result = verifier_.Verify({&request, "kinesis", kBody});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().reason, AuthFailure::kSignatureMismatch);
  EXPECT_NE(result.error().canonical_request.find("x-amz-target:Kinesis_20131202.DeleteStream"),
            std::string::npos);
  EXPECT_EQ(result.error().string_to_sign.substr(0, 17), "AWS4-HMAC-SHA256\n");
  // A wrong secret, and a changed body (non-S3 signs the body hash itself).
  Verifier wrong_secret(
      "us-east-1", [](std::string_view) -> std::optional<std::string> { return "nope"; }, &clock_);
  HttpRequest good = SignedKinesis(kBody);
  EXPECT_EQ(wrong_secret.Verify({&good, "kinesis", kBody}).error().reason,
            AuthFailure::kSignatureMismatch);
  EXPECT_EQ(Reason(good, "kinesis", std::string_view("{}")), AuthFailure::kSignatureMismatch);
}

TEST_F(VerifierTest, SkewBoundaryIsExactlyFifteenMinutes) {
  const HttpRequest request = SignedKinesis(kBody);
  for (int64_t delta : {-kMaxSkewMs, kMaxSkewMs, int64_t{0}}) {
    VirtualClock clock(t0_ + delta);
    Verifier verifier(
        "us-east-1", [](std::string_view) -> std::optional<std::string> { return kSecret; },
        &clock);
    EXPECT_TRUE(verifier.Verify({&request, "kinesis", kBody}).has_value()) << delta;
  }
  for (int64_t delta : {-kMaxSkewMs - 1000, kMaxSkewMs + 1000}) {
    VirtualClock clock(t0_ + delta);
    Verifier verifier(
        "us-east-1", [](std::string_view) -> std::optional<std::string> { return kSecret; },
        &clock);
    auto result = verifier.Verify({&request, "kinesis", kBody});
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().reason, AuthFailure::kTooSkewed) << delta;
    EXPECT_EQ(result.error().amz_date, "20240101T120000Z");
  }
}

TEST_F(VerifierTest, PresignedExpiryBoundary) {
  HttpRequest request;
  request.method = "GET";
  request.path = "/bucket/key";
  request.headers = {{"Host", "localhost:4566"}};
  Signer signer({kKey, kSecret, std::nullopt}, "us-east-1", "s3");
  ASSERT_TRUE(signer.Presign(&request, 60, t0_).has_value());
  auto at = [&](int64_t ms) {
    VirtualClock clock(ms);
    Verifier verifier(
        "us-east-1", [](std::string_view) -> std::optional<std::string> { return kSecret; },
        &clock);
    return verifier.Verify({&request, "s3", std::nullopt});
  };
  EXPECT_TRUE(at(t0_).has_value());
  EXPECT_TRUE(at(t0_ + 60'000).has_value());
  EXPECT_EQ(at(t0_ + 61'000).error().reason, AuthFailure::kExpired);
  EXPECT_EQ(at(t0_ - kMaxSkewMs - 1000).error().reason, AuthFailure::kTooSkewed);
  EXPECT_TRUE(at(t0_ - kMaxSkewMs).has_value());
  // Expires out of range is malformed; the signer refuses to produce it.
  EXPECT_FALSE(signer.Presign(&request, 604801, t0_).has_value());
  HttpRequest tampered = request;
  tampered.query.replace(tampered.query.find("X-Amz-Expires=60"), 16, "X-Amz-Expires=0");
  EXPECT_EQ(at(t0_).has_value(), true);
  VirtualClock clock(t0_);
  Verifier verifier(
      "us-east-1", [](std::string_view) -> std::optional<std::string> { return kSecret; }, &clock);
  EXPECT_EQ(verifier.Verify({&tampered, "s3", std::nullopt}).error().reason,
            AuthFailure::kMalformed);
}

TEST_F(VerifierTest, S3PayloadHash) {
  const std::string body = "object data";
  HttpRequest request = SignedS3Put(body, "");
  EXPECT_TRUE(verifier_.Verify({&request, "s3", std::string_view(body)}).has_value());
  EXPECT_EQ(Reason(request, "s3", std::string_view("object datA")),
            AuthFailure::kPayloadHashMismatch);
  // Without the body the declared hash is taken, for the caller to check.
  auto declared = verifier_.Verify({&request, "s3", std::nullopt});
  ASSERT_TRUE(declared.has_value());
  EXPECT_EQ(declared->payload_hash, PayloadHash(body));
  // UNSIGNED-PAYLOAD: any body.
  HttpRequest unsigned_payload = SignedS3Put(body, kUnsignedPayload);
  EXPECT_TRUE(verifier_.Verify({&unsigned_payload, "s3", std::string_view("x")}).has_value());
  // S3 with header auth requires the header; a non-hex value is malformed.
  HttpRequest missing = SignedS3Put(body, "");
  std::erase_if(missing.headers, [](const Header& h) { return h.name == "X-Amz-Content-Sha256"; });
  EXPECT_EQ(Reason(missing, "s3", std::string_view(body)), AuthFailure::kMalformed);
  HttpRequest bad = SignedS3Put(body, "not-a-hash");
  EXPECT_EQ(Reason(bad, "s3", std::string_view(body)), AuthFailure::kMalformed);
}

TEST(ConstantTime, ComparesWholeStrings) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "xbc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

}  // namespace
}  // namespace sf::auth
