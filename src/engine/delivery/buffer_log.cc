#include "engine/delivery/buffer_log.h"

#include <fcntl.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>

#include "engine/log/coding.h"
#include "engine/log/crc32c.h"
#include "engine/log/posix_file.h"

namespace sf::engine::delivery {

namespace {

constexpr size_t kFrameHeader = 8;  // u32 length, u32 crc
constexpr size_t kArrivalBytes = 8;
constexpr uint32_t kMaxFrameBody = 256u << 20;

std::string SequenceName(uint64_t sequence, const char* suffix) {
  char name[40];
  std::snprintf(name, sizeof name, "%016llu%s", static_cast<unsigned long long>(sequence), suffix);
  return name;
}

void EncodeFrame(std::string& out, const BufferedRecord& record) {
  size_t body = kArrivalBytes + record.data.size();
  size_t start = out.size();
  out.resize(start + kFrameHeader + body);
  char* frame = out.data() + start;
  EncodeFixed<int64_t>(frame + kFrameHeader, record.arrival_ms);
  std::copy(record.data.begin(), record.data.end(), frame + kFrameHeader + kArrivalBytes);
  EncodeFixed<uint32_t>(frame, static_cast<uint32_t>(body));
  EncodeFixed<uint32_t>(frame + 4, Crc32c(std::string_view(frame + kFrameHeader, body)));
}

// Calls `record` for every whole, intact frame of `bytes` from the start; returns the length of
// that valid run.
template <class OnRecord>
size_t ScanFrames(std::string_view bytes, OnRecord record) {
  size_t at = 0;
  while (bytes.size() - at >= kFrameHeader) {
    uint32_t length = DecodeFixed<uint32_t>(bytes.data() + at);
    uint32_t crc = DecodeFixed<uint32_t>(bytes.data() + at + 4);
    if (length < kArrivalBytes || length > kMaxFrameBody) break;
    if (bytes.size() - at - kFrameHeader < length) break;
    std::string_view body = bytes.substr(at + kFrameHeader, length);
    if (Crc32c(body) != crc) break;
    record(DecodeFixed<int64_t>(body.data()), body.substr(kArrivalBytes));
    at += kFrameHeader + length;
  }
  return at;
}

// "0000000000000012.seg" -> 12 (with `suffix` ".seg"); nullopt for other names.
std::optional<uint64_t> ParseName(const std::string& name, std::string_view suffix) {
  if (name.size() != 16 + suffix.size() || name.compare(16, suffix.size(), suffix) != 0) {
    return std::nullopt;
  }
  uint64_t sequence = 0;
  for (size_t i = 0; i < 16; ++i) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
    sequence = sequence * 10 + static_cast<uint64_t>(name[i] - '0');
  }
  return sequence;
}

// The whole content of the file at `path`.
Result<std::string> ReadWhole(const std::string& path) {
  auto file = File::Open(path, O_RDONLY);
  if (!file) return tl::unexpected(file.error());
  auto size = (*file)->Size();
  if (!size) return tl::unexpected(size.error());
  std::string bytes(*size, '\0');
  if (auto read = (*file)->ReadAt(bytes.data(), bytes.size(), 0); !read) {
    return tl::unexpected(read.error());
  }
  return bytes;
}

}  // namespace

BufferLog::BufferLog(std::string directory) : directory_(std::move(directory)) {}

BufferLog::~BufferLog() = default;

std::string BufferLog::SegmentPath(uint64_t sequence) const {
  return directory_ + "/" + SequenceName(sequence, ".seg");
}

std::string BufferLog::SealPath(uint64_t sequence) const {
  return directory_ + "/" + SequenceName(sequence, ".seal");
}

uint64_t BufferLog::buffered_records() const {
  uint64_t total = active_.records;
  for (const auto& segment : sealed_) total += segment.summary.records;
  return total;
}

uint64_t BufferLog::buffered_bytes() const {
  uint64_t total = active_.bytes;
  for (const auto& segment : sealed_) total += segment.summary.bytes;
  return total;
}

int64_t BufferLog::oldest_ms() const {
  if (!sealed_.empty()) return sealed_.front().summary.oldest_ms;
  return active_.records > 0 ? active_.oldest_ms : 0;
}

Result<std::unique_ptr<BufferLog>> BufferLog::Open(const std::string& directory,
                                                   const SegmentNamer& namer,
                                                   BufferRecovery* recovered) {
  std::unique_ptr<BufferLog> log(new BufferLog(directory));
  if (auto made = CreateDirectories(directory); !made) return tl::unexpected(made.error());
  BufferRecovery stats;
  if (auto done = log->Recover(namer, &stats); !done) return tl::unexpected(done.error());
  if (recovered != nullptr) *recovered = stats;
  return log;
}

Status BufferLog::Recover(const SegmentNamer& namer, BufferRecovery* recovered) {
  auto files = ListFiles(directory_);
  if (!files) return tl::unexpected(files.error());
  std::map<uint64_t, bool> segments;  // sequence -> sealed
  std::vector<uint64_t> seals;
  for (const std::string& name : *files) {
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0) {
      if (auto removed = RemoveFile(directory_ + "/" + name); !removed) return removed;
    } else if (auto segment = ParseName(name, ".seg")) {
      segments.emplace(*segment, false);
    } else if (auto seal = ParseName(name, ".seal")) {
      seals.push_back(*seal);
    }
  }
  for (uint64_t seal : seals) {
    auto it = segments.find(seal);
    if (it != segments.end()) {
      it->second = true;
    } else if (auto removed = RemoveFile(SealPath(seal)); !removed) {
      return removed;  // the segment was delivered and removed; its intent went with it
    }
  }
  uint64_t last = segments.empty() ? 0 : segments.rbegin()->first;
  active_ = SegmentSummary{segments.empty() ? 0 : last + 1};
  for (const auto& [sequence, is_sealed] : segments) {
    auto bytes = ReadWhole(SegmentPath(sequence));
    if (!bytes) return tl::unexpected(bytes.error());
    SegmentSummary summary{sequence};
    size_t valid = ScanFrames(*bytes, [&](int64_t arrival, std::string_view data) {
      if (summary.records++ == 0) summary.oldest_ms = arrival;
      summary.bytes += data.size();
    });
    auto file = File::Open(SegmentPath(sequence), O_RDWR);
    if (!file) return tl::unexpected(file.error());
    if (valid < bytes->size()) {
      if (auto cut = (*file)->Truncate(valid); !cut) return cut;
      if (auto synced = (*file)->DataSync(); !synced) return synced;
      recovered->truncated_bytes += bytes->size() - valid;
    }
    recovered->records += summary.records;
    if (summary.records == 0 && (is_sealed || sequence != last)) {
      if (auto removed = Remove(sequence); !removed) return removed;
    } else if (is_sealed) {
      auto intent = ReadWhole(SealPath(sequence));
      if (!intent) return tl::unexpected(intent.error());
      sealed_.push_back({summary, std::move(*intent)});
    } else if (sequence == last) {
      active_ = summary;
      active_file_ = std::move(*file);
      active_size_ = valid;
    } else {
      active_ = summary;
      if (auto sealed = SealActive(namer); !sealed) return sealed;
      active_ = SegmentSummary{last + 1};
    }
  }
  return {};
}

Status BufferLog::WritePending(std::string& pending) {
  if (pending.empty()) return {};
  if (!active_file_) {
    auto file = File::Open(SegmentPath(active_.sequence), O_RDWR | O_CREAT | O_TRUNC);
    if (!file) return tl::unexpected(file.error());
    if (auto synced = SyncDirectory(directory_); !synced) return synced;
    active_file_ = std::move(*file);
    active_size_ = 0;
  }
  Status written = active_file_->WriteAt(pending.data(), pending.size(), active_size_);
  if (written) written = active_file_->DataSync();
  if (!written) {
    (void)active_file_->Truncate(active_size_);  // best effort: Open cuts a torn tail anyway
    return written;
  }
  active_size_ += pending.size();
  pending.clear();
  return {};
}

Status BufferLog::SealActive(const SegmentNamer& namer) {
  if (active_.records == 0) return {};
  std::string intent = namer(active_);
  if (auto written =
          WriteFileAtomically(directory_, SequenceName(active_.sequence, ".seal"), intent);
      !written) {
    return written;
  }
  sealed_.push_back({active_, std::move(intent)});
  active_file_.reset();
  active_ = SegmentSummary{active_.sequence + 1};
  active_size_ = 0;
  return {};
}

AppendOutcome BufferLog::Append(std::span<const BufferedRecord> records, uint64_t max_bytes,
                                const SegmentNamer& namer) {
  AppendOutcome outcome;
  std::string pending;
  SegmentSummary written = active_;  // the active segment as it is on disk
  auto flush = [&](size_t through) -> bool {
    if (auto done = WritePending(pending); !done) {
      active_ = written;
      outcome.error = done.error();
      return false;
    }
    written = active_;
    outcome.durable = through;
    return true;
  };
  auto seal = [&]() -> bool {
    if (auto done = SealActive(namer); !done) {
      outcome.error = done.error();
      return false;
    }
    written = active_;
    return true;
  };
  for (size_t i = 0; i < records.size(); ++i) {
    const BufferedRecord& record = records[i];
    if (active_.records > 0 && active_.bytes + record.data.size() > max_bytes) {
      if (!flush(i) || !seal()) return outcome;
    }
    EncodeFrame(pending, record);
    if (active_.records++ == 0) active_.oldest_ms = record.arrival_ms;
    active_.bytes += record.data.size();
    if (active_.bytes >= max_bytes) {
      if (!flush(i + 1) || !seal()) return outcome;
    }
  }
  flush(records.size());
  return outcome;
}

Status BufferLog::Seal(const SegmentNamer& namer) { return SealActive(namer); }

Status BufferLog::Remove(uint64_t sequence) {
  if (auto removed = RemoveFile(SegmentPath(sequence)); !removed) return removed;
  if (auto removed = RemoveFile(SealPath(sequence)); !removed) return removed;
  std::erase_if(sealed_, [&](const SealedSegment& s) { return s.summary.sequence == sequence; });
  return SyncDirectory(directory_);
}

Status BufferLog::Destroy() {
  active_file_.reset();
  sealed_.clear();
  active_ = SegmentSummary{};
  std::error_code error;
  std::filesystem::remove_all(directory_, error);
  if (error) return Fail(ErrorCode::kIo, "cannot remove " + directory_ + ": " + error.message());
  return {};
}

Result<SegmentData> ReadSegment(const std::string& path) {
  auto bytes = ReadWhole(path);
  if (!bytes) return tl::unexpected(bytes.error());
  SegmentData out;
  out.data.reserve(bytes->size());
  size_t valid = ScanFrames(*bytes, [&](int64_t, std::string_view data) {
    out.data.append(data);
    ++out.records;
  });
  out.dropped_bytes = bytes->size() - valid;
  return out;
}

}  // namespace sf::engine::delivery
