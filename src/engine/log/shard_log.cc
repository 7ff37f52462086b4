#include "engine/log/shard_log.h"

#include <fcntl.h>

#include <algorithm>

#include "engine/log/record_format.h"

namespace sf::engine {

ShardLog::ShardLog(std::string directory, const LogOptions& options)
    : directory_(std::move(directory)),
      options_(options),
      files_(options.open_sealed_files),
      indexes_(options.cached_indexes, options.cached_index_bytes) {}

ShardLog::~ShardLog() = default;

std::string ShardLog::SegmentPath(uint64_t first_sequence, std::string_view extension) const {
  return directory_ + "/" + SegmentFileName(first_sequence, extension);
}

Status ShardLog::CheckHealthy() const {
  if (failure_) return tl::unexpected(*failure_);
  return {};
}

void ShardLog::SetFailure(const Error& error) {
  std::lock_guard state(state_mu_);
  if (!failure_) failure_ = Error{error.code, "shard log failed earlier: " + error.message};
}

namespace {

// Sets *bytes to the frames' size, or fails for a record the format cannot hold.
Status CheckAppendable(std::span<const AppendRecord> records, size_t* bytes) {
  *bytes = 0;
  for (const AppendRecord& record : records) {
    if (record.partition_key.size() > kMaxPartitionKeyBytes) {
      return Fail(ErrorCode::kInvalidArgument, "partition key longer than 65535 bytes");
    }
    if (kFrameBodyHeaderBytes + record.partition_key.size() + record.data.size() >
        kMaxFrameBodyBytes) {
      return Fail(ErrorCode::kInvalidArgument, "record larger than 256 MiB");
    }
    *bytes += FrameSize(record.partition_key.size(), record.data.size());
  }
  return {};
}

}  // namespace

Result<uint64_t> ShardLog::Append(std::span<const AppendRecord> records) {
  size_t bytes = 0;
  if (auto valid = CheckAppendable(records, &bytes); !valid) return tl::unexpected(valid.error());
  std::lock_guard append(append_mu_);
  uint64_t first;
  int64_t arrival;
  {
    std::lock_guard state(state_mu_);
    if (auto healthy = CheckHealthy(); !healthy) return tl::unexpected(healthy.error());
    first = next_sequence_;
    arrival = last_arrival_ms_;
  }
  if (records.empty()) return first;
  if (active_->index->file_bytes() >= options_.segment_bytes) {
    if (auto rolled = RollLocked(); !rolled) return tl::unexpected(rolled.error());
  }
  if (buffer_.size() < bytes) buffer_.resize(bytes);
  char* out = buffer_.data();
  uint64_t sequence = first;
  for (const AppendRecord& record : records) {
    arrival = std::max(arrival, record.arrival_ms);
    out = EncodeFrame(out, sequence++, arrival, record.partition_key, record.data);
  }
  uint64_t offset = active_->index->file_bytes();
  if (auto written = active_->writer->WriteAt(buffer_.data(), bytes, offset); !written) {
    // Undo a partial write, or a later crash could resurrect frames never acknowledged.
    if (!active_->writer->Truncate(offset)) SetFailure(written.error());
    return tl::unexpected(written.error());
  }
  Publish(records, bytes);
  if (!options_.visible_after_sync && options_.on_visible) options_.on_visible();
  return first;
}

void ShardLog::Publish(std::span<const AppendRecord> records, uint64_t bytes) {
  std::lock_guard state(state_mu_);
  int64_t arrival = last_arrival_ms_;
  for (const AppendRecord& record : records) {
    arrival = std::max(arrival, record.arrival_ms);
    active_->index->Add(next_sequence_++, arrival,
                        FrameSize(record.partition_key.size(), record.data.size()));
  }
  last_arrival_ms_ = arrival;
  size_bytes_ += bytes;
}

Status ShardLog::Sync(uint64_t sequence) {
  if (sequence >= next_sequence()) {
    return Fail(ErrorCode::kInvalidArgument,
                "cannot sync sequence " + std::to_string(sequence) + ": not appended yet");
  }
  return SyncTo(sequence + 1);
}

Status ShardLog::SyncAll() { return SyncTo(next_sequence()); }

Status ShardLog::SyncTo(uint64_t end) {
  std::unique_lock lock(sync_mu_);
  sync_cv_.wait(lock, [&] { return durable_end_.load() >= end || !sync_running_; });
  if (durable_end_.load() >= end) return {};
  sync_running_ = true;  // this caller leads; later callers wait for it
  lock.unlock();
  std::shared_ptr<File> file;
  uint64_t target;
  Status status;
  {
    std::lock_guard state(state_mu_);
    status = CheckHealthy();
    file = active_->writer;
    target = next_sequence_;  // older segments were synced when they were sealed
  }
  if (status) {
    status = file->DataSync();
    sync_count_.fetch_add(1, std::memory_order_relaxed);
    // After a failed fdatasync the kernel may have dropped the dirty pages: never retry.
    if (!status) SetFailure(status.error());
  }
  lock.lock();
  sync_running_ = false;
  bool moved = status && target > durable_end_.load();
  if (moved) durable_end_.store(target);
  sync_cv_.notify_all();
  lock.unlock();
  if (moved) NotifyVisible();
  return status;
}

void ShardLog::MarkDurable(uint64_t end) {
  bool moved = false;
  {
    std::lock_guard lock(sync_mu_);
    moved = end > durable_end_.load();
    if (moved) durable_end_.store(end);
    sync_cv_.notify_all();
  }
  if (moved) NotifyVisible();
}

void ShardLog::NotifyVisible() const {
  if (options_.visible_after_sync && options_.on_visible) options_.on_visible();
}

Result<std::shared_ptr<Segment>> ShardLog::CreateSegment(uint64_t first_sequence) {
  std::string path = SegmentPath(first_sequence, kLogExtension);
  // Not O_EXCL: an earlier attempt may have created the file and then failed to sync the
  // directory. Such a file is empty; anything else is not ours to overwrite.
  auto file = File::Open(path, O_RDWR | O_CREAT);
  if (!file) return tl::unexpected(file.error());
  auto size = (*file)->Size();
  if (!size) return tl::unexpected(size.error());
  if (*size != 0) return Fail(ErrorCode::kInternal, "new segment " + path + " is not empty");
  if (auto synced = SyncDirectory(directory_); !synced) return tl::unexpected(synced.error());
  return std::make_shared<Segment>(path, NewIndex(first_sequence),
                                   std::shared_ptr<File>(std::move(*file)));
}

SegmentIndex ShardLog::NewIndex(uint64_t first_sequence) const {
  SegmentIndex index(first_sequence, options_.index_interval_bytes);
  // Entries are at least index_interval_bytes apart, so a full segment needs at most this many.
  index.ExpectEntries(static_cast<size_t>(options_.segment_bytes / options_.index_interval_bytes) +
                      1);
  return index;
}

Status ShardLog::RollLocked() {
  Segment& old = *active_;
  if (auto synced = old.writer->DataSync(); !synced) {
    SetFailure(synced.error());
    return synced;
  }
  std::string index = old.index->Serialize();
  std::string index_name = SegmentFileName(old.first_sequence(), kIndexExtension);
  if (auto written = WriteFileAtomically(directory_, index_name, index); !written) return written;
  uint64_t end = old.index->end_sequence();
  auto next = CreateSegment(end);
  if (!next) return tl::unexpected(next.error());
  {
    std::lock_guard state(state_mu_);
    files_.Put(old.first_sequence(), std::move(old.writer));
    old.writer = nullptr;
    // Readers that follow the tail will want this index next: keep it, in the bounded cache.
    CacheIndex(old.first_sequence(), old.Seal());
    segments_.push_back(*next);
    active_ = *next;
    size_bytes_ += index.size();
  }
  MarkDurable(end);
  return {};
}

Status ShardLog::Roll() {
  std::lock_guard append(append_mu_);
  {
    std::lock_guard state(state_mu_);
    if (auto healthy = CheckHealthy(); !healthy) return healthy;
  }
  if (active_->index->empty()) return {};
  return RollLocked();
}

Result<uint64_t> ShardLog::DropBefore(int64_t cutoff_ms) {
  std::vector<std::shared_ptr<Segment>> victims;
  uint64_t dropped = 0;
  {
    std::lock_guard state(state_mu_);
    while (segments_.size() > 1) {
      Segment& oldest = *segments_.front();
      const SegmentSummary& summary = oldest.sealed;
      if (!summary.empty() && summary.max_arrival_ms >= cutoff_ms) break;
      dropped += summary.record_count();
      size_bytes_ -= std::min(size_bytes_, summary.file_bytes);
      files_.Erase(oldest.first_sequence());
      oldest.dropped.store(true);  // before the erase below: see SealedIndex
      victims.push_back(segments_.front());
      segments_.pop_front();
    }
  }
  if (victims.empty()) return dropped;
  {
    std::lock_guard lock(index_mu_);
    for (const auto& victim : victims) indexes_.Erase(victim->first_sequence());
  }
  // Oldest first, .log before .idx: a crash part-way leaves a prefix gone and no gap.
  std::lock_guard rebuild(rebuild_mu_);
  for (const auto& victim : victims) {
    if (auto removed = RemoveFile(victim->path); !removed) return tl::unexpected(removed.error());
    auto index_path = SegmentPath(victim->first_sequence(), kIndexExtension);
    if (auto removed = RemoveFile(index_path); !removed) return tl::unexpected(removed.error());
  }
  if (auto synced = SyncDirectory(directory_); !synced) return tl::unexpected(synced.error());
  return dropped;
}

uint64_t ShardLog::VisibleEndLocked() const {
  return options_.visible_after_sync ? durable_end_.load() : next_sequence_;
}

uint64_t ShardLog::first_sequence() const {
  std::lock_guard state(state_mu_);
  return segments_.front()->first_sequence();
}

uint64_t ShardLog::next_sequence() const {
  std::lock_guard state(state_mu_);
  return next_sequence_;
}

uint64_t ShardLog::visible_end() const {
  std::lock_guard state(state_mu_);
  return VisibleEndLocked();
}

uint64_t ShardLog::durable_end() const { return durable_end_.load(); }

int64_t ShardLog::last_arrival_ms() const {
  std::lock_guard state(state_mu_);
  return last_arrival_ms_ == kNoArrival ? 0 : last_arrival_ms_;
}

uint64_t ShardLog::size_bytes() const {
  std::lock_guard state(state_mu_);
  return size_bytes_;
}

size_t ShardLog::segment_count() const {
  std::lock_guard state(state_mu_);
  return segments_.size();
}

}  // namespace sf::engine
