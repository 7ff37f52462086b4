#pragma once
// One segment of a shard log: a file of frames named by its first sequence, e.g.
// 00000000000000000042.log, with its sparse index in 00000000000000000042.idx once sealed.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "engine/log/posix_file.h"
#include "engine/log/segment_index.h"

namespace sf::engine {

inline constexpr std::string_view kLogExtension = ".log";
inline constexpr std::string_view kIndexExtension = ".idx";

// "<first_sequence as 20 digits><extension>".
std::string SegmentFileName(uint64_t first_sequence, std::string_view extension);
// The sequence named by a SegmentFileName with this extension; false for any other name.
bool ParseSegmentFileName(std::string_view name, std::string_view extension, uint64_t* first);

// Owned by ShardLog through shared_ptr, so a reader's snapshot outlives a concurrent drop.
// The active segment holds its whole sparse index; a sealed one only its summary (its entries
// are in its .idx file and, when recently used, in ShardLog's index cache).
struct Segment {
  // An active segment.
  Segment(std::string log_path, SegmentIndex segment_index, std::shared_ptr<File> file)
      : path(std::move(log_path)),
        first(segment_index.first_sequence()),
        index(std::make_unique<SegmentIndex>(std::move(segment_index))),
        writer(std::move(file)) {}
  // A sealed segment.
  Segment(std::string log_path, const SegmentSummary& sealed_summary)
      : path(std::move(log_path)), first(sealed_summary.first_sequence), sealed(sealed_summary) {}

  uint64_t first_sequence() const { return first; }
  // Guarded like `index` while active; fixed once sealed.
  SegmentSummary summary() const { return index ? index->summary() : sealed; }
  // Turns the active segment into a sealed one and returns its index, compacted.
  std::unique_ptr<SegmentIndex> Seal() {
    sealed = index->summary();
    index->Compact();
    return std::move(index);
  }

  const std::string path;  // of the .log file
  const uint64_t first;
  // While the segment is active ShardLog's mutexes guard `index`, `sealed` and `writer` (see
  // shard_log.h); once sealed they never change.
  std::unique_ptr<SegmentIndex> index;  // the active segment's; null once sealed
  SegmentSummary sealed;                // once sealed
  // The active segment's read-write descriptor; null once sealed (readers use the FileCache).
  std::shared_ptr<File> writer;
  // Set when DropBefore unpublishes the segment: its index is then neither cached nor rewritten.
  std::atomic<bool> dropped{false};
};

// How far a scan got.
struct ScanOutcome {
  uint64_t valid_bytes = 0;  // the bytes before the first bad frame (or all of them)
  bool clean = true;         // no bad frame
  std::string problem;       // when not clean: "<reason> at offset <n>"
};

// Scans the frames of `file` in [0, size), verifying each checksum and that sequences follow
// on from index->end_sequence(), and adds every good frame to *index. Stops at the first bad
// or torn frame. kIo only when the file cannot be read.
Result<ScanOutcome> ScanSegment(const File& file, uint64_t size, SegmentIndex* index);

}  // namespace sf::engine
