#pragma once
// Sequential frame iteration over one segment file, reading large ranges with pread and parsing
// the frames in place.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/result.h"
#include "engine/log/posix_file.h"
#include "engine/log/record_format.h"

namespace sf::engine {

// Reads the frames in [offset, limit) of `file`. Each refill is one pread of at least
// `chunk_bytes` (and at least one whole frame), so a read that was sized well is one syscall.
// Not thread-safe; `file` and `buffer` must outlive the reader. The buffer is reused across
// readers to avoid allocating per read.
class FrameReader {
 public:
  enum class Step {
    kFrame,  // *frame is the next frame; its views are valid until the next call
    kEnd,    // offset() reached the limit
    kBad,    // the bytes at offset() are not a whole valid frame; reason() says why
  };

  FrameReader(const File& file, uint64_t offset, uint64_t limit, size_t chunk_bytes,
              std::vector<char>* buffer);

  // kIo when the file cannot be read; otherwise the next step.
  Result<Step> Next(FrameView* frame);

  // The file offset of the frame Next returns next (after kBad: of the bad bytes).
  uint64_t offset() const { return buffer_offset_ + position_; }
  const char* reason() const { return reason_; }

 private:
  // Makes at least `need` bytes from offset() available, reading a whole chunk when it reads.
  Status Fill(size_t need);

  const File& file_;
  const uint64_t limit_;
  const size_t chunk_bytes_;
  std::vector<char>& buffer_;
  uint64_t buffer_offset_;  // file offset of buffer_[0]
  size_t position_ = 0;     // next unread byte in buffer_
  size_t length_ = 0;       // valid bytes in buffer_
  const char* reason_ = "";
};

}  // namespace sf::engine
