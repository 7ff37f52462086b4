#include "auth/chunked.h"

#include <algorithm>
#include <charconv>

#include "auth/crypto.h"

namespace sf::auth {

namespace {

constexpr std::string_view kSignatureExtension = ";chunk-signature=";
// hex size (at most 16 digits) + extension + 64-digit signature, with room to spare.
constexpr size_t kMaxSizeLine = 128;

std::string EncodeOne(const ChunkSigningContext& context, std::string* previous,
                      std::string_view data) {
  std::string signature = ChunkSignature(context, *previous, Sha256Hex(data));
  char size[20];
  auto end = std::to_chars(size, size + sizeof(size), data.size(), 16).ptr;
  std::string out(size, end);
  out.append(kSignatureExtension).append(signature).append("\r\n");
  out.append(data).append("\r\n");
  *previous = std::move(signature);
  return out;
}

}  // namespace

std::string ChunkSignature(const ChunkSigningContext& context, std::string_view previous,
                           std::string_view data_sha256) {
  std::string to_sign = "AWS4-HMAC-SHA256-PAYLOAD\n";
  to_sign.append(context.amz_date).append("\n").append(context.scope).append("\n");
  to_sign.append(previous).append("\n").append(kEmptySha256).append("\n").append(data_sha256);
  return HexEncode(HmacSha256(context.signing_key, to_sign));
}

ChunkedDecoder::ChunkedDecoder(ChunkSigningContext context, uint64_t max_chunk_size)
    : context_(std::move(context)),
      max_chunk_size_(max_chunk_size),
      previous_signature_(context_.seed_signature) {}

Status ChunkedDecoder::Fail(std::string message) {
  state_ = State::kFailed;
  error_ = std::move(message);
  return sf::Fail(ErrorCode::kInvalidArgument, error_);
}

Status ChunkedDecoder::ParseSizeLine() {
  std::string_view line(line_);
  size_t semicolon = line.find(';');
  std::string_view hex = line.substr(0, semicolon);
  if (semicolon == std::string_view::npos || hex.empty() || hex.size() > 16 ||
      line.substr(semicolon, kSignatureExtension.size()) != kSignatureExtension) {
    return Fail("aws-chunked: bad chunk size line");
  }
  uint64_t size = 0;
  auto [end, error] = std::from_chars(hex.data(), hex.data() + hex.size(), size, 16);
  if (error != std::errc() || end != hex.data() + hex.size()) {
    return Fail("aws-chunked: bad chunk size");
  }
  if (size > max_chunk_size_) return Fail("aws-chunked: chunk larger than the limit");
  std::string_view signature = line.substr(semicolon + kSignatureExtension.size());
  if (!IsLowerHexSha256(signature)) return Fail("aws-chunked: bad chunk-signature");
  chunk_size_ = remaining_ = size;
  chunk_signature_ = std::string(signature);
  data_.clear();
  line_.clear();
  state_ = size == 0 ? State::kDataEnd : State::kData;
  return {};
}

Status ChunkedDecoder::FinishChunk(std::string* out) {
  std::string expected = ChunkSignature(context_, previous_signature_, Sha256Hex(data_));
  if (!ConstantTimeEquals(expected, chunk_signature_)) {
    return Fail("aws-chunked: chunk signature does not match");
  }
  previous_signature_ = std::move(chunk_signature_);
  out->append(data_);
  decoded_bytes_ += data_.size();
  data_.clear();
  state_ = chunk_size_ == 0 ? State::kDone : State::kSizeLine;
  return {};
}

Status ChunkedDecoder::Feed(std::string_view piece, std::string* out) {
  while (!piece.empty() || state_ == State::kFailed) {
    switch (state_) {
      case State::kFailed:
        return sf::Fail(ErrorCode::kInvalidArgument, error_);
      case State::kDone:
        return Fail("aws-chunked: data after the final chunk");
      case State::kSizeLine: {
        size_t newline = piece.find('\n');
        size_t take = newline == std::string_view::npos ? piece.size() : newline + 1;
        line_.append(piece.substr(0, take));
        piece.remove_prefix(take);
        if (line_.size() > kMaxSizeLine) return Fail("aws-chunked: chunk size line too long");
        if (line_.back() != '\n') break;
        if (line_.size() < 2 || line_[line_.size() - 2] != '\r') {
          return Fail("aws-chunked: size line not ended by CRLF");
        }
        line_.resize(line_.size() - 2);
        if (Status status = ParseSizeLine(); !status) return status;
        break;
      }
      case State::kData: {
        size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, piece.size()));
        data_.append(piece.substr(0, take));
        piece.remove_prefix(take);
        remaining_ -= take;
        if (remaining_ == 0) state_ = State::kDataEnd;
        break;
      }
      case State::kDataEnd: {
        size_t take = std::min<size_t>(2 - line_.size(), piece.size());
        line_.append(piece.substr(0, take));
        piece.remove_prefix(take);
        if (line_.size() < 2) break;
        if (line_ != "\r\n") return Fail("aws-chunked: chunk data not followed by CRLF");
        line_.clear();
        if (Status status = FinishChunk(out); !status) return status;
        break;
      }
    }
  }
  return {};
}

Status ChunkedDecoder::Finish() {
  if (state_ == State::kFailed) return sf::Fail(ErrorCode::kInvalidArgument, error_);
  if (state_ != State::kDone) return Fail("aws-chunked: body ends before the final chunk");
  return {};
}

ChunkedEncoder::ChunkedEncoder(ChunkSigningContext context)
    : context_(std::move(context)), previous_signature_(context_.seed_signature) {}

std::string ChunkedEncoder::Chunk(std::string_view data) {
  return EncodeOne(context_, &previous_signature_, data);
}

std::string ChunkedEncoder::Final() { return EncodeOne(context_, &previous_signature_, {}); }

std::string EncodeChunkedBody(const ChunkSigningContext& context, std::string_view body,
                              uint64_t chunk_size) {
  ChunkedEncoder encoder(context);
  std::string out;
  while (!body.empty()) {
    size_t take = static_cast<size_t>(std::min<uint64_t>(chunk_size, body.size()));
    out += encoder.Chunk(body.substr(0, take));
    body.remove_prefix(take);
  }
  out += encoder.Final();
  return out;
}

uint64_t ChunkedEncodedLength(uint64_t decoded_length, uint64_t chunk_size) {
  auto framing = [](uint64_t size) {
    uint64_t hex_digits = 1;
    for (uint64_t s = size; s >= 16; s /= 16) ++hex_digits;
    return hex_digits + kSignatureExtension.size() + 64 + 2 + size + 2;
  };
  uint64_t full = decoded_length / chunk_size;
  uint64_t rest = decoded_length % chunk_size;
  return full * framing(chunk_size) + (rest > 0 ? framing(rest) : 0) + framing(0);
}

}  // namespace sf::auth
