#include "engine/log/record_format.h"

#include <cstring>

#include "engine/log/coding.h"
#include "engine/log/crc32c.h"

namespace sf::engine {

char* EncodeFrame(char* dst, uint64_t sequence, int64_t arrival_ms, std::string_view key,
                  std::string_view data) {
  size_t body_bytes = kFrameBodyHeaderBytes + key.size() + data.size();
  char* body = dst + kFramePrefixBytes;
  EncodeFixed<uint64_t>(body, sequence);
  EncodeFixed<int64_t>(body + 8, arrival_ms);
  EncodeFixed<uint16_t>(body + 16, static_cast<uint16_t>(key.size()));
  if (!key.empty()) std::memcpy(body + kFrameBodyHeaderBytes, key.data(), key.size());
  if (!data.empty()) {
    std::memcpy(body + kFrameBodyHeaderBytes + key.size(), data.data(), data.size());
  }
  EncodeFixed<uint32_t>(dst, static_cast<uint32_t>(body_bytes));
  EncodeFixed<uint32_t>(dst + 4, Crc32cExtend(0, body, body_bytes));
  return body + body_bytes;
}

DecodeResult DecodeFrame(std::string_view bytes, FrameView* frame) {
  if (bytes.size() < kFramePrefixBytes) return {DecodeStatus::kNeedMore, 0, "torn frame prefix"};
  size_t body_bytes = DecodeFixed<uint32_t>(bytes.data());
  if (body_bytes < kFrameBodyHeaderBytes || body_bytes > kMaxFrameBodyBytes) {
    return {DecodeStatus::kCorrupt, 0, "impossible frame length"};
  }
  size_t frame_bytes = kFramePrefixBytes + body_bytes;
  if (bytes.size() < frame_bytes) return {DecodeStatus::kNeedMore, frame_bytes, "torn frame"};
  const char* body = bytes.data() + kFramePrefixBytes;
  if (Crc32cExtend(0, body, body_bytes) != DecodeFixed<uint32_t>(bytes.data() + 4)) {
    return {DecodeStatus::kCorrupt, frame_bytes, "checksum mismatch"};
  }
  size_t key_bytes = DecodeFixed<uint16_t>(body + 16);
  if (key_bytes > body_bytes - kFrameBodyHeaderBytes) {
    return {DecodeStatus::kCorrupt, frame_bytes, "key longer than frame"};
  }
  frame->sequence = DecodeFixed<uint64_t>(body);
  frame->arrival_ms = DecodeFixed<int64_t>(body + 8);
  frame->key = std::string_view(body + kFrameBodyHeaderBytes, key_bytes);
  frame->data = std::string_view(body + kFrameBodyHeaderBytes + key_bytes,
                                 body_bytes - kFrameBodyHeaderBytes - key_bytes);
  return {DecodeStatus::kOk, frame_bytes, ""};
}

}  // namespace sf::engine
