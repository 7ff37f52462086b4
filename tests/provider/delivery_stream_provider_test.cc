// AWS::KinesisFirehose::DeliveryStream on an in-process engine: create, read back what the
// template set (a normalised template equals the live destination, defaults and all), refuse a
// taken name, update in place (and refuse to rename), data held and emptied, delete twice.

#include <gtest/gtest.h>

#include "client/iam_client.h"
#include "local_engine.h"
#include "plan/normalize.h"
#include "provider/local/delivery_stream_provider.h"
#include "schema/schema.h"

namespace sf::provider {
namespace {

Value Str(const std::string& text) { return Value::String(text); }

class DeliveryStreamProviderTest : public ::testing::Test {
 protected:
  DeliveryStreamProviderTest()
      : provider_(engine_.endpoint(), engine_.credentials(), engine_.region()) {}

  void SetUp() override {
    auto s3 = engine_.Client("s3");
    auto made = s3.Send("PUT", "/delivered", "", "");
    ASSERT_TRUE(made) << made.error().message;
    ASSERT_EQ(made->status, 200) << made->body;
    // The role the destinations name, as the reference stack makes it: Firehose may assume it
    // (the engine refuses a stream whose role it may not) and write the bucket.
    client::IamClient iam(engine_.endpoint(), engine_.credentials());
    auto role = iam.Call(
        "CreateRole", {{"RoleName", "delivery"},
                       {"AssumeRolePolicyDocument",
                        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":)"
                        R"({"Service":"firehose.amazonaws.com"},"Action":"sts:AssumeRole"}]})"}});
    ASSERT_TRUE(role) << role.error().message;
    auto policy = iam.Call(
        "PutRolePolicy",
        {{"RoleName", "delivery"},
         {"PolicyName", "write"},
         {"PolicyDocument",
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject",)"
          R"("Resource":"arn:aws:s3:::delivered/*"}]})"}});
    ASSERT_TRUE(policy) << policy.error().message;
  }

  // The reference stack's destination, as a template writes it ("60" a string).
  static Value Destination(const std::string& interval = "60") {
    return Value::Map(
        {{"BucketARN", Str("arn:aws:s3:::delivered")},
         {"RoleARN", Str("arn:aws:iam::000000000000:role/delivery")},
         {"BufferingHints",
          Value::Map({{"SizeInMBs", Value::Number("5")}, {"IntervalInSeconds", Str(interval)}})},
         {"CompressionFormat", Str("UNCOMPRESSED")},
         {"Prefix", Str("delivery/!{timestamp:yyyy/MM/dd/HH}/")},
         {"ErrorOutputPrefix",
          Str("delivery-errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/")}});
  }

  static const ResourceSchema* Schema() {
    return SchemaRegistry::Builtin().Find("AWS::KinesisFirehose::DeliveryStream");
  }

  // What the planner compares: the template normalised with defaults, the live state without.
  static Value Desired(const Value& properties) { return plan::Normalize(Schema(), properties); }
  static Value Live(const LiveState& state) {
    return plan::Normalize(Schema(), state.properties, {.fill_defaults = false});
  }

  Result<LiveState> Create(const std::string& name, const Value& properties) {
    CreateRequest request;
    request.physical_id = name;
    request.properties = properties;
    return provider_.Create(request);
  }

  void Put(const std::string& name, const std::string& data) {
    auto firehose = engine_.Client("firehose");
    auto put = firehose.Send(
        "POST", "/", "",
        R"({"DeliveryStreamName":")" + name + R"(","Record":{"Data":")" + data + R"("}})",
        {{"Content-Type", "application/x-amz-json-1.1"},
         {"X-Amz-Target", "Firehose_20150804.PutRecord"}});
    ASSERT_TRUE(put) << put.error().message;
    ASSERT_EQ(put->status, 200) << put->body;
  }

  testing::LocalEngine engine_;
  DeliveryStreamProvider provider_;
};

TEST_F(DeliveryStreamProviderTest, CreatedStreamsReadBackAsTheTemplateSaysAfterNormalising) {
  Value properties = Value::Map(
      {{"DeliveryStreamName", Str("events")},
       {"DeliveryStreamType", Str("DirectPut")},
       {"ExtendedS3DestinationConfiguration", Destination()},
       {"Tags", Value::List({Value::Map({{"Key", Str("team")}, {"Value", Str("data")}})})}});
  auto created = Create("events", properties);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->attributes["Arn"],
            Str("arn:aws:firehose:" + engine_.region() + ":000000000000:deliverystream/events"));
  Value desired = Desired(properties);
  Value live = Live(*created);
  for (const char* name :
       {"DeliveryStreamName", "DeliveryStreamType", "ExtendedS3DestinationConfiguration", "Tags"}) {
    ASSERT_NE(live.Find(name), nullptr) << name;
    EXPECT_EQ(*live.Find(name), *desired.Find(name)) << name;
  }
  // A destination that leaves everything to Firehose's defaults reads back equal too.
  Value bare = Value::Map({{"BucketARN", Str("arn:aws:s3:::delivered")},
                           {"RoleARN", Str("arn:aws:iam::000000000000:role/delivery")}});
  Value minimal = Value::Map({{"ExtendedS3DestinationConfiguration", bare}});
  auto plain = Create("minimal", minimal);
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(*Live(*plain).Find("ExtendedS3DestinationConfiguration"),
            *Desired(minimal).Find("ExtendedS3DestinationConfiguration"));

  auto again = Create("events", properties);
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("already exists"), std::string::npos);
  auto refused =
      Create("from-kinesis", Value::Map({{"DeliveryStreamType", Str("KinesisStreamAsSource")},
                                         {"ExtendedS3DestinationConfiguration", bare}}));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("KinesisStreamAsSource is not supported"),
            std::string::npos);
}

TEST_F(DeliveryStreamProviderTest, UpdatesInPlaceAndRefusesRenames) {
  Value before = Value::Map({{"DeliveryStreamName", Str("moving")},
                             {"ExtendedS3DestinationConfiguration", Destination()}});
  ASSERT_TRUE(Create("moving", before));
  Value after = Value::Map(
      {{"DeliveryStreamName", Str("moving")},
       {"ExtendedS3DestinationConfiguration", Destination("120")},
       {"Tags", Value::List({Value::Map({{"Key", Str("stage")}, {"Value", Str("dev")}})})}});
  auto steps = provider_.PlanUpdate(before, after);
  ASSERT_TRUE(steps) << steps.error().message;
  ASSERT_EQ(steps->size(), 1u);
  UpdateRequest update;
  update.physical_id = "moving";
  update.before = before;
  update.after = after;
  auto updated = provider_.Update(update);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(*Live(*updated).Find("ExtendedS3DestinationConfiguration"),
            *Desired(after).Find("ExtendedS3DestinationConfiguration"));
  EXPECT_EQ(*Live(*updated).Find("Tags"), *Desired(after).Find("Tags"));

  // Dropping the prefixes resets them (UpdateDestination alone would keep them).
  Value dropped = after;
  Value destination = Destination("120");
  destination.members().erase(destination.members().end() - 2, destination.members().end());
  dropped.Set("ExtendedS3DestinationConfiguration", destination);
  update.before = after;
  update.after = dropped;
  auto reset = provider_.Update(update);
  ASSERT_TRUE(reset) << reset.error().message;
  const Value* live = reset->properties.Find("ExtendedS3DestinationConfiguration");
  EXPECT_EQ(live->Find("Prefix"), nullptr);
  EXPECT_EQ(live->Find("ErrorOutputPrefix"), nullptr);

  Value renamed = after;
  renamed.Set("DeliveryStreamName", Str("moved"));
  EXPECT_FALSE(provider_.PlanUpdate(after, renamed));
  EXPECT_TRUE(provider_.PlanUpdate(after, after)->empty());
  EXPECT_LE(provider_.GenerateName("a-long-stack-name-for-this-test", "DeliveryStream").size(),
            64u);
}

TEST_F(DeliveryStreamProviderTest, BufferedRecordsAreDataAndEmptyingDeliversThem) {
  ASSERT_TRUE(
      Create("holding", Value::Map({{"ExtendedS3DestinationConfiguration", Destination()}})));
  auto held = provider_.DataHeld("holding");
  ASSERT_TRUE(held) << held.error().message;
  EXPECT_TRUE(held->known);
  EXPECT_TRUE(held->empty());
  Put("holding", "aGVsbG8K");  // "hello\n"
  Put("holding", "d29ybGQK");  // "world\n"
  held = provider_.DataHeld("holding");
  ASSERT_TRUE(held);
  EXPECT_EQ(held->records, 2);
  EXPECT_EQ(held->bytes, 12);
  ASSERT_TRUE(provider_.Empty("holding"));
  held = provider_.DataHeld("holding");
  ASSERT_TRUE(held);
  EXPECT_TRUE(held->empty());
  auto s3 = engine_.Client("s3");
  auto listed = s3.Send("GET", "/delivered", "list-type=2&prefix=delivery%2F", "");
  ASSERT_TRUE(listed);
  EXPECT_NE(listed->body.find("/holding-1-"), std::string::npos) << listed->body;

  std::vector<std::string> ids = {"holding", "missing"};
  auto read = provider_.Read(ids);
  ASSERT_EQ(read.size(), 2u);
  ASSERT_TRUE(read[0] && read[1]);
  EXPECT_TRUE(read[0]->exists);
  EXPECT_FALSE(read[1]->exists);
  auto missing = provider_.DataHeld("missing");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  DeleteRequest remove;
  remove.physical_id = "holding";
  ASSERT_TRUE(provider_.Delete(remove));
  EXPECT_FALSE(provider_.Read(ids)[0]->exists);
  EXPECT_TRUE(provider_.Delete(remove));
}

}  // namespace
}  // namespace sf::provider
