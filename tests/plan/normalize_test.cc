// Tests of schema-driven normalisation (plan/normalize.h).

#include "plan/normalize.h"

#include <gtest/gtest.h>

#include "plan_fixture.h"

namespace sf::plan {
namespace {

const ResourceSchema& Stream() { return *SchemaRegistry::Builtin().Find("AWS::Kinesis::Stream"); }
const ResourceSchema& Bucket() { return *SchemaRegistry::Builtin().Find("AWS::S3::Bucket"); }

Value Tag(const std::string& key, const std::string& value) {
  return Value::Map({{"Key", Value::String(key)}, {"Value", Value::String(value)}});
}

TEST(NormalizeTest, ScalarsTakeTheSchemasTypes) {
  Value a = Normalize(&Stream(), Value::Map({{"ShardCount", Value::String("5")}}));
  Value b = Normalize(&Stream(), Value::Map({{"ShardCount", Value::Number("5")}}));
  Value c = Normalize(&Stream(), Value::Map({{"ShardCount", Value::Number("05")}}));
  Value d = Normalize(&Stream(), Value::Map({{"ShardCount", Value::String("5.0")}}));
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, c);
  EXPECT_EQ(a, d);
  EXPECT_EQ(*a.Find("ShardCount"), Value::Number("5"));
  EXPECT_NE(a, Normalize(&Stream(), Value::Map({{"ShardCount", Value::Number("6")}})));
  EXPECT_EQ(*Normalize(&Bucket(), Value::Map({{"ObjectLockEnabled", Value::String("true")}}))
                 .Find("ObjectLockEnabled"),
            Value::Bool(true));
  // A string property takes numbers as their text.
  Value tags =
      Normalize(&Stream(),
                Value::Map({{"Tags", Value::List({Value::Map({{"Key", Value::String("n")},
                                                              {"Value", Value::Number("7")}})})}}));
  EXPECT_EQ(tags.Find("Tags")->items()[0], Tag("n", "7"));
}

TEST(NormalizeTest, UnorderedArraysCompareAsMultisets) {
  Value one =
      Normalize(&Stream(), Value::Map({{"Tags", Value::List({Tag("b", "2"), Tag("a", "1")})}}));
  Value two =
      Normalize(&Stream(), Value::Map({{"Tags", Value::List({Tag("a", "1"), Tag("b", "2")})}}));
  EXPECT_EQ(one, two);
  EXPECT_EQ(one.Find("Tags")->items()[0], Tag("a", "1"));  // ordered by Key
  Value three = Normalize(&Stream(), Value::Map({{"Tags", Value::List({Tag("a", "1")})}}));
  EXPECT_NE(one, three);
  // Ordered arrays keep their order.
  auto config = [](const std::string& first, const std::string& second) {
    return Value::Map(
        {{"AnalyticsConfigurations", Value::List({Value::Map({{"Id", Value::String(first)}}),
                                                  Value::Map({{"Id", Value::String(second)}})})}});
  };
  EXPECT_NE(Normalize(&Bucket(), config("x", "y")), Normalize(&Bucket(), config("y", "x")));
}

TEST(NormalizeTest, AbsentPropertiesTakeTheirSchemaDefault) {
  Value normalized = Normalize(&Stream(), Value::Map({{"ShardCount", Value::Number("1")}}));
  ASSERT_NE(normalized.Find("StreamModeDetails"), nullptr);
  EXPECT_EQ(*normalized.Find("StreamModeDetails"),
            Value::Map({{"StreamMode", Value::String("PROVISIONED")}}));
  EXPECT_EQ(normalized,
            Normalize(&Stream(),
                      Value::Map({{"ShardCount", Value::Number("1")},
                                  {"StreamModeDetails",
                                   Value::Map({{"StreamMode", Value::String("PROVISIONED")}})}})));
  Value plain = Normalize(&Stream(), Value::Map(), {.fill_defaults = false});
  EXPECT_EQ(plain.Find("StreamModeDetails"), nullptr);

  // A default given on an integer (as RetentionPeriodHours' would be) is typed too.
  auto registry = SchemaRegistry::FromTexts({R"({"typeName": "Test::Thing", "properties": {
      "Hours": {"type": "integer", "default": 24}, "Name": {"type": "string"}}})"});
  ASSERT_TRUE(registry.has_value());
  const ResourceSchema* thing = registry->Find("Test::Thing");
  EXPECT_EQ(Normalize(thing, Value::Map()),
            Normalize(thing, Value::Map({{"Hours", Value::String("24")}})));
}

TEST(NormalizeTest, MembersOfAGivenObjectTakeTheirSchemaDefault) {
  const ResourceSchema& firehose =
      *SchemaRegistry::Builtin().Find("AWS::KinesisFirehose::DeliveryStream");
  auto destination = [](std::vector<Value::Member> extra) {
    std::vector<Value::Member> members = {{"BucketARN", Value::String("arn:aws:s3:::b")},
                                          {"RoleARN", Value::String("arn:aws:iam::1:role/r")}};
    for (auto& member : extra) members.push_back(std::move(member));
    return Value::Map({{"ExtendedS3DestinationConfiguration", Value::Map(std::move(members))}});
  };
  Value bare = Normalize(&firehose, destination({}));
  Value spelled = Normalize(
      &firehose,
      destination({{"BufferingHints", Value::Map({{"SizeInMBs", Value::String("5")},
                                                  {"IntervalInSeconds", Value::Number("300")}})},
                   {"CompressionFormat", Value::String("UNCOMPRESSED")},
                   {"EncryptionConfiguration",
                    Value::Map({{"NoEncryptionConfig", Value::String("NoEncryption")}})}}));
  EXPECT_EQ(bare, spelled);
  Value partly = Normalize(
      &firehose,
      destination({{"BufferingHints", Value::Map({{"IntervalInSeconds", Value::Number("60")}})}}));
  const Value* hints = partly.Find("ExtendedS3DestinationConfiguration")->Find("BufferingHints");
  EXPECT_EQ(*hints->Find("SizeInMBs"), Value::Number("5"));
  EXPECT_EQ(*hints->Find("IntervalInSeconds"), Value::Number("60"));
  // Nothing is filled in an object that is not given, nor without fill_defaults.
  EXPECT_EQ(bare.Find("S3DestinationConfiguration"), nullptr);
  Value plain = Normalize(&firehose, destination({}), {.fill_defaults = false});
  EXPECT_EQ(plain.Find("ExtendedS3DestinationConfiguration")->Find("BufferingHints"), nullptr);
}

TEST(NormalizeTest, ReadOnlyPropertiesLeaveTheDesiredSide) {
  Value normalized = Normalize(
      &Bucket(), Value::Map({{"BucketName", Value::String("b")}, {"Arn", Value::String("arn")}}));
  EXPECT_EQ(normalized.Find("Arn"), nullptr);
  EXPECT_NE(normalized.Find("BucketName"), nullptr);
  Value kept = Normalize(&Bucket(), Value::Map({{"Arn", Value::String("arn")}}),
                         {.fill_defaults = false, .drop_read_only = false});
  EXPECT_NE(kept.Find("Arn"), nullptr);
}

TEST(NormalizeTest, UnknownsAndUnknownMembersAreLeftAlone) {
  Value unknown = Value::Unknown("Stream.Arn");
  Value normalized = Normalize(&Stream(), Value::Map({{"ShardCount", unknown}}));
  EXPECT_EQ(*normalized.Find("ShardCount"), unknown);
  EXPECT_EQ(Normalize(nullptr, Value::Map({{"X", Value::String("5")}})),
            Value::Map({{"X", Value::String("5")}}));
}

TEST(NormalizeTest, CanonicalJsonSortsKeys) {
  Value a = Value::Map({{"b", Value::Number("1")}, {"a", Value::String("x")}});
  Value b = Value::Map({{"a", Value::String("x")}, {"b", Value::Number("1")}});
  EXPECT_EQ(CanonicalJson(a), CanonicalJson(b));
  EXPECT_EQ(CanonicalJson(a), R"({"a":"x","b":1})");
}

}  // namespace
}  // namespace sf::plan
