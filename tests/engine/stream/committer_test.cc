// Committer: acknowledging puts once durable (kEveryBatch) or at once with a background sync
// (kInterval).

#include "engine/stream/committer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/log/shard_log.h"
#include "stream_test_util.h"

namespace sf::engine {
namespace {

using stream_test::TempDir;
using namespace std::chrono_literals;

constexpr auto kWait = 20s;  // generous bound for a result that should come in milliseconds

std::shared_ptr<ShardLog> OpenLog(const std::string& dir) {
  auto log = ShardLog::Open(dir, LogOptions{});  // visible only after sync
  EXPECT_TRUE(log.has_value()) << (log ? "" : log.error().message);
  return log ? std::shared_ptr<ShardLog>(std::move(*log)) : nullptr;
}

// Appends `count` records and returns the last sequence.
uint64_t AppendSome(ShardLog& log, int count, int64_t arrival_ms = 1000) {
  std::vector<std::string> data;
  for (int i = 0; i < count; ++i) data.push_back("d" + std::to_string(i));
  std::vector<AppendRecord> records;
  for (const auto& d : data) records.push_back({"k", d, arrival_ms});
  auto first = log.Append(records);
  EXPECT_TRUE(first.has_value());
  return first ? *first + static_cast<uint64_t>(count) - 1 : 0;
}

size_t Visible(const ShardLog& log) {
  auto read = log.Read(0, 100000, SIZE_MAX);
  EXPECT_TRUE(read.has_value());
  return read ? read->records.size() : 0;
}

TEST(CommitterTest, EveryBatchCallsDoneOnlyOnceDurable) {
  TempDir dir;
  auto log = OpenLog(dir.path() + "/shard");
  ASSERT_NE(log, nullptr);
  Committer committer(DurabilityMode::kEveryBatch, 1000, nullptr);
  EXPECT_EQ(committer.mode(), DurabilityMode::kEveryBatch);
  uint64_t last = AppendSome(*log, 5);
  ASSERT_EQ(Visible(*log), 0u) << "appended, not synced: invisible";
  std::promise<std::pair<bool, size_t>> seen;
  committer.Commit({{log, last}}, [&](Status status) {
    // At acknowledgement time the records must be durable and readable.
    seen.set_value({status.has_value(), log->durable_end() > last ? Visible(*log) : 0});
  });
  auto future = seen.get_future();
  ASSERT_EQ(future.wait_for(kWait), std::future_status::ready);
  auto [ok, visible] = future.get();
  EXPECT_TRUE(ok);
  EXPECT_EQ(visible, 5u);
  EXPECT_GT(log->sync_count(), 0u);
}

TEST(CommitterTest, EveryBatchWithoutTargetsAnswersAtOnceOnTheCaller) {
  Committer committer(DurabilityMode::kEveryBatch, 1000, nullptr);
  bool called = false;
  std::thread::id where;
  committer.Commit({}, [&](Status status) {
    called = status.has_value();
    where = std::this_thread::get_id();
  });
  EXPECT_TRUE(called);
  EXPECT_EQ(where, std::this_thread::get_id());
}

TEST(CommitterTest, ManyConcurrentCommitsAllComplete) {
  TempDir dir;
  std::vector<std::shared_ptr<ShardLog>> logs;
  for (int i = 0; i < 3; ++i) {
    logs.push_back(OpenLog(dir.path() + "/shard" + std::to_string(i)));
    ASSERT_NE(logs.back(), nullptr);
  }
  Committer committer(DurabilityMode::kEveryBatch, 1000, nullptr, 3);
  constexpr int kThreads = 8;
  constexpr int kCommits = 40;
  std::atomic<int> done{0};
  std::atomic<int> failed{0};
  std::atomic<int> not_durable{0};
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t) {
    producers.emplace_back([&, t] {
      for (int i = 0; i < kCommits; ++i) {
        auto& log = logs[static_cast<size_t>((t + i) % 3)];
        auto& other = logs[static_cast<size_t>((t + i + 1) % 3)];
        uint64_t a = AppendSome(*log, 2);
        uint64_t b = AppendSome(*other, 1);
        committer.Commit({{log, a}, {other, b}}, [&, log, other, a, b](Status status) {
          if (!status) failed.fetch_add(1);
          if (log->durable_end() <= a || other->durable_end() <= b) not_durable.fetch_add(1);
          {
            std::lock_guard lock(mu);
            done.fetch_add(1);
          }
          cv.notify_all();
        });
      }
    });
  }
  for (auto& producer : producers) producer.join();
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, kWait, [&] { return done.load() == kThreads * kCommits; }))
      << done.load();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(not_durable.load(), 0);
  size_t total = 0;
  for (const auto& log : logs) total += Visible(*log);
  EXPECT_EQ(total, static_cast<size_t>(kThreads * kCommits * 3));
}

TEST(CommitterTest, SyncErrorsPropagateToTheirCommit) {
  TempDir dir;
  auto good = OpenLog(dir.path() + "/good");
  auto bad = OpenLog(dir.path() + "/bad");
  ASSERT_NE(good, nullptr);
  ASSERT_NE(bad, nullptr);
  Committer committer(DurabilityMode::kEveryBatch, 1000, nullptr, 1);
  uint64_t last = AppendSome(*good, 2);
  AppendSome(*bad, 1);
  std::promise<Status> bad_done;
  std::promise<Status> good_done;
  // Sequence 10 was never appended to `bad`: its sync fails with kInvalidArgument.
  committer.Commit({{bad, 10}}, [&](Status status) { bad_done.set_value(status); });
  committer.Commit({{good, last}}, [&](Status status) { good_done.set_value(status); });
  auto bad_future = bad_done.get_future();
  auto good_future = good_done.get_future();
  ASSERT_EQ(bad_future.wait_for(kWait), std::future_status::ready);
  ASSERT_EQ(good_future.wait_for(kWait), std::future_status::ready);
  Status bad_status = bad_future.get();
  ASSERT_FALSE(bad_status.has_value());
  EXPECT_EQ(bad_status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad_status.error().message.find("not appended yet"), std::string::npos)
      << bad_status.error().message;
  EXPECT_TRUE(good_future.get().has_value()) << "a failure elsewhere does not fail this commit";
}

TEST(CommitterTest, ACommitWithOneFailingTargetFails) {
  TempDir dir;
  auto good = OpenLog(dir.path() + "/good");
  auto bad = OpenLog(dir.path() + "/bad");
  ASSERT_NE(good, nullptr);
  ASSERT_NE(bad, nullptr);
  Committer committer(DurabilityMode::kEveryBatch, 1000, nullptr, 1);
  uint64_t last = AppendSome(*good, 1);
  std::promise<Status> done;
  committer.Commit({{good, last}, {bad, 0}}, [&](Status status) { done.set_value(status); });
  auto future = done.get_future();
  ASSERT_EQ(future.wait_for(kWait), std::future_status::ready);
  EXPECT_FALSE(future.get().has_value());
}

TEST(CommitterTest, DestructorDrainsQueuedCommits) {
  TempDir dir;
  auto log = OpenLog(dir.path() + "/shard");
  ASSERT_NE(log, nullptr);
  std::atomic<int> done{0};
  {
    Committer committer(DurabilityMode::kEveryBatch, 1000, nullptr, 2);
    for (int i = 0; i < 100; ++i) {
      uint64_t last = AppendSome(*log, 1);
      committer.Commit({{log, last}}, [&](Status status) {
        if (status) done.fetch_add(1);
      });
    }
  }
  EXPECT_EQ(done.load(), 100);
  EXPECT_EQ(Visible(*log), 100u);
}

TEST(CommitterTest, IntervalAnswersAtOnceAndSyncsOnItsTimer) {
  TempDir dir;
  auto log = OpenLog(dir.path() + "/shard");
  ASSERT_NE(log, nullptr);
  std::mutex mu;
  std::condition_variable cv;
  int syncs = 0;
  Committer committer(DurabilityMode::kInterval, 20, [&] {
    (void)log->SyncAll();
    {
      std::lock_guard lock(mu);
      ++syncs;
    }
    cv.notify_all();
  });
  EXPECT_EQ(committer.mode(), DurabilityMode::kInterval);
  uint64_t last = AppendSome(*log, 3);
  bool called = false;
  std::thread::id where;
  committer.Commit({{log, last}}, [&](Status status) {
    called = status.has_value();
    where = std::this_thread::get_id();
  });
  EXPECT_TRUE(called) << "kInterval acknowledges before returning";
  EXPECT_EQ(where, std::this_thread::get_id());
  // The timer makes the records durable shortly after.
  std::unique_lock lock(mu);
  int before = syncs;
  ASSERT_TRUE(cv.wait_for(lock, kWait, [&] { return syncs >= before + 2; }));
  lock.unlock();
  EXPECT_GT(log->durable_end(), last);
  EXPECT_EQ(Visible(*log), 3u);
}

TEST(CommitterTest, IntervalSyncsOnceMoreWhenDestroyed) {
  TempDir dir;
  auto log = OpenLog(dir.path() + "/shard");
  ASSERT_NE(log, nullptr);
  std::atomic<int> syncs{0};
  {
    Committer committer(DurabilityMode::kInterval, 3600 * 1000, [&] {
      (void)log->SyncAll();
      syncs.fetch_add(1);
    });
    AppendSome(*log, 2);
    bool called = false;
    committer.Commit({{log, 1}}, [&](Status status) { called = status.has_value(); });
    EXPECT_TRUE(called);
    EXPECT_EQ(Visible(*log), 0u) << "acknowledged but not yet synced";
  }
  EXPECT_GE(syncs.load(), 1);
  EXPECT_EQ(Visible(*log), 2u);
}

}  // namespace
}  // namespace sf::engine
