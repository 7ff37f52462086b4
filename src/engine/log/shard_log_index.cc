// ShardLog's sealed-segment indexes: loaded from .idx on demand through a bounded cache, and
// rebuilt by scanning the segment when the .idx is missing or invalid (see README.md).

#include <fcntl.h>

#include "engine/log/shard_log.h"

namespace sf::engine {
namespace {

// The parsed .idx at `path`; any error (missing, unreadable, invalid) means "rebuild it".
Result<SegmentIndex> ReadIndexFile(const std::string& path, uint32_t interval_bytes) {
  auto file = File::Open(path, O_RDONLY);
  if (!file) return tl::unexpected(file.error());
  auto size = (*file)->Size();
  if (!size) return tl::unexpected(size.error());
  std::string bytes(*size, '\0');
  if (auto read = (*file)->ReadAt(bytes.data(), bytes.size(), 0); !read) {
    return tl::unexpected(read.error());
  }
  return SegmentIndex::Parse(bytes, interval_bytes);
}

}  // namespace

Result<std::shared_ptr<const SegmentIndex>> ShardLog::SealedIndex(const Segment& segment,
                                                                  const File& file) const {
  {
    std::lock_guard lock(index_mu_);
    if (auto cached = indexes_.Get(segment.first_sequence())) return cached;
  }
  // A miss: load without locks. Concurrent readers missing the same index each load it; the
  // copies are identical and the last one cached wins.
  auto loaded = LoadIndex(segment, file);
  if (!loaded) return tl::unexpected(loaded.error());
  auto index = std::make_shared<const SegmentIndex>(std::move(*loaded));
  std::lock_guard lock(index_mu_);
  // DropBefore sets `dropped` before it erases the segment's entry under index_mu_, so either
  // that erase comes after this Put or this sees `dropped`: a dropped index is never left here.
  if (!segment.dropped.load()) indexes_.Put(segment.first_sequence(), index);
  return index;
}

Result<SegmentIndex> ShardLog::LoadIndex(const Segment& segment, const File& file) const {
  index_loads_.fetch_add(1, std::memory_order_relaxed);
  auto parsed = ReadIndexFile(SegmentPath(segment.first_sequence(), kIndexExtension),
                              options_.index_interval_bytes);
  if (parsed && parsed->summary() == segment.sealed) return std::move(*parsed);
  return RebuildIndex(segment, file);
}

Result<SegmentIndex> ShardLog::RebuildIndex(const Segment& segment, const File& file) const {
  const SegmentSummary& summary = segment.sealed;
  SegmentIndex scanned(summary.first_sequence, options_.index_interval_bytes);
  auto outcome = ScanSegment(file, summary.file_bytes, &scanned);
  if (!outcome) return tl::unexpected(outcome.error());
  if (!outcome->clean) {
    return Fail(ErrorCode::kIo, "corrupt sealed segment " + segment.path + ": " + outcome->problem);
  }
  if (scanned.summary() != summary) {
    return Fail(ErrorCode::kIo,
                "sealed segment " + segment.path + " no longer matches its summary");
  }
  scanned.Compact();
  index_rebuilds_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(rebuild_mu_);
  if (!segment.dropped.load()) {
    // Best effort: if the write fails this read still has its index, and the next load of it
    // rebuilds it again. A torn attempt leaves only a .tmp file, which Open removes.
    (void)WriteFileAtomically(directory_, SegmentFileName(summary.first_sequence, kIndexExtension),
                              scanned.Serialize());
  }
  return scanned;
}

void ShardLog::CacheIndex(uint64_t first_sequence,
                          std::shared_ptr<const SegmentIndex> index) const {
  std::lock_guard lock(index_mu_);
  indexes_.Put(first_sequence, std::move(index));
}

size_t ShardLog::resident_index_count() const {
  std::lock_guard lock(index_mu_);
  return indexes_.count();
}

size_t ShardLog::resident_index_bytes() const {
  std::lock_guard lock(index_mu_);
  return indexes_.bytes();
}

}  // namespace sf::engine
