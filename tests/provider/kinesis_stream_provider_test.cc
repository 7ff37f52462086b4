#include "provider/local/kinesis_stream_provider.h"

#include <gtest/gtest.h>

#include <regex>

#include "local_engine.h"
#include "provider/local/property_values.h"

namespace sf::provider {
namespace {

Value Stream(const std::string& shards) {
  return Value::Map({{"Name", Value::String("s")}, {"ShardCount", Value::Number(shards)}});
}

std::vector<int64_t> ShardSteps(const Result<std::vector<UpdateStep>>& steps) {
  std::vector<int64_t> counts;
  for (const auto& step : *steps) counts.push_back(*IntegerOf(step.properties.Find("ShardCount")));
  return counts;
}

class KinesisStreamProviderTest : public ::testing::Test {
 protected:
  KinesisStreamProviderTest()
      : provider_(engine_.endpoint(), engine_.credentials(), engine_.region()),
        kinesis_(engine_.endpoint(), engine_.credentials(), engine_.region()) {}

  LiveState Create(const std::string& name, Value properties) {
    CreateRequest request;
    request.physical_id = name;
    request.properties = std::move(properties);
    auto created = provider_.Create(request);
    EXPECT_TRUE(created) << created.error().message;
    return created ? *created : LiveState{};
  }

  int64_t OpenShards(const std::string& name) {
    auto summary = kinesis_.Call("DescribeStreamSummary", {{"StreamName", name}});
    EXPECT_TRUE(summary) << summary.error().message;
    return summary ? (*summary)["StreamDescriptionSummary"].value("OpenShardCount", int64_t{-1})
                   : -1;
  }

  testing::LocalEngine engine_;
  KinesisStreamProvider provider_;
  client::KinesisClient kinesis_;
};

TEST(KinesisStreamPlanTest, ShardCountMovesByAtMostDoubleOrHalf) {
  KinesisStreamProvider provider("http://127.0.0.1:1", {}, "us-east-1");
  EXPECT_EQ(ShardSteps(provider.PlanUpdate(Stream("2"), Stream("10"))),
            (std::vector<int64_t>{4, 8, 10}));
  EXPECT_EQ(ShardSteps(provider.PlanUpdate(Stream("10"), Stream("3"))),
            (std::vector<int64_t>{5, 3}));
  EXPECT_EQ(ShardSteps(provider.PlanUpdate(Stream("1"), Stream("2"))), (std::vector<int64_t>{2}));
  EXPECT_TRUE(provider.PlanUpdate(Stream("2"), Stream("2"))->empty());

  Value after = Stream("10");
  after.Set("RetentionPeriodHours", Value::Number("48"));
  auto steps = provider.PlanUpdate(Stream("2"), after);
  ASSERT_TRUE(steps);
  ASSERT_EQ(steps->size(), 3u);
  EXPECT_EQ((*steps)[0].description, "ShardCount 2 -> 4, RetentionPeriodHours changed");
  EXPECT_EQ((*steps)[1].description, "ShardCount 4 -> 8");
  for (const auto& step : *steps)
    EXPECT_EQ(step.properties.Find("RetentionPeriodHours")->text(), "48") << "rides on step 1";

  Value retention = Stream("2");
  retention.Set("RetentionPeriodHours", Value::Number("72"));
  steps = provider.PlanUpdate(Stream("2"), retention);
  ASSERT_TRUE(steps);
  ASSERT_EQ(steps->size(), 1u);
  EXPECT_EQ(steps->front().properties, retention);
}

TEST(KinesisStreamPlanTest, ModeNameAndEncryptionChangesNeedAReplacement) {
  KinesisStreamProvider provider("http://127.0.0.1:1", {}, "us-east-1");
  Value on_demand =
      Value::Map({{"Name", Value::String("s")},
                  {"StreamModeDetails", Value::Map({{"StreamMode", Value::String("ON_DEMAND")}})}});
  auto mode = provider.PlanUpdate(Stream("2"), on_demand);
  ASSERT_FALSE(mode);
  EXPECT_NE(mode.error().message.find("UpdateStreamMode"), std::string::npos);
  EXPECT_TRUE(mode.error().message.starts_with("cannot update in place: "));
  Value renamed = Stream("2");
  renamed.Set("Name", Value::String("t"));
  EXPECT_FALSE(provider.PlanUpdate(Stream("2"), renamed));
  Value encrypted = Stream("2");
  encrypted.Set("StreamEncryption", Value::Map({{"EncryptionType", Value::String("KMS")},
                                                {"KeyId", Value::String("alias/aws/kinesis")}}));
  auto encryption = provider.PlanUpdate(Stream("2"), encrypted);
  ASSERT_FALSE(encryption);
  EXPECT_NE(encryption.error().message.find("StreamEncryption"), std::string::npos);
  // An explicit PROVISIONED is the default: no change.
  Value explicit_mode = Stream("2");
  explicit_mode.Set("StreamModeDetails",
                    Value::Map({{"StreamMode", Value::String("PROVISIONED")}}));
  auto same = provider.PlanUpdate(Stream("2"), explicit_mode);
  ASSERT_TRUE(same) << same.error().message;
}

TEST(KinesisStreamPlanTest, GeneratedNamesAreCloudFormationStyle) {
  KinesisStreamProvider provider("http://127.0.0.1:1", {}, "us-east-1");
  std::string name = provider.GenerateName("shop-dev-data", "Orders");
  EXPECT_TRUE(std::regex_match(name, std::regex("shop-dev-data-Orders-[A-Z0-9]{12}"))) << name;
  EXPECT_EQ(provider.GenerateName(std::string(200, 'x'), std::string(100, 'Y')).size(), 128u);
  EXPECT_TRUE(provider.PredictAttributes("s", Stream("1")).empty())
      << "nothing read yet: the account is not known";
}

TEST_F(KinesisStreamProviderTest, ReshardPassesThroughEachStep) {
  ASSERT_TRUE(engine_.running());
  Value before = Stream("2");
  before.Set("Name", Value::String("resharded"));
  Create("resharded", before);
  Value after = before;
  after.Set("ShardCount", Value::Number("10"));
  auto steps = provider_.PlanUpdate(before, after);
  ASSERT_TRUE(steps) << steps.error().message;
  std::vector<int64_t> seen;
  std::vector<std::string> notes;
  for (const auto& step : *steps) {
    UpdateRequest request;
    request.context.progress = [&](const std::string& note) { notes.push_back(note); };
    request.physical_id = "resharded";
    request.before = before;
    request.after = step.properties;
    auto updated = provider_.Update(request);
    ASSERT_TRUE(updated) << updated.error().message;
    seen.push_back(OpenShards("resharded"));
    EXPECT_EQ(*IntegerOf(updated->properties.Find("ShardCount")), seen.back());
    before = step.properties;
  }
  EXPECT_EQ(seen, (std::vector<int64_t>{4, 8, 10}));
  EXPECT_EQ(notes.front(), "ShardCount 2 -> 4");
}

TEST_F(KinesisStreamProviderTest, ReadAgreesWithDescribeStreamSummaryAndListTags) {
  ASSERT_TRUE(engine_.running());
  Value properties = Stream("3");
  properties.Set("RetentionPeriodHours", Value::Number("36"));
  Create("agree", properties);
  // Tags added out of band: as many as a stream may have (50).
  nlohmann::json tags = nlohmann::json::object();
  for (int i = 0; i < 50; ++i) tags["k" + std::to_string(100 + i)] = "v" + std::to_string(i);
  ASSERT_TRUE(kinesis_.Call("AddTagsToStream", {{"StreamName", "agree"}, {"Tags", tags}}));

  std::vector<std::string> ids = {"agree"};
  auto read = provider_.Read(ids);
  ASSERT_TRUE(read[0]) << read[0].error().message;
  const LiveState& state = *read[0];
  auto summary = kinesis_.Call("DescribeStreamSummary", {{"StreamName", "agree"}});
  ASSERT_TRUE(summary);
  const auto& d = (*summary)["StreamDescriptionSummary"];
  EXPECT_EQ(state.properties.Find("Name")->text(), d["StreamName"].get<std::string>());
  EXPECT_EQ(*IntegerOf(state.properties.Find("ShardCount")), d["OpenShardCount"].get<int64_t>());
  EXPECT_EQ(*IntegerOf(state.properties.Find("RetentionPeriodHours")),
            d["RetentionPeriodHours"].get<int64_t>());
  EXPECT_EQ(state.properties.Find("StreamModeDetails")->Find("StreamMode")->text(),
            d["StreamModeDetails"]["StreamMode"].get<std::string>());
  EXPECT_EQ(state.attributes.at("Arn").text(), d["StreamARN"].get<std::string>());
  EXPECT_EQ(state.created_ms,
            static_cast<int64_t>(std::llround(d["StreamCreationTimestamp"].get<double>() * 1000)));

  std::map<std::string, std::string> listed;
  nlohmann::json request = {{"StreamName", "agree"}};
  for (;;) {
    auto page = kinesis_.Call("ListTagsForStream", request);
    ASSERT_TRUE(page);
    for (const auto& tag : (*page)["Tags"]) listed[tag["Key"]] = tag["Value"];
    if (!(*page)["HasMoreTags"].get<bool>()) break;
    request["ExclusiveStartTagKey"] = (*page)["Tags"].back()["Key"];
  }
  EXPECT_EQ(listed.size(), 50u);
  EXPECT_EQ(TagMap(state.properties.Find("Tags")), listed);
  // The Arn can now be predicted for any name.
  EXPECT_EQ(provider_.PredictAttributes("agree", properties).at("Arn"), state.attributes.at("Arn"));
  EXPECT_EQ(provider_.PredictAttributes("other", properties).at("Arn").text(),
            "arn:aws:kinesis:" + engine_.region() + ":000000000000:stream/other");
}

TEST_F(KinesisStreamProviderTest, OnDemandStreamsHaveNoShardCount) {
  ASSERT_TRUE(engine_.running());
  Value properties =
      Value::Map({{"Name", Value::String("od")},
                  {"StreamModeDetails", Value::Map({{"StreamMode", Value::String("ON_DEMAND")}})}});
  LiveState state = Create("od", properties);
  ASSERT_TRUE(state.exists);
  EXPECT_EQ(state.properties.Find("ShardCount"), nullptr);
  EXPECT_EQ(state.properties.Find("StreamModeDetails")->Find("StreamMode")->text(), "ON_DEMAND");
  UpdateRequest request;
  request.physical_id = "od";
  request.before = properties;
  request.after = Stream("2");
  auto refused = provider_.Update(request);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("UpdateStreamMode"), std::string::npos);
}

TEST_F(KinesisStreamProviderTest, RecreatedStreamIsANewIncarnation) {
  ASSERT_TRUE(engine_.running());
  LiveState first = Create("again", Stream("1"));
  DeleteRequest remove;
  remove.physical_id = "again";
  ASSERT_TRUE(provider_.Delete(remove));
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  LiveState second = Create("again", Stream("1"));
  EXPECT_NE(first.incarnation, second.incarnation);
}

TEST(KinesisStreamProviderDownTest, AnUnreachableEngineIsAnErrorNotAbsence) {
  KinesisStreamProvider provider("http://127.0.0.1:1", {"AK", "SK", std::nullopt}, "us-east-1");
  std::vector<std::string> ids = {"s"};
  auto read = provider.Read(ids);
  ASSERT_FALSE(read[0]);
  EXPECT_EQ(read[0].error().code, ErrorCode::kIo);
}

}  // namespace
}  // namespace sf::provider
