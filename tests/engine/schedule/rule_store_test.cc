// The rule store: what PutRule replaces and keeps, targets, tags, EventBridge's refusals, and
// what survives a reopen.

#include "engine/schedule/rule_store.h"

#include <gtest/gtest.h>

#include "../../support/temp_dir.h"

namespace sf::engine::schedule {
namespace {

class RuleStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    store_.reset();
    auto store = RuleStore::Open(dir_.File("events.db"), clock_, "eu-west-1", "123456789012");
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }
  RuleSettings Settings(const std::string& name) {
    RuleSettings settings;
    settings.name = name;
    settings.schedule_expression = "rate(1 hour)";
    settings.description = "hourly";
    settings.tags = {{"team", "data"}};
    return settings;
  }
  static Target MakeTarget(const std::string& id) {
    return {id, "arn:aws:lambda:eu-west-1:123456789012:function:" + id, "", std::nullopt,
            std::nullopt};
  }

  testing_support::TempDir dir_{"rule_store"};
  VirtualClock clock_{1'700'000'000'000};
  std::unique_ptr<RuleStore> store_;
};

TEST_F(RuleStoreTest, RulesTargetsAndTagsSurviveAReopen) {
  auto put = store_->Put(Settings("hourly"));
  ASSERT_TRUE(put);
  EXPECT_EQ(put->arn, "arn:aws:events:eu-west-1:123456789012:rule/hourly");
  Target with_input = MakeTarget("b");
  with_input.input = "{\"k\":1}";
  ASSERT_TRUE(store_->PutTargets("hourly", {MakeTarget("a"), with_input}));
  ASSERT_TRUE(store_->RecordFires({{"hourly", clock_.NowMs() + 3600000}}));
  Reopen();
  auto rule = store_->Get("hourly");
  ASSERT_TRUE(rule);
  EXPECT_EQ(rule->settings.description, "hourly");
  EXPECT_EQ(rule->settings.tags, (std::map<std::string, std::string>{{"team", "data"}}));
  ASSERT_EQ(rule->targets.size(), 2u);
  EXPECT_EQ(rule->targets[0].id, "a");
  EXPECT_EQ(rule->targets[1].input, "{\"k\":1}");
  EXPECT_FALSE(rule->targets[0].input.has_value());
  EXPECT_EQ(rule->last_fire_ms, clock_.NowMs() + 3600000);
}

TEST_F(RuleStoreTest, PutRuleReplacesEverythingButTagsAndTargets) {
  ASSERT_TRUE(store_->Put(Settings("r")));
  ASSERT_TRUE(store_->PutTargets("r", {MakeTarget("a")}));
  RuleSettings again;
  again.name = "r";
  again.event_pattern = "{\"source\":[\"x\"]}";
  again.tags = {{"ignored", "yes"}};
  auto put = store_->Put(again);
  ASSERT_TRUE(put);
  EXPECT_EQ(put->settings.schedule_expression, "");
  EXPECT_EQ(put->settings.description, "");
  EXPECT_EQ(put->settings.tags, (std::map<std::string, std::string>{{"team", "data"}}));
  EXPECT_EQ(put->targets.size(), 1u);
}

TEST_F(RuleStoreTest, EventBridgesRefusals) {
  EXPECT_EQ(store_->Get("none").error().type, "ResourceNotFoundException");
  EXPECT_EQ(store_->Get("none").error().message, "Rule none does not exist on EventBus default.");
  EXPECT_TRUE(store_->Delete("none"));  // deleting an absent rule succeeds
  ASSERT_TRUE(store_->Put(Settings("r")));
  ASSERT_TRUE(store_->PutTargets("r", {MakeTarget("a")}));
  auto refused = store_->Delete("r");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().type, "ValidationException");
  EXPECT_EQ(refused.error().message, "Rule can't be deleted since it has targets.");
  auto many = store_->PutTargets(
      "r", {MakeTarget("b"), MakeTarget("c"), MakeTarget("d"), MakeTarget("e"), MakeTarget("f")});
  ASSERT_FALSE(many);
  EXPECT_EQ(many.error().type, "LimitExceededException");
  EXPECT_EQ(store_->Get("r")->targets.size(), 1u);  // nothing of the refused call was kept
  ASSERT_TRUE(store_->PutTargets("r", {MakeTarget("a"), MakeTarget("b")}));  // a replaced
  ASSERT_TRUE(store_->RemoveTargets("r", {"a", "b", "unknown"}));
  EXPECT_TRUE(store_->Delete("r"));
  EXPECT_FALSE(store_->Get("r"));
  EXPECT_EQ(store_->PutTargets("gone", {MakeTarget("a")}).error().type,
            "ResourceNotFoundException");
}

TEST_F(RuleStoreTest, TagsAndArns) {
  ASSERT_TRUE(store_->Put(Settings("r")));
  ASSERT_TRUE(store_->Tag("r", {{"env", "dev"}, {"team", "ops"}}));
  ASSERT_TRUE(store_->Untag("r", {"env"}));
  EXPECT_EQ(store_->Get("r")->settings.tags, (std::map<std::string, std::string>{{"team", "ops"}}));
  EXPECT_EQ(store_->NameFromArn("arn:aws:events:eu-west-1:123456789012:rule/r"), "r");
  EXPECT_EQ(store_->NameFromArn("arn:aws:events:eu-west-1:123456789012:rule/default/r"), "r");
  EXPECT_EQ(store_->NameFromArn("arn:aws:events:us-east-1:123456789012:rule/r"), "");
  EXPECT_EQ(store_->NameFromArn("arn:aws:lambda:eu-west-1:123456789012:function:r"), "");
}

TEST_F(RuleStoreTest, ListenersHearEveryChange) {
  int changes = 0;
  store_->SetListener([&changes] { ++changes; });
  ASSERT_TRUE(store_->Put(Settings("r")));
  ASSERT_TRUE(store_->SetEnabled("r", false));
  ASSERT_TRUE(store_->PutTargets("r", {MakeTarget("a")}));
  ASSERT_TRUE(store_->RemoveTargets("r", {"a"}));
  ASSERT_TRUE(store_->Delete("r"));
  EXPECT_EQ(changes, 5);
}

}  // namespace
}  // namespace sf::engine::schedule
