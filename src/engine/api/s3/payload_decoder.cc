#include "engine/api/s3/payload_decoder.h"

#include <cctype>
#include <charconv>

#include "auth/sigv4_types.h"

namespace sf::engine::s3 {

namespace {

constexpr size_t kMaxLine = 4096;  // a size line with extensions, or one trailer line

ApiError Incomplete(std::string message) { return {"IncompleteBody", std::move(message), 400}; }

}  // namespace

tl::expected<void, std::string> UnsignedChunkReader::Fail(std::string message) {
  state_ = State::kFailed;
  return tl::unexpected("aws-chunked: " + message);
}

// Acts on the complete line in line_ (without its CRLF).
tl::expected<void, std::string> UnsignedChunkReader::EndOfLine() {
  std::string_view line(line_);
  if (state_ == State::kSizeLine) {
    std::string_view hex = line.substr(0, line.find(';'));
    uint64_t size = 0;
    auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), size, 16);
    if (hex.empty() || hex.size() > 16 || ec != std::errc() || end != hex.data() + hex.size()) {
      return Fail("bad chunk size line");
    }
    remaining_ = size;
    state_ = size == 0 ? State::kTrailer : State::kData;
  } else if (state_ == State::kDataEnd) {
    if (!line.empty()) return Fail("chunk data longer than its size");
    state_ = State::kSizeLine;
  } else if (state_ == State::kTrailer) {
    size_t colon = line.find(':');
    if (line.empty()) {
      state_ = State::kDone;
    } else if (colon == std::string_view::npos) {
      return Fail("bad trailer line");
    } else {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
      trailers_.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
  }
  line_.clear();
  return {};
}

tl::expected<void, std::string> UnsignedChunkReader::Feed(std::string_view piece,
                                                          std::string* out) {
  while (!piece.empty()) {
    switch (state_) {
      case State::kFailed:
        return tl::unexpected(std::string("aws-chunked: body already failed"));
      case State::kDone:
        return Fail("bytes after the final chunk");
      case State::kData: {
        size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, piece.size()));
        out->append(piece.data(), n);
        piece.remove_prefix(n);
        remaining_ -= n;
        if (remaining_ == 0) state_ = State::kDataEnd;
        break;
      }
      default: {  // a line: size, the CRLF after data, or a trailer
        size_t lf = piece.find('\n');
        std::string_view part = piece.substr(0, lf);
        if (line_.size() + part.size() > kMaxLine) return Fail("line too long");
        line_.append(part);
        if (lf == std::string_view::npos) return {};
        piece.remove_prefix(lf + 1);
        if (line_.empty() || line_.back() != '\r') return Fail("line not ended by CRLF");
        line_.pop_back();
        if (auto ended = EndOfLine(); !ended) return ended;
      }
    }
  }
  return {};
}

std::optional<std::string> UnsignedChunkReader::Trailer(std::string_view name) const {
  for (const auto& [n, v] : trailers_) {
    if (auth::EqualsIgnoreCase(n, name)) return v;
  }
  return std::nullopt;
}

ApiResult<std::unique_ptr<PayloadDecoder>> PayloadDecoder::For(const HttpRequest& head,
                                                               const auth::Authenticated& auth) {
  std::unique_ptr<PayloadDecoder> decoder(new PayloadDecoder());
  std::string_view hash = auth.payload_hash;
  if (const std::string* length = head.Header("x-amz-decoded-content-length")) {
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(length->data(), length->data() + length->size(), n);
    if (ec != std::errc() || end != length->data() + length->size()) {
      return ApiFail("InvalidArgument", "x-amz-decoded-content-length is not a number");
    }
    decoder->declared_length_ = n;
  }
  const bool signed_trailer = hash == auth::kStreamingSignedTrailer;
  if (hash == auth::kStreamingPayload || signed_trailer) {
    if (auth.chunk_context) {
      decoder->mode_ = Mode::kSignedChunks;
      decoder->signed_.emplace(*auth.chunk_context, auth::ChunkedDecoder::kDefaultMaxChunkSize,
                               signed_trailer ? auth::ChunkedDecoder::TrailerMode::kSigned
                                              : auth::ChunkedDecoder::TrailerMode::kNone);
    } else {
      decoder->mode_ = Mode::kUnsignedChunks;  // only reachable with auth disabled
    }
  } else if (hash == auth::kStreamingUnsignedTrailer) {
    decoder->mode_ = Mode::kUnsignedChunks;
  } else if (hash.substr(0, 10) == "STREAMING-") {
    return ApiFail("NotImplemented",
                   "streamform does not implement the payload form " + std::string(hash), 501);
  } else if (auth::IsLowerHexSha256(hash)) {
    decoder->expected_sha256_ = std::string(hash);
    decoder->sha256_.emplace();
  }
  // A flexible checksum: its value in a header, or announced as a trailer.
  for (const auto& [name, value] : head.headers) {
    if (auto algorithm = ChecksumAlgorithmOfHeader(name)) {
      decoder->checksum_algorithm_ = *algorithm;
      decoder->checksum_expected_ = value;
    }
  }
  if (const std::string* trailer = head.Header("x-amz-trailer")) {
    auto algorithm = ChecksumAlgorithmOfHeader(*trailer);
    const bool has_trailers =
        decoder->mode_ == Mode::kUnsignedChunks || (signed_trailer && decoder->signed_);
    if (!algorithm || !has_trailers) {
      return ApiFail("InvalidRequest",
                     "The value specified in the x-amz-trailer header is not "
                     "supported");
    }
    decoder->checksum_algorithm_ = *algorithm;
  }
  if (!decoder->checksum_algorithm_.empty()) {
    decoder->checksum_ = Checksum::For(decoder->checksum_algorithm_);
    if (!decoder->checksum_) {
      return ApiFail("InvalidRequest", "x-amz-checksum-" + decoder->checksum_algorithm_ +
                                           " is not a checksum algorithm S3 supports");
    }
  }
  if (decoder->mode_ != Mode::kPlain && !decoder->declared_length_) {
    return ApiFail("MissingContentLength", "You must provide the Content-Length HTTP header.", 411);
  }
  return decoder;
}

ApiResult<std::string_view> PayloadDecoder::Feed(std::string_view slice) {
  std::string_view data = slice;
  if (mode_ != Mode::kPlain) {
    buffer_.clear();
    if (mode_ == Mode::kSignedChunks) {
      if (auto fed = signed_->Feed(slice, &buffer_); !fed) {
        return ApiFail("SignatureDoesNotMatch", fed.error().message, 403);
      }
    } else if (auto fed = unsigned_.Feed(slice, &buffer_); !fed) {
      return ApiFail("IncompleteBody", fed.error(), 400);
    }
    data = buffer_;
  }
  if (sha256_) sha256_->Update(data);
  if (checksum_) checksum_->Update(data);
  decoded_bytes_ += data.size();
  if (declared_length_ && decoded_bytes_ > *declared_length_) {
    return tl::unexpected(Incomplete("the body is longer than x-amz-decoded-content-length"));
  }
  return data;
}

ApiResult<void> PayloadDecoder::Finish() {
  if (mode_ == Mode::kSignedChunks) {
    if (auto finished = signed_->Finish(); !finished) {
      return tl::unexpected(Incomplete(finished.error().message));
    }
  } else if (mode_ == Mode::kUnsignedChunks && !unsigned_.done()) {
    return tl::unexpected(Incomplete("aws-chunked: the body ended before its final chunk"));
  }
  if (declared_length_ && decoded_bytes_ != *declared_length_) {
    return tl::unexpected(
        Incomplete("You did not provide the number of bytes specified by the Content-Length "
                   "HTTP header."));
  }
  if (sha256_ && auth::HexEncode(sha256_->Finish()) != *expected_sha256_) {
    return ApiFail("XAmzContentSHA256Mismatch",
                   "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  if (checksum_) {
    std::string header = "x-amz-checksum-" + checksum_algorithm_;
    if (!checksum_expected_) {
      checksum_expected_ = signed_ ? signed_->Trailer(header) : unsigned_.Trailer(header);
    }
    if (!checksum_expected_) {
      return ApiFail("InvalidRequest", "The trailer " + header + " was announced but not sent");
    }
    checksum_computed_ = checksum_->Finish();
    if (checksum_computed_ != *checksum_expected_) {
      std::string upper = checksum_algorithm_;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return ApiFail("BadDigest",
                     "The " + upper + " you specified did not match the calculated checksum.");
    }
  }
  return {};
}

std::optional<std::pair<std::string, std::string>> PayloadDecoder::checksum_header() const {
  if (!checksum_ || checksum_computed_.empty()) return std::nullopt;
  return std::make_pair("x-amz-checksum-" + checksum_algorithm_, checksum_computed_);
}

}  // namespace sf::engine::s3
