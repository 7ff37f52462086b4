#pragma once
// The aws-chunked body of STREAMING-AWS4-HMAC-SHA256-PAYLOAD uploads ("Transferring Payload
// in Multiple Chunks"): each chunk is
//   hex(size) ";chunk-signature=" sig "\r\n" data "\r\n"
// ending with a zero-size chunk, where sig = HMAC(kSigning, "AWS4-HMAC-SHA256-PAYLOAD\n" +
// amz_date + "\n" + scope + "\n" + previous sig + "\n" + SHA256("") + "\n" + SHA256(data))
// and the first previous sig is the seed (the request's own signature).
// Not supported here: the -TRAILER variants (trailing checksums). Unsigned chunked bodies
// (STREAMING-UNSIGNED-PAYLOAD-TRAILER) are de-chunked by the S3 API (payload_decoder.h).

#include <cstdint>
#include <string>
#include <string_view>

#include "auth/sigv4_types.h"
#include "base/result.h"

namespace sf::auth {

// The signature of one chunk whose data hashes (hex) to `data_sha256`.
std::string ChunkSignature(const ChunkSigningContext& context, std::string_view previous,
                           std::string_view data_sha256);

// Decodes and verifies an aws-chunked body fed in pieces of any size. Memory is bounded by
// one chunk (`max_chunk_size`): a chunk's data is handed out only once its signature has
// been checked, so everything Feed appends is authentic. After the first error every call
// fails with it again. Not thread-safe.
class ChunkedDecoder {
 public:
  static constexpr uint64_t kDefaultMaxChunkSize = 16u << 20;

  explicit ChunkedDecoder(ChunkSigningContext context,
                          uint64_t max_chunk_size = kDefaultMaxChunkSize);

  // Consumes `piece`, appending the data of every chunk completed and verified to `*out`.
  // Fails (kInvalidArgument) on a bad size line, a bad chunk signature, a missing CRLF, or
  // bytes after the final chunk.
  Status Feed(std::string_view piece, std::string* out);
  // Call at the end of the body: fails unless the final zero-size chunk was complete.
  Status Finish();

  bool done() const { return state_ == State::kDone; }
  uint64_t decoded_bytes() const { return decoded_bytes_; }

 private:
  enum class State { kSizeLine, kData, kDataEnd, kDone, kFailed };

  Status Fail(std::string message);
  Status ParseSizeLine();
  Status FinishChunk(std::string* out);

  ChunkSigningContext context_;
  uint64_t max_chunk_size_;
  State state_ = State::kSizeLine;
  std::string line_;        // the size line so far, or the CRLF after data
  std::string data_;        // the current chunk's data
  uint64_t remaining_ = 0;  // data bytes still to come in the current chunk
  uint64_t chunk_size_ = 0;
  std::string chunk_signature_;
  std::string previous_signature_;
  uint64_t decoded_bytes_ = 0;
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
