#pragma once
// What one segment holds: its sequence range, byte size, arrival range and sparse index.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace sf::engine {

// A point in a segment: the frame of `sequence` starts at byte `offset`.
struct IndexEntry {
  uint64_t sequence = 0;
  int64_t arrival_ms = 0;
  uint64_t offset = 0;
};

// What a segment's summary says without its entries: enough to choose the segment for a read
// or a timestamp seek. A few dozen bytes, kept in RAM for every segment.
struct SegmentSummary {
  uint64_t first_sequence = 0;
  uint64_t end_sequence = 0;  // one past the last record
  uint64_t file_bytes = 0;
  int64_t min_arrival_ms = 0;  // 0 when empty
  int64_t max_arrival_ms = 0;  // 0 when empty

  uint64_t record_count() const { return end_sequence - first_sequence; }
  bool empty() const { return end_sequence == first_sequence; }
  bool operator==(const SegmentSummary&) const = default;
};

// Built frame by frame as a segment is appended to (or scanned), and serialised to the
// segment's `.idx` file when it is sealed. The index holds the segment's first frame and then
// one frame at least every `interval_bytes` bytes. Arrival times are assumed non-decreasing
// (ShardLog makes them so). Not thread-safe: the owner synchronises.
class SegmentIndex {
 public:
  SegmentIndex(uint64_t first_sequence, uint32_t interval_bytes);

  // Records the next frame, which starts at file_bytes(). Requires sequence == end_sequence().
  void Add(uint64_t sequence, int64_t arrival_ms, size_t frame_bytes);

  uint64_t first_sequence() const { return first_sequence_; }
  uint64_t end_sequence() const { return end_sequence_; }  // one past the last record
  uint64_t record_count() const { return end_sequence_ - first_sequence_; }
  bool empty() const { return end_sequence_ == first_sequence_; }
  uint64_t file_bytes() const { return file_bytes_; }
  int64_t min_arrival_ms() const { return min_arrival_ms_; }  // 0 when empty
  int64_t max_arrival_ms() const { return max_arrival_ms_; }  // 0 when empty
  const std::vector<IndexEntry>& entries() const { return entries_; }
  SegmentSummary summary() const {
    return {first_sequence_, end_sequence_, file_bytes_, min_arrival_ms_, max_arrival_ms_};
  }

  // Caps the growth of the entries at `entries` (how many a full segment needs), so an index
  // being built never holds much more room than it will use.
  void ExpectEntries(size_t entries) { expected_entries_ = entries; }
  // Releases unused room: after this the index holds exactly its entries.
  void Compact() { entries_.shrink_to_fit(); }
  // The heap and object bytes this index occupies.
  size_t memory_bytes() const { return sizeof(*this) + entries_.capacity() * sizeof(IndexEntry); }

  // Where a scan for `sequence` starts: the last entry at or before it ({first, 0, 0} if empty).
  IndexEntry FloorBySequence(uint64_t sequence) const;
  // Where a scan for the first record with arrival_ms >= t starts: the last entry that arrived
  // before t, or the first entry. Every record before the returned one arrived before t.
  IndexEntry StartForArrival(int64_t t) const;

  // The `.idx` file: a fixed header, the entries, and a CRC-32C of everything before it.
  std::string Serialize() const;
  // Parses and checks Serialize()'s output; kParse on any inconsistency.
  static Result<SegmentIndex> Parse(std::string_view bytes, uint32_t interval_bytes);

 private:
  uint64_t first_sequence_;
  uint64_t end_sequence_;
  uint64_t file_bytes_ = 0;
  int64_t min_arrival_ms_ = 0;
  int64_t max_arrival_ms_ = 0;
  uint32_t interval_bytes_;
  size_t expected_entries_ = 0;  // 0: grow as std::vector does
  std::vector<IndexEntry> entries_;
};

}  // namespace sf::engine
