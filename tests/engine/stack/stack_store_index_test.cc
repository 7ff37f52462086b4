// StackStore: the export/import index (ExportInUse, ExportExists), delete and re-create, and
// the journal (numbering, stamps, the cap, events).

#include "stack_test_util.h"

namespace sf::engine::stack_test {
namespace {

using nlohmann::json;

TEST_F(StackStoreTest, ExportsListTheirImporters) {
  PutUnlocked(Record("net", "dev", {{"VpcId", "vpc-1"}, {"SubnetId", "sub-1"}}), 0);
  PutUnlocked(Record("app", "dev", {}, {"VpcId"}), 0);
  PutUnlocked(Record("web", "dev", {}, {"VpcId", "SubnetId"}), 0);
  PutUnlocked(Record("net-prod", "prod", {{"VpcId", "vpc-9"}}), 0);
  auto dev = store_->Exports("dev");
  ASSERT_TRUE(dev);
  ASSERT_EQ(dev->size(), 2u);
  EXPECT_EQ((*dev)[0].name, "SubnetId");
  EXPECT_EQ((*dev)[0].importers, std::vector<std::string>{"web"});
  EXPECT_EQ((*dev)[1].name, "VpcId");
  EXPECT_EQ((*dev)[1].value, "vpc-1");
  EXPECT_EQ((*dev)[1].stack, "net");
  EXPECT_EQ((*dev)[1].importers, (std::vector<std::string>{"app", "web"}));
  auto all = store_->Exports("");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 3u);
}

TEST_F(StackStoreTest, ExportInUseNamesTheImporter) {
  PutUnlocked(Record("net", "dev", {{"VpcId", "vpc-1"}}), 0);
  PutUnlocked(Record("app", "dev", {}, {"VpcId"}), 0);
  std::string lock_id = Lock("net");

  auto removed = store_->Put("net", lock_id, 1, stackapi::ToJson(Record("net", "dev")));
  ASSERT_FALSE(removed);
  EXPECT_EQ(removed.error().failure, StackFailure::kExportInUse);
  EXPECT_EQ(removed.error().detail["export"], "VpcId");
  EXPECT_EQ(removed.error().detail["importer"], "app");

  auto changed =
      store_->Put("net", lock_id, 1, stackapi::ToJson(Record("net", "dev", {{"VpcId", "vpc-2"}})));
  ASSERT_FALSE(changed);
  EXPECT_EQ(changed.error().failure, StackFailure::kExportInUse);
  EXPECT_NE(changed.error().message.find("app"), std::string::npos);

  auto moved =  // to another stage: the dev export would vanish
      store_->Put("net", lock_id, 1, stackapi::ToJson(Record("net", "qa", {{"VpcId", "vpc-1"}})));
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().failure, StackFailure::kExportInUse);

  auto same =
      store_->Put("net", lock_id, 1,
                  stackapi::ToJson(Record("net", "dev", {{"VpcId", "vpc-1"}, {"Extra", "x"}})));
  ASSERT_TRUE(same) << same.error().message;
}

TEST_F(StackStoreTest, OwnImportsDoNotHoldAnExport) {
  PutUnlocked(Record("net", "dev", {{"VpcId", "vpc-1"}}, {"VpcId"}), 0);
  std::string lock_id = Lock("net");
  auto changed = store_->Put("net", lock_id, 1, stackapi::ToJson(Record("net", "dev")));
  ASSERT_TRUE(changed) << changed.error().message;
}

TEST_F(StackStoreTest, ExportExistsInTheSameStageOnly) {
  PutUnlocked(Record("net", "dev", {{"VpcId", "vpc-1"}}), 0);
  std::string lock_id = Lock("net2");
  auto clash =
      store_->Put("net2", lock_id, 0, stackapi::ToJson(Record("net2", "dev", {{"VpcId", "x"}})));
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().failure, StackFailure::kExportExists);
  EXPECT_EQ(clash.error().detail["stack"], "net");
  EXPECT_EQ(clash.error().detail["export"], "VpcId");
  auto other_stage =
      store_->Put("net2", lock_id, 0, stackapi::ToJson(Record("net2", "prod", {{"VpcId", "x"}})));
  EXPECT_TRUE(other_stage) << other_stage.error().message;
}

TEST_F(StackStoreTest, DeleteMarksDeleteCompleteAndDropsTheIndex) {
  PutUnlocked(Record("net", "dev", {{"VpcId", "vpc-1"}}, {"Other"}), 0);
  std::string lock_id = Lock("net");
  stackapi::JournalEntry entry;
  entry.kind = "apply-end";
  ASSERT_TRUE(store_->AppendJournal("net", lock_id, {entry}));
  clock_.Advance(10);
  auto deleted = store_->Delete("net", lock_id);
  ASSERT_TRUE(deleted) << deleted.error().message;

  auto got = store_->Get("net");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, "DELETE_COMPLETE");
  EXPECT_EQ(got->revision, 2);
  EXPECT_EQ(got->updated_ms, kStartMs + 10);
  EXPECT_TRUE(store_->Exports("dev")->empty());
  EXPECT_EQ(store_->Events("net", 0, 10)->size(), 1u);
  EXPECT_TRUE(store_->Delete("net", lock_id));  // deleting again changes nothing
  EXPECT_EQ(store_->Get("net")->revision, 2);

  // Another stack may now export the name; the deleted one may be re-created.
  PutUnlocked(Record("net2", "dev", {{"VpcId", "vpc-2"}}), 0);
  auto stale = store_->Put("net", lock_id, 1, stackapi::ToJson(Record("net")));
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().failure, StackFailure::kRevisionMismatch);
  auto recreated = store_->Put("net", lock_id, 0, stackapi::ToJson(Record("net")));
  ASSERT_TRUE(recreated) << recreated.error().message;
  EXPECT_EQ(*recreated, 3);  // revisions keep rising
  ASSERT_TRUE(store_->Delete("net", lock_id));
  auto by_revision = store_->Put("net", lock_id, 4, stackapi::ToJson(Record("net")));
  ASSERT_TRUE(by_revision) << by_revision.error().message;
  EXPECT_EQ(*by_revision, 5);
}

TEST_F(StackStoreTest, DeleteIsRefusedWhileAnotherStackImports) {
  PutUnlocked(Record("net", "dev", {{"VpcId", "vpc-1"}}), 0);
  PutUnlocked(Record("app", "dev", {}, {"VpcId"}), 0);
  std::string net_lock = Lock("net");
  auto refused = store_->Delete("net", net_lock);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().failure, StackFailure::kExportInUse);
  EXPECT_EQ(refused.error().detail["importer"], "app");

  std::string app_lock = Lock("app");
  ASSERT_TRUE(store_->Delete("app", app_lock));
  EXPECT_TRUE(store_->Delete("net", net_lock));
}

TEST_F(StackStoreTest, DeleteNeedsARecordAndTheLock) {
  auto missing = store_->Delete("ghost", "l-1");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().failure, StackFailure::kNotFound);
  PutUnlocked(Record("s"), 0);
  auto unlocked = store_->Delete("s", "l-1");
  ASSERT_FALSE(unlocked);
  EXPECT_EQ(unlocked.error().failure, StackFailure::kLockNotHeld);
}

TEST_F(StackStoreTest, JournalNumbersAndStampsEntries) {
  std::string lock_id = Lock("s");
  stackapi::JournalEntry entry;
  entry.kind = "op-begin";
  entry.logical_id = "Bucket";
  entry.seq = 99;  // overwritten
  entry.detail = {{"digest", "abc"}};
  auto first = store_->AppendJournal("s", lock_id, {entry, entry, entry});
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(*first, 3);
  clock_.Advance(5);
  auto second = store_->AppendJournal("s", lock_id, {entry});
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, 4);
  EXPECT_EQ(*store_->AppendJournal("s", lock_id, {}), 4);

  auto events = store_->Events("s", 2, 10);
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].seq, 3);
  EXPECT_EQ((*events)[0].time_ms, kStartMs);
  EXPECT_EQ((*events)[1].seq, 4);
  EXPECT_EQ((*events)[1].time_ms, kStartMs + 5);
  EXPECT_EQ((*events)[1].logical_id, "Bucket");
  EXPECT_EQ((*events)[1].detail["digest"], "abc");
  EXPECT_EQ(store_->Events("s", 0, 1)->size(), 1u);

  auto unlocked = store_->AppendJournal("s", "l-wrong", {entry});
  ASSERT_FALSE(unlocked);
  EXPECT_EQ(unlocked.error().failure, StackFailure::kLockNotHeld);
}

TEST_F(StackStoreTest, JournalKeepsTheNewestEntriesPerStack) {
  std::string lock_id = Lock("s");
  std::string other_lock = Lock("other");
  stackapi::JournalEntry entry;
  entry.kind = "op-end";
  ASSERT_TRUE(store_->AppendJournal("other", other_lock, {entry}));
  std::vector<stackapi::JournalEntry> batch(5000, entry);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(store_->AppendJournal("s", lock_id, batch));
  auto last = store_->AppendJournal("s", lock_id, {entry, entry, entry});
  ASSERT_TRUE(last);
  EXPECT_EQ(*last, 20003);
  auto oldest = store_->Events("s", 0, 1);
  ASSERT_TRUE(oldest);
  EXPECT_EQ(oldest->at(0).seq, 4);  // 1..3 dropped
  EXPECT_EQ(store_->Events("s", 0, 30000)->size(), static_cast<size_t>(StackStore::kJournalCap));
  EXPECT_EQ(store_->Events("other", 0, 10)->size(), 1u);  // other stacks keep theirs
}

}  // namespace
}  // namespace sf::engine::stack_test
