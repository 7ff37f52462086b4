// Index cache eviction under concurrent readers, seekers, an appender and retention.

#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "engine/log/shard_log.h"
#include "test_util.h"

namespace sf::engine {
namespace {

using testing_util::Batch;
using testing_util::MakeBatch;
using testing_util::OpenOrDie;
using testing_util::TempDir;

constexpr size_t kCached = 3;

int64_t ArrivalOf(uint64_t sequence) { return static_cast<int64_t>(sequence / 4); }

// Checks that `read` holds consecutive records from `from` as the appender wrote them.
bool Consistent(const ReadResult& read, uint64_t from) {
  uint64_t expected = from;
  for (const LogRecord& record : read.records) {
    if (record.sequence != expected || record.partition_key != "k" + std::to_string(expected) ||
        record.arrival_ms != ArrivalOf(expected)) {
      return false;
    }
    ++expected;
  }
  return read.next_sequence == expected;
}

TEST(IndexCacheConcurrencyTest, EvictionUnderConcurrentReadersIsSafe) {
  TempDir dir;
  LogOptions options;
  options.segment_bytes = 2000;
  options.index_interval_bytes = 128;
  options.cached_indexes = kCached;
  auto log = OpenOrDie(dir.path(), options);
  constexpr uint64_t kRecords = 12'000;
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::atomic<uint64_t> reads{0};
  auto check = [&](bool ok) {
    if (!ok) ++failures;
  };
  std::thread appender([&] {
    for (uint64_t label = 0; label < kRecords; label += 6) {
      Batch batch = MakeBatch(label, 6, 40, ArrivalOf);
      auto first = log->Append(batch.records);
      check(first.has_value() && *first == label && log->Sync(label + 5).has_value());
      // Retention now and then, so readers race with dropped segments too.
      if (label % 3000 == 0 && label > 0) check(log->DropBefore(ArrivalOf(label / 4)).has_value());
    }
    done.store(true);
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&, r] {
      std::mt19937_64 random(static_cast<uint64_t>(r));
      uint64_t walker = 0;  // reader 0 walks forward; the others jump around
      while (!done.load() || reads.load() < 2000) {
        uint64_t end = log->visible_end();
        uint64_t from = r == 0 ? walker : random() % (end + 1);
        auto read = log->Read(from, 1 + random() % 50, SIZE_MAX);
        check(read.has_value() &&
              Consistent(*read, std::max(from, read->next_sequence - read->records.size())));
        if (read) walker = read->next_sequence;
        int64_t t = static_cast<int64_t>(random() % (ArrivalOf(end) + 2));
        auto found = log->SeekTimestamp(t);
        check(found.has_value() && *found <= log->visible_end());
        check(log->resident_index_count() <= kCached);
        ++reads;
      }
    });
  }
  appender.join();
  for (auto& reader : readers) reader.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LE(log->resident_index_count(), kCached);
  EXPECT_GT(log->index_loads(), kCached);
  // What is left reads back whole, and every seek agrees with the model.
  uint64_t first = log->first_sequence();
  auto rest = log->Read(first, SIZE_MAX, SIZE_MAX);
  ASSERT_TRUE(rest.has_value());
  EXPECT_EQ(rest->records.size(), kRecords - first);
  EXPECT_TRUE(Consistent(*rest, first));
  for (int64_t t = ArrivalOf(first) + 1; t < ArrivalOf(kRecords); t += 17) {
    EXPECT_EQ(*log->SeekTimestamp(t), 4 * static_cast<uint64_t>(t));
  }
}

}  // namespace
}  // namespace sf::engine
