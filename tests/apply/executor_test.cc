// The executor over in-memory providers: order, parallelism, journaling, rollback, cleanup,
// retention, interruption, late resolution; and folding an interrupted apply's journal.

#include "apply/executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "apply/journal_fold.h"
#include "apply/resource_state.h"
#include "apply/undo_change.h"
#include "provider/fake/fake_provider.h"
#include "provider/fault_injecting_provider.h"

namespace sf::apply {
namespace {

using plan::Action;
using plan::ResourceChange;
using provider::FakeOperation;
using provider::FakeProvider;

constexpr char kType[] = "Test::Fake::Thing";

Value Props(const std::string& name, int size) {
  return Value::Map({{"Name", Value::String(name)}, {"Size", Value::Number(std::to_string(size))}});
}

ResourceChange Change(const std::string& id, Action action, Value desired,
                      std::vector<std::string> depends_on = {}) {
  ResourceChange change;
  change.stack = "s";
  change.logical_id = id;
  change.type = kType;
  change.action = action;
  change.desired = std::move(desired);
  change.depends_on = std::move(depends_on);
  if (const Value* name = change.desired.Find("Name"); name && name->IsString())
    change.new_physical_id = name->text();
  return change;
}

stackapi::ResourceRecord Recorded(const std::string& id, const Value& properties,
                                  std::vector<std::string> depends_on = {}) {
  stackapi::ResourceRecord entry;
  entry.logical_id = id;
  entry.type = kType;
  entry.physical_id = properties.Find("Name")->text();
  entry.status = "CREATE_COMPLETE";
  entry.properties = properties.ToTaggedJson();
  entry.depends_on = std::move(depends_on);
  return entry;
}

class ExecutorTest : public ::testing::Test {
 protected:
  ExecutorTest() {
    provider::FakeProviderOptions options;
    options.type_name = kType;
    options.create_only = {"Name"};
    auto fake = std::make_unique<FakeProvider>(options);
    fake_ = fake.get();
    registry_.Register(std::move(fake));
    hooks_.journal = [this](stackapi::JournalEntry entry) -> Status {
      std::lock_guard<std::mutex> lock(mu_);
      entry.seq = static_cast<int64_t>(journal_.size()) + 1;
      journal_.push_back(std::move(entry));
      return {};
    };
    executor_.apply_id = "a-test";
    stack_.name = "s";
    stack_.stack_name = "p-dev-s";
  }

  StackResult Run(const stackapi::StackRecord& record = {}) {
    executor_.new_stack = record.revision == 0;
    return ExecuteStack(stack_, record, registry_, hooks_, executor_);
  }

  // Wraps the fake in a fault-injecting provider following `spec`.
  void InjectFaults(const std::string& spec) {
    auto plan = provider::ParseFaultPlan(spec);
    ASSERT_TRUE(plan) << plan.error().message;
    provider::WrapWithFaults(registry_, *plan);
  }

  // Ops of `kind` in journal order: "create:A".
  std::vector<std::string> Ops(const std::string& kind) {
    std::vector<std::string> out;
    for (const auto& entry : journal_) {
      if (entry.kind == kind) out.push_back(entry.operation + ":" + entry.logical_id);
    }
    return out;
  }

  provider::ProviderRegistry registry_;
  FakeProvider* fake_ = nullptr;
  ApplyHooks hooks_;
  ExecutorOptions executor_;
  plan::StackChange stack_;
  std::mutex mu_;
  std::vector<stackapi::JournalEntry> journal_;
};

TEST_F(ExecutorTest, CreatesInDependencyOrderAndRecordsEachResource) {
  stack_.resources.push_back(Change("A", Action::kAdd, Props("a", 1)));
  stack_.resources.push_back(Change("B", Action::kAdd, Props("b", 1), {"A"}));
  stack_.resources.push_back(Change("C", Action::kAdd, Props("c", 1), {"B"}));
  auto result = Run();
  ASSERT_EQ(result.outcome, Outcome::kComplete) << result.error;
  EXPECT_EQ(Ops("op-end"), (std::vector<std::string>{"create:A", "create:B", "create:C"}));
  ASSERT_EQ(result.record.resources.size(), 3u);
  EXPECT_EQ(result.record.resources["B"].physical_id, "b");
  EXPECT_EQ(result.record.resources["B"].attributes["Arn"],
            "arn:streamform:fake:::" + std::string(kType) + "/b");
  EXPECT_EQ(result.record.status, "CREATE_COMPLETE");
  EXPECT_EQ(result.operations_done, 3u);
  // Every op-begin is journaled before its op-end.
  for (const auto& op : Ops("op-end")) {
    auto begins = Ops("op-begin");
    EXPECT_NE(std::find(begins.begin(), begins.end(), op), begins.end());
  }
  EXPECT_EQ(journal_.front().kind, "op-begin");
}

TEST_F(ExecutorTest, IndependentResourcesRunInParallelWithinTheBound) {
  fake_->set_delay(std::chrono::milliseconds(30));
  for (int i = 0; i < 12; ++i) {
    std::string name = "r" + std::to_string(i);
    stack_.resources.push_back(Change("R" + std::to_string(i), Action::kAdd, Props(name, 1)));
  }
  executor_.parallelism = 4;
  auto result = Run();
  ASSERT_EQ(result.outcome, Outcome::kComplete) << result.error;
  EXPECT_LE(fake_->max_concurrent(), 4);  // the bound holds
  EXPECT_GE(fake_->max_concurrent(), 2);  // and independent work overlapped
  EXPECT_EQ(fake_->size(), 12u);
}

TEST_F(ExecutorTest, FailureRollsBackCompletedCreates) {
  stack_.resources.push_back(Change("A", Action::kAdd, Props("a", 1)));
  stack_.resources.push_back(Change("B", Action::kAdd, Props("b", 1), {"A"}));
  stack_.resources.push_back(Change("C", Action::kAdd, Props("c", 1), {"B"}));
  InjectFaults("create:C:fail-after");
  auto result = Run();
  EXPECT_EQ(result.outcome, Outcome::kRolledBack);
  EXPECT_NE(result.error.find("C: "), std::string::npos) << result.error;
  EXPECT_TRUE(result.record.resources.empty());
  EXPECT_EQ(result.record.status, "ROLLBACK_COMPLETE");
  // fail-after created C although its call failed: rollback deletes it too, then B and A,
  // newest first.
  EXPECT_EQ(Ops("op-end"),
            (std::vector<std::string>{"create:A", "create:B", "delete:C", "delete:B", "delete:A"}));
  EXPECT_EQ(fake_->size(), 0u);
}

TEST_F(ExecutorTest, NoRollbackKeepsWhatCompleted) {
  stack_.resources.push_back(Change("A", Action::kAdd, Props("a", 1)));
  stack_.resources.push_back(Change("B", Action::kAdd, Props("b", 1), {"A"}));
  InjectFaults("create:B:fail-before");
  executor_.rollback = false;
  auto result = Run();
  EXPECT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_EQ(result.record.status, "CREATE_FAILED");
  ASSERT_EQ(result.record.resources.size(), 1u);
  EXPECT_TRUE(fake_->LiveProperties("a"));
  EXPECT_FALSE(fake_->LiveProperties("b"));
}

TEST_F(ExecutorTest, UpdateRevertsOnRollbackOfALaterFailure) {
  stackapi::StackRecord record;
  record.revision = 3;
  record.resources["A"] = Recorded("A", Props("a", 1));
  fake_->SetLive("a", Props("a", 1));
  stack_.resources.push_back(Change("A", Action::kModify, Props("a", 2)));
  stack_.resources.push_back(Change("B", Action::kAdd, Props("b", 1), {"A"}));
  InjectFaults("create:B:fail-before");
  auto result = Run(record);
  EXPECT_EQ(result.outcome, Outcome::kRolledBack);
  EXPECT_EQ(result.record.status, "UPDATE_ROLLBACK_COMPLETE");
  EXPECT_EQ(*fake_->LiveProperties("a"), Props("a", 1));
  EXPECT_EQ(RecordedProperties(result.record.resources["A"]), Props("a", 1));
}

TEST_F(ExecutorTest, ModifyRevertsDriftFromTheLiveValue) {
  stackapi::StackRecord record;
  record.revision = 1;
  record.resources["A"] = Recorded("A", Props("a", 1));
  fake_->SetLive("a", Props("a", 5));  // drifted: Size 5 live, 1 applied and desired
  ResourceChange change = Change("A", Action::kModify, Props("a", 1));
  plan::PropertyChange drift;
  drift.path = "/Size";
  drift.before = Value::Number("5");
  drift.after = Value::Number("1");
  drift.cause = "drift";
  change.properties.push_back(drift);
  stack_.resources.push_back(change);
  auto result = Run(record);
  ASSERT_EQ(result.outcome, Outcome::kComplete) << result.error;
  EXPECT_EQ(*fake_->LiveProperties("a"), Props("a", 1));
  EXPECT_EQ(fake_->calls(FakeOperation::kUpdate), 1);
}

TEST_F(ExecutorTest, CreateFirstReplacementDeletesTheOriginalInCleanup) {
  stackapi::StackRecord record;
  record.revision = 1;
  record.resources["A"] = Recorded("A", Props("old", 1));
  fake_->SetLive("old", Props("old", 1));
  ResourceChange change = Change("A", Action::kReplace, Props("new", 1));
  change.physical_id = "old";
  stack_.resources.push_back(change);
  auto result = Run(record);
  ASSERT_EQ(result.outcome, Outcome::kComplete) << result.error;
  EXPECT_EQ(Ops("op-end"), (std::vector<std::string>{"create:A", "delete:A"}));
  EXPECT_EQ(result.record.resources["A"].physical_id, "new");
  EXPECT_FALSE(fake_->LiveProperties("old"));
  EXPECT_TRUE(fake_->LiveProperties("new"));
}

TEST_F(ExecutorTest, DeleteFirstReplacementKeepsTheNameAndRecreatesOnRollback) {
  stackapi::StackRecord record;
  record.revision = 1;
  record.resources["A"] = Recorded("A", Props("same", 1));
  fake_->SetLive("same", Props("same", 1));
  ResourceChange change = Change("A", Action::kReplace, Props("same", 2));
  change.physical_id = "same";
  change.delete_first = true;
  stack_.resources.push_back(change);
  stack_.resources.push_back(Change("B", Action::kAdd, Props("b", 1), {"A"}));
  InjectFaults("create:B:fail-before");
  auto result = Run(record);
  EXPECT_EQ(result.outcome, Outcome::kRolledBack);
  EXPECT_EQ(Ops("op-end"),
            (std::vector<std::string>{"delete:A", "create:A", "delete:A", "create:A"}));
  EXPECT_EQ(*fake_->LiveProperties("same"), Props("same", 1));
}

TEST_F(ExecutorTest, RemovalsRunAfterEverythingElseInReverseDependencyOrder) {
  stackapi::StackRecord record;
  record.revision = 1;
  record.resources["A"] = Recorded("A", Props("a", 1));
  record.resources["B"] = Recorded("B", Props("b", 1), {"A"});
  record.resources["C"] = Recorded("C", Props("c", 1), {"B"});
  for (const char* name : {"a", "b", "c"}) fake_->SetLive(name, Props(name, 1));
  for (const char* id : {"A", "B", "C"}) {
    ResourceChange change = Change(id, Action::kRemove, Value::Map());
    change.physical_id = record.resources[id].physical_id;
    stack_.resources.push_back(change);
  }
  stack_.resources.push_back(Change("D", Action::kAdd, Props("d", 1)));
  auto result = Run(record);
  ASSERT_EQ(result.outcome, Outcome::kComplete) << result.error;
  EXPECT_EQ(Ops("op-end"),
            (std::vector<std::string>{"create:D", "delete:C", "delete:B", "delete:A"}));
  EXPECT_EQ(result.record.resources.size(), 1u);
}

TEST_F(ExecutorTest, RetainedRemovalIsForgottenNotDeleted) {
  stackapi::StackRecord record;
  record.revision = 1;
  record.resources["A"] = Recorded("A", Props("a", 1));
  fake_->SetLive("a", Props("a", 1));
  ResourceChange change = Change("A", Action::kRemove, Value::Map());
  change.physical_id = "a";
  change.retain = true;
  stack_.resources.push_back(change);
  auto result = Run(record);
  ASSERT_EQ(result.outcome, Outcome::kComplete);
  EXPECT_TRUE(result.record.resources.empty());
  EXPECT_EQ(result.retained, (std::vector<std::string>{"A"}));
  EXPECT_TRUE(fake_->LiveProperties("a"));
  EXPECT_EQ(fake_->calls(FakeOperation::kDelete), 0);
}

TEST_F(ExecutorTest, AFailedCleanupIsNotRolledBack) {
  stackapi::StackRecord record;
  record.revision = 1;
  record.resources["A"] = Recorded("A", Props("a", 1));
  fake_->SetLive("a", Props("a", 1));
  ResourceChange remove = Change("A", Action::kRemove, Value::Map());
  remove.physical_id = "a";
  stack_.resources.push_back(remove);
  stack_.resources.push_back(Change("B", Action::kAdd, Props("b", 1)));
  InjectFaults("delete:A:fail-before");
  auto result = Run(record);
  EXPECT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_EQ(result.record.resources["A"].status, "DELETE_FAILED");
  EXPECT_TRUE(fake_->LiveProperties("b"));  // kept: only cleanup failed
}

TEST_F(ExecutorTest, StopRequestLetsRunningWorkFinishAndSchedulesNothingNew) {
  std::atomic<int> ends{0};
  hooks_.progress = [&](const ProgressEvent& event) {
    if (event.status == "CREATE_COMPLETE") ++ends;
  };
  hooks_.should_stop = [&] { return ends.load() >= 1; };
  stack_.resources.push_back(Change("A", Action::kAdd, Props("a", 1)));
  stack_.resources.push_back(Change("B", Action::kAdd, Props("b", 1), {"A"}));
  auto result = Run();
  EXPECT_EQ(result.outcome, Outcome::kInterrupted);
  EXPECT_EQ(result.record.resources.size(), 1u);
  EXPECT_EQ(result.operations_done, 1u);
  EXPECT_EQ(result.operations_total, 2u);
  EXPECT_TRUE(fake_->LiveProperties("a"));  // not rolled back: apply resumes
}

TEST_F(ExecutorTest, UnknownPropertiesAreResolvedOnceTheirDependenciesExist) {
  stack_.resources.push_back(Change("A", Action::kAdd, Props("a", 1)));
  Value desired = Value::Map({{"Name", Value::String("b")}, {"Source", Value::Unknown("A.Arn")}});
  stack_.resources.push_back(Change("B", Action::kAdd, desired, {"A"}));
  hooks_.resolve = [](const std::string& logical_id, const stackapi::StackRecord& now,
                      const std::set<std::string>& settled) -> Result<Value> {
    EXPECT_EQ(logical_id, "B");
    EXPECT_EQ(settled, (std::set<std::string>{"A"}));
    const auto& arn = now.resources.at("A").attributes.at("Arn");
    return Value::Map({{"Name", Value::String("b")}, {"Source", Value::String(arn)}});
  };
  auto result = Run();
  ASSERT_EQ(result.outcome, Outcome::kComplete) << result.error;
  EXPECT_EQ(fake_->LiveProperties("b")->Find("Source")->text(),
            "arn:streamform:fake:::" + std::string(kType) + "/a");
}

TEST_F(ExecutorTest, AJournalThatCannotBeWrittenStopsTheApply) {
  hooks_.journal = [](stackapi::JournalEntry) -> Status {
    return Fail(ErrorCode::kIo, "engine gone");
  };
  stack_.resources.push_back(Change("A", Action::kAdd, Props("a", 1)));
  auto result = Run();
  EXPECT_NE(result.outcome, Outcome::kComplete);
  EXPECT_EQ(fake_->calls(FakeOperation::kCreate), 0);  // nothing runs unjournaled
}

// --- Folding an interrupted apply. ---

stackapi::JournalEntry Entry(const std::string& kind, const std::string& operation,
                             const std::string& id, const std::string& physical_id, int64_t time_ms,
                             nlohmann::json detail = nlohmann::json::object()) {
  stackapi::JournalEntry entry;
  entry.kind = kind;
  entry.apply_id = "a-1";
  entry.operation = operation;
  entry.logical_id = id;
  entry.type = kType;
  entry.physical_id = physical_id;
  entry.time_ms = time_ms;
  entry.detail = std::move(detail);
  return entry;
}

TEST(JournalFoldTest, EndedOperationsMoveTheRecordAndOpenOnesAreInDoubt) {
  stackapi::StackRecord record;
  record.resources["Gone"] = Recorded("Gone", Props("gone", 1));
  record.resources["Grown"] = Recorded("Grown", Props("grown", 1));
  provider::LiveState created;
  created.exists = true;
  created.physical_id = "new";
  created.attributes["Arn"] = Value::String("arn:new");
  std::vector<stackapi::JournalEntry> entries = {
      Entry("op-begin", "create", "New", "new", 100,
            {{"properties", Props("new", 1).ToTaggedJson()}}),
      Entry("op-end", "create", "New", "new", 101, {{"state", StateToJson(created)}}),
      Entry("op-begin", "delete", "Gone", "gone", 102),
      Entry("op-end", "delete", "Gone", "gone", 103),
      Entry("op-begin", "update", "Grown", "grown", 104,
            {{"after", Props("grown", 2).ToTaggedJson()}}),
      Entry("op-end", "update", "Grown", "grown", 105, {{"state", StateToJson(created)}}),
      Entry("op-begin", "create", "Doubt", "doubt", 106,
            {{"properties", Props("doubt", 1).ToTaggedJson()}}),
  };
  stackapi::JournalEntry other = entries.front();
  other.apply_id = "a-0";  // another apply's entry is skipped
  other.logical_id = "Other";
  entries.insert(entries.begin(), other);
  auto folded = FoldJournal(record, entries, "a-1");
  EXPECT_EQ(folded.completed, 3u);
  EXPECT_EQ(folded.record.resources.count("Gone"), 0u);
  EXPECT_EQ(folded.record.resources.count("Other"), 0u);
  EXPECT_EQ(folded.record.resources["New"].attributes["Arn"], "arn:new");
  EXPECT_EQ(RecordedProperties(folded.record.resources["Grown"]), Props("grown", 2));
  ASSERT_EQ(folded.in_doubt.size(), 1u);
  EXPECT_EQ(folded.in_doubt[0].logical_id, "Doubt");

  provider::LiveState live;
  live.exists = true;
  live.physical_id = "doubt";
  live.created_ms = 107;
  auto note = SettleInDoubt(folded.record, folded.in_doubt[0], live);
  EXPECT_NE(note.find("it happened"), std::string::npos) << note;
  EXPECT_EQ(folded.record.resources["Doubt"].physical_id, "doubt");

  stackapi::StackRecord fresh;
  live.created_ms = 1;  // older than the attempt by more than the clock grain: someone else's
  auto refused = SettleInDoubt(fresh, Entry("op-begin", "create", "X", "x", 5000), live);
  EXPECT_NE(refused.find("predates"), std::string::npos) << refused;
  EXPECT_TRUE(fresh.resources.empty());
}

TEST_F(ExecutorTest, UndoChangeTakesAStackBackToItsEarlierRecord) {
  stackapi::StackRecord before;
  before.revision = 4;
  before.resources["Kept"] = Recorded("Kept", Props("kept", 1));
  before.resources["Deleted"] = Recorded("Deleted", Props("deleted", 1));
  before.resources["Replaced"] = Recorded("Replaced", Props("old", 1));
  stackapi::StackRecord now;
  now.revision = 5;
  now.resources["Kept"] = Recorded("Kept", Props("kept", 2));
  now.resources["Made"] = Recorded("Made", Props("made", 1));
  now.resources["Replaced"] = Recorded("Replaced", Props("new", 1));
  for (const char* name : {"kept", "made", "new"}) fake_->SetLive(name, Props(name, 1));
  fake_->SetLive("kept", Props("kept", 2));
  stack_ = UndoChange(before, now);
  auto result = Run(now);
  ASSERT_EQ(result.outcome, Outcome::kComplete) << result.error;
  EXPECT_EQ(*fake_->LiveProperties("kept"), Props("kept", 1));
  EXPECT_EQ(*fake_->LiveProperties("deleted"), Props("deleted", 1));
  EXPECT_EQ(*fake_->LiveProperties("old"), Props("old", 1));
  EXPECT_FALSE(fake_->LiveProperties("made"));
  EXPECT_FALSE(fake_->LiveProperties("new"));
  EXPECT_EQ(result.record.resources.size(), 3u);
  EXPECT_EQ(result.record.resources["Replaced"].physical_id, "old");
}

}  // namespace
}  // namespace sf::apply
