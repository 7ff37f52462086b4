#include "engine/log/segment_index.h"

#include <algorithm>

#include "engine/log/coding.h"
#include "engine/log/crc32c.h"

namespace sf::engine {
namespace {

constexpr std::string_view kMagic = "SFLOGIDX";
constexpr uint32_t kVersion = 1;
constexpr size_t kHeaderBytes = 8 + 4 + 4 + 5 * 8;
constexpr size_t kEntryBytes = 24;
constexpr size_t kTrailerBytes = 4;

tl::unexpected<Error> Invalid(const std::string& why) {
  return Fail(ErrorCode::kParse, "invalid segment index: " + why);
}

// Checks that parsed entries describe the segment they claim to (offsets and sequences rise).
Status CheckEntries(const SegmentIndex& index) {
  const auto& entries = index.entries();
  if (index.empty() != entries.empty()) return Invalid("entries do not match the record count");
  if (entries.empty()) return {};
  if (entries[0].sequence != index.first_sequence() || entries[0].offset != 0) {
    return Invalid("first entry is not the first record");
  }
  for (size_t i = 1; i < entries.size(); ++i) {
    if (entries[i].sequence <= entries[i - 1].sequence ||
        entries[i].offset <= entries[i - 1].offset) {
      return Invalid("entries out of order");
    }
  }
  if (entries.back().sequence >= index.end_sequence() ||
      entries.back().offset >= index.file_bytes()) {
    return Invalid("entry beyond the segment");
  }
  return {};
}

}  // namespace

SegmentIndex::SegmentIndex(uint64_t first_sequence, uint32_t interval_bytes)
    : first_sequence_(first_sequence),
      end_sequence_(first_sequence),
      interval_bytes_(interval_bytes) {}

void SegmentIndex::Add(uint64_t sequence, int64_t arrival_ms, size_t frame_bytes) {
  if (entries_.empty() || file_bytes_ - entries_.back().offset >= interval_bytes_) {
    size_t size = entries_.size();
    if (size == entries_.capacity() && size < expected_entries_) {
      entries_.reserve(std::min(expected_entries_, std::max<size_t>(2 * size, 16)));
    }
    entries_.push_back({sequence, arrival_ms, file_bytes_});
  }
  if (empty()) {
    min_arrival_ms_ = max_arrival_ms_ = arrival_ms;
  } else {
    min_arrival_ms_ = std::min(min_arrival_ms_, arrival_ms);
    max_arrival_ms_ = std::max(max_arrival_ms_, arrival_ms);
  }
  end_sequence_ = sequence + 1;
  file_bytes_ += frame_bytes;
}

IndexEntry SegmentIndex::FloorBySequence(uint64_t sequence) const {
  auto after =
      std::upper_bound(entries_.begin(), entries_.end(), sequence,
                       [](uint64_t s, const IndexEntry& entry) { return s < entry.sequence; });
  if (after == entries_.begin()) return {first_sequence_, min_arrival_ms_, 0};
  return *(after - 1);
}

IndexEntry SegmentIndex::StartForArrival(int64_t t) const {
  auto first_not_before =
      std::partition_point(entries_.begin(), entries_.end(),
                           [t](const IndexEntry& entry) { return entry.arrival_ms < t; });
  if (first_not_before == entries_.begin()) return {first_sequence_, min_arrival_ms_, 0};
  return *(first_not_before - 1);
}

std::string SegmentIndex::Serialize() const {
  std::string out(kHeaderBytes + entries_.size() * kEntryBytes + kTrailerBytes, '\0');
  char* p = out.data();
  std::copy(kMagic.begin(), kMagic.end(), p);
  EncodeFixed<uint32_t>(p + 8, kVersion);
  EncodeFixed<uint32_t>(p + 12, static_cast<uint32_t>(entries_.size()));
  EncodeFixed<uint64_t>(p + 16, first_sequence_);
  EncodeFixed<uint64_t>(p + 24, end_sequence_);
  EncodeFixed<uint64_t>(p + 32, file_bytes_);
  EncodeFixed<int64_t>(p + 40, min_arrival_ms_);
  EncodeFixed<int64_t>(p + 48, max_arrival_ms_);
  p += kHeaderBytes;
  for (const IndexEntry& entry : entries_) {
    EncodeFixed<uint64_t>(p, entry.sequence);
    EncodeFixed<int64_t>(p + 8, entry.arrival_ms);
    EncodeFixed<uint64_t>(p + 16, entry.offset);
    p += kEntryBytes;
  }
  EncodeFixed<uint32_t>(p, Crc32cExtend(0, out.data(), out.size() - kTrailerBytes));
  return out;
}

Result<SegmentIndex> SegmentIndex::Parse(std::string_view bytes, uint32_t interval_bytes) {
  if (bytes.size() < kHeaderBytes + kTrailerBytes) return Invalid("too short");
  if (bytes.substr(0, 8) != kMagic) return Invalid("bad magic");
  if (DecodeFixed<uint32_t>(bytes.data() + 8) != kVersion) return Invalid("unknown version");
  size_t count = DecodeFixed<uint32_t>(bytes.data() + 12);
  if (bytes.size() != kHeaderBytes + count * kEntryBytes + kTrailerBytes) {
    return Invalid("size does not match the entry count");
  }
  size_t body = bytes.size() - kTrailerBytes;
  if (Crc32cExtend(0, bytes.data(), body) != DecodeFixed<uint32_t>(bytes.data() + body)) {
    return Invalid("checksum mismatch");
  }
  SegmentIndex index(DecodeFixed<uint64_t>(bytes.data() + 16), interval_bytes);
  index.end_sequence_ = DecodeFixed<uint64_t>(bytes.data() + 24);
  index.file_bytes_ = DecodeFixed<uint64_t>(bytes.data() + 32);
  index.min_arrival_ms_ = DecodeFixed<int64_t>(bytes.data() + 40);
  index.max_arrival_ms_ = DecodeFixed<int64_t>(bytes.data() + 48);
  if (index.end_sequence_ < index.first_sequence_) return Invalid("negative record count");
  const char* p = bytes.data() + kHeaderBytes;
  index.entries_.resize(count);
  for (IndexEntry& entry : index.entries_) {
    entry = {DecodeFixed<uint64_t>(p), DecodeFixed<int64_t>(p + 8), DecodeFixed<uint64_t>(p + 16)};
    p += kEntryBytes;
  }
  if (auto checked = CheckEntries(index); !checked) return tl::unexpected(checked.error());
  return index;
}

}  // namespace sf::engine
