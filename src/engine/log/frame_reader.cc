#include "engine/log/frame_reader.h"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace sf::engine {

FrameReader::FrameReader(const File& file, uint64_t offset, uint64_t limit, size_t chunk_bytes,
                         std::vector<char>* buffer)
    : file_(file),
      limit_(limit),
      chunk_bytes_(std::max<size_t>(chunk_bytes, kFrameHeaderBytes)),
      buffer_(*buffer),
      buffer_offset_(offset) {}

Result<FrameReader::Step> FrameReader::Next(FrameView* frame) {
  if (offset() >= limit_) return Step::kEnd;
  for (;;) {
    std::string_view bytes(buffer_.data() + position_, length_ - position_);
    DecodeResult decoded = DecodeFrame(bytes, frame);
    if (decoded.status == DecodeStatus::kOk) {
      position_ += decoded.frame_bytes;
      return Step::kFrame;
    }
    reason_ = decoded.reason;
    if (decoded.status == DecodeStatus::kCorrupt) return Step::kBad;
    size_t need = std::max(decoded.frame_bytes, kFramePrefixBytes);
    if (need <= bytes.size()) return Step::kBad;      // cannot happen; never loop forever
    if (offset() + need > limit_) return Step::kBad;  // the frame runs past the end: torn
    if (auto filled = Fill(need); !filled) return tl::unexpected(filled.error());
  }
}

Status FrameReader::Fill(size_t need) {
  size_t kept = length_ - position_;
  if (kept > 0 && position_ > 0) std::memmove(buffer_.data(), buffer_.data() + position_, kept);
  buffer_offset_ += position_;
  position_ = 0;
  length_ = kept;
  uint64_t available = limit_ - buffer_offset_;
  size_t target = static_cast<size_t>(std::min<uint64_t>(std::max(need, chunk_bytes_), available));
  if (buffer_.size() < target) buffer_.resize(target);
  if (auto read = file_.ReadAt(buffer_.data() + kept, target - kept, buffer_offset_ + kept);
      !read) {
    return read;
  }
  length_ = target;
  return {};
}

}  // namespace sf::engine
