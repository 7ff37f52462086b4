#pragma once
// One record on disk (a "frame"), little endian:
//
//   [u32 length][u32 crc][u64 sequence][i64 arrival_ms][u16 key_length][key][data]
//
// `length` counts the bytes after the crc field (sequence through data); `crc` is the CRC-32C
// of those same bytes. A segment file is frames back to back, nothing else.
// Pure functions, safe from any thread.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sf::engine {

inline constexpr size_t kFramePrefixBytes = 8;       // length + crc
inline constexpr size_t kFrameBodyHeaderBytes = 18;  // sequence + arrival_ms + key_length
inline constexpr size_t kFrameHeaderBytes = kFramePrefixBytes + kFrameBodyHeaderBytes;
inline constexpr size_t kMaxPartitionKeyBytes = 0xFFFF;
// Longer bodies are rejected on append and treated as corruption when read.
inline constexpr size_t kMaxFrameBodyBytes = size_t{256} << 20;

// A decoded frame. The views point into the bytes given to DecodeFrame.
struct FrameView {
  uint64_t sequence = 0;
  int64_t arrival_ms = 0;
  std::string_view key;
  std::string_view data;
};

// Bytes a frame with this key and data occupies on disk.
inline constexpr size_t FrameSize(size_t key_bytes, size_t data_bytes) {
  return kFrameHeaderBytes + key_bytes + data_bytes;
}

// Writes one frame at dst, which must have FrameSize(key.size(), data.size()) bytes, and returns
// the end of it. Requires key.size() <= kMaxPartitionKeyBytes and a body <= kMaxFrameBodyBytes.
char* EncodeFrame(char* dst, uint64_t sequence, int64_t arrival_ms, std::string_view key,
                  std::string_view data);

enum class DecodeStatus {
  kOk,        // *frame holds the frame; frame_bytes is its size
  kNeedMore,  // bytes end inside the frame; frame_bytes is its full size if the prefix was read
  kCorrupt,   // not a valid frame: impossible length or bad checksum (reason says which)
};

struct DecodeResult {
  DecodeStatus status = DecodeStatus::kCorrupt;
  size_t frame_bytes = 0;
  const char* reason = "";
};

// Decodes the frame at the start of `bytes`, verifying its length fields and checksum.
DecodeResult DecodeFrame(std::string_view bytes, FrameView* frame);

}  // namespace sf::engine
