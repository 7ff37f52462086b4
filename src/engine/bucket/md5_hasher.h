#pragma once
// Md5Hasher: one thread that computes the MD5 (the ETag) of every upload in flight, up to 16 of
// them at once in the MD5 lanes (md5_lanes.h).
//
// Why: MD5 is a chain, so one upload hashes at one core's scalar speed (~775 MB/s here) and
// that was most of the engine's CPU per put. In AVX-512 lanes, 16 uploads hash for about the
// cost of one (md5_bench: 0.64 GB/s for 1 stream, 2.4 GB/s for 4, 6.6 GB/s for 16).
//
// How: the upload's writer appends to its temporary file as before and reports how far it got
// (Stream::Advance). The hasher reads those bytes back from the file through its own
// descriptor (the page cache has them: no copy of the body is kept in memory) and compresses
// every stream that has data in one call per round. So the hash overlaps the upload, and
// Stream::Finish at commit waits only for the last piece.
//
// Rounds: a round costs what its longest lane costs, so the hasher waits until every stream in
// a lane has a chunk (64 KiB) ready, or one has finished, or one has 256 KiB ready; it then
// takes from every stream whatever whole blocks are ready (up to 256 KiB each), so streams
// that arrive together are hashed together. Streams beyond 16 wait their turn (FIFO); one
// that finishes while still waiting is hashed by its finisher.
//
// Thread-safety: Open, and each Stream's members, may be called from any thread; one writer
// drives one Stream (Advance, then Finish or Cancel).

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/bucket/digest.h"
#include "engine/bucket/file_system.h"
#include "engine/bucket/md5_lanes.h"

namespace sf::engine {

class Md5Hasher {
 public:
  class Stream;

  // `lanes`: the compression for rounds of several streams; `single`: for rounds of one (tests
  // pass the portable one for both).
  explicit Md5Hasher(Md5CompressFn lanes = BestMd5Compress(),
                     Md5CompressFn single = &Md5CompressOpenSsl);
  // Stops the thread; streams not yet finished fail (their Finish returns an error).
  ~Md5Hasher();
  Md5Hasher(const Md5Hasher&) = delete;
  Md5Hasher& operator=(const Md5Hasher&) = delete;

  // True when the lanes are vectorized on this CPU, i.e. when hashing through a Md5Hasher is
  // faster than hashing each upload as it arrives.
  static bool Worthwhile() { return Md5Avx512Supported() || Md5Avx2Supported(); }

  // What the hasher has done: lane_blocks / round_blocks is how many streams a round hashed
  // on average, weighted by data (1: no better than one at a time; up to 16).
  struct Stats {
    uint64_t streams = 0;  // finished with a digest
    uint64_t rounds = 0;
    uint64_t lane_blocks = 0;       // 64-byte blocks hashed, all lanes
    uint64_t round_blocks = 0;      // the longest lane's blocks, summed over rounds (the cost)
    uint64_t overflow_streams = 0;  // finished before a lane was free: hashed by the finisher
    uint64_t overflow_blocks = 0;   // their blocks (padding included), not in lane_blocks
  };
  Stats stats() const;

  // Starts hashing the file `source` reads, from offset 0, as its writer reports bytes.
  std::shared_ptr<Stream> Open(std::unique_ptr<ReadableFile> source);

 private:
  friend class Stream;
  struct Lane;
  void Run();
  // Under mu_: whether the streams in lanes are worth a round now (see Rounds above).
  bool Triggered() const;
  // Under mu_: fills free lanes from waiting_ and, when Triggered(), plans each lane's part of
  // the round and returns true.
  bool PlanRound();
  void RunRound();
  void Complete(Stream& stream, StoreResult<Md5::Digest> result);  // under mu_
  // Under mu_: the hasher lets go of the stream in `slot` (a lane's, or one taken from the
  // queue) and resets it; a Cancel waiting for that wakes.
  void Release(std::shared_ptr<Stream>& slot);
  // Under mu_: takes `stream` out of the queue (and releases it) if it is still there.
  void Unqueue(const Stream& stream);

  const Md5CompressFn lanes_compress_;
  const Md5CompressFn single_compress_;
  mutable std::mutex mu_;
  std::condition_variable work_;  // the hasher waits here
  std::condition_variable done_;  // Finish waits here
  bool idle_ = false;             // the hasher is waiting on work_
  bool stop_ = false;
  std::deque<std::shared_ptr<Stream>> waiting_;  // opened, not yet in a lane
  std::vector<Lane> lanes_;                      // kMd5Lanes
  Md5Lanes states_;
  Stats stats_;  // guarded by mu_
  std::thread thread_;
};

class Md5Hasher::Stream {
 public:
  // The writer has appended `bytes_written` bytes in all (monotonic), readable from the file.
  void Advance(uint64_t bytes_written);
  // The stream ends at `total_bytes`; waits until everything is hashed. A stream that never
  // got a lane (16 others hold them) is hashed on the calling thread instead of waiting. An
  // error when reading the file back failed, or the hasher stopped.
  StoreResult<Md5::Digest> Finish(uint64_t total_bytes);
  // The stream is abandoned (its file is about to be removed). Waits until the hasher has let
  // go of it (at most the round in progress), then closes the stream's descriptor, so that
  // removing the file gives its space back at once. Idempotent.
  void Cancel();

  Stream(Md5Hasher& hasher, std::unique_ptr<ReadableFile> source)
      : hasher_(hasher), source_(std::move(source)) {}

 private:
  friend class Md5Hasher;
  // Hashes the file's first `total_bytes` with OpenSSL, on the calling thread.
  StoreResult<Md5::Digest> HashWhole(uint64_t total_bytes);

  Md5Hasher& hasher_;
  // Read by the hasher thread while held_, by the finisher for a queued stream; closed by Cancel.
  std::unique_ptr<ReadableFile> source_;
  // Guarded by hasher_.mu_:
  uint64_t written_ = 0;
  bool finishing_ = false;  // written_ is the total
  bool cancelled_ = false;
  bool in_lane_ = false;  // taken from the queue into a lane (then the hasher finishes it)
  bool held_ = false;     // queued or in a lane: the hasher may read source_
  bool done_ = false;
  StoreResult<Md5::Digest> result_;
  uint64_t hashed_ = 0;  // whole blocks compressed so far, in bytes
};

}  // namespace sf::engine
