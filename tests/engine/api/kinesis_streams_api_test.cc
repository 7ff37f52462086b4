// KinesisApi: stream operations over JSON 1.1 (shapes per botocore's kinesis model, StreamARN
// wherever StreamName is accepted) and the protocol-level errors.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api_test_util.h"
#include "base/base64.h"

namespace sf::engine {
namespace {

using namespace api_test;

using StreamsApiTest = ApiTest;
using ProtocolTest = ApiTest;

const std::set<std::string> kStreamDescription = {"StreamName",
                                                  "StreamARN",
                                                  "StreamStatus",
                                                  "StreamModeDetails",
                                                  "Shards",
                                                  "HasMoreShards",
                                                  "RetentionPeriodHours",
                                                  "StreamCreationTimestamp",
                                                  "EnhancedMonitoring",
                                                  "EncryptionType",
                                                  "KeyId"};
const std::set<std::string> kStreamDescriptionRequired = {"StreamName",
                                                          "StreamARN",
                                                          "StreamStatus",
                                                          "Shards",
                                                          "HasMoreShards",
                                                          "RetentionPeriodHours",
                                                          "StreamCreationTimestamp",
                                                          "EnhancedMonitoring"};
const std::set<std::string> kShard = {"ShardId", "ParentShardId", "AdjacentParentShardId",
                                      "HashKeyRange", "SequenceNumberRange"};
const std::set<std::string> kShardRequired = {"ShardId", "HashKeyRange", "SequenceNumberRange"};
const std::set<std::string> kSummary = {"StreamName",
                                        "StreamARN",
                                        "StreamStatus",
                                        "StreamModeDetails",
                                        "RetentionPeriodHours",
                                        "StreamCreationTimestamp",
                                        "EnhancedMonitoring",
                                        "EncryptionType",
                                        "KeyId",
                                        "OpenShardCount",
                                        "ConsumerCount"};
const std::set<std::string> kSummaryRequired = {"StreamName",
                                                "StreamARN",
                                                "StreamStatus",
                                                "RetentionPeriodHours",
                                                "StreamCreationTimestamp",
                                                "EnhancedMonitoring",
                                                "OpenShardCount"};

const char kHalf[] = "170141183460469231731687303715884105728";
const char kHalfMinusOne[] = "170141183460469231731687303715884105727";
const char kMax[] = "340282366920938463463374607431768211455";

TEST_F(StreamsApiTest, CreateAndDescribe) {
  HttpResponse created = Call("CreateStream", json{{"StreamName", "orders"}, {"ShardCount", 2}});
  EXPECT_EQ(created.status, 200);
  EXPECT_EQ(json::parse(created.body), json::object());
  json body = Ok("DescribeStream", json{{"StreamName", "orders"}});
  EXPECT_EQ(Keys(body), std::set<std::string>{"StreamDescription"});
  const json& description = body["StreamDescription"];
  EXPECT_TRUE(HasShape(description, kStreamDescription, kStreamDescriptionRequired));
  EXPECT_EQ(description["StreamName"], "orders");
  EXPECT_EQ(description["StreamARN"], std::string(kArnPrefix) + "orders");
  EXPECT_EQ(description["StreamStatus"], "ACTIVE");
  EXPECT_EQ(description["StreamModeDetails"], json({{"StreamMode", "PROVISIONED"}}));
  EXPECT_EQ(description["RetentionPeriodHours"], 24);
  ASSERT_TRUE(description["StreamCreationTimestamp"].is_number());
  EXPECT_DOUBLE_EQ(description["StreamCreationTimestamp"].get<double>(), 1700000000.123);
  EXPECT_EQ(description["EnhancedMonitoring"], json::parse(R"([{"ShardLevelMetrics": []}])"));
  EXPECT_EQ(description["HasMoreShards"], false);
  ASSERT_EQ(description["Shards"].size(), 2u);
  const json& first = description["Shards"][0];
  EXPECT_TRUE(HasShape(first, kShard, kShardRequired));
  EXPECT_EQ(Keys(first), kShardRequired) << "no parents for an original shard";
  EXPECT_EQ(first["ShardId"], "shardId-000000000000");
  EXPECT_EQ(first["HashKeyRange"],
            json({{"StartingHashKey", "0"}, {"EndingHashKey", kHalfMinusOne}}));
  EXPECT_EQ(Keys(first["SequenceNumberRange"]), std::set<std::string>{"StartingSequenceNumber"});
  EXPECT_TRUE(first["SequenceNumberRange"]["StartingSequenceNumber"].is_string());
  EXPECT_EQ(description["Shards"][1]["HashKeyRange"],
            json({{"StartingHashKey", kHalf}, {"EndingHashKey", kMax}}));
}

TEST_F(StreamsApiTest, DescribeAfterSplitAndMerge) {
  CreateStream("orders", 2);
  Ok("PutRecord", json{{"StreamName", "orders"},
                       {"Data", "eA=="},
                       {"PartitionKey", "k"},
                       {"ExplicitHashKey", "5"}});
  EXPECT_EQ(Ok("SplitShard", json{{"StreamName", "orders"},
                                  {"ShardToSplit", "shardId-000000000000"},
                                  {"NewStartingHashKey", "1000"}}),
            json::object());
  EXPECT_EQ(Ok("MergeShards", json{{"StreamName", "orders"},
                                   {"ShardToMerge", "shardId-000000000003"},
                                   {"AdjacentShardToMerge", "shardId-000000000001"}}),
            json::object());
  json shards = Ok("DescribeStream", json{{"StreamName", "orders"}})["StreamDescription"]["Shards"];
  ASSERT_EQ(shards.size(), 5u);
  for (const auto& shard : shards) EXPECT_TRUE(HasShape(shard, kShard, kShardRequired));
  EXPECT_TRUE(shards[0]["SequenceNumberRange"].contains("EndingSequenceNumber"));
  EXPECT_TRUE(shards[1]["SequenceNumberRange"].contains("EndingSequenceNumber"));
  EXPECT_FALSE(shards[2]["SequenceNumberRange"].contains("EndingSequenceNumber"));
  EXPECT_EQ(shards[2]["ParentShardId"], "shardId-000000000000");
  EXPECT_FALSE(shards[2].contains("AdjacentParentShardId"));
  EXPECT_EQ(shards[2]["HashKeyRange"], json({{"StartingHashKey", "0"}, {"EndingHashKey", "999"}}));
  EXPECT_EQ(shards[3]["HashKeyRange"],
            json({{"StartingHashKey", "1000"}, {"EndingHashKey", kHalfMinusOne}}));
  EXPECT_EQ(shards[4]["ParentShardId"], "shardId-000000000003");
  EXPECT_EQ(shards[4]["AdjacentParentShardId"], "shardId-000000000001");
  EXPECT_EQ(shards[4]["HashKeyRange"],
            json({{"StartingHashKey", "1000"}, {"EndingHashKey", kMax}}));
}

TEST_F(StreamsApiTest, DescribeStreamPages) {
  CreateStream("orders", 3);
  json page =
      Ok("DescribeStream", json{{"StreamName", "orders"}, {"Limit", 2}})["StreamDescription"];
  ASSERT_EQ(page["Shards"].size(), 2u);
  EXPECT_EQ(page["HasMoreShards"], true);
  json rest = Ok("DescribeStream",
                 json{{"StreamName", "orders"},
                      {"ExclusiveStartShardId", "shardId-000000000001"}})["StreamDescription"];
  ASSERT_EQ(rest["Shards"].size(), 1u);
  EXPECT_EQ(rest["Shards"][0]["ShardId"], "shardId-000000000002");
  EXPECT_EQ(rest["HasMoreShards"], false);
}

TEST_F(StreamsApiTest, DescribeStreamSummary) {
  Ok("CreateStream",
     json{{"StreamName", "auto"}, {"StreamModeDetails", {{"StreamMode", "ON_DEMAND"}}}});
  json body = Ok("DescribeStreamSummary", json{{"StreamName", "auto"}});
  EXPECT_EQ(Keys(body), std::set<std::string>{"StreamDescriptionSummary"});
  const json& summary = body["StreamDescriptionSummary"];
  EXPECT_TRUE(HasShape(summary, kSummary, kSummaryRequired));
  EXPECT_EQ(summary["OpenShardCount"], 4);
  EXPECT_EQ(summary["StreamModeDetails"], json({{"StreamMode", "ON_DEMAND"}}));
}

TEST_F(StreamsApiTest, ListStreamsAndListShards) {
  CreateStream("b", 2);
  CreateStream("a", 1);
  json streams = Ok("ListStreams", json::object());
  EXPECT_EQ(streams["StreamNames"], json::array({"a", "b"}));
  EXPECT_EQ(streams["HasMoreStreams"], false);
  json page = Ok("ListStreams", json{{"Limit", 1}});
  EXPECT_EQ(page["StreamNames"], json::array({"a"}));
  EXPECT_EQ(page["HasMoreStreams"], true);
  json shards = Ok("ListShards", json{{"StreamName", "b"}});
  ASSERT_EQ(shards["Shards"].size(), 2u);
  for (const auto& shard : shards["Shards"]) EXPECT_TRUE(HasShape(shard, kShard, kShardRequired));
  EXPECT_FALSE(shards.contains("NextToken"));
  json first = Ok("ListShards", json{{"StreamName", "b"}, {"MaxResults", 1}});
  ASSERT_EQ(first["Shards"].size(), 1u);
  ASSERT_TRUE(first["NextToken"].is_string());
  json second = Ok("ListShards", json{{"NextToken", first["NextToken"]}});
  ASSERT_EQ(second["Shards"].size(), 1u);
  EXPECT_EQ(second["Shards"][0]["ShardId"], "shardId-000000000001");
}

TEST_F(StreamsApiTest, UpdateShardCount) {
  CreateStream("orders", 2);
  json body = Ok(
      "UpdateShardCount",
      json{{"StreamName", "orders"}, {"TargetShardCount", 3}, {"ScalingType", "UNIFORM_SCALING"}});
  EXPECT_EQ(body["StreamName"], "orders");
  EXPECT_EQ(body["CurrentShardCount"], 2);
  EXPECT_EQ(body["TargetShardCount"], 3);
  json summary =
      Ok("DescribeStreamSummary", json{{"StreamName", "orders"}})["StreamDescriptionSummary"];
  EXPECT_EQ(summary["OpenShardCount"], 3);
  EXPECT_TRUE(IsError(
      Call("UpdateShardCount", json{{"StreamName", "orders"},
                                    {"TargetShardCount", 7},
                                    {"ScalingType", "UNIFORM_SCALING"}}),
      "LimitExceededException",
      "UpdateShardCount cannot scale up over double your current open shard count. Current open "
      "shard count: 3 Target shard count: 7"));
  EXPECT_TRUE(IsError(
      Call("UpdateShardCount",
           json{{"StreamName", "orders"}, {"TargetShardCount", 4}, {"ScalingType", "SOMETIMES"}}),
      "ValidationException",
      "1 validation error detected: Value 'SOMETIMES' at 'scalingType' failed to satisfy "
      "constraint: "
      "Member must satisfy enum value set: [UNIFORM_SCALING]"));
}

TEST_F(StreamsApiTest, RetentionAndTags) {
  CreateStream("orders", 1);
  EXPECT_EQ(Ok("IncreaseStreamRetentionPeriod",
               json{{"StreamName", "orders"}, {"RetentionPeriodHours", 48}}),
            json::object());
  EXPECT_TRUE(IsError(
      Call("DecreaseStreamRetentionPeriod",
           json{{"StreamName", "orders"}, {"RetentionPeriodHours", 72}}),
      "InvalidArgumentException",
      "Requested retention period (72 hours) for stream orders can not be longer than existing "
      "retention period (48 hours). Use IncreaseRetentionPeriod API."));
  EXPECT_TRUE(IsError(Call("IncreaseStreamRetentionPeriod",
                           json{{"StreamName", "orders"}, {"RetentionPeriodHours", 9000}}),
                      "InvalidArgumentException",
                      "Maximum allowed retention period is 8760 hours. Requested retention period "
                      "(9000 hours) is too "
                      "long."));
  EXPECT_EQ(Ok("DescribeStream",
               json{{"StreamName", "orders"}})["StreamDescription"]["RetentionPeriodHours"],
            48);
  Ok("AddTagsToStream",
     json{{"StreamName", "orders"}, {"Tags", {{"team", "data"}, {"env", "prod"}}}});
  json tags = Ok("ListTagsForStream", json{{"StreamName", "orders"}});
  EXPECT_TRUE(HasShape(tags, {"Tags", "HasMoreTags"}, {"Tags", "HasMoreTags"}));
  EXPECT_EQ(tags["Tags"],
            json::parse(R"([{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "data"}])"));
  EXPECT_EQ(tags["HasMoreTags"], false);
  json limited = Ok("ListTagsForStream", json{{"StreamName", "orders"}, {"Limit", 1}});
  EXPECT_EQ(limited["Tags"].size(), 1u);
  EXPECT_EQ(limited["HasMoreTags"], true);
  Ok("RemoveTagsFromStream", json{{"StreamName", "orders"}, {"TagKeys", {"env"}}});
  EXPECT_EQ(Ok("ListTagsForStream", json{{"StreamName", "orders"}})["Tags"],
            json::parse(R"([{"Key": "team", "Value": "data"}])"));
}

TEST_F(StreamsApiTest, DeleteStream) {
  CreateStream("orders", 1);
  EXPECT_EQ(Ok("DeleteStream", json{{"StreamName", "orders"}}), json::object());
  EXPECT_TRUE(IsError(Call("DescribeStream", json{{"StreamName", "orders"}}),
                      "ResourceNotFoundException",
                      "Stream orders under account 000000000000 not found."));
  EXPECT_TRUE(IsError(Call("DeleteStream", json{{"StreamName", "orders"}}),
                      "ResourceNotFoundException",
                      "Stream orders under account 000000000000 not found."));
}

TEST_F(StreamsApiTest, CreateErrors) {
  CreateStream("orders", 1);
  EXPECT_TRUE(IsError(Call("CreateStream", json{{"StreamName", "orders"}, {"ShardCount", 1}}),
                      "ResourceInUseException",
                      "Stream orders under account 000000000000 already exists."));
  EXPECT_TRUE(IsError(
      Call("CreateStream", json{{"StreamName", "other"}, {"ShardCount", 0}}), "ValidationException",
      "1 validation error detected: Value '0' at 'shardCount' failed to satisfy constraint: Member "
      "must have value greater than or equal to 1"));
  EXPECT_TRUE(IsError(Call("CreateStream", json{{"StreamName", "other"}}),
                      "InvalidArgumentException",
                      "ShardCount is required for streams in PROVISIONED mode."));
  EXPECT_TRUE(IsError(Call("CreateStream", json{{"StreamName", "other"},
                                                {"StreamModeDetails", {{"StreamMode", "LAZY"}}}}),
                      "ValidationException",
                      "1 validation error detected: Value 'LAZY' at 'streamModeDetails.streamMode' "
                      "failed to satisfy "
                      "constraint: Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]"));
}

// Every operation that takes StreamName also takes StreamARN.
TEST_F(StreamsApiTest, StreamArnAcceptedWhereverStreamNameIs) {
  const std::string arn = std::string(kArnPrefix) + "orders";
  // CreateStream names a stream that has no ARN yet: it takes StreamName only.
  EXPECT_TRUE(IsError(
      Call("CreateStream", json{{"StreamARN", arn}, {"ShardCount", 2}}), "ValidationException",
      "1 validation error detected: Value null at 'streamName' failed to satisfy constraint: "
      "Member must not be null"));
  Ok("CreateStream", json{{"StreamName", "orders"}, {"ShardCount", 2}});
  EXPECT_EQ(Ok("DescribeStream", json{{"StreamARN", arn}})["StreamDescription"]["StreamName"],
            "orders");
  EXPECT_EQ(Ok("DescribeStreamSummary",
               json{{"StreamARN", arn}})["StreamDescriptionSummary"]["StreamName"],
            "orders");
  EXPECT_EQ(Ok("ListShards", json{{"StreamARN", arn}})["Shards"].size(), 2u);
  Ok("IncreaseStreamRetentionPeriod", json{{"StreamARN", arn}, {"RetentionPeriodHours", 48}});
  Ok("DecreaseStreamRetentionPeriod", json{{"StreamARN", arn}, {"RetentionPeriodHours", 36}});
  Ok("AddTagsToStream", json{{"StreamARN", arn}, {"Tags", {{"k", "v"}}}});
  EXPECT_EQ(Ok("ListTagsForStream", json{{"StreamARN", arn}})["Tags"].size(), 1u);
  Ok("RemoveTagsFromStream", json{{"StreamARN", arn}, {"TagKeys", {"k"}}});
  Ok("SplitShard", json{{"StreamARN", arn},
                        {"ShardToSplit", "shardId-000000000000"},
                        {"NewStartingHashKey", "1000"}});
  Ok("MergeShards", json{{"StreamARN", arn},
                         {"ShardToMerge", "shardId-000000000002"},
                         {"AdjacentShardToMerge", "shardId-000000000003"}});
  Ok("UpdateShardCount",
     json{{"StreamARN", arn}, {"TargetShardCount", 3}, {"ScalingType", "UNIFORM_SCALING"}});
  // Both, naming the same stream, are fine too.
  Ok("DescribeStream", json{{"StreamARN", arn}, {"StreamName", "orders"}});
  json description = Ok("DescribeStream", json{{"StreamName", "orders"}})["StreamDescription"];
  EXPECT_EQ(description["RetentionPeriodHours"], 36);
  Ok("DeleteStream", json{{"StreamARN", arn}});
  EXPECT_EQ(Ok("ListStreams", json::object())["StreamNames"], json::array());
}

// A NextToken is the client's input: a tampered one is an InvalidArgumentException, never an
// exception thrown out of Handle.
TEST_F(StreamsApiTest, TamperedListShardsNextToken) {
  CreateStream("orders", 3);
  for (const std::string& token :
       {Base64Encode("orders\n1\nnot-a-number"), Base64Encode("orders\n1\n"),
        Base64Encode("orders\n1\n99999999999999999999999999"), std::string("!!!!"),
        Base64Encode("no newlines")}) {
    HttpResponse response;
    EXPECT_NO_THROW(response = Call("ListShards", json{{"NextToken", token}})) << token;
    EXPECT_TRUE(IsError(response, "InvalidArgumentException")) << token << " -> " << response.body;
  }
}

// The name inside a StreamARN must be a valid stream name too: otherwise it reaches the file
// system (streams/<name>-<created>/), and "x/../../escaped" would put a stream's directory
// outside streams/ (and DeleteStream would remove_all it).
TEST_F(StreamsApiTest, StreamArnWithAnInvalidNameIsRefused) {
  const std::string arn = std::string(kArnPrefix) + "x/../../escaped";
  HttpResponse created = Call("CreateStream", json{{"StreamARN", arn}, {"ShardCount", 1}});
  EXPECT_EQ(created.status, 400) << created.body;
  EXPECT_EQ(Ok("ListStreams", json::object())["StreamNames"], json::array());
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    std::string name = entry.path().filename().string();
    EXPECT_TRUE(name == "streams" || name.rfind("metadata.db", 0) == 0)
        << "unexpected " << entry.path();
  }
  EXPECT_TRUE(
      IsError(Call("DescribeStream", json{{"StreamARN", std::string(kArnPrefix) + "bad name"}}),
              "ValidationException"));
}

TEST_F(StreamsApiTest, MalformedStreamArn) {
  HttpResponse response = Call("DescribeStream", json{{"StreamARN", "not-an-arn"}});
  ASSERT_TRUE(IsError(response, "ValidationException"));
  EXPECT_EQ(MessageOf(response).rfind(
                "1 validation error detected: Value 'not-an-arn' at 'streamARN' failed to "
                "satisfy constraint: Member must satisfy regular expression pattern: "
                "arn:aws.*:kinesis:.*:\\d{12}:stream/",
                0),
            0u)
      << MessageOf(response);
}

// ---------------------------------------------------------------------------------------------
// Protocol-level errors

TEST_F(ProtocolTest, MalformedJsonIsASerializationError) {
  for (const char* body : {"{", "{\"StreamName\": }", "not json", "{\"StreamName\": \"a\",}"}) {
    EXPECT_TRUE(IsError(Call("DescribeStream", std::string(body)), "SerializationException"))
        << body;
  }
  EXPECT_TRUE(IsError(Call("DescribeStream", std::string("[1, 2]")), "SerializationException"));
  EXPECT_TRUE(IsError(Call("DescribeStream", std::string("\"orders\"")), "SerializationException"));
}

TEST_F(ProtocolTest, WrongJsonTypeIsASerializationError) {
  EXPECT_TRUE(IsError(Call("CreateStream", json{{"StreamName", "orders"}, {"ShardCount", "two"}}),
                      "SerializationException"));
  EXPECT_TRUE(IsError(Call("CreateStream", json{{"StreamName", 7}, {"ShardCount", 1}}),
                      "SerializationException"));
  EXPECT_TRUE(IsError(Call("PutRecords", json{{"StreamName", "orders"}, {"Records", "none"}}),
                      "SerializationException"));
  EXPECT_TRUE(IsError(Call("GetRecords", json{{"ShardIterator", json::array()}}),
                      "SerializationException"));
  EXPECT_EQ(Ok("ListStreams", json::object())["StreamNames"], json::array())
      << "nothing was created";
}

// AWS (and kinesalite, which copies its texts) words a string given for an Integer member as
// "class java.lang.String can not be converted to an Integer".
TEST_F(ProtocolTest, WrongJsonTypeMessageMatchesAws) {
  EXPECT_TRUE(IsError(Call("CreateStream", json{{"StreamName", "orders"}, {"ShardCount", "two"}}),
                      "SerializationException",
                      "class java.lang.String can not be converted to an Integer"));
}

TEST_F(ProtocolTest, UnknownOperation) {
  EXPECT_TRUE(IsError(Call("FlyToTheMoon", json::object()), "UnknownOperationException"));
  EXPECT_TRUE(
      IsError(Call("describeStream", json{{"StreamName", "orders"}}), "UnknownOperationException"));
  EXPECT_TRUE(IsError(Call("", json::object()), "UnknownOperationException"));
}

TEST_F(ProtocolTest, MissingStreamName) {
  for (const char* operation : {"DescribeStream", "DeleteStream", "CreateStream",
                                "DescribeStreamSummary", "ListTagsForStream"}) {
    EXPECT_TRUE(IsError(Call(operation, json::object()), "ValidationException",
                        "1 validation error detected: Value null at 'streamName' failed to satisfy "
                        "constraint: Member "
                        "must not be null"))
        << operation;
  }
  // An empty body is an empty object.
  EXPECT_TRUE(IsError(Call("DescribeStream", std::string()), "ValidationException",
                      "1 validation error detected: Value null at 'streamName' failed to satisfy "
                      "constraint: Member "
                      "must not be null"));
  // null is absent.
  EXPECT_TRUE(IsError(Call("DescribeStream", json{{"StreamName", nullptr}}), "ValidationException",
                      "1 validation error detected: Value null at 'streamName' failed to satisfy "
                      "constraint: Member "
                      "must not be null"));
}

TEST_F(ProtocolTest, BadStreamName) {
  EXPECT_TRUE(IsError(
      Call("DescribeStream", json{{"StreamName", "bad/name"}}), "ValidationException",
      "1 validation error detected: Value 'bad/name' at 'streamName' failed to satisfy constraint: "
      "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"));
  std::string long_name(129, 'n');
  EXPECT_TRUE(IsError(Call("CreateStream", json{{"StreamName", long_name}, {"ShardCount", 1}}),
                      "ValidationException",
                      "1 validation error detected: Value '" + long_name +
                          "' at 'streamName' failed to satisfy "
                          "constraint: Member must have length less than or equal to 128"));
  Ok("CreateStream", json{{"StreamName", std::string(128, 'n')}, {"ShardCount", 1}});
  Ok("CreateStream", json{{"StreamName", "Az09_.-"}, {"ShardCount", 1}});
}

// An empty name breaks both the pattern ([a-zA-Z0-9_.-]+ needs one character) and the minimum
// length; AWS reports both, the pattern first (kinesalite's recorded texts, e.g.
// test/describeStream.js "should return ValidationException for empty StreamName").
TEST_F(ProtocolTest, EmptyStreamNameViolatesPatternAndLength) {
  EXPECT_TRUE(IsError(
      Call("DescribeStream", json{{"StreamName", ""}}), "ValidationException",
      "2 validation errors detected: Value '' at 'streamName' failed to satisfy constraint: Member "
      "must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value '' at 'streamName' failed "
      "to "
      "satisfy constraint: Member must have length greater than or equal to 1"));
}

TEST_F(ProtocolTest, SeveralViolationsAreReportedTogether) {
  CreateStream("orders", 1);
  std::string long_key(257, 'k');
  EXPECT_TRUE(IsError(
      Call("PutRecords",
           json{{"StreamName", "orders"},
                {"Records", json::array({json{{"Data", "eA=="}, {"PartitionKey", ""}},
                                         json{{"Data", "eA=="}, {"PartitionKey", long_key}},
                                         json{{"Data", "eA=="},
                                              {"PartitionKey", "ok"},
                                              {"ExplicitHashKey", "-1"}}})}}),
      "ValidationException",
      "3 validation errors detected: Value '' at 'records.1.member.partitionKey' failed to satisfy "
      "constraint: Member must have length greater than or equal to 1; Value '" +
          long_key +
          "' at 'records.2.member.partitionKey' failed to satisfy constraint: Member must have "
          "length "
          "less than or equal to 256; Value '-1' at 'records.3.member.explicitHashKey' failed to "
          "satisfy "
          "constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})"));
}

// When several members fail, AWS lists them in its own member order, with streamName after the
// operation's other members (kinesalite's recorded texts: createStream.js "empty StreamName":
// shardCount before streamName; putRecords.js: records before streamName; splitShard.js:
// newStartingHashKey, streamName, shardToSplit).
TEST_F(ProtocolTest, SeveralViolationsInAwsMemberOrder) {
  EXPECT_TRUE(
      IsError(Call("CreateStream", json{{"StreamName", "bad name"}, {"ShardCount", 0}}),
              "ValidationException",
              "2 validation errors detected: Value '0' at 'shardCount' failed to satisfy "
              "constraint: Member "
              "must have value greater than or equal to 1; Value 'bad name' at 'streamName' failed "
              "to satisfy "
              "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"));
  EXPECT_TRUE(IsError(
      Call("PutRecords",
           json{{"StreamName", "bad name"},
                {"Records", json::array({json{{"Data", "eA=="}, {"PartitionKey", ""}}})}}),
      "ValidationException",
      "2 validation errors detected: Value '' at 'records.1.member.partitionKey' failed to satisfy "
      "constraint: Member must have length greater than or equal to 1; Value 'bad name' at "
      "'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: "
      "[a-zA-Z0-9_.-]+"));
  EXPECT_TRUE(IsError(Call("SplitShard", json{{"StreamName", "orders"}}), "ValidationException",
                      "2 validation errors detected: Value null at 'newStartingHashKey' failed to "
                      "satisfy constraint: "
                      "Member must not be null; Value null at 'shardToSplit' failed to satisfy "
                      "constraint: Member must "
                      "not be null"));
}

TEST_F(ProtocolTest, CborIsRefused) {
  CreateStream("orders", 1);
  HttpResponse response = Call("DescribeStream", std::string("\xa1\x6aStreamName\x66orders", 19),
                               "application/x-amz-cbor-1.1");
  EXPECT_TRUE(IsError(response, "SerializationException"));
  EXPECT_NE(MessageOf(response).find("CBOR"), std::string::npos) << MessageOf(response);
  // Even with a JSON body: the content type decides.
  EXPECT_TRUE(IsError(
      Call("DescribeStream", json{{"StreamName", "orders"}}.dump(), "application/x-amz-cbor-1.1"),
      "SerializationException"));
  // Without a content type the body is read as JSON.
  EXPECT_EQ(Call("DescribeStream", json{{"StreamName", "orders"}}.dump(), "").status, 200);
}

TEST_F(ProtocolTest, ErrorResponsesCarryTheTypeAndStatus) {
  HttpResponse internal = KinesisApi::ErrorResponse({"InternalFailure", "boom", 500});
  EXPECT_TRUE(IsError(internal, "InternalFailure", "boom", 500));
  EXPECT_EQ(HeaderOf(internal, "x-amzn-ErrorType"), "InternalFailure");
  HttpResponse not_found = Call("DescribeStream", json{{"StreamName", "nope"}});
  EXPECT_TRUE(IsError(not_found, "ResourceNotFoundException",
                      "Stream nope under account 000000000000 not found.", 400));
  EXPECT_EQ(HeaderOf(not_found, "x-amzn-ErrorType"), "ResourceNotFoundException");
  // Messages with quotes and control characters stay valid JSON.
  HttpResponse quoted = KinesisApi::ErrorResponse({"ValidationException", "say \"hi\"\n\\", 400});
  EXPECT_TRUE(IsError(quoted, "ValidationException", "say \"hi\"\n\\"));
}

}  // namespace
}  // namespace sf::engine

namespace sf::engine {
namespace {

std::vector<std::string> ShardIds(const nlohmann::json& body) {
  std::vector<std::string> ids;
  for (const auto& shard : body["Shards"]) ids.push_back(shard["ShardId"]);
  return ids;
}

// ShardFilter: which shards a consumer starting at a point in time must read.
TEST_F(StreamsApiTest, ListShardsFilters) {
  CreateStream("orders", 1);  // shard 0, at kStartMs
  clock_.Advance(10'000);
  Ok("SplitShard",
     json{{"StreamName", "orders"},
          {"ShardToSplit", "shardId-000000000000"},
          {"NewStartingHashKey", "170141183460469231731687303715884105728"}});  // 1 and 2, at +10 s
  double before_split = static_cast<double>(kStartMs + 5'000) / 1000.0;
  double after_split = static_cast<double>(kStartMs + 15'000) / 1000.0;
  auto list = [&](json filter) {
    return ShardIds(Ok("ListShards", json{{"StreamName", "orders"}, {"ShardFilter", filter}}));
  };
  using Ids = std::vector<std::string>;
  Ids all = {"shardId-000000000000", "shardId-000000000001", "shardId-000000000002"};
  EXPECT_EQ(list({{"Type", "AT_LATEST"}}), (Ids{"shardId-000000000001", "shardId-000000000002"}));
  EXPECT_EQ(list({{"Type", "AT_TRIM_HORIZON"}}), all);
  EXPECT_EQ(list({{"Type", "FROM_TRIM_HORIZON"}}), all);
  EXPECT_EQ(list({{"Type", "AFTER_SHARD_ID"}, {"ShardId", "shardId-000000000000"}}),
            (Ids{"shardId-000000000001", "shardId-000000000002"}));
  EXPECT_EQ(list({{"Type", "AT_TIMESTAMP"}, {"Timestamp", before_split}}),
            (Ids{"shardId-000000000000"}));
  EXPECT_EQ(list({{"Type", "AT_TIMESTAMP"}, {"Timestamp", after_split}}),
            (Ids{"shardId-000000000001", "shardId-000000000002"}));
  EXPECT_EQ(list({{"Type", "FROM_TIMESTAMP"}, {"Timestamp", before_split}}), all);
  EXPECT_EQ(list({{"Type", "FROM_TIMESTAMP"}, {"Timestamp", after_split}}),
            (Ids{"shardId-000000000001", "shardId-000000000002"}));
  EXPECT_TRUE(IsError(Call("ListShards", json{{"StreamName", "orders"},
                                              {"ShardFilter", {{"Type", "AT_TIMESTAMP"}}}}),
                      "InvalidArgumentException",
                      "Timestamp must be specified for ShardFilter Type AT_TIMESTAMP."));
  EXPECT_TRUE(IsError(Call("ListShards", json{{"StreamName", "orders"},
                                              {"ShardFilter", {{"Type", "AFTER_SHARD_ID"}}}}),
                      "InvalidArgumentException",
                      "ShardId must be specified for ShardFilter Type AFTER_SHARD_ID."));
}

}  // namespace
}  // namespace sf::engine
