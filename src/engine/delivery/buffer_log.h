#pragma once
// BufferLog: the records of one delivery stream that are acknowledged but not yet delivered,
// on disk, so that an engine killed before a flush loses none of them.
//
// One directory per stream, of numbered segments:
//   <16 digits>.seg    records back to back, each [u32 length][u32 crc32c][i64 arrival ms][data]
//                      (length and crc cover arrival and data)
//   <16 digits>.seal   a sealed segment's delivery intent (the caller's text: bucket, key, ...),
//                      written atomically (temp file, fsync, rename, directory fsync)
// The last segment without a .seal is the active one: appends go there. Sealing writes the
// .seal; the next append starts a new segment. A sealed segment never changes again, so it can
// be read (ReadSegment) without the log's lock while appends go on.
//
// Durability: Append returns once the records are fdatasynced (and a new segment's directory
// entry fsynced), so an acknowledged record survives SIGKILL and power loss. Remove, after the
// segment's object is written, unlinks the .seg first and the .seal second: a crash between the
// two leaves a .seal alone, which Open discards.
//
// Recovery (Open): stray temp files and lone .seal files are removed; every segment is scanned
// and cut (ftruncate + fdatasync) at its first torn or corrupt frame (only the active one can
// have any: a crash mid-append, never acknowledged); a segment without .seal that is not the
// last is sealed through `namer` (a crash between starting a segment and sealing the one before
// cannot leave one, but an old layout could); empty ones are removed.
//
// Not thread-safe: the owner serialises calls (ReadSegment excepted).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace sf::engine {
class File;
}

namespace sf::engine::delivery {

struct BufferedRecord {
  int64_t arrival_ms = 0;
  std::string_view data;
};

struct SegmentSummary {
  uint64_t sequence = 0;
  uint64_t records = 0;
  uint64_t bytes = 0;  // data bytes, frames excluded
  int64_t oldest_ms = 0;
};

struct SealedSegment {
  SegmentSummary summary;
  std::string intent;
};

struct BufferRecovery {
  uint64_t records = 0;
  uint64_t truncated_bytes = 0;
};

// Names the object a segment is sealed for: the intent stored beside it.
using SegmentNamer = std::function<std::string(const SegmentSummary& segment)>;

struct AppendOutcome {
  size_t durable = 0;               // how many of the records are on disk (a prefix of them)
  std::optional<Error> error = {};  // why the rest are not
};

class BufferLog {
 public:
  static Result<std::unique_ptr<BufferLog>> Open(const std::string& directory,
                                                 const SegmentNamer& namer,
                                                 BufferRecovery* recovered = nullptr);
  ~BufferLog();
  BufferLog(const BufferLog&) = delete;
  BufferLog& operator=(const BufferLog&) = delete;

  // Appends `records` in order and makes them durable. The active segment is sealed (through
  // `namer`) before a record that would take it past `max_bytes`, and when a record brings it
  // to `max_bytes` or more: a segment holds at most max_bytes unless one record is larger.
  AppendOutcome Append(std::span<const BufferedRecord> records, uint64_t max_bytes,
                       const SegmentNamer& namer);
  // Seals the active segment if it holds records.
  Status Seal(const SegmentNamer& namer);
  // Removes a sealed segment (its object is written).
  Status Remove(uint64_t sequence);
  // Removes the directory and everything in it; the log is unusable afterwards.
  Status Destroy();

  const SegmentSummary& active() const { return active_; }
  const std::vector<SealedSegment>& sealed() const { return sealed_; }  // oldest first
  std::string SegmentPath(uint64_t sequence) const;
  uint64_t buffered_records() const;
  uint64_t buffered_bytes() const;
  // The arrival of the oldest record held (sealed or active); 0 when none.
  int64_t oldest_ms() const;

 private:
  explicit BufferLog(std::string directory);
  Status Recover(const SegmentNamer& namer, BufferRecovery* recovered);
  // Writes `pending` to the active segment (creating it first) and fdatasyncs.
  Status WritePending(std::string& pending);
  Status SealActive(const SegmentNamer& namer);
  std::string SealPath(uint64_t sequence) const;

  const std::string directory_;
  SegmentSummary active_;
  std::unique_ptr<File> active_file_;  // null until the active segment's first append
  uint64_t active_size_ = 0;           // bytes of frames in the active file
  std::vector<SealedSegment> sealed_;
};

// A sealed segment's records, their data concatenated in order. A corrupt frame ends the read:
// what follows it is counted in `dropped_bytes` (disk damage; never a torn write, which Open
// has cut away).
struct SegmentData {
  std::string data;
  uint64_t records = 0;
  uint64_t dropped_bytes = 0;
};
Result<SegmentData> ReadSegment(const std::string& path);

}  // namespace sf::engine::delivery
