#include "engine/bucket/md5_hasher.h"

#include <algorithm>
#include <cstring>
#include <optional>

namespace sf::engine {

namespace {
// A round costs about what its longest lane costs (each MD5 step waits for the previous one;
// the 16 lanes ride along for free), so rounds wait until every stream has a chunk ready: then
// all lanes carry about the same amount. A stream that finishes, or one that has run far ahead
// of the others (the others' clients stalled), starts a round at once.
constexpr size_t kChunk = 64 * 1024;     // every stream has this much ready: a round starts;
                                         // also the most a lane takes per round
constexpr size_t kBacklog = 256 * 1024;  // one stream with this much ready starts a round
constexpr size_t kMinTake = 4 * 1024;    // a lane joins a round with at least this much ready
}  // namespace

// A lane's stream and what the current round does with it. `stream` is guarded by mu_; the
// round fields are planned under mu_ and then used by the hasher thread alone.
struct Md5Hasher::Lane {
  std::shared_ptr<Stream> stream;  // null: free
  uint64_t offset = 0;             // where this round reads
  size_t take = 0;                 // bytes it reads (whole blocks unless `final`)
  bool final = false;              // it reads the rest of the stream and pads
  uint64_t total = 0;              // the stream's length, when final
  uint32_t blocks = 0;             // blocks to compress (padding included)
  std::optional<StoreError> error;
  std::vector<uint8_t> buffer = std::vector<uint8_t>(kChunk + 2 * kMd5BlockBytes);

  bool InRound() const { return take > 0 || final; }
};

Md5Hasher::Md5Hasher(Md5CompressFn lanes, Md5CompressFn single)
    : lanes_compress_(lanes), single_compress_(single), lanes_(kMd5Lanes) {
  thread_ = std::thread([this] { Run(); });
}

Md5Hasher::~Md5Hasher() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  work_.notify_one();
  thread_.join();
}

std::shared_ptr<Md5Hasher::Stream> Md5Hasher::Open(std::unique_ptr<ReadableFile> source) {
  auto stream = std::make_shared<Stream>(*this, std::move(source));
  std::lock_guard lock(mu_);
  if (stop_) {
    Complete(*stream, StoreFail(StoreErrorCode::kInternalError, "the MD5 hasher has stopped"));
  } else {
    stream->held_ = true;
    waiting_.push_back(stream);
    if (idle_) work_.notify_one();
  }
  return stream;
}

Md5Hasher::Stats Md5Hasher::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void Md5Hasher::Complete(Stream& stream, StoreResult<Md5::Digest> result) {
  stream.result_ = std::move(result);
  stream.done_ = true;
  done_.notify_all();
}

void Md5Hasher::Release(std::shared_ptr<Stream>& slot) {
  slot->held_ = false;
  slot.reset();
  done_.notify_all();
}

void Md5Hasher::Unqueue(const Stream& stream) {
  auto queued = std::find_if(waiting_.begin(), waiting_.end(),
                             [&stream](const auto& other) { return other.get() == &stream; });
  if (queued == waiting_.end()) return;
  Release(*queued);
  waiting_.erase(queued);
}

bool Md5Hasher::Triggered() const {
  bool any = false;
  uint64_t least = UINT64_MAX;
  for (const Lane& lane : lanes_) {
    if (!lane.stream || lane.stream->cancelled_) continue;
    const Stream& stream = *lane.stream;
    uint64_t ready = stream.written_ - stream.hashed_;
    if (stream.finishing_ || ready >= kBacklog) return true;
    any = true;
    least = std::min(least, ready);
  }
  return any && least >= kChunk;
}

bool Md5Hasher::PlanRound() {
  for (int i = 0; i < kMd5Lanes; ++i) {
    Lane& lane = lanes_[i];
    if (lane.stream && lane.stream->cancelled_) Release(lane.stream);
    while (!lane.stream && !waiting_.empty()) {
      std::shared_ptr<Stream> next = std::move(waiting_.front());
      waiting_.pop_front();
      if (next->cancelled_) {
        Release(next);
        continue;
      }
      next->in_lane_ = true;
      lane.stream = std::move(next);
      states_.Reset(i);
    }
  }
  for (Lane& lane : lanes_) {
    lane.take = 0;
    lane.final = false;
  }
  if (!Triggered()) return false;
  for (Lane& lane : lanes_) {
    if (!lane.stream) continue;
    const Stream& stream = *lane.stream;
    uint64_t ready = stream.written_ - stream.hashed_;
    lane.offset = stream.hashed_;
    if (stream.finishing_ && ready <= kChunk) {
      lane.take = static_cast<size_t>(ready);
      lane.final = true;
      lane.total = stream.written_;
    } else {
      size_t take = static_cast<size_t>(std::min<uint64_t>(ready, kChunk));
      take = take / kMd5BlockBytes * kMd5BlockBytes;
      lane.take = take >= kMinTake ? take : 0;
    }
  }
  return true;
}

void Md5Hasher::RunRound() {
  const uint8_t* data[kMd5Lanes] = {};
  uint32_t blocks[kMd5Lanes] = {};
  int streams = 0;
  for (int i = 0; i < kMd5Lanes; ++i) {
    Lane& lane = lanes_[i];
    lane.blocks = 0;
    lane.error.reset();
    if (!lane.InRound()) continue;
    // The stream's own descriptor: its writer may close or remove the file meanwhile.
    auto read = lane.stream->source_->ReadAt(lane.offset, lane.take,
                                             reinterpret_cast<char*>(lane.buffer.data()));
    if (!read) {
      lane.error = read.error();
      continue;
    }
    if (*read != lane.take) {
      lane.error = StoreError{StoreErrorCode::kInternalError,
                              "the upload's temporary file is shorter than what was written",
                              {},
                              0};
      continue;
    }
    size_t whole = lane.take / kMd5BlockBytes * kMd5BlockBytes;
    lane.blocks = static_cast<uint32_t>(whole / kMd5BlockBytes);
    if (lane.final) {
      uint8_t tail[kMd5BlockBytes];
      std::memcpy(tail, lane.buffer.data() + whole, lane.take - whole);
      lane.blocks +=
          Md5PadTail(std::string_view(reinterpret_cast<const char*>(tail), lane.take - whole),
                     lane.total, lane.buffer.data() + whole);
    }
    data[i] = lane.buffer.data();
    blocks[i] = lane.blocks;
    ++streams;
  }
  (streams == 1 ? single_compress_ : lanes_compress_)(states_, data, blocks);
}

void Md5Hasher::Run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (!PlanRound()) {
      idle_ = true;
      work_.wait(lock);
      idle_ = false;
      continue;
    }
    lock.unlock();
    RunRound();
    lock.lock();
    ++stats_.rounds;
    uint32_t longest = 0;
    for (const Lane& lane : lanes_) {
      stats_.lane_blocks += lane.blocks;
      longest = std::max(longest, lane.blocks);
    }
    stats_.round_blocks += longest;
    for (int i = 0; i < kMd5Lanes; ++i) {
      Lane& lane = lanes_[i];
      if (!lane.InRound()) continue;
      Stream& stream = *lane.stream;
      if (lane.error) {
        Complete(stream, tl::unexpected(*lane.error));
        Release(lane.stream);
      } else if (lane.final) {
        stream.hashed_ = lane.total;
        ++stats_.streams;
        Complete(stream, states_.Digest(i));
        Release(lane.stream);
      } else {
        stream.hashed_ += lane.take;
      }
    }
  }
  auto stopped = [] {
    return StoreFail(StoreErrorCode::kInternalError, "the MD5 hasher has stopped");
  };
  for (Lane& lane : lanes_) {
    if (!lane.stream) continue;
    Complete(*lane.stream, stopped());
    Release(lane.stream);
  }
  for (auto& stream : waiting_) {
    Complete(*stream, stopped());
    Release(stream);
  }
  waiting_.clear();
}

void Md5Hasher::Stream::Advance(uint64_t bytes_written) {
  std::lock_guard lock(hasher_.mu_);
  written_ = bytes_written;
  if (hasher_.idle_ && written_ - hashed_ >= kChunk && hasher_.Triggered()) {
    hasher_.work_.notify_one();
  }
}

StoreResult<Md5::Digest> Md5Hasher::Stream::Finish(uint64_t total_bytes) {
  std::unique_lock lock(hasher_.mu_);
  if (done_) return result_;
  if (!in_lane_) {
    // Still queued: 16 other uploads hold the lanes, and may be slow clients that hold them
    // for long. Rather than wait behind them, hash this one here.
    hasher_.Unqueue(*this);  // the source is this thread's now
    lock.unlock();
    auto result = HashWhole(total_bytes);
    lock.lock();
    if (result) {
      ++hasher_.stats_.overflow_streams;
      hasher_.stats_.overflow_blocks +=
          total_bytes / kMd5BlockBytes +
          (total_bytes % kMd5BlockBytes + 9 <= kMd5BlockBytes ? 1 : 2);
    }
    result_ = std::move(result);
    done_ = true;
    return result_;
  }
  written_ = total_bytes;
  finishing_ = true;
  if (hasher_.idle_) hasher_.work_.notify_one();
  hasher_.done_.wait(lock, [this] { return done_; });
  return result_;
}

StoreResult<Md5::Digest> Md5Hasher::Stream::HashWhole(uint64_t total_bytes) {
  if (!source_) return StoreFail(StoreErrorCode::kInternalError, "the upload was abandoned");
  Md5 md5;
  std::string buffer(kChunk, '\0');
  for (uint64_t offset = 0; offset < total_bytes;) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(kChunk, total_bytes - offset));
    auto read = source_->ReadAt(offset, want, buffer.data());
    if (!read) return tl::unexpected(read.error());
    if (*read != want) {
      return StoreFail(StoreErrorCode::kInternalError,
                       "the upload's temporary file is shorter than what was written");
    }
    md5.Update(std::string_view(buffer.data(), want));
    offset += want;
  }
  return md5.Finish();
}

void Md5Hasher::Stream::Cancel() {
  std::unique_lock lock(hasher_.mu_);
  cancelled_ = true;
  hasher_.Unqueue(*this);
  if (held_) {  // in a lane: the hasher drops it when it next plans a round
    if (hasher_.idle_) hasher_.work_.notify_one();
    hasher_.done_.wait(lock, [this] { return !held_; });
  }
  source_.reset();
}

}  // namespace sf::engine
