// Group commit and concurrency: appenders, syncers and readers on one log.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <thread>

#include "engine/log/shard_log.h"
#include "test_util.h"

namespace sf::engine {
namespace {

using testing_util::Batch;
using testing_util::MakeBatch;
using testing_util::OpenOrDie;
using testing_util::ReadAll;
using testing_util::TempDir;

// The first sequence and size of every batch appended, checked to tile [0, total) exactly.
void ExpectGapFree(std::vector<std::pair<uint64_t, size_t>> batches, uint64_t total) {
  std::sort(batches.begin(), batches.end());
  uint64_t next = 0;
  for (const auto& [first, size] : batches) {
    ASSERT_EQ(first, next) << "gap or overlap";
    next += size;
  }
  EXPECT_EQ(next, total);
}

// Each round every thread appends, then (after all have appended) every thread syncs its own
// batch: the first to sync covers the rest, so each round costs one fdatasync for N Syncs.
TEST(GroupCommitTest, ConcurrentSyncsShareOneFdatasync) {
  TempDir dir;
  auto log = OpenOrDie(dir.path(), LogOptions{});
  constexpr int kThreads = 6;
  constexpr int kRounds = 20;
  std::barrier appended(kThreads);
  std::barrier synced(kThreads);
  std::vector<std::vector<std::pair<uint64_t, size_t>>> batches(kThreads);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        Batch batch = MakeBatch(0, 1 + static_cast<size_t>(t), 100);
        auto first = log->Append(batch.records);
        if (!first) ++failures;
        appended.arrive_and_wait();
        uint64_t last = first ? *first + batch.records.size() - 1 : 0;
        if (!first || !log->Sync(last) || log->visible_end() <= last) ++failures;
        if (first) batches[t].push_back({*first, batch.records.size()});
        synced.arrive_and_wait();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  std::vector<std::pair<uint64_t, size_t>> all;
  for (const auto& b : batches) all.insert(all.end(), b.begin(), b.end());
  ExpectGapFree(all, log->next_sequence());
  EXPECT_EQ(log->sync_count(), static_cast<uint64_t>(kRounds));
  EXPECT_LT(log->sync_count(), static_cast<uint64_t>(kThreads * kRounds));
}

// Free-running appenders and syncers with a concurrent reader: every call succeeds, sequences
// are unique and gap-free, and a reader never sees a gap or a record beyond the visible end.
TEST(GroupCommitTest, FreeRunningAppendSyncAndRead) {
  TempDir dir;
  LogOptions options;
  options.segment_bytes = 64 << 10;  // several rolls during the run
  auto log = OpenOrDie(dir.path(), options);
  constexpr int kWriters = 4;
  constexpr int kBatches = 150;
  std::vector<std::vector<std::pair<uint64_t, size_t>>> batches(kWriters);
  std::atomic<int> failures{0};
  std::atomic<bool> done{false};
  std::thread reader([&] {
    uint64_t from = 0;
    while (!done.load()) {
      auto read = log->Read(from, 500, SIZE_MAX);
      if (!read) {
        ++failures;
        return;
      }
      for (const LogRecord& record : read->records) {
        if (record.sequence != from++ || record.partition_key.empty()) ++failures;
      }
      if (read->next_sequence != from || from > log->visible_end()) ++failures;
    }
  });
  std::vector<std::thread> writers;
  writers.reserve(kWriters);
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kBatches; ++i) {
        Batch batch = MakeBatch(0, 1 + static_cast<size_t>((w * 7 + i) % 13), 100);
        auto first = log->Append(batch.records);
        if (!first || !log->Sync(*first + batch.records.size() - 1)) {
          ++failures;
          continue;
        }
        batches[w].push_back({*first, batch.records.size()});
      }
    });
  }
  for (auto& writer : writers) writer.join();
  done.store(true);
  reader.join();
  EXPECT_EQ(failures.load(), 0);
  std::vector<std::pair<uint64_t, size_t>> all;
  for (const auto& b : batches) all.insert(all.end(), b.begin(), b.end());
  ExpectGapFree(all, log->next_sequence());
  EXPECT_EQ(log->visible_end(), log->next_sequence());
  EXPECT_GT(log->segment_count(), 2u);
  EXPECT_LE(log->sync_count(), static_cast<uint64_t>(kWriters * kBatches));
  EXPECT_EQ(ReadAll(*log, 1000).size(), log->next_sequence());
}

TEST(GroupCommitTest, RecordsInASealedSegmentNeedNoFurtherSync) {
  TempDir dir;
  LogOptions options;
  options.segment_bytes = 1;
  auto log = OpenOrDie(dir.path(), options);
  Batch first = MakeBatch(0, 3);
  Batch second = MakeBatch(3, 3);
  ASSERT_TRUE(log->Append(first.records).has_value());
  ASSERT_TRUE(log->Append(second.records).has_value());  // seals the first segment
  EXPECT_EQ(log->visible_end(), 3u);
  ASSERT_TRUE(log->Sync(2).has_value());
  EXPECT_EQ(log->sync_count(), 0u);
  ASSERT_TRUE(log->Sync(5).has_value());
  EXPECT_EQ(log->sync_count(), 1u);
  EXPECT_EQ(log->visible_end(), 6u);
}

TEST(GroupCommitTest, SyncingWhatIsDurableCostsNothing) {
  TempDir dir;
  auto log = OpenOrDie(dir.path(), LogOptions{});
  Batch batch = MakeBatch(0, 10);
  ASSERT_TRUE(log->Append(batch.records).has_value());
  ASSERT_TRUE(log->Sync(9).has_value());
  ASSERT_TRUE(log->Sync(3).has_value());
  ASSERT_TRUE(log->SyncAll().has_value());
  EXPECT_EQ(log->sync_count(), 1u);
}

}  // namespace
}  // namespace sf::engine
