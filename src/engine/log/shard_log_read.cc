// ShardLog's read side: Read and SeekTimestamp. Both take a snapshot of what to read under
// state_mu_ and then read the files without locks.

#include <algorithm>

#include "engine/log/frame_reader.h"
#include "engine/log/shard_log.h"

namespace sf::engine {
namespace {

constexpr size_t kMinChunkBytes = 4096;
constexpr size_t kMaxChunkBytes = size_t{32} << 20;
constexpr size_t kMaxReserve = 10000;
constexpr size_t kKeptBufferBytes = size_t{16} << 20;

// One buffer per reading thread, reused so reads do not allocate it each time.
std::vector<char>& ThreadBuffer() {
  thread_local std::vector<char> buffer;
  return buffer;
}

void TrimThreadBuffer() {
  std::vector<char>& buffer = ThreadBuffer();
  if (buffer.capacity() > kKeptBufferBytes) std::vector<char>().swap(buffer);
}

Error CorruptFrame(const File& file, uint64_t offset, const std::string& problem) {
  return Error{ErrorCode::kIo, "corrupt frame in " + file.path() + " at offset " +
                                   std::to_string(offset) + ": " + problem};
}

// Bytes to read first for `wanted` records from `from`, when the read starts at the frame of
// `start_sequence`: the skip to `from` plus the wanted records at the segment's average frame
// size, or what max_bytes allows if that is less, with a margin so one pread usually suffices.
size_t ChunkFor(uint64_t average_frame_bytes, uint64_t start_sequence, uint64_t from,
                uint64_t wanted, size_t max_bytes) {
  uint64_t average = std::max<uint64_t>(average_frame_bytes, 1);
  uint64_t skip = from > start_sequence ? (from - start_sequence) * average : 0;
  uint64_t by_count = wanted * average;
  uint64_t by_bytes = max_bytes + wanted * kFrameHeaderBytes;
  uint64_t chunk = skip + std::min(by_count, by_bytes) + by_count / 8 + average;
  return static_cast<size_t>(std::clamp<uint64_t>(chunk, kMinChunkBytes, kMaxChunkBytes));
}

}  // namespace

// The part of one segment a read covers: frames from start_offset (the frame of
// start_sequence) up to limit_bytes, the segment's size when the snapshot was taken. When
// `sealed` is set, the start is still to be found in that sealed segment's sparse index (which
// may need loading, so it is done after the snapshot, without state_mu_).
struct ShardLog::ReadPart {
  std::shared_ptr<const File> file;
  std::shared_ptr<const Segment> sealed;
  uint64_t start_offset = 0;
  uint64_t start_sequence = 0;
  uint64_t limit_bytes = 0;
  uint64_t average_frame_bytes = 0;
};

struct ShardLog::ReadPlan {
  uint64_t from = 0;  // clamped to first_sequence()
  uint64_t end = 0;   // visible end
  std::vector<ReadPart> parts;
};

Result<std::shared_ptr<const File>> ShardLog::ReaderFile(const Segment& segment) const {
  if (segment.writer) return std::shared_ptr<const File>(segment.writer);
  return files_.Get(segment.first_sequence(), segment.path);
}

Result<ShardLog::ReadPlan> ShardLog::PlanRead(uint64_t from, size_t max_records) const {
  ReadPlan plan;
  plan.end = VisibleEndLocked();
  plan.from = std::max(from, segments_.front()->first_sequence());
  if (plan.from >= plan.end) return plan;
  auto it = std::upper_bound(
                segments_.begin(), segments_.end(), plan.from,
                [](uint64_t s, const auto& segment) { return s < segment->first_sequence(); }) -
            1;
  uint64_t covered = 0;
  for (; it != segments_.end() && (*it)->first_sequence() < plan.end && covered < max_records;
       ++it) {
    const Segment& segment = **it;
    SegmentSummary summary = segment.summary();
    auto file = ReaderFile(segment);
    if (!file) return tl::unexpected(file.error());
    uint64_t average = summary.file_bytes / std::max<uint64_t>(1, summary.record_count());
    ReadPart part{std::move(*file),   nullptr, 0, summary.first_sequence,
                  summary.file_bytes, average};
    if (plan.from > summary.first_sequence) {  // only the first part starts inside its segment
      if (segment.index) {
        IndexEntry start = segment.index->FloorBySequence(plan.from);
        part.start_offset = start.offset;
        part.start_sequence = start.sequence;
      } else {
        part.sealed = *it;
      }
    }
    covered += std::min(summary.end_sequence, plan.end) - std::max(plan.from, part.start_sequence);
    plan.parts.push_back(std::move(part));
  }
  return plan;
}

Status ShardLog::FindStart(ReadPart* part, uint64_t from) const {
  if (!part->sealed) return {};
  auto index = SealedIndex(*part->sealed, *part->file);
  if (!index) return tl::unexpected(index.error());
  IndexEntry start = (*index)->FloorBySequence(from);
  part->start_offset = start.offset;
  part->start_sequence = start.sequence;
  part->sealed = nullptr;
  return {};
}

Result<ReadResult> ShardLog::Read(uint64_t from, size_t max_records, size_t max_bytes) const {
  if (max_records == 0) return Fail(ErrorCode::kInvalidArgument, "max_records must be > 0");
  ReadPlan plan;
  {
    std::lock_guard state(state_mu_);
    auto planned = PlanRead(from, max_records);
    if (!planned) return tl::unexpected(planned.error());
    plan = std::move(*planned);
  }
  ReadResult result;
  result.next_sequence = plan.from;
  if (plan.parts.empty()) return result;
  if (auto found = FindStart(&plan.parts.front(), plan.from); !found) {
    return tl::unexpected(found.error());
  }
  result.records.reserve(std::min<uint64_t>({max_records, plan.end - plan.from, kMaxReserve}));
  size_t bytes = 0;
  for (const ReadPart& part : plan.parts) {
    uint64_t wanted =
        std::min<uint64_t>(max_records - result.records.size(), plan.end - result.next_sequence);
    FrameReader reader(*part.file, part.start_offset, part.limit_bytes,
                       ChunkFor(part.average_frame_bytes, part.start_sequence, result.next_sequence,
                                wanted, max_bytes),
                       &ThreadBuffer());
    uint64_t expected = part.start_sequence;
    FrameView frame;
    for (;;) {
      uint64_t offset = reader.offset();
      auto step = reader.Next(&frame);
      if (!step) return tl::unexpected(step.error());
      if (*step == FrameReader::Step::kEnd) break;
      if (*step == FrameReader::Step::kBad) {
        return tl::unexpected(CorruptFrame(*part.file, offset, reader.reason()));
      }
      if (frame.sequence != expected++) {
        return tl::unexpected(CorruptFrame(*part.file, offset, "unexpected sequence"));
      }
      if (frame.sequence < plan.from) continue;
      size_t size = frame.key.size() + frame.data.size();
      if (frame.sequence >= plan.end || (!result.records.empty() && bytes + size > max_bytes)) {
        TrimThreadBuffer();
        return result;
      }
      result.records.push_back(
          {frame.sequence, frame.arrival_ms, std::string(frame.key), std::string(frame.data)});
      bytes += size;
      result.next_sequence = frame.sequence + 1;
      if (result.records.size() >= max_records) {
        TrimThreadBuffer();
        return result;
      }
    }
  }
  TrimThreadBuffer();
  return result;
}

Result<uint64_t> ShardLog::SeekTimestamp(int64_t t) const {
  ReadPart part;
  uint64_t end;
  uint64_t found;  // if the scan finds nothing: the segment's end
  {
    std::lock_guard state(state_mu_);
    end = VisibleEndLocked();
    auto it = std::partition_point(segments_.begin(), segments_.end(), [t](const auto& segment) {
      SegmentSummary summary = segment->summary();
      return !summary.empty() && summary.max_arrival_ms < t;
    });
    if (it == segments_.end() || (*it)->first_sequence() >= end) return end;
    const Segment& segment = **it;
    SegmentSummary summary = segment.summary();
    auto file = ReaderFile(segment);
    if (!file) return tl::unexpected(file.error());
    part = {std::move(*file), nullptr, 0, summary.first_sequence, summary.file_bytes, 0};
    if (segment.index) {
      IndexEntry start = segment.index->StartForArrival(t);
      part.start_offset = start.offset;
      part.start_sequence = start.sequence;
    } else if (t > summary.min_arrival_ms) {  // else the segment's first record is the answer
      part.sealed = *it;
    }
    found = summary.end_sequence;
  }
  if (part.sealed) {
    auto index = SealedIndex(*part.sealed, *part.file);
    if (!index) return tl::unexpected(index.error());
    IndexEntry start = (*index)->StartForArrival(t);
    part.start_offset = start.offset;
    part.start_sequence = start.sequence;
  }
  // The answer lies before the next index entry, so about two intervals are enough.
  size_t chunk = 2 * static_cast<size_t>(options_.index_interval_bytes) + kMinChunkBytes;
  FrameReader reader(*part.file, part.start_offset, part.limit_bytes, chunk, &ThreadBuffer());
  FrameView frame;
  for (;;) {
    uint64_t offset = reader.offset();
    auto step = reader.Next(&frame);
    if (!step) return tl::unexpected(step.error());
    if (*step == FrameReader::Step::kEnd) break;
    if (*step == FrameReader::Step::kBad) {
      return tl::unexpected(CorruptFrame(*part.file, offset, reader.reason()));
    }
    if (frame.arrival_ms >= t) {
      found = frame.sequence;
      break;
    }
  }
  TrimThreadBuffer();
  return std::min(found, end);
}

}  // namespace sf::engine
