#include "auth/chunked.h"

#include <algorithm>
#include <charconv>

#include "auth/canonical.h"
#include "auth/crypto.h"

namespace sf::auth {

namespace {

constexpr std::string_view kSignatureExtension = ";chunk-signature=";
// hex size (at most 16 digits) + extension + 64-digit signature, with room to spare.
constexpr size_t kMaxSizeLine = 128;

constexpr std::string_view kTrailerSignatureName = "x-amz-trailer-signature";

// A chunk's size line and data, without the CRLF that ends the data.
std::string EncodeOne(const ChunkSigningContext& context, std::string* previous,
                      std::string_view data) {
  std::string signature = ChunkSignature(context, *previous, Sha256Hex(data));
  char size[20];
  auto end = std::to_chars(size, size + sizeof(size), data.size(), 16).ptr;
  std::string out(size, end);
  out.append(kSignatureExtension).append(signature).append("\r\n");
  out.append(data);
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

std::string TrailerSignature(const ChunkSigningContext& context, std::string_view previous,
                             const Trailers& trailers) {
  Trailers sorted;
  for (const auto& [name, value] : trailers) {
    sorted.emplace_back(ToLower(name), CanonicalHeaderValue(value));
  }
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string canonical;
  for (const auto& [name, value] : sorted) canonical.append(name).append(":").append(value + "\n");
  std::string to_sign = "AWS4-HMAC-SHA256-TRAILER\n";
  to_sign.append(context.amz_date).append("\n").append(context.scope).append("\n");
  to_sign.append(previous).append("\n").append(Sha256Hex(canonical));
  return HexEncode(HmacSha256(context.signing_key, to_sign));
}

ChunkedDecoder::ChunkedDecoder(ChunkSigningContext context, uint64_t max_chunk_size,
                               TrailerMode trailers)
    : context_(std::move(context)),
      max_chunk_size_(max_chunk_size),
      trailer_mode_(trailers),
      previous_signature_(context_.seed_signature) {}

std::optional<std::string> ChunkedDecoder::Trailer(std::string_view name) const {
  for (const auto& [n, v] : trailers_) {
    if (n == name) return v;
  }
  return std::nullopt;
}

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
  state_ = size > 0 ? State::kData : State::kDataEnd;
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
  if (chunk_size_ > 0) {
    state_ = State::kSizeLine;
  } else {
    state_ = trailer_mode_ == TrailerMode::kSigned ? State::kTrailerLine : State::kDone;
  }
  return {};
}

tl::expected<bool, Error> ChunkedDecoder::TakeLine(std::string_view* piece, size_t max) {
  size_t newline = piece->find('\n');
  size_t take = newline == std::string_view::npos ? piece->size() : newline + 1;
  line_.append(piece->substr(0, take));
  piece->remove_prefix(take);
  if (line_.size() > max) return tl::unexpected(Fail("aws-chunked: line too long").error());
  if (line_.back() != '\n') return false;
  if (line_.size() < 2 || line_[line_.size() - 2] != '\r') {
    return tl::unexpected(Fail("aws-chunked: line not ended by CRLF").error());
  }
  line_.resize(line_.size() - 2);
  return true;
}

// Acts on one whole line after the final chunk (in line_): a trailer, or their signature.
Status ChunkedDecoder::TrailerLine() {
  std::string_view line(line_);
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Fail(line.empty() ? "aws-chunked: the trailers end without x-amz-trailer-signature"
                             : "aws-chunked: bad trailer line");
  }
  std::string name = ToLower(CanonicalHeaderValue(line.substr(0, colon)));
  std::string value = CanonicalHeaderValue(line.substr(colon + 1));
  line_.clear();
  if (name != kTrailerSignatureName) {
    if (trailers_.size() == kMaxTrailers) return Fail("aws-chunked: too many trailers");
    trailers_.emplace_back(std::move(name), std::move(value));
    return {};
  }
  if (!IsLowerHexSha256(value)) return Fail("aws-chunked: bad x-amz-trailer-signature");
  if (!ConstantTimeEquals(TrailerSignature(context_, previous_signature_, trailers_), value)) {
    return Fail("aws-chunked: trailer signature does not match");
  }
  state_ = State::kTrailerEnd;
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
        auto whole = TakeLine(&piece, kMaxSizeLine);
        if (!whole) return tl::unexpected(whole.error());
        if (!*whole) break;
        if (Status status = ParseSizeLine(); !status) return status;
        break;
      }
      case State::kTrailerLine: {
        auto whole = TakeLine(&piece, kMaxTrailerLine);
        if (!whole) return tl::unexpected(whole.error());
        if (*whole) {
          if (Status status = TrailerLine(); !status) return status;
        }
        break;
      }
      case State::kTrailerEnd: {
        auto whole = TakeLine(&piece, 2);
        if (!whole) return tl::unexpected(whole.error());
        if (!*whole) break;
        if (!line_.empty()) return Fail("aws-chunked: a trailer after x-amz-trailer-signature");
        state_ = State::kDone;
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
        if (chunk_size_ == 0 && trailer_mode_ == TrailerMode::kSigned) {
          // The final chunk of the -TRAILER form: the trailers follow its size line at once.
          if (Status status = FinishChunk(out); !status) return status;
          break;
        }
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
  if (state_ == State::kTrailerEnd && line_.empty()) state_ = State::kDone;
  if (state_ == State::kTrailerLine || state_ == State::kTrailerEnd) {
    return Fail("aws-chunked: body ends inside the trailers");
  }
  if (state_ != State::kDone) return Fail("aws-chunked: body ends before the final chunk");
  return {};
}

ChunkedEncoder::ChunkedEncoder(ChunkSigningContext context)
    : context_(std::move(context)), previous_signature_(context_.seed_signature) {}

std::string ChunkedEncoder::Chunk(std::string_view data) {
  return EncodeOne(context_, &previous_signature_, data) + "\r\n";
}

std::string ChunkedEncoder::Final() {
  return EncodeOne(context_, &previous_signature_, {}) + "\r\n";
}

std::string ChunkedEncoder::FinalWithTrailers(const Trailers& trailers) {
  std::string out = EncodeOne(context_, &previous_signature_, {});
  for (const auto& [name, value] : trailers) out.append(name).append(":").append(value + "\r\n");
  out.append(kTrailerSignatureName).append(":");
  out.append(TrailerSignature(context_, previous_signature_, trailers)).append("\r\n\r\n");
  return out;
}

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
