// LockLease (renewal across expiry, loss to another holder, release) and JournalWriter (group
// commit from many threads) against an in-process engine.

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "engine_fixture.h"
#include "state/journal_writer.h"
#include "state/lock_lease.h"

namespace sf::state::test {
namespace {

// Waits (in real time, at most 10 s) until `condition` holds: the lease renews on its own
// thread, on the real clock.
template <class Condition>
bool WaitFor(Condition condition) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

TEST_F(EngineTest, LeaseRenewalKeepsTheLockAcrossExpiry) {
  constexpr int64_t kTtlMs = 300;  // renewed every 100 ms of real time
  auto lease = LockLease::Acquire(endpoint_, "s", "me", "apply", kTtlMs);
  ASSERT_TRUE(lease) << lease.error().message;
  const int64_t first_expiry = (*lease)->info().expires_ms;
  // Each step moves the engine's clock by 2/3 of the ttl, right after a renewal: five steps
  // are well past the first expiry, yet the lock never lapses.
  for (int step = 1; step <= 5; ++step) {
    int64_t seen = (*lease)->renewals();
    ASSERT_TRUE(WaitFor([&] { return (*lease)->renewals() > seen; }));
    AdvanceClock(kTtlMs * 2 / 3);
  }
  EXPECT_GT((*lease)->expires_ms(), first_expiry + kTtlMs);
  StackStateClient other(endpoint_);
  auto refused = other.AcquireLock("s", "other", "apply", 60000);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().type, "StackLocked");
  EXPECT_FALSE((*lease)->lost());

  ASSERT_TRUE((*lease)->Release());
  EXPECT_TRUE((*lease)->Release());  // idempotent
  EXPECT_TRUE(other.AcquireLock("s", "other", "apply", 60000));
}

TEST_F(EngineTest, ExpiredLeaseTakenByAnotherIsLost) {
  auto lease = LockLease::Acquire(endpoint_, "s", "me", "apply", 60000);
  ASSERT_TRUE(lease) << lease.error().message;
  AdvanceClock(120000);  // expired: the renewal thread would only try again in 20 s
  StackStateClient other(endpoint_);
  auto taken = other.AcquireLock("s", "other", "destroy", 60000);
  ASSERT_TRUE(taken) << taken.error().message;

  auto renewed = (*lease)->Renew();
  ASSERT_FALSE(renewed);
  EXPECT_EQ(renewed.error().type, "StackLocked");
  EXPECT_TRUE((*lease)->lost());
  EXPECT_EQ((*lease)->Renew().error().type, "LockLost");
  EXPECT_TRUE((*lease)->Release());  // nothing to release; the other holder keeps the lock
  auto still = other.AcquireLock("s", "other", "destroy", 60000, taken->lock_id);
  EXPECT_TRUE(still) << still.error().message;
}

TEST_F(EngineTest, LeaseDestructionReleasesAndContentionFails) {
  {
    auto lease = LockLease::Acquire(endpoint_, "s", "me", "apply");
    ASSERT_TRUE(lease);
    auto second = LockLease::Acquire(endpoint_, "s", "you", "apply");
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().type, "StackLocked");
    EXPECT_EQ(second.error().body["lock"]["owner"], "me");
  }
  StackStateClient client(endpoint_);
  EXPECT_TRUE(client.AcquireLock("s", "you", "apply", 1000));
}

TEST_F(EngineTest, JournalWriterGroupsConcurrentAppends) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  auto lease = LockLease::Acquire(endpoint_, "s", "me", "apply");
  ASSERT_TRUE(lease);
  JournalWriter writer(endpoint_, "s", (*lease)->info().lock_id);
  std::vector<std::vector<int64_t>> seqs(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        stackapi::JournalEntry entry;
        entry.kind = "op-end";
        entry.logical_id = "R" + std::to_string(t);
        entry.detail = {{"i", i}};
        auto seq = writer.Append(std::move(entry));
        seqs[t].push_back(seq ? *seq : -1);
      }
    });
  }
  for (auto& thread : threads) thread.join();

  std::set<int64_t> all;
  for (const auto& thread_seqs : seqs) {
    EXPECT_TRUE(std::is_sorted(thread_seqs.begin(), thread_seqs.end()));
    all.insert(thread_seqs.begin(), thread_seqs.end());
  }
  constexpr int kTotal = kThreads * kPerThread;
  ASSERT_EQ(all.size(), static_cast<size_t>(kTotal));  // unique
  EXPECT_EQ(*all.begin(), 1);
  EXPECT_EQ(*all.rbegin(), kTotal);  // contiguous
  EXPECT_LT(writer.posts(), kTotal);
  EXPECT_GE(writer.posts(), 1);

  // Each seq names the entry its Append sent.
  StackStateClient client(endpoint_);
  auto events = client.Events("s", 0, kTotal);
  ASSERT_TRUE(events) << events.error().message;
  ASSERT_EQ(events->size(), static_cast<size_t>(kTotal));
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      const auto& event = (*events)[static_cast<size_t>(seqs[t][i] - 1)];
      EXPECT_EQ(event.logical_id, "R" + std::to_string(t));
      EXPECT_EQ(event.detail["i"], i);
    }
  }
  auto later = client.Events("s", kTotal - 5, 100);
  ASSERT_TRUE(later);
  EXPECT_EQ(later->size(), 5u);
}

TEST_F(EngineTest, JournalWriterReportsALostLock) {
  JournalWriter writer(endpoint_, "s", "l-not-held");
  stackapi::JournalEntry entry;
  entry.kind = "apply-begin";
  auto refused = writer.Append(entry);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().type, "LockNotHeld");
  EXPECT_EQ(writer.posts(), 1);
}

}  // namespace
}  // namespace sf::state::test
