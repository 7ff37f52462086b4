// AWS's published SigV4 test suite: every case, header form and presigned form, checked
// stage by stage (canonical request, string to sign, signature), then verified back.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "auth/amz_time.h"
#include "auth/canonical.h"
#include "auth/crypto.h"
#include "auth/signer.h"
#include "auth/verifier.h"
#include "aws_suite_vectors.h"
#include "raw_request.h"

namespace sf::auth {
namespace {

using testing::kSuiteVectors;
using testing::ParseRawRequest;
using testing::SuiteVector;

constexpr char kAccessKey[] = "AKIDEXAMPLE";
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

int64_t SuiteTime() { return *ParseAmzDate("20150830T123600Z"); }

Credentials SuiteCredentials(const SuiteVector& v) {
  Credentials credentials{kAccessKey, kSecret, std::nullopt};
  if (v.token != nullptr) credentials.session_token = v.token;
  return credentials;
}

}  // namespace

namespace testing {
// gtest prints a parameter with this instead of its bytes.
void PrintTo(const SuiteVector& v, std::ostream* os) { *os << v.name; }
}  // namespace testing

namespace {

class SuiteTest : public ::testing::TestWithParam<SuiteVector> {};

// The header form through the Signer (normalising cases) or through the canonicalisation
// functions with the S3 path rule (the "-unnormalized" cases).
TEST_P(SuiteTest, HeaderForm) {
  const SuiteVector& v = GetParam();
  auto raw = ParseRawRequest(v.request);
  const std::string payload_hash = Sha256Hex(raw.body);
  if (v.normalize) {
    Signer signer(SuiteCredentials(v), "us-east-1", "service");
    SignOptions options;
    options.content_sha256_header = v.sign_body;
    options.sign_session_token = !v.omit_token;
    auto parts = signer.Sign(&raw.request, payload_hash, SuiteTime(), options);
    ASSERT_TRUE(parts.has_value()) << parts.error().message;
    EXPECT_EQ(parts->canonical_request, v.header_creq);
    EXPECT_EQ(parts->string_to_sign, v.header_sts);
    EXPECT_EQ(parts->signature, v.header_signature);
    auto authorization = raw.request.FindHeader("Authorization");
    ASSERT_TRUE(authorization.has_value());
    EXPECT_NE(authorization->find("Signature=" + std::string(v.header_signature)),
              std::string_view::npos);
    if (v.token != nullptr) {
      EXPECT_EQ(raw.request.FindHeader("x-amz-security-token"), v.token);
    }
  } else {
    raw.request.SetHeader("X-Amz-Date", "20150830T123600Z");
    CanonicalInput input{raw.request.method,
                         CanonicalUri(raw.request.path, /*s3=*/true),
                         CanonicalQuery(ParseQuery(raw.request.query)),
                         &raw.request.headers,
                         SignableHeaderNames(raw.request.headers),
                         payload_hash};
    const std::string creq = CanonicalRequest(input);
    EXPECT_EQ(creq, v.header_creq);
    const std::string sts =
        StringToSign("20150830T123600Z", CredentialScope("20150830", "us-east-1", "service"), creq);
    EXPECT_EQ(sts, v.header_sts);
    EXPECT_EQ(ComputeSignature(DeriveSigningKey(kSecret, "20150830", "us-east-1", "service"), sts),
              v.header_signature);
  }
}

// The cases AWS publishes in query (presigned) form: the normalised ones that sign their token.
class SuiteQueryTest : public SuiteTest {};

TEST_P(SuiteQueryTest, QueryForm) {
  const SuiteVector& v = GetParam();
  auto raw = ParseRawRequest(v.request);
  Signer signer(SuiteCredentials(v), "us-east-1", "service");
  auto parts = signer.Presign(&raw.request, 3600, SuiteTime(), Sha256Hex(raw.body));
  ASSERT_TRUE(parts.has_value()) << parts.error().message;
  EXPECT_EQ(parts->canonical_request, v.query_creq);
  EXPECT_EQ(parts->string_to_sign, v.query_sts);
  EXPECT_EQ(parts->signature, v.query_signature);
}

// What the Signer produced, the Verifier accepts; one changed header byte it refuses. Only the
// normalised cases: the verifier applies the unnormalised (S3) path rule to s3 alone.
class SuiteRoundTripTest : public SuiteTest {};

TEST_P(SuiteRoundTripTest, VerifierAcceptsSignedRequest) {
  const SuiteVector& v = GetParam();
  for (bool presign : {false, true}) {
    auto raw = ParseRawRequest(v.request);
    Signer signer(SuiteCredentials(v), "us-east-1", "service");
    SignOptions options;
    options.content_sha256_header = v.sign_body;
    ASSERT_TRUE(
        presign ? signer.Presign(&raw.request, 3600, SuiteTime(), Sha256Hex(raw.body)).has_value()
                : signer.Sign(&raw.request, Sha256Hex(raw.body), SuiteTime(), options).has_value());
    VirtualClock clock(SuiteTime() + 60'000);
    Verifier verifier(
        "us-east-1",
        [](std::string_view key) -> std::optional<std::string> {
          if (key == kAccessKey) return std::string(kSecret);
          return std::nullopt;
        },
        &clock);
    std::string_view body(raw.body);
    auto result = verifier.Verify({&raw.request, "service", body});
    ASSERT_TRUE(result.has_value())
        << AuthFailureName(result.error().reason) << " " << result.error().detail << "\n"
        << result.error().canonical_request;
    EXPECT_EQ(result->access_key, kAccessKey);
    EXPECT_EQ(result->presigned, presign);
    raw.request.SetHeader("Host", "example.amazonaws.con");
    auto tampered = verifier.Verify({&raw.request, "service", body});
    ASSERT_FALSE(tampered.has_value());
    EXPECT_EQ(tampered.error().reason, AuthFailure::kSignatureMismatch);
  }
}

std::string VectorName(const ::testing::TestParamInfo<SuiteVector>& param_info) {
  std::string name = param_info.param.name;
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

std::vector<SuiteVector> Vectors(bool (*keep)(const SuiteVector&)) {
  std::vector<SuiteVector> out;
  for (const auto& v : kSuiteVectors) {
    if (keep(v)) out.push_back(v);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Aws, SuiteTest, ::testing::ValuesIn(kSuiteVectors), VectorName);
INSTANTIATE_TEST_SUITE_P(Aws, SuiteQueryTest, ::testing::ValuesIn(Vectors([](const SuiteVector& v) {
                           return v.normalize && !v.omit_token;
                         })),
                         VectorName);
INSTANTIATE_TEST_SUITE_P(
    Aws, SuiteRoundTripTest,
    ::testing::ValuesIn(Vectors([](const SuiteVector& v) { return v.normalize; })), VectorName);

}  // namespace
}  // namespace sf::auth
