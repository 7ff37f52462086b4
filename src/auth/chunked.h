#pragma once
// The aws-chunked body of STREAMING-AWS4-HMAC-SHA256-PAYLOAD uploads ("Transferring Payload
// in Multiple Chunks"): each chunk is
//   hex(size) ";chunk-signature=" sig "\r\n" data "\r\n"
// ending with a zero-size chunk, where sig = HMAC(kSigning, "AWS4-HMAC-SHA256-PAYLOAD\n" +
// amz_date + "\n" + scope + "\n" + previous sig + "\n" + SHA256("") + "\n" + SHA256(data))
// and the first previous sig is the seed (the request's own signature).
//
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER ("Including Trailing Headers") is the same up to
// the final chunk, which is followed at once (no CRLF of its own) by trailer lines and a
// signature over them, then an empty line:
//   "0;chunk-signature=" sig "\r\n" ("name:value\r\n")* "x-amz-trailer-signature:" tsig "\r\n\r\n"
// where tsig = HMAC(kSigning, "AWS4-HMAC-SHA256-TRAILER\n" + amz_date + "\n" + scope + "\n" +
// final chunk's sig + "\n" + SHA256(canonical trailers)), the canonical trailers being
// "name:value\n" for each (lowercase name, value trimmed as a canonical header's, sorted by
// name).
// Unsigned chunked bodies (STREAMING-UNSIGNED-PAYLOAD-TRAILER) are de-chunked by the S3 API
// (payload_decoder.h).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/sigv4_types.h"
#include "base/result.h"

namespace sf::auth {

// The signature of one chunk whose data hashes (hex) to `data_sha256`.
std::string ChunkSignature(const ChunkSigningContext& context, std::string_view previous,
                           std::string_view data_sha256);

// Trailing headers as sent: (name, value) in order.
using Trailers = std::vector<std::pair<std::string, std::string>>;

// The signature of trailers that follow a final chunk signed `previous`.
std::string TrailerSignature(const ChunkSigningContext& context, std::string_view previous,
                             const Trailers& trailers);

// Decodes and verifies an aws-chunked body fed in pieces of any size. Memory is bounded by
// one chunk (`max_chunk_size`): a chunk's data is handed out only once its signature has
// been checked, so everything Feed appends is authentic. After the first error every call
// fails with it again. Not thread-safe.
class ChunkedDecoder {
 public:
  static constexpr uint64_t kDefaultMaxChunkSize = 16u << 20;
  // Whether signed trailers follow the final chunk (the -TRAILER form).
  enum class TrailerMode { kNone, kSigned };
  static constexpr size_t kMaxTrailers = 16;
  static constexpr size_t kMaxTrailerLine = 1024;

  explicit ChunkedDecoder(ChunkSigningContext context,
                          uint64_t max_chunk_size = kDefaultMaxChunkSize,
                          TrailerMode trailers = TrailerMode::kNone);

  // Consumes `piece`, appending the data of every chunk completed and verified to `*out`.
  // Fails (kInvalidArgument) on a bad size line, a bad chunk or trailer signature, a missing
  // CRLF, malformed or too many trailers, or bytes after the end.
  Status Feed(std::string_view piece, std::string* out);
  // Call at the end of the body: fails unless the final zero-size chunk (and, in the -TRAILER
  // form, the signed trailers) were complete. The empty line after the trailer signature may
  // be missing.
  Status Finish();

  bool done() const { return state_ == State::kDone; }
  uint64_t decoded_bytes() const { return decoded_bytes_; }
  // The verified trailers (lowercase names), once Finish succeeded in the -TRAILER form.
  const Trailers& trailers() const { return trailers_; }
  // The value of trailer `name` (lowercase), if it was sent.
  std::optional<std::string> Trailer(std::string_view name) const;

 private:
  enum class State { kSizeLine, kData, kDataEnd, kTrailerLine, kTrailerEnd, kDone, kFailed };

  Status Fail(std::string message);
  Status ParseSizeLine();
  Status FinishChunk(std::string* out);
  // Takes bytes of a CRLF-ended line into line_; true once line_ holds a whole line (without
  // its CRLF).
  tl::expected<bool, Error> TakeLine(std::string_view* piece, size_t max);
  Status TrailerLine();

  ChunkSigningContext context_;
  uint64_t max_chunk_size_;
  TrailerMode trailer_mode_;
  State state_ = State::kSizeLine;
  std::string line_;        // the size or trailer line so far, or the CRLF after data
  std::string data_;        // the current chunk's data
  uint64_t remaining_ = 0;  // data bytes still to come in the current chunk
  uint64_t chunk_size_ = 0;
  std::string chunk_signature_;
  std::string previous_signature_;
  uint64_t decoded_bytes_ = 0;
  Trailers trailers_;
  std::string error_;
};

// The signer's side: produces chunks in order. Not thread-safe.
class ChunkedEncoder {
 public:
  explicit ChunkedEncoder(ChunkSigningContext context);
  // One encoded chunk carrying `data` (which must not be empty: empty is the final chunk).
  std::string Chunk(std::string_view data);
  // The final zero-size chunk.
  std::string Final();
  // The final zero-size chunk of the -TRAILER form, followed by `trailers` and their signature.
  std::string FinalWithTrailers(const Trailers& trailers);

 private:
  ChunkSigningContext context_;
  std::string previous_signature_;
};

// The whole aws-chunked body for `body` in chunks of `chunk_size` (> 0) bytes.
std::string EncodeChunkedBody(const ChunkSigningContext& context, std::string_view body,
                              uint64_t chunk_size);
// The Content-Length of that body (x-amz-decoded-content-length is `decoded_length`).
uint64_t ChunkedEncodedLength(uint64_t decoded_length, uint64_t chunk_size);

}  // namespace sf::auth
