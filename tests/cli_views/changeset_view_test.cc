// Golden tests of the changeset view over hand-built changesets. Each expected rendering is a
// file in golden/; STREAMFORM_UPDATE_GOLDEN=1 rewrites them from the current output (review
// the diff before keeping it).
#include "cli/views/changeset_view.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace sf::cli {
namespace {

using plan::Action;
using plan::Changeset;
using plan::PropertyChange;
using plan::Replacement;
using plan::ResourceChange;

Value Str(const char* text) { return Value::String(text); }
Value Num(const char* text) { return Value::Number(text); }

std::string Render(const Changeset& changeset, ChangesetViewOptions options) {
  std::ostringstream out;
  RenderChangeset(out, changeset, options);
  return out.str();
}

void ExpectGolden(const std::string& name, const std::string& actual) {
  std::string path = std::string(STREAMFORM_GOLDEN_DIR) + "/" + name + ".txt";
  if (std::getenv("STREAMFORM_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
  }
  std::ifstream file(path, std::ios::binary);
  ASSERT_TRUE(file) << "missing golden file " << path;
  std::stringstream expected;
  expected << file.rdbuf();
  EXPECT_EQ(actual, expected.str()) << "golden file " << path;
}

Changeset Base() {
  Changeset changeset;
  changeset.project = "streaming-pipeline";
  changeset.stage = "dev";
  changeset.region = "us-east-1";
  changeset.cost.price_table = "us-east-1 list prices of 2026-11-22";
  plan::StackChange data;
  data.name = "data-sources";
  data.stack_name = "streaming-pipeline-dev-data-sources";
  plan::StackChange stream;
  stream.name = "stream";
  stream.stack_name = "streaming-pipeline-dev-stream";
  changeset.stacks = {data, stream};
  return changeset;
}

ResourceChange Resource(const char* stack, const char* logical_id, const char* type,
                        Action action) {
  ResourceChange resource;
  resource.stack = stack;
  resource.logical_id = logical_id;
  resource.type = type;
  resource.action = action;
  return resource;
}

PropertyChange Property(const char* path, std::optional<Value> before, std::optional<Value> after,
                        const char* cause = "template") {
  PropertyChange change;
  change.path = path;
  change.before = std::move(before);
  change.after = std::move(after);
  change.cause = cause;
  return change;
}

// A stage with every kind of change: a delete-first replacement, a removal, a retained
// removal, a modification in steps with a reverted drift, an add and an output change.
Changeset Mixed() {
  Changeset changeset = Base();
  auto& data = changeset.stacks[0];
  auto& stream = changeset.stacks[1];

  auto replace = Resource("stream", "Stream", "AWS::Kinesis::Stream", Action::kReplace);
  replace.physical_id = "streaming-pipeline-dev-stream";
  replace.new_physical_id = "streaming-pipeline-dev-events";
  replace.replacement = Replacement::kTrue;
  replace.forced_by = {"/Name"};
  replace.delete_first = true;
  replace.data_impact = "the stream is recreated empty: 48,210 records in 2 shards are lost";
  auto name =
      Property("/Name", Str("streaming-pipeline-dev-stream"), Str("streaming-pipeline-dev-events"));
  name.forces = Replacement::kTrue;
  name.reason = "createOnlyProperties";
  replace.properties = {name};
  replace.attributes = {Property("/Arn",
                                 Str("arn:aws:kinesis:us-east-1:000000000000:stream/"
                                     "streaming-pipeline-dev-stream"),
                                 Value::Unknown("Stream.Arn"))};
  stream.resources.push_back(replace);

  auto modify = Resource("stream", "Events", "AWS::Kinesis::Stream", Action::kModify);
  modify.physical_id = "streaming-pipeline-dev-clicks";
  modify.properties = {Property("/ShardCount", Num("2"), Num("8")),
                       Property("/RetentionPeriodHours", Num("48"), Num("24"), "drift")};
  modify.steps = {{"UpdateShardCount 2 -> 4", Value()}, {"UpdateShardCount 4 -> 8", Value()}};
  stream.resources.push_back(modify);
  stream.unchanged = 1;

  auto remove = Resource("data-sources", "OldBucket", "AWS::S3::Bucket", Action::kRemove);
  remove.physical_id = "streaming-pipeline-dev-old";
  remove.data_impact = "the bucket holds 1,204 objects (3.1 GiB)";
  data.resources.push_back(remove);

  auto retained = Resource("data-sources", "Archive", "AWS::S3::Bucket", Action::kRemove);
  retained.physical_id = "streaming-pipeline-dev-archive";
  retained.retain = true;
  data.resources.push_back(retained);

  auto add = Resource("data-sources", "OutputBucket", "AWS::S3::Bucket", Action::kAdd);
  add.new_physical_id = "streaming-pipeline-dev-output";
  add.desired = Value::Map(
      {{"BucketName", Str("streaming-pipeline-dev-output")},
       {"Tags", Value::List({Value::Map({{"Key", Str("stage")}, {"Value", Str("dev")}})})}});
  data.resources.push_back(add);
  data.unchanged = 2;
  data.outputs = {
      {"StreamArn", "streaming-pipeline-dev-StreamArn",
       Str("arn:aws:kinesis:us-east-1:000000000000:stream/streaming-pipeline-dev-stream"),
       Value::Unknown("Stream.Arn")}};

  changeset.drift = {
      {"stream", "Events", "/RetentionPeriodHours", Num("24"), Num("24"), Num("48"), "reverted"}};
  changeset.cost.monthly_before = 21.90;
  changeset.cost.monthly_after = 43.80;
  changeset.cost.notes = {"not estimated: S3 storage (no stored_gb in the stage's usage)"};
  return changeset;
}

TEST(ChangesetView, Empty) {
  Changeset changeset = Base();
  changeset.stacks[0].unchanged = 2;
  changeset.stacks[1].unchanged = 1;
  ExpectGolden("empty", Render(changeset, {false, "dev", false}));
}

TEST(ChangesetView, AddsOnly) {
  Changeset changeset = Base();
  auto stream = Resource("stream", "Stream", "AWS::Kinesis::Stream", Action::kAdd);
  stream.new_physical_id = "streaming-pipeline-dev-stream";
  stream.desired =
      Value::Map({{"Name", Str("streaming-pipeline-dev-stream")},
                  {"ShardCount", Num("2")},
                  {"StreamModeDetails", Value::Map({{"StreamMode", Str("PROVISIONED")}})}});
  changeset.stacks[1].resources.push_back(stream);
  auto bucket = Resource("data-sources", "OutputBucket", "AWS::S3::Bucket", Action::kAdd);
  bucket.desired = Value::Map({{"BucketName", Value::Unknown("Fn::Sub")}});
  changeset.stacks[0].resources.push_back(bucket);
  changeset.cost.monthly_after = 21.90;
  changeset.cost.notes = {"2 shards x 730 h x $0.015 per shard-hour = $21.90",
                          "not estimated: S3 storage (no stored_gb in the stage's usage)"};
  ExpectGolden("adds_only", Render(changeset, {false, "dev", false}));
}

TEST(ChangesetView, ReplaceWithDataImpactComesFirst) {
  std::string text = Render(Mixed(), {false, "dev", false});
  ExpectGolden("mixed", text);
  EXPECT_LT(text.find("Remove and replace:"), text.find("Modify:"));
  EXPECT_LT(text.find("Modify:"), text.find("Add:"));
}

TEST(ChangesetView, CreateFirstReplacement) {
  Changeset changeset = Base();
  auto replace = Resource("data-sources", "Queue", "AWS::Kinesis::Stream", Action::kReplace);
  replace.physical_id = "streaming-pipeline-dev-Queue-AB12CD34EF56";
  replace.replacement = Replacement::kTrue;
  replace.forced_by = {"/StreamModeDetails"};
  auto mode = Property("/StreamModeDetails", Value::Map({{"StreamMode", Str("PROVISIONED")}}),
                       Value::Map({{"StreamMode", Str("ON_DEMAND")}}));
  mode.forces = Replacement::kTrue;
  mode.reason = "cannot update in place: the engine has no UpdateStreamMode";
  replace.properties = {mode};
  changeset.stacks[0].resources.push_back(replace);
  auto conditional = Resource("data-sources", "Sink", "AWS::S3::Bucket", Action::kModify);
  conditional.physical_id = "streaming-pipeline-dev-sink";
  conditional.replacement = Replacement::kConditional;
  auto bucket_name = Property("/BucketName", Str("streaming-pipeline-dev-sink"),
                              Value::Unknown("Fn::ImportValue"));
  bucket_name.forces = Replacement::kConditional;
  bucket_name.reason = "createOnlyProperties";
  conditional.properties = {bucket_name};
  conditional.forced_by = {"/BucketName"};
  changeset.stacks[0].resources.push_back(conditional);
  ExpectGolden("create_first_replace", Render(changeset, {false, "dev", false}));
}

TEST(ChangesetView, DriftThreeWay) {
  Changeset changeset = Base();
  auto modify = Resource("stream", "Stream", "AWS::Kinesis::Stream", Action::kModify);
  modify.physical_id = "streaming-pipeline-dev-stream";
  modify.properties = {Property("/ShardCount", Num("4"), Num("2"), "drift")};
  modify.steps = {{"UpdateShardCount 4 -> 2", Value()}};
  changeset.stacks[1].resources.push_back(modify);
  changeset.stacks[0].unchanged = 1;
  changeset.drift = {{"stream", "Stream", "/ShardCount", Num("2"), Num("2"), Num("4"), "reverted"},
                     {"data-sources", "OutputBucket", "/Tags", std::nullopt,
                      Value::List({Value::Map({{"Key", Str("team")}, {"Value", Str("data")}})}),
                      std::nullopt, "not checked"}};
  changeset.cost.monthly_before = 43.80;
  changeset.cost.monthly_after = 21.90;
  ExpectGolden("drift", Render(changeset, {false, "dev", false}));
}

TEST(ChangesetView, DriftKeptWithNothingToApply) {
  Changeset changeset = Base();
  changeset.stacks[1].unchanged = 1;
  changeset.drift = {{"stream", "Stream", "/Tags", std::nullopt, std::nullopt,
                      Value::List({Value::Map({{"Key", Str("owner")}, {"Value", Str("ops")}})}),
                      "kept"}};
  ExpectGolden("drift_only", Render(changeset, {false, "dev", false}));
}

TEST(ChangesetView, Destroy) {
  Changeset changeset = Base();
  auto bucket = Resource("data-sources", "OutputBucket", "AWS::S3::Bucket", Action::kRemove);
  bucket.physical_id = "streaming-pipeline-dev-output";
  bucket.data_impact = "the bucket holds 3 objects (12 KiB)";
  changeset.stacks[0].resources.push_back(bucket);
  auto archive = Resource("data-sources", "Archive", "AWS::S3::Bucket", Action::kRemove);
  archive.physical_id = "streaming-pipeline-dev-archive";
  archive.retain = true;
  changeset.stacks[0].resources.push_back(archive);
  auto stream = Resource("stream", "Stream", "AWS::Kinesis::Stream", Action::kRemove);
  stream.physical_id = "streaming-pipeline-dev-stream";
  stream.data_impact = "2 shards holding 48,210 records";
  changeset.stacks[1].resources.push_back(stream);
  changeset.cost.monthly_before = 21.90;
  changeset.cost.monthly_after = 0;
  ExpectGolden("destroy", Render(changeset, {false, "dev", true}));
}

TEST(ChangesetView, DestroyOfAnEmptyStage) {
  EXPECT_EQ(Render(Base(), {false, "dev", true}),
            "No changes. Stage dev has nothing to destroy.\n");
}

TEST(ChangesetView, StageFromTheChangesetWhenNotGiven) {
  Changeset changeset = Base();
  changeset.stacks[0].unchanged = 1;
  EXPECT_EQ(Render(changeset, {}), "No changes. dev is up to date (1 resource).\n");
}

std::string StripEscapes(const std::string& text) {
  std::string plain;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\033') {
      i = text.find('m', i);
      continue;
    }
    plain += text[i];
  }
  return plain;
}

TEST(ChangesetView, ColourOnlyWhenAsked) {
  std::string plain = Render(Mixed(), {false, "dev", false});
  std::string coloured = Render(Mixed(), {true, "dev", false});
  EXPECT_EQ(plain.find('\033'), std::string::npos);
  EXPECT_NE(coloured.find("\033[1;31m  -/+ stream/Stream (AWS::Kinesis::Stream) replace: "),
            std::string::npos);
  EXPECT_NE(coloured.find("\033[1;31m  - data-sources/OldBucket"), std::string::npos);
  EXPECT_NE(coloured.find("\033[1;33m  ~ stream/Events"), std::string::npos);
  EXPECT_NE(coloured.find("\033[32m  + data-sources/OutputBucket"), std::string::npos);
  EXPECT_NE(coloured.find("\033[2m(known after apply)\033[0m"), std::string::npos);
  EXPECT_EQ(StripEscapes(coloured), plain);
}

TEST(ChangesetView, AsciiOnly) {
  for (char c : Render(Mixed(), {false, "dev", false})) {
    EXPECT_LT(static_cast<unsigned char>(c), 0x80);
  }
}

}  // namespace
}  // namespace sf::cli
