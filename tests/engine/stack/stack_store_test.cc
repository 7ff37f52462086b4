// StackStore: records and revisions, locks and their expiry, durability, concurrent locking.

#include <atomic>
#include <regex>
#include <thread>

#include "stack_test_util.h"

namespace sf::engine::stack_test {
namespace {

using nlohmann::json;

TEST_F(StackStoreTest, PutThenGetRoundTripsAndStamps) {
  std::string lock_id = Lock("app-dev-data");
  auto record = Record("app-dev-data");
  record.resources["Bucket"] = {"Bucket",
                                "AWS::S3::Bucket",
                                "b-1",
                                "CREATE_COMPLETE",
                                {{"BucketName", "b-1"}},
                                {{"Arn", "arn:aws:s3:::b-1"}},
                                {},
                                "Retain",
                                5,
                                "i-1"};
  record.tmpl = {"stacks/data.yaml", "sha256:00", "Resources: {}"};
  json sent = stackapi::ToJson(record);
  sent["futureMember"] = {1, 2};
  clock_.Advance(7);
  auto revision = store_->Put("app-dev-data", lock_id, 0, sent);
  ASSERT_TRUE(revision) << revision.error().message;
  EXPECT_EQ(*revision, 1);

  auto got = store_->Get("app-dev-data");
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->revision, 1);
  EXPECT_EQ(got->updated_ms, kStartMs + 7);
  EXPECT_EQ(got->resources.at("Bucket").physical_id, "b-1");
  EXPECT_EQ(got->resources.at("Bucket").deletion_policy, "Retain");
  EXPECT_EQ(got->tmpl.text, "Resources: {}");
  auto text = store_->GetJson("app-dev-data");
  ASSERT_TRUE(text);
  EXPECT_EQ(json::parse(*text)["futureMember"], json({1, 2}));  // kept as sent

  auto second = store_->Put("app-dev-data", lock_id, 1, sent);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(*second, 2);
}

TEST_F(StackStoreTest, GetOfUnknownStackIsNotFound) {
  auto got = store_->Get("nope");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().failure, StackFailure::kNotFound);
  EXPECT_EQ(StackFailureName(got.error().failure), "StackNotFound");
  EXPECT_EQ(StackFailureStatus(got.error().failure), 404);
}

TEST_F(StackStoreTest, PutWithoutTheLiveLockIsRefused) {
  auto record = stackapi::ToJson(Record("s"));
  auto unlocked = store_->Put("s", "l-0000000000000000", 0, record);
  ASSERT_FALSE(unlocked);
  EXPECT_EQ(unlocked.error().failure, StackFailure::kLockNotHeld);

  std::string lock_id = Lock("s", 1000);
  auto other = store_->Put("s", "l-other", 0, record);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().failure, StackFailure::kLockNotHeld);

  clock_.Advance(1000);  // expiresMs is not live any more
  auto expired = store_->Put("s", lock_id, 0, record);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().failure, StackFailure::kLockNotHeld);
  EXPECT_NE(expired.error().message.find("expired"), std::string::npos);
  EXPECT_EQ(store_->Get("s").error().failure, StackFailure::kNotFound);
}

TEST_F(StackStoreTest, RevisionMismatchCarriesTheCurrentRevision) {
  std::string lock_id = Lock("s");
  auto record = stackapi::ToJson(Record("s"));
  auto fresh = store_->Put("s", lock_id, 3, record);
  ASSERT_FALSE(fresh);
  EXPECT_EQ(fresh.error().failure, StackFailure::kRevisionMismatch);
  EXPECT_EQ(fresh.error().detail["revision"], 0);

  ASSERT_TRUE(store_->Put("s", lock_id, 0, record));
  auto again = store_->Put("s", lock_id, 0, record);  // 0: must not exist yet
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().failure, StackFailure::kRevisionMismatch);
  EXPECT_EQ(again.error().detail["revision"], 1);
  EXPECT_EQ(StackFailureStatus(again.error().failure), 409);
}

TEST_F(StackStoreTest, MalformedRecordsAreInvalid) {
  std::string lock_id = Lock("s");
  json record = stackapi::ToJson(Record("s"));
  record["revision"] = "one";
  auto typed = store_->Put("s", lock_id, 0, record);
  ASSERT_FALSE(typed);
  EXPECT_EQ(typed.error().failure, StackFailure::kInvalid);
  EXPECT_NE(typed.error().message.find("revision"), std::string::npos);

  auto renamed = store_->Put("s", lock_id, 0, stackapi::ToJson(Record("t")));
  ASSERT_FALSE(renamed);
  EXPECT_EQ(renamed.error().failure, StackFailure::kInvalid);

  auto twice = Record("s");
  twice.outputs.push_back({"A", "1", "X", ""});
  twice.outputs.push_back({"B", "2", "X", ""});
  auto duplicate = store_->Put("s", lock_id, 0, stackapi::ToJson(twice));
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().failure, StackFailure::kInvalid);
}

TEST_F(StackStoreTest, LockContentionExpiryRenewalAndRelease) {
  auto first = store_->AcquireLock("s", "alice", "apply", 1000, "");
  ASSERT_TRUE(first);
  EXPECT_TRUE(std::regex_match(first->lock_id, std::regex("l-[0-9a-f]{16}")));
  EXPECT_EQ(first->acquired_ms, kStartMs);
  EXPECT_EQ(first->expires_ms, kStartMs + 1000);

  auto second = store_->AcquireLock("s", "bob", "destroy", 1000, "");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().failure, StackFailure::kStackLocked);
  EXPECT_EQ(second.error().detail["lock"]["owner"], "alice");
  EXPECT_EQ(second.error().detail["lock"]["lockId"], first->lock_id);

  clock_.Advance(500);
  auto renewed = store_->AcquireLock("s", "alice", "apply", 1000, first->lock_id);
  ASSERT_TRUE(renewed) << renewed.error().message;
  EXPECT_EQ(renewed->lock_id, first->lock_id);
  EXPECT_EQ(renewed->acquired_ms, kStartMs);
  EXPECT_EQ(renewed->expires_ms, kStartMs + 1500);

  clock_.Advance(1000);  // expired: anyone may take it
  auto taken = store_->AcquireLock("s", "bob", "destroy", 1000, "");
  ASSERT_TRUE(taken) << taken.error().message;
  EXPECT_NE(taken->lock_id, first->lock_id);

  auto late = store_->AcquireLock("s", "alice", "apply", 1000, first->lock_id);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().failure, StackFailure::kStackLocked);
  auto release_other = store_->ReleaseLock("s", first->lock_id);
  ASSERT_FALSE(release_other);
  EXPECT_EQ(release_other.error().failure, StackFailure::kLockNotHeld);

  EXPECT_TRUE(store_->ReleaseLock("s", taken->lock_id));
  EXPECT_TRUE(store_->ReleaseLock("s", taken->lock_id));  // absent: released already
  auto gone = store_->AcquireLock("s", "alice", "apply", 1000, first->lock_id);
  ASSERT_FALSE(gone);  // a renewal needs the lock to still carry the id
  EXPECT_EQ(gone.error().failure, StackFailure::kLockNotHeld);
}

TEST_F(StackStoreTest, ExpiredLockStillCarryingTheIdCanBeRenewed) {
  std::string lock_id = Lock("s", 1000);
  clock_.Advance(5000);
  auto renewed = store_->AcquireLock("s", "tester", "apply", 1000, lock_id);
  ASSERT_TRUE(renewed) << renewed.error().message;
  EXPECT_EQ(renewed->expires_ms, kStartMs + 6000);
}

TEST_F(StackStoreTest, ListFiltersByStageAndShowsLocks) {
  PutUnlocked(Record("a-dev", "dev"), 0);
  PutUnlocked(Record("b-prod", "prod"), 0);
  Lock("b-prod");
  auto all = store_->List("");
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "a-dev");
  EXPECT_FALSE((*all)[0].locked);
  EXPECT_TRUE((*all)[1].locked);
  EXPECT_EQ((*all)[1].revision, 1);
  auto prod = store_->List("prod");
  ASSERT_TRUE(prod);
  ASSERT_EQ(prod->size(), 1u);
  EXPECT_EQ((*prod)[0].stage, "prod");
  EXPECT_EQ((*prod)[0].project, "proj");
}

TEST_F(StackStoreTest, ReopenKeepsEverything) {
  PutUnlocked(Record("net", "dev", {{"VpcId", "vpc-1"}}), 0);
  PutUnlocked(Record("app", "dev", {}, {"VpcId"}), 0);
  std::string lock_id = Lock("app");
  stackapi::JournalEntry entry;
  entry.kind = "apply-begin";
  ASSERT_TRUE(store_->AppendJournal("app", lock_id, {entry, entry}));
  std::string instance = store_->instance();
  EXPECT_TRUE(std::regex_match(instance, std::regex("e-[0-9a-f]{16}")));

  Reopen();
  EXPECT_EQ(store_->instance(), instance);
  auto got = store_->Get("net");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->outputs.at(0).value, "vpc-1");
  auto lock = store_->Lock("app");
  ASSERT_TRUE(lock && *lock);
  EXPECT_EQ((*lock)->lock_id, lock_id);
  auto events = store_->Events("app", 0, 100);
  ASSERT_TRUE(events);
  EXPECT_EQ(events->size(), 2u);
  auto exports = store_->Exports("dev");
  ASSERT_TRUE(exports);
  ASSERT_EQ(exports->size(), 1u);
  EXPECT_EQ(exports->at(0).importers, std::vector<std::string>{"app"});
}

TEST_F(StackStoreTest, ExactlyOneConcurrentAcquirerWins) {
  constexpr int kThreads = 8;
  std::atomic<int> winners{0};
  std::atomic<int> locked{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto lock = store_->AcquireLock("s", "t" + std::to_string(i), "apply", 60000, "");
      if (lock)
        ++winners;
      else if (lock.error().failure == StackFailure::kStackLocked)
        ++locked;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(winners.load(), 1);
  EXPECT_EQ(locked.load(), kThreads - 1);
}

}  // namespace
}  // namespace sf::engine::stack_test
