#pragma once
// Turns the body of a streamed PUT (PutObject, UploadPart) as it arrives into the object's
// bytes, checking what the request promised about them:
//   - a plain body: passed through; with a hex x-amz-content-sha256 its SHA-256 is checked at
//     the end (XAmzContentSHA256Mismatch);
//   - STREAMING-AWS4-HMAC-SHA256-PAYLOAD: aws-chunked, every chunk signature verified before
//     its data is passed on (auth::ChunkedDecoder);
//   - STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: the same, then trailing headers (the
//     x-amz-checksum-* announced by x-amz-trailer) whose signature is verified too;
//   - STREAMING-UNSIGNED-PAYLOAD-TRAILER: aws-chunked without chunk signatures, ending in
//     trailing headers (the x-amz-checksum-* announced by x-amz-trailer, checked below);
//   - with auth disabled, a signed aws-chunked body whose key the engine does not know is
//     de-chunked without checking its signatures.
// In every aws-chunked form x-amz-decoded-content-length, when given, must match the bytes
// decoded (IncompleteBody otherwise). A flexible checksum the client declares, in a header
// (x-amz-checksum-crc32: ...) or as a trailer (x-amz-trailer: x-amz-checksum-crc32), is computed
// over the decoded bytes and must match (BadDigest otherwise). Not thread-safe: one per request.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/chunked.h"
#include "auth/crypto.h"
#include "auth/verifier.h"
#include "engine/api/s3/checksum.h"
#include "engine/api_error.h"
#include "engine/server/http_server.h"

namespace sf::engine::s3 {

// aws-chunked framing without signature checks: "hex[;ext]\r\n" data "\r\n" ... "0[;ext]\r\n",
// then trailer lines "name:value\r\n" and an empty line. Chunk data is passed on as it
// arrives (no chunk is buffered whole).
class UnsignedChunkReader {
 public:
  // Appends the data in `piece` to *out. Fails with a message on malformed framing.
  tl::expected<void, std::string> Feed(std::string_view piece, std::string* out);
  bool done() const { return state_ == State::kDone; }
  // The value of trailer `name` (case-insensitive), once done.
  std::optional<std::string> Trailer(std::string_view name) const;

 private:
  enum class State { kSizeLine, kData, kDataEnd, kTrailer, kDone, kFailed };
  std::vector<std::pair<std::string, std::string>> trailers_;
  tl::expected<void, std::string> Fail(std::string message);
  tl::expected<void, std::string> EndOfLine();

  State state_ = State::kSizeLine;
  std::string line_;
  uint64_t remaining_ = 0;
};

class PayloadDecoder {
 public:
  // The decoder for a request with these headers, as authenticated. Fails (InvalidArgument /
  // NotImplemented) for a payload form streamform cannot read.
  static ApiResult<std::unique_ptr<PayloadDecoder>> For(const HttpRequest& head,
                                                        const auth::Authenticated& auth);

  // The object bytes carried by `slice`; the view is valid until the next call.
  ApiResult<std::string_view> Feed(std::string_view slice);
  // At the end of the body: fails if the framing is incomplete, the decoded length is not the
  // declared one, or the body's SHA-256 is not the signed one.
  ApiResult<void> Finish();
  uint64_t decoded_bytes() const { return decoded_bytes_; }
  // After a successful Finish: the checksum header S3 echoes in its response
  // ("x-amz-checksum-crc32", value), if the client declared one.
  std::optional<std::pair<std::string, std::string>> checksum_header() const;

 private:
  enum class Mode { kPlain, kSignedChunks, kUnsignedChunks };
  PayloadDecoder() = default;

  Mode mode_ = Mode::kPlain;
  std::optional<auth::ChunkedDecoder> signed_;
  UnsignedChunkReader unsigned_;
  std::optional<std::string> expected_sha256_;  // hex, for a plain body
  std::optional<auth::Sha256> sha256_;
  std::optional<uint64_t> declared_length_;  // x-amz-decoded-content-length
  uint64_t decoded_bytes_ = 0;
  std::string buffer_;
  std::unique_ptr<Checksum> checksum_;
  std::string checksum_algorithm_;                // lowercase, e.g. "crc32"
  std::optional<std::string> checksum_expected_;  // from the header; else from the trailer
  std::string checksum_computed_;
};

}  // namespace sf::engine::s3
