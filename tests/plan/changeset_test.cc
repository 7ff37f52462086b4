// Tests of the changeset model (plan/changeset.h): names, and JSON both ways against a golden
// document (tests/plan/golden/changeset.json).

#include "plan/changeset.h"

#include <gtest/gtest.h>

#include "plan_fixture.h"

namespace sf::plan {
namespace {

Changeset Sample() {
  Changeset changeset;
  changeset.project = "streaming-pipeline";
  changeset.stage = "dev";
  changeset.region = "eu-west-1";
  StackChange stack;
  stack.name = "stream";
  stack.stack_name = "streaming-pipeline-dev-stream";
  stack.record_revision = 7;
  stack.template_path = "stream.yaml";
  stack.template_digest = "sha256:9a1f";
  stack.protection_change = true;
  stack.unchanged = 3;
  ResourceChange change;
  change.stack = "stream";
  change.logical_id = "Stream";
  change.type = "AWS::Kinesis::Stream";
  change.physical_id = "streaming-pipeline-dev-stream";
  change.new_physical_id = "streaming-pipeline-dev-events";
  change.action = Action::kReplace;
  change.replacement = Replacement::kTrue;
  change.forced_by = {"/Name"};
  change.properties.push_back({"/Name", Value::String("streaming-pipeline-dev-stream"),
                               Value::String("streaming-pipeline-dev-events"), Replacement::kTrue,
                               "template", "createOnlyProperties"});
  change.properties.push_back(
      {"/Tags", std::nullopt, Value::Unknown("Bucket.Arn"), Replacement::kFalse, "template", ""});
  change.attributes.push_back({"/Arn", Value::String("arn:aws:kinesis:eu-west-1:1:stream/s"),
                               Value::Unknown("Stream.Arn"), Replacement::kFalse, "template", ""});
  change.steps.push_back(
      {"UpdateShardCount 2 -> 4", Value::Map({{"ShardCount", Value::Number("4")}})});
  change.data_impact = "unknown";
  change.depends_on = {"Bucket"};
  change.desired = Value::Map({{"Name", Value::String("streaming-pipeline-dev-events")},
                               {"ShardCount", Value::Number("4")}});
  change.cost = {10.95, 21.9, {"2 shard-hours x 730 h x $0.015"}};
  stack.resources.push_back(change);
  stack.outputs.push_back({"StreamArn", "streaming-pipeline-dev-StreamArn",
                           Value::String("arn:old"), Value::Unknown("Stream.Arn")});
  stack.outputs.push_back({"Gone", "", Value::String("x"), std::nullopt});
  changeset.stacks.push_back(stack);
  changeset.drift.push_back({"stream", "Stream", "/ShardCount", Value::Number("2"),
                             Value::Number("2"), Value::Number("4"), "reverted"});
  changeset.drift.push_back(
      {"stream", "Bucket", "/Tags", std::nullopt, Value::List(), std::nullopt, "not checked"});
  changeset.cost.monthly_before = 10.95;
  changeset.cost.monthly_after = 21.9;
  changeset.cost.price_table = "us-east-1 list prices of 2026-11-22";
  changeset.summary.replace = 1;
  changeset.summary.unchanged = 3;
  changeset.summary.drifted = 1;
  changeset.warnings = {"reshards beyond the window"};
  return changeset;
}

nlohmann::json Golden() {
  std::string text = testing::ReadSource("tests/plan/golden/changeset.json");
  return nlohmann::json::parse(text);
}

TEST(ChangesetTest, NamesRoundTrip) {
  for (Action action :
       {Action::kNoOp, Action::kAdd, Action::kModify, Action::kReplace, Action::kRemove}) {
    EXPECT_EQ(ParseAction(ToString(action)).value(), action);
  }
  for (Replacement r : {Replacement::kFalse, Replacement::kConditional, Replacement::kTrue})
    EXPECT_EQ(ParseReplacement(ToString(r)).value(), r);
  EXPECT_EQ(ToString(Action::kAdd), "Add");
  EXPECT_EQ(ToString(Replacement::kConditional), "Conditional");
  auto bad = ParseAction("Delete");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("'Delete'"), std::string::npos);
}

TEST(ChangesetTest, JsonMatchesTheGoldenDocument) {
  EXPECT_EQ(ToJson(Sample()), Golden()) << ToJson(Sample()).dump(2);
}

TEST(ChangesetTest, GoldenDocumentRoundTripsExactly) {
  auto parsed = ChangesetFromJson(Golden());
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(ToJson(*parsed), Golden());
  const auto& change = parsed->stacks[0].resources[0];
  EXPECT_TRUE(change.properties[1].after->IsUnknown());
  EXPECT_FALSE(change.properties[1].before.has_value());
  EXPECT_EQ(parsed->stacks[0].protection_change, std::optional<bool>(true));
  EXPECT_FALSE(parsed->stacks[0].outputs[1].after.has_value());
}

TEST(ChangesetTest, ReadingNamesTheBadMember) {
  nlohmann::json json = Golden();
  json["stacks"][0]["resources"][0].erase("logicalId");
  auto parsed = ChangesetFromJson(json);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().message, "changeset.stacks[0].resources[0].logicalId is missing");
  json = Golden();
  json["stacks"][0]["resources"][0]["action"] = "Explode";
  parsed = ChangesetFromJson(json);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.error().message.find("action"), std::string::npos);
  EXPECT_FALSE(ChangesetFromJson(nlohmann::json::array()).has_value());
}

}  // namespace
}  // namespace sf::plan
