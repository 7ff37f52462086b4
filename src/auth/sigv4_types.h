#pragma once
// Plain data shared by the SigV4 signer, verifier and chunked codec.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sf::auth {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kTerminator = "aws4_request";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kStreamingPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
// aws-chunked without chunk signatures, ending in trailing headers (x-amz-checksum-*): the
// header is signed, the body is not (like UNSIGNED-PAYLOAD). The AWS SDKs send it for streams.
inline constexpr std::string_view kStreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
// Signed chunks followed by signed trailing headers (chunked.h); the AWS SDK for Java v2 sends
// it over plain http.
inline constexpr std::string_view kStreamingSignedTrailer =
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
// SHA-256 of the empty string, hex.
inline constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
// AWS's limit on the difference between a request's time and the server's.
inline constexpr int64_t kMaxSkewMs = 15 * 60 * 1000;
// Longest X-Amz-Expires AWS accepts (7 days).
inline constexpr int64_t kMaxPresignExpiresSeconds = 604800;

struct Credentials {
  std::string access_key;
  std::string secret_key;
  std::optional<std::string> session_token;
};

// One header line as received or as to be sent. Names compare case-insensitively; a name may
// repeat (its values are then joined with commas, in order, when canonicalised).
struct Header {
  std::string name;
  std::string value;
};

// A request as it travels on the wire: `path` and `query` are exactly the bytes of the request
// target before and after the first '?' (still percent-encoded as the client sent them; `query`
// without the '?').
struct HttpRequest {
  std::string method;
  std::string path = "/";
  std::string query;
  std::vector<Header> headers;

  // The values of every header named `name` (case-insensitive), in order.
  std::vector<std::string_view> HeaderValues(std::string_view name) const;
  // The first value of header `name`, or nullopt.
  std::optional<std::string_view> FindHeader(std::string_view name) const;
  // Removes every header named `name`, then appends one with `value`.
  void SetHeader(std::string_view name, std::string_view value);
};

// The key material of a streaming (aws-chunked) body: what both the ChunkedDecoder and the
// ChunkedEncoder start from. The seed is the request's own signature.
struct ChunkSigningContext {
  std::string signing_key;  // raw kSigning
  std::string amz_date;
  std::string scope;
  std::string seed_signature;
};

// S3 (and S3-like services) sign the path as is, without normalisation or double encoding,
// and require x-amz-content-sha256.
bool IsS3Service(std::string_view service);

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string ToLower(std::string_view text);

}  // namespace sf::auth
