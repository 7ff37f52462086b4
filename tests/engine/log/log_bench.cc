// Benchmarks of the shard log's hot paths: append (with and without a sync per batch), read,
// timestamp seek, and CRC-32C. Run: ./build/tests/engine/log/engine_log_bench
// The logs live under $TMPDIR (default /tmp), which should be on the disk being measured.

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/log/crc32c.h"
#include "engine/log/shard_log.h"

namespace sf::engine {
namespace {

constexpr size_t kBatch = 500;
constexpr size_t kRecordBytes = 100;

std::string BenchDirectory(const std::string& name) {
  static int counter = 0;
  auto path =
      std::filesystem::temp_directory_path() / ("engine_log_bench_" + std::to_string(::getpid()) +
                                                "_" + name + "_" + std::to_string(counter++));
  std::filesystem::remove_all(path);
  return path.string();
}

// A log in a fresh directory, deleted with the fixture.
struct BenchLog {
  explicit BenchLog(const std::string& name, LogOptions options = {})
      : directory(BenchDirectory(name)), log(std::move(*ShardLog::Open(directory, options))) {}
  ~BenchLog() {
    log.reset();
    std::filesystem::remove_all(directory);
  }
  std::string directory;
  std::unique_ptr<ShardLog> log;
};

// kBatch records: 16-byte keys, kRecordBytes of data each (the views point into `storage`).
struct Records {
  Records() : storage(kBatch * (16 + kRecordBytes), 'x') {
    for (size_t i = 0; i < kBatch; ++i) {
      const char* key = storage.data() + i * (16 + kRecordBytes);
      records.push_back({{key, 16}, {key + 16, kRecordBytes}, 0});
    }
  }
  void SetArrival(int64_t arrival) {
    for (auto& record : records) record.arrival_ms = arrival;
  }
  std::string storage;
  std::vector<AppendRecord> records;
};

// Drops sealed segments now and then so a long run does not fill the disk. Timed: pausing the
// timer is costly with several threads, and retention is part of a real log's work anyway.
void TrimIfLarge(ShardLog& log, int64_t now) {
  if (log.size_bytes() < (uint64_t{256} << 20)) return;
  (void)log.DropBefore(now);
}

void BM_AppendNoSync(benchmark::State& state) {
  BenchLog bench("append");
  Records batch;
  int64_t now = 0;
  for (auto _ : state) {
    batch.SetArrival(++now);
    benchmark::DoNotOptimize(bench.log->Append(batch.records));
    TrimIfLarge(*bench.log, now);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kBatch * (16 + kRecordBytes)));
}
BENCHMARK(BM_AppendNoSync)->UseRealTime();

// One log shared by all threads; every thread appends a batch and syncs it (group commit).
std::unique_ptr<BenchLog> shared_log;
std::atomic<int64_t> shared_now{0};

void BM_AppendSyncPerBatch(benchmark::State& state) {
  if (state.thread_index() == 0) shared_log = std::make_unique<BenchLog>("sync");
  Records batch;
  uint64_t syncs_before = 0;
  for (auto _ : state) {
    if (syncs_before == 0) syncs_before = 1 + shared_log->log->sync_count();
    int64_t now = ++shared_now;
    batch.SetArrival(now);
    auto first = shared_log->log->Append(batch.records);
    if (!first || !shared_log->log->Sync(*first + kBatch - 1))
      state.SkipWithError("append/sync failed");
    if (state.thread_index() == 0) TrimIfLarge(*shared_log->log, now - 100);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
  if (state.thread_index() == 0) {
    state.counters["fdatasync/batch"] = benchmark::Counter(
        static_cast<double>(shared_log->log->sync_count() - (syncs_before - 1)) /
        static_cast<double>(state.iterations() * static_cast<uint64_t>(state.threads())));
    shared_log.reset();
  }
}
BENCHMARK(BM_AppendSyncPerBatch)->UseRealTime()->Threads(1)->Threads(2)->Threads(4);

// The floor for BM_AppendSyncPerBatch/threads:1: the same bytes written to a plain file with
// one pwrite and one fdatasync per batch, no framing, no log.
void BM_RawWriteAndFdatasync(benchmark::State& state) {
  std::string directory = BenchDirectory("raw");
  std::filesystem::create_directories(directory);
  std::string path = directory + "/raw";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  std::string bytes(kBatch * (26 + 16 + kRecordBytes), 'r');
  off_t offset = 0;
  for (auto _ : state) {
    if (::pwrite(fd, bytes.data(), bytes.size(), offset) < 0 || ::fdatasync(fd) != 0) {
      state.SkipWithError("write failed");
    }
    offset += static_cast<off_t>(bytes.size());
    if (offset > (off_t{256} << 20)) {
      if (::ftruncate(fd, 0) != 0) state.SkipWithError("truncate failed");
      offset = 0;
    }
  }
  ::close(fd);
  std::filesystem::remove_all(directory);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
}
BENCHMARK(BM_RawWriteAndFdatasync)->UseRealTime();

// A visible log of `records` records of kRecordBytes, arrivals 1 ms apart per batch.
std::unique_ptr<BenchLog> FilledLog(const std::string& name, size_t batches) {
  LogOptions options;
  options.visible_after_sync = false;
  auto bench = std::make_unique<BenchLog>(name, options);
  Records batch;
  for (size_t i = 0; i < batches; ++i) {
    batch.SetArrival(static_cast<int64_t>(i));
    (void)bench->log->Append(batch.records);
  }
  (void)bench->log->SyncAll();
  return bench;
}

void BM_Read10000(benchmark::State& state) {
  auto bench = FilledLog("read", 400);  // 200,000 records, 25 MB
  std::mt19937_64 random(1);
  uint64_t end = bench->log->next_sequence() - 10'000;
  for (auto _ : state) {
    auto read = bench->log->Read(random() % end, 10'000, size_t{10} << 20);
    if (!read || read->records.size() != 10'000) state.SkipWithError("short read");
    benchmark::DoNotOptimize(read);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 10'000));
}
BENCHMARK(BM_Read10000)->UseRealTime();

void BM_SeekTimestamp(benchmark::State& state) {
  auto bench = FilledLog("seek", 2000);  // 1,000,000 records, 2 segments
  std::mt19937_64 random(2);
  for (auto _ : state) {
    auto found = bench->log->SeekTimestamp(static_cast<int64_t>(random() % 2000));
    benchmark::DoNotOptimize(found);
  }
}
BENCHMARK(BM_SeekTimestamp)->UseRealTime();

// Sets counter `name` to the sealed indexes loaded from .idx per iteration since `before`.
void CountIndexLoads(benchmark::State& state, const ShardLog& log, uint64_t before,
                     const char* name) {
  state.counters[name] =
      static_cast<double>(log.index_loads() - before) / static_cast<double>(state.iterations());
}

// A visible log of `batches` batches in segments of `segment_bytes`.
std::unique_ptr<BenchLog> FilledSmallSegments(const std::string& name, size_t batches,
                                              uint64_t segment_bytes) {
  LogOptions options;
  options.visible_after_sync = false;
  options.segment_bytes = segment_bytes;
  auto bench = std::make_unique<BenchLog>(name, options);
  Records batch;
  for (size_t i = 0; i < batches; ++i) {
    batch.SetArrival(static_cast<int64_t>(i));
    (void)bench->log->Append(batch.records);
  }
  (void)bench->log->SyncAll();
  return bench;
}

// Reads of 1000 records from random places in 100 sealed segments of 1 MiB: with the default
// cache of 8 indexes most start in a segment whose index must be loaded from its .idx.
void BM_Read1000ColdIndex(benchmark::State& state) {
  auto bench = FilledSmallSegments("read_cold", 1500, 1 << 20);  // 750,000 records, 106 MB
  std::mt19937_64 random(3);
  uint64_t end = bench->log->next_sequence() - 1000;
  uint64_t loads = bench->log->index_loads();
  for (auto _ : state) {
    auto read = bench->log->Read(random() % end, 1000, size_t{10} << 20);
    if (!read || read->records.size() != 1000) state.SkipWithError("short read");
    benchmark::DoNotOptimize(read);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 1000));
  CountIndexLoads(state, *bench->log, loads, "idx_loads/read");
}
BENCHMARK(BM_Read1000ColdIndex)->UseRealTime();

// A consumer walking forward through the same log, 500 records a read (the common case).
void BM_Read500Sequential(benchmark::State& state) {
  auto bench = FilledSmallSegments("read_walk", 1500, 1 << 20);
  uint64_t from = 0;
  uint64_t loads = bench->log->index_loads();
  for (auto _ : state) {
    auto read = bench->log->Read(from, 500, size_t{10} << 20);
    if (!read) state.SkipWithError("read failed");
    from = read->records.empty() ? 0 : read->next_sequence;
    benchmark::DoNotOptimize(read);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 500));
  CountIndexLoads(state, *bench->log, loads, "idx_loads/read");
}
BENCHMARK(BM_Read500Sequential)->UseRealTime();

// Timestamp seeks to random times across the 100 sealed segments (mostly cold indexes).
void BM_SeekTimestampColdIndex(benchmark::State& state) {
  auto bench = FilledSmallSegments("seek_cold", 1500, 1 << 20);
  std::mt19937_64 random(4);
  uint64_t loads = bench->log->index_loads();
  for (auto _ : state) {
    auto found = bench->log->SeekTimestamp(static_cast<int64_t>(random() % 1500));
    benchmark::DoNotOptimize(found);
  }
  CountIndexLoads(state, *bench->log, loads, "idx_loads/seek");
}
BENCHMARK(BM_SeekTimestampColdIndex)->UseRealTime();

void BM_Crc32c(benchmark::State& state) {
  std::string data(static_cast<size_t>(state.range(0)), 'c');
  for (auto _ : state) benchmark::DoNotOptimize(Crc32c(data));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
  state.SetLabel(Crc32cIsHardwareAccelerated() ? "sse4.2" : "portable");
}
BENCHMARK(BM_Crc32c)->Arg(126)->Arg(64 << 10);

void BM_Crc32cPortable(benchmark::State& state) {
  std::string data(static_cast<size_t>(state.range(0)), 'c');
  for (auto _ : state) {
    benchmark::DoNotOptimize(crc32c_internal::ExtendPortable(0, data.data(), data.size()));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Crc32cPortable)->Arg(64 << 10);

}  // namespace
}  // namespace sf::engine

BENCHMARK_MAIN();
