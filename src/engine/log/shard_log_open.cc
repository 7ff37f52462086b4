// ShardLog::Open: recovery of a shard's directory (see README.md, "Recovery").

#include <fcntl.h>

#include <algorithm>
#include <optional>
#include <set>

#include "base/file_io.h"
#include "engine/log/shard_log.h"

namespace sf::engine {

// Rebuilds a ShardLog's state from its directory. Runs before the log is shared, so it touches
// the log's members without locks.
class ShardLog::Recovery {
 public:
  explicit Recovery(ShardLog* log) : log_(*log) {}
  Status Run();

 private:
  Status ListDirectory();
  Result<std::shared_ptr<Segment>> LoadSealed(uint64_t first);
  Result<std::shared_ptr<Segment>> RecoverActive(uint64_t first);
  Status CheckContinuity(const std::vector<std::shared_ptr<Segment>>& segments) const;
  Status RemoveStrayFiles(const std::vector<std::shared_ptr<Segment>>& segments);
  void Install(std::vector<std::shared_ptr<Segment>> segments);

  ShardLog& log_;
  std::vector<uint64_t> logs_;     // segment files found, by first sequence
  std::vector<uint64_t> indexes_;  // .idx files found
};

Result<std::unique_ptr<ShardLog>> ShardLog::Open(const std::string& directory,
                                                 const LogOptions& options) {
  if (options.segment_bytes == 0 || options.index_interval_bytes == 0) {
    return Fail(ErrorCode::kInvalidArgument, "segment_bytes and index_interval_bytes must be > 0");
  }
  std::unique_ptr<ShardLog> log(new ShardLog(directory, options));
  Recovery recovery(log.get());
  if (auto recovered = recovery.Run(); !recovered) return tl::unexpected(recovered.error());
  return log;
}

Status ShardLog::Recovery::Run() {
  if (auto created = CreateDirectories(log_.directory_); !created) return created;
  if (auto listed = ListDirectory(); !listed) return listed;
  std::vector<std::shared_ptr<Segment>> segments;
  for (size_t i = 0; i + 1 < logs_.size(); ++i) {
    auto sealed = LoadSealed(logs_[i]);
    if (!sealed) return tl::unexpected(sealed.error());
    segments.push_back(std::move(*sealed));
  }
  auto active = logs_.empty() ? log_.CreateSegment(0) : RecoverActive(logs_.back());
  if (!active) return tl::unexpected(active.error());
  segments.push_back(std::move(*active));
  if (auto continuous = CheckContinuity(segments); !continuous) return continuous;
  if (auto removed = RemoveStrayFiles(segments); !removed) return removed;
  Install(std::move(segments));
  return {};
}

Status ShardLog::Recovery::ListDirectory() {
  auto names = ListFiles(log_.directory_);
  if (!names) return tl::unexpected(names.error());
  for (const std::string& name : *names) {
    uint64_t first = 0;
    if (ParseSegmentFileName(name, kLogExtension, &first)) {
      logs_.push_back(first);
    } else if (ParseSegmentFileName(name, kIndexExtension, &first)) {
      indexes_.push_back(first);
    } else if (name.size() > 4 && name.ends_with(".tmp")) {
      // An interrupted WriteFileAtomically.
      if (auto removed = RemoveFile(log_.directory_ + "/" + name); !removed) return removed;
    }
  }
  std::sort(logs_.begin(), logs_.end());
  return {};
}

Result<std::shared_ptr<Segment>> ShardLog::Recovery::LoadSealed(uint64_t first) {
  std::string path = log_.SegmentPath(first, kLogExtension);
  auto file = File::Open(path, O_RDONLY);
  if (!file) return tl::unexpected(file.error());
  auto size = (*file)->Size();
  if (!size) return tl::unexpected(size.error());
  std::optional<SegmentIndex> index;
  if (auto bytes = ReadFile(log_.SegmentPath(first, kIndexExtension)); bytes) {
    auto parsed = SegmentIndex::Parse(*bytes, log_.options_.index_interval_bytes);
    if (parsed && parsed->first_sequence() == first && parsed->file_bytes() == *size) {
      index = std::move(*parsed);
    }
  }
  if (!index || log_.options_.verify_sealed_on_open) {
    SegmentIndex scanned(first, log_.options_.index_interval_bytes);
    auto outcome = ScanSegment(**file, *size, &scanned);
    if (!outcome) return tl::unexpected(outcome.error());
    if (!outcome->clean) {
      return Fail(ErrorCode::kIo, "corrupt sealed segment " + path + ": " + outcome->problem);
    }
    if (!index) {
      std::string name = SegmentFileName(first, kIndexExtension);
      auto written = WriteFileAtomically(log_.directory_, name, scanned.Serialize());
      if (!written) return tl::unexpected(written.error());
      ++log_.recovery_.rebuilt_indexes;
      index = std::move(scanned);
    }
  }
  // Only the summary stays in RAM; reads load the entries again from the .idx when needed.
  return std::make_shared<Segment>(path, index->summary());
}

Result<std::shared_ptr<Segment>> ShardLog::Recovery::RecoverActive(uint64_t first) {
  std::string path = log_.SegmentPath(first, kLogExtension);
  auto opened = File::Open(path, O_RDWR);
  if (!opened) return tl::unexpected(opened.error());
  std::shared_ptr<File> file = std::move(*opened);
  auto size = file->Size();
  if (!size) return tl::unexpected(size.error());
  SegmentIndex index = log_.NewIndex(first);
  auto outcome = ScanSegment(*file, *size, &index);
  if (!outcome) return tl::unexpected(outcome.error());
  if (!outcome->clean) {
    // A torn or corrupt tail: keep every frame before it, drop it and everything after.
    if (auto cut = file->Truncate(outcome->valid_bytes); !cut) return tl::unexpected(cut.error());
    log_.recovery_.truncated_bytes = *size - outcome->valid_bytes;
  }
  // What survived may still be only in the page cache (a process crash): make it durable.
  if (auto synced = file->DataSync(); !synced) return tl::unexpected(synced.error());
  return std::make_shared<Segment>(path, std::move(index), std::move(file));
}

Status ShardLog::Recovery::CheckContinuity(
    const std::vector<std::shared_ptr<Segment>>& segments) const {
  for (size_t i = 1; i < segments.size(); ++i) {
    uint64_t end = segments[i - 1]->summary().end_sequence;
    if (end != segments[i]->first_sequence()) {
      return Fail(ErrorCode::kIo, "segments do not join: " + segments[i - 1]->path + " ends at " +
                                      std::to_string(end) + " but " + segments[i]->path +
                                      " starts at " +
                                      std::to_string(segments[i]->first_sequence()));
    }
  }
  return {};
}

// Removes .idx files without a sealed segment (a dropped segment's, or one written for the
// active segment by a roll that did not finish) and empty sealed segments.
Status ShardLog::Recovery::RemoveStrayFiles(const std::vector<std::shared_ptr<Segment>>& segments) {
  std::set<uint64_t> sealed;
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    if (!segments[i]->summary().empty()) sealed.insert(segments[i]->first_sequence());
  }
  bool removed_any = false;
  for (uint64_t first : indexes_) {
    if (sealed.count(first) != 0) continue;
    if (auto removed = RemoveFile(log_.SegmentPath(first, kIndexExtension)); !removed) {
      return removed;
    }
    removed_any = true;
  }
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    if (!segments[i]->summary().empty()) continue;
    if (auto removed = RemoveFile(segments[i]->path); !removed) return removed;
    removed_any = true;
  }
  return removed_any ? SyncDirectory(log_.directory_) : Status{};
}

void ShardLog::Recovery::Install(std::vector<std::shared_ptr<Segment>> segments) {
  for (auto& segment : segments) {
    bool active = segment == segments.back();
    SegmentSummary summary = segment->summary();
    if (!active && summary.empty()) continue;  // removed above
    if (!summary.empty()) log_.last_arrival_ms_ = summary.max_arrival_ms;
    log_.size_bytes_ += summary.file_bytes;
    log_.segments_.push_back(segment);
  }
  log_.active_ = log_.segments_.back();
  log_.next_sequence_ = log_.active_->index->end_sequence();
  log_.durable_end_.store(log_.next_sequence_);
}

}  // namespace sf::engine
