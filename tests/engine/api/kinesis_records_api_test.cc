// KinesisApi: PutRecord(s), GetShardIterator and GetRecords over JSON 1.1: response shapes as
// in botocore's kinesis model, durability before the acknowledgement, and request validation.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api_test_util.h"
#include "base/base64.h"

namespace sf::engine {
namespace {

using namespace api_test;

using RecordsApiTest = ApiTest;

const std::set<std::string> kPutRecordsOutput = {"FailedRecordCount", "Records", "EncryptionType"};
const std::set<std::string> kPutRecordsResultEntry = {"SequenceNumber", "ShardId", "ErrorCode",
                                                      "ErrorMessage"};
const std::set<std::string> kPutRecordOutput = {"ShardId", "SequenceNumber", "EncryptionType"};
const std::set<std::string> kGetRecordsOutput = {"Records", "NextShardIterator",
                                                 "MillisBehindLatest", "ChildShards"};
const std::set<std::string> kRecord = {"SequenceNumber", "ApproximateArrivalTimestamp", "Data",
                                       "PartitionKey", "EncryptionType"};
const std::set<std::string> kChildShard = {"ShardId", "ParentShards", "HashKeyRange"};
const std::set<std::string> kHashKeyRange = {"StartingHashKey", "EndingHashKey"};

constexpr char kMax[] = "340282366920938463463374607431768211455";

bool IsDecimal(const json& value) {
  if (!value.is_string()) return false;
  std::string text = value.get<std::string>();
  return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

json Entry(const std::string& data, const std::string& key) {
  return json{{"Data", Base64Encode(data)}, {"PartitionKey", key}};
}

json Entry(const std::string& data, const std::string& key, const std::string& hash) {
  return json{{"Data", Base64Encode(data)}, {"PartitionKey", key}, {"ExplicitHashKey", hash}};
}

TEST_F(RecordsApiTest, PutRecordsResponseShape) {
  CreateStream("orders", 2);
  json body = Ok(
      "PutRecords",
      json{{"StreamName", "orders"},
           {"Records",
            json::array({Entry("one", "a"), Entry(std::string("\0\x01\xff\xfehello", 9), "b", kMax),
                         Entry("", "c", "0")})}});
  EXPECT_TRUE(HasShape(body, kPutRecordsOutput, {"Records"}));
  ASSERT_TRUE(body["FailedRecordCount"].is_number_integer());
  EXPECT_EQ(body["FailedRecordCount"], 0);
  ASSERT_TRUE(body["Records"].is_array());
  ASSERT_EQ(body["Records"].size(), 3u);
  for (const auto& entry : body["Records"]) {
    EXPECT_TRUE(HasShape(entry, kPutRecordsResultEntry, {}));
    EXPECT_EQ(Keys(entry), (std::set<std::string>{"SequenceNumber", "ShardId"})) << entry.dump();
    EXPECT_TRUE(IsDecimal(entry["SequenceNumber"])) << entry.dump();
  }
  // In request order: md5("a") is in the lower half, the explicit keys decide the others.
  EXPECT_EQ(body["Records"][0]["ShardId"], "shardId-000000000000");
  EXPECT_EQ(body["Records"][1]["ShardId"], "shardId-000000000001");
  EXPECT_EQ(body["Records"][2]["ShardId"], "shardId-000000000000");
}

TEST_F(RecordsApiTest, AcknowledgedRecordsAreReadableWithTheirFields) {
  CreateStream("orders", 2);
  json put = Ok(
      "PutRecords",
      json{{"StreamName", "orders"},
           {"Records",
            json::array({Entry("one", "a"), Entry(std::string("\0\x01\xff\xfehello", 9), "b", kMax),
                         Entry("", "c", "0")})}});
  // No SyncAll here: the acknowledgement came after the Committer made the records durable.
  HttpResponse raw =
      Call("GetRecords", json{{"ShardIterator", ShardIterator("orders", "shardId-000000000000")}});
  ASSERT_EQ(raw.status, 200) << raw.body;
  json body = json::parse(raw.body);
  EXPECT_TRUE(HasShape(body, kGetRecordsOutput, {"Records"}));
  EXPECT_FALSE(body.contains("ChildShards")) << "only at the end of a closed shard";
  ASSERT_EQ(body["Records"].size(), 2u);
  for (const auto& record : body["Records"]) {
    EXPECT_TRUE(HasShape(record, kRecord, {"SequenceNumber", "Data", "PartitionKey"}));
    ASSERT_TRUE(record.contains("ApproximateArrivalTimestamp"));
    ASSERT_TRUE(record["ApproximateArrivalTimestamp"].is_number());
    EXPECT_DOUBLE_EQ(record["ApproximateArrivalTimestamp"].get<double>(), 1700000000.123);
  }
  EXPECT_NE(raw.body.find("\"ApproximateArrivalTimestamp\":1700000000.123"), std::string::npos)
      << "epoch seconds with the milliseconds as a fraction: " << raw.body;
  EXPECT_EQ(body["Records"][0]["Data"], "b25l");  // base64("one")
  EXPECT_EQ(body["Records"][0]["PartitionKey"], "a");
  EXPECT_EQ(body["Records"][0]["SequenceNumber"], put["Records"][0]["SequenceNumber"]);
  EXPECT_EQ(body["Records"][1]["Data"], "");
  EXPECT_EQ(body["Records"][1]["PartitionKey"], "c");
  EXPECT_EQ(body["Records"][1]["SequenceNumber"], put["Records"][2]["SequenceNumber"]);
  ASSERT_TRUE(body["NextShardIterator"].is_string());
  EXPECT_FALSE(body["NextShardIterator"].get<std::string>().empty());
  ASSERT_TRUE(body["MillisBehindLatest"].is_number_integer());
  EXPECT_EQ(body["MillisBehindLatest"], 0);

  json high =
      Ok("GetRecords", json{{"ShardIterator", ShardIterator("orders", "shardId-000000000001")}});
  ASSERT_EQ(high["Records"].size(), 1u);
  EXPECT_EQ(high["Records"][0]["Data"], "AAH//mhlbGxv");  // binary bytes survive
  EXPECT_EQ(high["Records"][0]["SequenceNumber"], put["Records"][1]["SequenceNumber"]);
}

TEST_F(RecordsApiTest, PutRecordResponseShape) {
  CreateStream("orders", 2);
  json body =
      Ok("PutRecord",
         json{{"StreamName", "orders"}, {"Data", Base64Encode("x")}, {"PartitionKey", "a"}});
  EXPECT_TRUE(HasShape(body, kPutRecordOutput, {"ShardId", "SequenceNumber"}));
  EXPECT_EQ(body["ShardId"], "shardId-000000000000");
  EXPECT_TRUE(IsDecimal(body["SequenceNumber"]));
  json with_hash = Ok("PutRecord", json{{"StreamName", "orders"},
                                        {"Data", Base64Encode("y")},
                                        {"PartitionKey", "a"},
                                        {"ExplicitHashKey", kMax},
                                        {"SequenceNumberForOrdering", "1"}});
  EXPECT_EQ(with_hash["ShardId"], "shardId-000000000001");
  json read =
      Ok("GetRecords", json{{"ShardIterator", ShardIterator("orders", "shardId-000000000000")}});
  ASSERT_EQ(read["Records"].size(), 1u);
  EXPECT_EQ(read["Records"][0]["SequenceNumber"], body["SequenceNumber"]);
}

TEST_F(RecordsApiTest, ThrottledEntriesHaveErrorCodeAndMessage) {
  Stop();
  throttling_ = true;
  Start();
  CreateStream("orders", 1);
  std::string big(600 * 1024, 'x');
  json body =
      Ok("PutRecords",
         json{{"StreamName", "orders"},
              {"Records", json::array({Entry(big, "k"), Entry(big, "k"), Entry("s", "k")})}});
  EXPECT_TRUE(HasShape(body, kPutRecordsOutput, {"Records"}));
  EXPECT_EQ(body["FailedRecordCount"], 1);
  ASSERT_EQ(body["Records"].size(), 3u);
  EXPECT_EQ(Keys(body["Records"][0]), (std::set<std::string>{"SequenceNumber", "ShardId"}));
  EXPECT_EQ(Keys(body["Records"][1]), (std::set<std::string>{"ErrorCode", "ErrorMessage"}));
  EXPECT_EQ(body["Records"][1]["ErrorCode"], "ProvisionedThroughputExceededException");
  EXPECT_EQ(
      body["Records"][1]["ErrorMessage"],
      "Rate exceeded for shard shardId-000000000000 in stream orders under account 000000000000.");
  EXPECT_EQ(Keys(body["Records"][2]), (std::set<std::string>{"SequenceNumber", "ShardId"}));
  // A single PutRecord that does not fit is an error response.
  EXPECT_TRUE(IsError(
      Call("PutRecord",
           json{{"StreamName", "orders"}, {"Data", Base64Encode(big)}, {"PartitionKey", "k"}}),
      "ProvisionedThroughputExceededException",
      "Rate exceeded for shard shardId-000000000000 in stream orders under account 000000000000."));
}

TEST_F(RecordsApiTest, SixthGetRecordsInASecondIsThrottled) {
  Stop();
  throttling_ = true;
  Start();
  CreateStream("orders", 1);
  std::string iterator = ShardIterator("orders", "shardId-000000000000");
  for (int i = 0; i < 5; ++i) Ok("GetRecords", json{{"ShardIterator", iterator}});
  EXPECT_TRUE(IsError(
      Call("GetRecords", json{{"ShardIterator", iterator}}),
      "ProvisionedThroughputExceededException",
      "Rate exceeded for shard shardId-000000000000 in stream orders under account 000000000000."));
}

TEST_F(RecordsApiTest, ClosedShardEndsWithChildShards) {
  CreateStream("orders", 1);
  Ok("PutRecord",
     json{{"StreamName", "orders"}, {"Data", Base64Encode("x")}, {"PartitionKey", "a"}});
  Ok("SplitShard", json{{"StreamName", "orders"},
                        {"ShardToSplit", "shardId-000000000000"},
                        {"NewStartingHashKey", "170141183460469231731687303715884105728"}});
  json body =
      Ok("GetRecords", json{{"ShardIterator", ShardIterator("orders", "shardId-000000000000")}});
  EXPECT_TRUE(HasShape(body, kGetRecordsOutput, {"Records"}));
  EXPECT_EQ(body["Records"].size(), 1u);
  EXPECT_TRUE(!body.contains("NextShardIterator") || body["NextShardIterator"].is_null())
      << body.dump();
  ASSERT_TRUE(body["ChildShards"].is_array());
  ASSERT_EQ(body["ChildShards"].size(), 2u);
  const json expected = json::parse(R"([
    {"ShardId": "shardId-000000000001", "ParentShards": ["shardId-000000000000"],
     "HashKeyRange": {"StartingHashKey": "0", "EndingHashKey": "170141183460469231731687303715884105727"}},
    {"ShardId": "shardId-000000000002", "ParentShards": ["shardId-000000000000"],
     "HashKeyRange": {"StartingHashKey": "170141183460469231731687303715884105728",
                      "EndingHashKey": "340282366920938463463374607431768211455"}}])");
  EXPECT_EQ(body["ChildShards"], expected);
  for (const auto& child : body["ChildShards"]) {
    EXPECT_TRUE(HasShape(child, kChildShard, kChildShard));
    EXPECT_TRUE(HasShape(child["HashKeyRange"], kHashKeyRange, kHashKeyRange));
  }
}

TEST_F(RecordsApiTest, MillisBehindLatestWhenBehind) {
  CreateStream("orders", 1);
  Ok("PutRecord",
     json{{"StreamName", "orders"}, {"Data", Base64Encode("a")}, {"PartitionKey", "k"}});
  clock_.Advance(1000);
  Ok("PutRecord",
     json{{"StreamName", "orders"}, {"Data", Base64Encode("b")}, {"PartitionKey", "k"}});
  clock_.Advance(2000);
  json first =
      Ok("GetRecords",
         json{{"ShardIterator", ShardIterator("orders", "shardId-000000000000")}, {"Limit", 1}});
  ASSERT_EQ(first["Records"].size(), 1u);
  EXPECT_EQ(first["MillisBehindLatest"], 2000);
  json rest = Ok("GetRecords", json{{"ShardIterator", first["NextShardIterator"]}, {"Limit", 1}});
  ASSERT_EQ(rest["Records"].size(), 1u);
  EXPECT_EQ(rest["Records"][0]["Data"], Base64Encode("b"));
  EXPECT_DOUBLE_EQ(rest["Records"][0]["ApproximateArrivalTimestamp"].get<double>(), 1700000001.123);
  EXPECT_EQ(rest["MillisBehindLatest"], 0);
}

TEST_F(RecordsApiTest, IteratorTypesOverTheWire) {
  CreateStream("orders", 1);
  std::vector<std::string> sequences;
  for (const char* data : {"a", "b", "c"}) {
    json put =
        Ok("PutRecord",
           json{{"StreamName", "orders"}, {"Data", Base64Encode(data)}, {"PartitionKey", "k"}});
    sequences.push_back(put["SequenceNumber"]);
    clock_.Advance(1000);
  }
  auto read = [&](json request) {
    request["StreamName"] = "orders";
    request["ShardId"] = "shardId-000000000000";
    json iterator = Ok("GetShardIterator", request);
    EXPECT_TRUE(HasShape(iterator, {"ShardIterator"}, {"ShardIterator"}));
    json records = Ok("GetRecords", json{{"ShardIterator", iterator["ShardIterator"]}});
    std::string out;
    for (const auto& record : records["Records"])
      out += *Base64Decode(record["Data"].get<std::string>());
    return out;
  };
  EXPECT_EQ(read(json{{"ShardIteratorType", "TRIM_HORIZON"}}), "abc");
  EXPECT_EQ(read(json{{"ShardIteratorType", "LATEST"}}), "");
  EXPECT_EQ(read(json{{"ShardIteratorType", "AT_SEQUENCE_NUMBER"},
                      {"StartingSequenceNumber", sequences[1]}}),
            "bc");
  EXPECT_EQ(read(json{{"ShardIteratorType", "AFTER_SEQUENCE_NUMBER"},
                      {"StartingSequenceNumber", sequences[1]}}),
            "c");
  // Epoch seconds with a fraction: 1 ms after the first record.
  EXPECT_EQ(read(json{{"ShardIteratorType", "AT_TIMESTAMP"}, {"Timestamp", 1700000000.124}}), "bc");
  EXPECT_EQ(read(json{{"ShardIteratorType", "AT_TIMESTAMP"}, {"Timestamp", 1700000001.123}}), "bc");
  EXPECT_EQ(read(json{{"ShardIteratorType", "AT_TIMESTAMP"}, {"Timestamp", 1600000000}}), "abc");
}

TEST_F(RecordsApiTest, AtTimestampInTheFuture) {
  CreateStream("orders", 1);
  EXPECT_TRUE(IsError(
      Call("GetShardIterator", json{{"StreamName", "orders"},
                                    {"ShardId", "shardId-000000000000"},
                                    {"ShardIteratorType", "AT_TIMESTAMP"},
                                    {"Timestamp", 1700000060.5}}),
      "InvalidArgumentException",
      "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. "
      "timestampInMillis: 1700000060500, currentTimestampInMillis: 1700000000123"));
}

TEST_F(RecordsApiTest, SequenceNumberWithTrimHorizon) {
  CreateStream("orders", 1);
  EXPECT_TRUE(IsError(Call("GetShardIterator", json{{"StreamName", "orders"},
                                                    {"ShardId", "shardId-000000000000"},
                                                    {"ShardIteratorType", "TRIM_HORIZON"},
                                                    {"StartingSequenceNumber", "123"}}),
                      "InvalidArgumentException",
                      "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and "
                      "StartingSequenceNumber "
                      "or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request "
                      "specified TRIM_HORIZON and "
                      "also a StartingSequenceNumber."));
}

TEST_F(RecordsApiTest, GetShardIteratorValidation) {
  CreateStream("orders", 1);
  EXPECT_TRUE(IsError(
      Call("GetShardIterator", json{{"StreamName", "orders"},
                                    {"ShardId", "shardId-000000000000"},
                                    {"ShardIteratorType", "SOMETIMES"}}),
      "ValidationException",
      "1 validation error detected: Value 'SOMETIMES' at 'shardIteratorType' failed to satisfy "
      "constraint: Member must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, "
      "TRIM_HORIZON, LATEST, AT_TIMESTAMP]"));
  EXPECT_TRUE(IsError(Call("GetShardIterator", json{{"StreamName", "orders"}}),
                      "ValidationException",
                      "2 validation errors detected: Value null at 'shardId' failed to satisfy "
                      "constraint: Member must "
                      "not be null; Value null at 'shardIteratorType' failed to satisfy "
                      "constraint: Member must not be "
                      "null"));
  EXPECT_TRUE(IsError(
      Call("GetShardIterator", json{{"StreamName", "orders"},
                                    {"ShardId", "shardId-000000000000"},
                                    {"ShardIteratorType", "AT_SEQUENCE_NUMBER"},
                                    {"StartingSequenceNumber", "0123"}}),
      "ValidationException",
      "1 validation error detected: Value '0123' at 'startingSequenceNumber' failed to satisfy "
      "constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})"));
  EXPECT_TRUE(IsError(
      Call("GetShardIterator", json{{"StreamName", "orders"},
                                    {"ShardId", "shardId-000000000005"},
                                    {"ShardIteratorType", "LATEST"}}),
      "ResourceNotFoundException",
      "Shard shardId-000000000005 in stream orders under account 000000000000 does not exist"));
}

TEST_F(RecordsApiTest, GetRecordsErrors) {
  CreateStream("orders", 1);
  std::string iterator = ShardIterator("orders", "shardId-000000000000");
  EXPECT_TRUE(IsError(Call("GetRecords", json::object()), "ValidationException",
                      "1 validation error detected: Value null at 'shardIterator' failed to "
                      "satisfy constraint: Member "
                      "must not be null"));
  EXPECT_TRUE(IsError(Call("GetRecords", json{{"ShardIterator", iterator}, {"Limit", 0}}),
                      "ValidationException",
                      "1 validation error detected: Value '0' at 'limit' failed to satisfy "
                      "constraint: Member must have "
                      "value greater than or equal to 1"));
  EXPECT_TRUE(IsError(Call("GetRecords", json{{"ShardIterator", iterator}, {"Limit", 10001}}),
                      "ValidationException",
                      "1 validation error detected: Value '10001' at 'limit' failed to satisfy "
                      "constraint: Member must "
                      "have value less than or equal to 10000"));
  std::string forged = iterator;
  forged[5] = forged[5] == 'A' ? 'B' : 'A';
  EXPECT_TRUE(IsError(Call("GetRecords", json{{"ShardIterator", forged}}),
                      "InvalidArgumentException", "Invalid ShardIterator."));
  clock_.Advance(300001);
  EXPECT_TRUE(IsError(Call("GetRecords", json{{"ShardIterator", iterator}}),
                      "ExpiredIteratorException",
                      "Iterator expired. The iterator was created at time Tue Nov 14 22:13:20 UTC "
                      "2023 while right now "
                      "it is Tue Nov 14 22:18:20 UTC 2023 which is further in the future than the "
                      "tolerated delay of "
                      "300000 milliseconds."));
}

// ---------------------------------------------------------------------------------------------
// PutRecords validation

TEST_F(RecordsApiTest, MissingStreamName) {
  EXPECT_TRUE(IsError(Call("PutRecords", json{{"Records", json::array({Entry("x", "k")})}}),
                      "ValidationException",
                      "1 validation error detected: Value null at 'streamName' failed to satisfy "
                      "constraint: Member "
                      "must not be null"));
}

TEST_F(RecordsApiTest, MissingRecords) {
  EXPECT_TRUE(IsError(Call("PutRecords", json{{"StreamName", "orders"}}), "ValidationException",
                      "1 validation error detected: Value null at 'records' failed to satisfy "
                      "constraint: Member must "
                      "not be null"));
}

TEST_F(RecordsApiTest, MoreThan500Records) {
  CreateStream("orders", 1);
  json records = json::array();
  for (int i = 0; i < 501; ++i) records.push_back(Entry("x", "k"));
  HttpResponse response = Call("PutRecords", json{{"StreamName", "orders"}, {"Records", records}});
  ASSERT_TRUE(IsError(response, "ValidationException"));
  std::string message = MessageOf(response);
  EXPECT_EQ(message.rfind("1 validation error detected: Value '", 0), 0u) << message;
  const std::string suffix =
      "' at 'records' failed to satisfy constraint: Member must have length less than or equal to "
      "500";
  ASSERT_GE(message.size(), suffix.size());
  EXPECT_EQ(message.substr(message.size() - suffix.size()), suffix) << message;
  // Exactly 500 is fine.
  records.erase(records.begin());
  json body = Ok("PutRecords", json{{"StreamName", "orders"}, {"Records", records}});
  EXPECT_EQ(body["Records"].size(), 500u);
}

// AWS shows the empty list as '[]' (kinesalite's recorded text, test/putRecords.js).
TEST_F(RecordsApiTest, NoRecords) {
  CreateStream("orders", 1);
  EXPECT_TRUE(
      IsError(Call("PutRecords", json{{"StreamName", "orders"}, {"Records", json::array()}}),
              "ValidationException",
              "1 validation error detected: Value '[]' at 'records' failed to satisfy constraint: "
              "Member must "
              "have length greater than or equal to 1"));
}

TEST_F(RecordsApiTest, PartitionKeyLongerThan256Characters) {
  CreateStream("orders", 1);
  std::string key(257, 'p');
  EXPECT_TRUE(IsError(
      Call("PutRecords", json{{"StreamName", "orders"},
                              {"Records", json::array({Entry("x", "ok"), Entry("x", key)})}}),
      "ValidationException",
      "1 validation error detected: Value '" + key +
          "' at 'records.2.member.partitionKey' failed to "
          "satisfy constraint: Member must have length less than or equal to 256"));
  EXPECT_TRUE(IsError(Call("PutRecords", json{{"StreamName", "orders"},
                                              {"Records", json::array({Entry("x", key)})}}),
                      "ValidationException",
                      "1 validation error detected: Value '" + key +
                          "' at 'records.1.member.partitionKey' failed to "
                          "satisfy constraint: Member must have length less than or equal to 256"));
  EXPECT_TRUE(IsError(
      Call("PutRecord",
           json{{"StreamName", "orders"}, {"Data", Base64Encode("x")}, {"PartitionKey", key}}),
      "ValidationException",
      "1 validation error detected: Value '" + key +
          "' at 'partitionKey' failed to satisfy "
          "constraint: Member must have length less than or equal to 256"));
  // 256 characters are fine, also when they take more bytes in UTF-8.
  std::string accents;
  for (int i = 0; i < 256; ++i) accents += "\xc3\xa9";
  json body =
      Ok("PutRecords",
         json{{"StreamName", "orders"},
              {"Records", json::array({Entry("x", std::string(256, 'p')), Entry("x", accents)})}});
  EXPECT_EQ(body["FailedRecordCount"], 0);
}

TEST_F(RecordsApiTest, EmptyPartitionKeyAndMissingData) {
  CreateStream("orders", 1);
  EXPECT_TRUE(IsError(
      Call("PutRecords", json{{"StreamName", "orders"},
                              {"Records", json::array({json{{"PartitionKey", ""}, {"Data", "eA=="}},
                                                       json{{"PartitionKey", "k"}}})}}),
      "ValidationException",
      "2 validation errors detected: Value '' at 'records.1.member.partitionKey' failed to satisfy "
      "constraint: Member must have length greater than or equal to 1; Value null at "
      "'records.2.member.data' failed to satisfy constraint: Member must not be null"));
}

TEST_F(RecordsApiTest, DataLargerThanOneMebibyte) {
  CreateStream("orders", 1);
  std::string data(1024 * 1024 + 1, 'd');
  EXPECT_TRUE(IsError(
      Call("PutRecords",
           json{{"StreamName", "orders"}, {"Records", json::array({Entry(data, "k")})}}),
      "ValidationException",
      "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' "
      "at 'records.1.member.data' failed to satisfy constraint: Member must have length less than "
      "or "
      "equal to 1048576"));
  EXPECT_TRUE(IsError(
      Call("PutRecord",
           json{{"StreamName", "orders"}, {"Data", Base64Encode(data)}, {"PartitionKey", "k"}}),
      "ValidationException",
      "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' "
      "at 'data' failed to satisfy constraint: Member must have length less than or equal to "
      "1048576"));
}

TEST_F(RecordsApiTest, InvalidBase64IsASerializationError) {
  CreateStream("orders", 1);
  EXPECT_TRUE(IsError(
      Call("PutRecords",
           json{{"StreamName", "orders"},
                {"Records", json::array({json{{"Data", "not base64!"}, {"PartitionKey", "k"}}})}}),
      "SerializationException",
      "'not base64!' can not be converted to a Blob: Base64 encoded length is expected a multiple "
      "of 4 "
      "bytes but found: 11"));
  HttpResponse bad_char =
      Call("PutRecord", json{{"StreamName", "orders"}, {"Data", "ab$="}, {"PartitionKey", "k"}});
  ASSERT_TRUE(IsError(bad_char, "SerializationException"));
  EXPECT_EQ(MessageOf(bad_char).rfind(
                "'ab$=' can not be converted to a Blob: Invalid Base64 character", 0),
            0u)
      << MessageOf(bad_char);
  EXPECT_TRUE(IsError(
      Call("PutRecord", json{{"StreamName", "orders"}, {"Data", 42}, {"PartitionKey", "k"}}),
      "SerializationException"));
  // Nothing was stored.
  json read =
      Ok("GetRecords", json{{"ShardIterator", ShardIterator("orders", "shardId-000000000000")}});
  EXPECT_TRUE(read["Records"].empty());
}

TEST_F(RecordsApiTest, ExplicitHashKeyOutOfRange) {
  CreateStream("orders", 1);
  EXPECT_TRUE(IsError(
      Call("PutRecords",
           json{{"StreamName", "orders"},
                {"Records",
                 json::array({Entry("x", "k", "340282366920938463463374607431768211456")})}}),
      "InvalidArgumentException",
      "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified "
      "value "
      "was 340282366920938463463374607431768211456"));
  EXPECT_TRUE(IsError(
      Call("PutRecord", json{{"StreamName", "orders"},
                             {"Data", "eA=="},
                             {"PartitionKey", "k"},
                             {"ExplicitHashKey", "999999999999999999999999999999999999999"}}),
      "InvalidArgumentException",
      "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified "
      "value "
      "was 999999999999999999999999999999999999999"));
  EXPECT_TRUE(IsError(
      Call("PutRecords",
           json{{"StreamName", "orders"}, {"Records", json::array({Entry("x", "k", "12a")})}}),
      "ValidationException",
      "1 validation error detected: Value '12a' at 'records.1.member.explicitHashKey' failed to "
      "satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})"));
}

TEST_F(RecordsApiTest, RequestOverFiveMebibytes) {
  CreateStream("orders", 1);
  std::string data(1000 * 1024, 'd');
  json records = json::array();
  for (int i = 0; i < 6; ++i) records.push_back(Entry(data, "k"));  // 6000 KiB > 5 MiB
  EXPECT_TRUE(IsError(Call("PutRecords", json{{"StreamName", "orders"}, {"Records", records}}),
                      "InvalidArgumentException", "Records size exceeds 5 MB limit"));
  records.erase(records.begin());  // 5000 KiB: fits
  EXPECT_EQ(
      Ok("PutRecords", json{{"StreamName", "orders"}, {"Records", records}})["FailedRecordCount"],
      0);
}

TEST_F(RecordsApiTest, PutToAnUnknownStream) {
  EXPECT_TRUE(IsError(
      Call("PutRecords", json{{"StreamName", "nope"}, {"Records", json::array({Entry("x", "k")})}}),
      "ResourceNotFoundException", "Stream nope under account 000000000000 not found."));
  EXPECT_TRUE(IsError(
      Call("PutRecord", json{{"StreamName", "nope"}, {"Data", "eA=="}, {"PartitionKey", "k"}}),
      "ResourceNotFoundException", "Stream nope under account 000000000000 not found."));
}

TEST_F(RecordsApiTest, StreamArnInsteadOfStreamName) {
  CreateStream("orders", 1);
  const std::string arn = std::string(kArnPrefix) + "orders";
  json put =
      Ok("PutRecords", json{{"StreamARN", arn}, {"Records", json::array({Entry("x", "k")})}});
  EXPECT_EQ(put["FailedRecordCount"], 0);
  Ok("PutRecord", json{{"StreamARN", arn}, {"Data", "eA=="}, {"PartitionKey", "k"}});
  json iterator = Ok("GetShardIterator", json{{"StreamARN", arn},
                                              {"ShardId", "shardId-000000000000"},
                                              {"ShardIteratorType", "TRIM_HORIZON"}});
  json read =
      Ok("GetRecords", json{{"ShardIterator", iterator["ShardIterator"]}, {"StreamARN", arn}});
  EXPECT_EQ(read["Records"].size(), 2u);
}

}  // namespace
}  // namespace sf::engine
