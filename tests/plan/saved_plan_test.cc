// Tests of saved plans (plan/saved_plan.h): round trip, tamper detection and staleness.

#include "plan/saved_plan.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "base/file_io.h"
#include "plan/live_reads.h"
#include "plan_fixture.h"

namespace sf::plan::testing {
namespace {

const char* const kTemplate = R"(
Resources:
  Stream:
    Type: AWS::Kinesis::Stream
    Properties: {Name: demo-dev-stream, ShardCount: 2}
  Other:
    Type: AWS::Kinesis::Stream
    Properties: {Name: demo-dev-other, ShardCount: 1}
)";

class SavedPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fixture.Write("stream.yaml", kTemplate);
    fixture.WriteProject({{"stream", "stream.yaml"}});
    fixture.Converge();
    std::string text = kTemplate;
    text.replace(text.find("ShardCount: 2"), 13, "ShardCount: 3");
    fixture.Write("stream.yaml", text);
    result = fixture.Run();
    ASSERT_FALSE(fixture.diagnostics.has_errors()) << Describe(fixture.diagnostics);
    ASSERT_EQ(result.changeset.summary.modify, 1u);
    auto inputs = ReadPlanInputs(fixture.project, {});
    ASSERT_TRUE(inputs.has_value()) << inputs.error().message;
    plan = MakeSavedPlan(result, *inputs, fixture.records, "0.6.0 (test)", "e-1",
                         "2026-11-22T10:15:00Z");
    path = fixture.directory + "/plan.json";
  }

  CurrentState Current(const std::string& engine = "e-1") {
    CurrentState current;
    current.inputs = *ReadPlanInputs(fixture.project, {});
    current.engine_instance = engine;
    current.records = fixture.records;
    std::vector<LiveKey> keys;
    for (const auto& touched : plan.touched) keys.push_back({touched.type, touched.physical_id});
    auto read = ReadLive(fixture.registry(), keys);
    for (size_t i = 0; i < keys.size(); ++i) {
      current.live[plan.touched[i].stack + "/" + plan.touched[i].logical_id] = *read[i];
    }
    return current;
  }

  PlanFixture fixture;
  PlanResult result;
  SavedPlan plan;
  std::string path;
};

TEST_F(SavedPlanTest, RoundTripsThroughAFile) {
  ASSERT_EQ(plan.touched.size(), 1u);
  const TouchedResource& touched = plan.touched[0];
  EXPECT_EQ(touched.logical_id, "Stream");
  EXPECT_EQ(touched.physical_id, "demo-dev-stream");
  EXPECT_EQ(touched.record.rfind("sha256:", 0), 0u);
  EXPECT_EQ(touched.fingerprint.rfind("sha256:", 0), 0u);
  EXPECT_EQ(*touched.live.Find("ShardCount"), Value::Number("2"));
  EXPECT_EQ(plan.inputs.templates.size(), 1u);
  EXPECT_EQ(plan.inputs.project.digest.rfind("sha256:", 0), 0u);

  ASSERT_TRUE(SaveSavedPlan(plan, path).has_value());
  auto loaded = LoadSavedPlan(path);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  EXPECT_EQ(ToJson(*loaded), ToJson(plan));
  EXPECT_EQ(loaded->digest, plan.digest);
  EXPECT_EQ(loaded->format, "streamform-plan/1");
  EXPECT_EQ(loaded->engine_instance, "e-1");
  EXPECT_EQ(loaded->changeset.summary.modify, 1u);
  EXPECT_TRUE(StaleReasons(*loaded, Current()).empty());
}

TEST_F(SavedPlanTest, EditedOrTruncatedFilesAreRefused) {
  ASSERT_TRUE(SaveSavedPlan(plan, path).has_value());
  std::string text = *ReadFile(path);
  std::string edited = text;
  edited.replace(edited.find("demo-dev-stream"), 15, "demo-dev-strean");
  std::ofstream(path, std::ios::trunc) << edited;
  auto loaded = LoadSavedPlan(path);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_NE(loaded.error().message.find("edited or truncated"), std::string::npos);

  std::ofstream(path, std::ios::trunc) << text.substr(0, text.size() / 2);
  loaded = LoadSavedPlan(path);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_NE(loaded.error().message.find("edited or truncated"), std::string::npos);
}

TEST_F(SavedPlanTest, StaleReasonsSayWhatChanged) {
  fixture.streams().fake().SetLiveProperty("demo-dev-stream", "ShardCount", Value::Number("4"));
  fixture.Write("stream.yaml", std::string(kTemplate) + "\n# edited\n");
  std::vector<std::string> reasons = StaleReasons(plan, Current("e-2"));
  std::string dir = fixture.project.directory;
  EXPECT_NE(std::find(reasons.begin(), reasons.end(),
                      std::filesystem::path(dir + "/stream.yaml").lexically_normal().string() +
                          " changed since the plan"),
            reasons.end())
      << ::testing::PrintToString(reasons);
  EXPECT_NE(std::find(reasons.begin(), reasons.end(), "Stream: ShardCount 2 -> 4 since the plan"),
            reasons.end())
      << ::testing::PrintToString(reasons);
  EXPECT_NE(std::find(reasons.begin(), reasons.end(),
                      "engine instance differs: the plan was made against e-1, the engine is "
                      "now e-2"),
            reasons.end());
  EXPECT_EQ(reasons.size(), 3u) << ::testing::PrintToString(reasons);
}

TEST_F(SavedPlanTest, DriftOfUntouchedResourcesDoesNotBlock) {
  fixture.streams().fake().SetLiveProperty("demo-dev-other", "ShardCount", Value::Number("5"));
  EXPECT_TRUE(StaleReasons(plan, Current()).empty());
  fixture.streams().fake().RemoveLive("demo-dev-stream");
  auto reasons = StaleReasons(plan, Current());
  EXPECT_EQ(reasons, std::vector<std::string>{"Stream: deleted since the plan"});
}

TEST_F(SavedPlanTest, ARecordChangedSinceThePlanIsStale) {
  CurrentState current = Current();
  auto& record = current.records.at("demo-dev-stream");
  ++record.revision;
  record.resources.at("Stream").properties =
      Value::Map({{"ShardCount", Value::Number("3")}}).ToTaggedJson();
  auto reasons = StaleReasons(plan, current);
  ASSERT_EQ(reasons.size(), 2u) << ::testing::PrintToString(reasons);
  EXPECT_EQ(reasons[0], "stack demo-dev-stream was changed since the plan (revision 1 -> 2)");
  EXPECT_EQ(reasons[1], "Stream: its record changed since the plan");
}

}  // namespace
}  // namespace sf::plan::testing
