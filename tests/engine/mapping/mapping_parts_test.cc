// The mapping module's parts on their own: verdicts on responses, the store's leases, the
// configuration's JSON and checks, ARNs.

#include <gtest/gtest.h>

#include "../../support/temp_dir.h"
#include "engine/mapping/batch_verdict.h"
#include "engine/mapping/kinesis_event.h"
#include "engine/mapping/mapping_config.h"
#include "engine/mapping/mapping_store.h"

namespace sf::engine::mapping {
namespace {

using function::InvokeResult;
using Kind = BatchVerdict::Kind;

std::vector<RecordOut> Batch() {
  return {{"100", 1000, "k", "a"}, {"101", 1000, "k", "b"}, {"102", 1001, "k", "c"}};
}

InvokeResult Returned(std::string payload) {
  InvokeResult result;
  result.payload = std::move(payload);
  return result;
}

TEST(BatchVerdict, WithoutReportBatchItemFailuresAnyReturnIsSuccess) {
  EXPECT_EQ(Judge(Returned("garbage"), Batch(), false, false).kind, Kind::kSuccess);
}

TEST(BatchVerdict, EmptyOrNullListsAndEmptyResponsesAreSuccess) {
  for (const char* payload :
       {"", "null", "{}", R"({"batchItemFailures":[]})", R"({"batchItemFailures":null})", "[]"}) {
    EXPECT_EQ(Judge(Returned(payload), Batch(), true, false).kind, Kind::kSuccess) << payload;
  }
}

TEST(BatchVerdict, TheLowestReportedRecordIsWhereTheRetryStarts) {
  auto verdict = Judge(Returned(R"({"batchItemFailures":[{"itemIdentifier":"102"},
                                                           {"itemIdentifier":"101"}]})"),
                       Batch(), true, false);
  EXPECT_EQ(verdict.kind, Kind::kPartial);
  EXPECT_EQ(verdict.first_failed, 1u);
}

TEST(BatchVerdict, MalformedReportsFailTheWholeBatch) {
  for (const char* payload :
       {"not json", R"({"batchItemFailures":"101"})", R"({"batchItemFailures":[{}]})",
        R"({"batchItemFailures":[{"itemIdentifier":""}]})",
        R"({"batchItemFailures":[{"itemIdentifier":null}]})",
        R"({"batchItemFailures":[{"itemIdentifier":"999"}]})",
        R"({"batchItemFailures":[{"itemIdentifier":101}]})", R"({"batchItemFailures":[7]})"}) {
    auto verdict = Judge(Returned(payload), Batch(), true, false);
    EXPECT_EQ(verdict.kind, Kind::kFailed) << payload;
    EXPECT_EQ(verdict.function_error, "Unhandled");
    EXPECT_FALSE(verdict.reason.empty());
  }
}

TEST(BatchVerdict, FunctionErrorsTimeoutsAndCrashesFail) {
  for (auto status : {InvokeResult::Status::kFunctionError, InvokeResult::Status::kTimeout,
                      InvokeResult::Status::kCrashed, InvokeResult::Status::kInitError}) {
    InvokeResult result;
    result.status = status;
    result.payload = R"({"errorMessage":"bad","errorType":"ValueError"})";
    auto verdict = Judge(result, Batch(), true, false);
    EXPECT_EQ(verdict.kind, Kind::kFailed);
    EXPECT_NE(verdict.reason.find("ValueError: bad"), std::string::npos) << verdict.reason;
  }
  InvokeResult throttled;
  throttled.status = InvokeResult::Status::kThrottled;
  EXPECT_EQ(Judge(throttled, Batch(), false, false).kind, Kind::kThrottled);
}

TEST(BatchVerdict, TumblingWindowsNeedAStateObject) {
  EXPECT_EQ(Judge(Returned("{}"), Batch(), false, true).kind, Kind::kFailed);
  EXPECT_EQ(Judge(Returned(R"({"state":3})"), Batch(), false, true).kind, Kind::kFailed);
  auto verdict = Judge(Returned(R"({"state":{"n":1}})"), Batch(), false, true);
  EXPECT_EQ(verdict.kind, Kind::kSuccess);
  EXPECT_EQ(verdict.state, R"({"n":1})");
}

TEST(MappingStore, ALeaseTakenByAnotherConsumerRefusesTheOldOnesCheckpoints) {
  testing_support::TempDir dir("mapping");
  auto store = MappingStore::Open(dir.path());
  ASSERT_TRUE(store.has_value());
  auto first = (*store)->TakeLease("m", "shardId-000000000000");
  ASSERT_TRUE(first.has_value());
  auto second = (*store)->TakeLease("m", "shardId-000000000000");
  ASSERT_TRUE(second.has_value());
  EXPECT_GT(second->lease, first->lease);
  first->sequence = "5";
  EXPECT_FALSE(*(*store)->Save("m", *first));
  second->sequence = "6";
  second->window_state = R"({"n":2})";
  second->window_start_ms = 60000;
  EXPECT_TRUE(*(*store)->Save("m", *second));
  store->reset();
  auto reopened = MappingStore::Open(dir.path());
  auto checkpoints = (*reopened)->Checkpoints("m");
  ASSERT_TRUE(checkpoints.has_value());
  const ShardCheckpoint& saved = checkpoints->at("shardId-000000000000");
  EXPECT_EQ(saved.sequence, "6");
  EXPECT_EQ(saved.window_state, R"({"n":2})");
  EXPECT_EQ(saved.window_start_ms, 60000);
  ASSERT_TRUE((*reopened)->Remove("m").has_value());
  EXPECT_TRUE((*reopened)->Checkpoints("m")->empty());
}

TEST(MappingConfig, JsonRoundTripsEverySetting) {
  MappingConfig config;
  config.uuid = "u";
  config.function_name = "f";
  config.stream_arn = "arn:aws:kinesis:us-east-1:000000000000:stream/s";
  config.stream_name = "s";
  config.starting_position = StartingPosition::kAtTimestamp;
  config.starting_timestamp = 1700000000.5;
  config.batch_size = 10;
  config.batching_window_seconds = 3;
  config.parallelization_factor = 4;
  config.bisect_on_error = true;
  config.maximum_retry_attempts = 2;
  config.maximum_record_age_seconds = 600;
  config.tumbling_window_seconds = 30;
  config.report_batch_item_failures = true;
  config.on_failure_destination = "arn:aws:s3:::b";
  config.enabled = false;
  config.last_modified_ms = 42;
  auto back = FromJson(ToJson(config));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(ToJson(*back), ToJson(config));
  EXPECT_FALSE(FromJson("{}").has_value());
}

TEST(MappingConfig, ArnsAndCrossSettingChecks) {
  EXPECT_EQ(StreamNameOfArn("arn:aws:kinesis:eu-west-1:123456789012:stream/a-b"), "a-b");
  EXPECT_FALSE(StreamNameOfArn("arn:aws:sqs:eu-west-1:123456789012:q").has_value());
  EXPECT_EQ(BucketOfArn("arn:aws:s3:::my-bucket"), "my-bucket");
  EXPECT_FALSE(BucketOfArn("arn:aws:s3:::my-bucket/key").has_value());
  MappingConfig config;
  config.maximum_record_age_seconds = 59;
  EXPECT_EQ(Validate(config).error().type, "InvalidParameterValueException");
  config.maximum_record_age_seconds = -1;
  config.starting_position = StartingPosition::kAtTimestamp;
  EXPECT_FALSE(Validate(config).has_value());
  config.starting_timestamp = 1.0;
  EXPECT_TRUE(Validate(config).has_value());
  config.on_failure_destination = "arn:aws:sqs:us-east-1:000000000000:q";
  EXPECT_FALSE(Validate(config).has_value());
}

TEST(KinesisEvent, OnFailureRecordPointsAtTheRecords) {
  EventSource source{"arn:aws:kinesis:us-east-1:000000000000:stream/s", "shardId-000000000001",
                     "us-east-1", "role"};
  FailureRecord failure{"req", "fn-arn", DiscardCondition::kRecordAgeExceeded, 3, "", 0};
  auto batch = Batch();
  std::string record = OnFailureRecord(failure, source, batch);
  EXPECT_NE(record.find(R"("condition":"RecordAgeExceeded")"), std::string::npos);
  EXPECT_NE(record.find(R"("startSequenceNumber":"100","endSequenceNumber":"102")"),
            std::string::npos);
  EXPECT_NE(record.find(R"("approximateArrivalOfFirstRecord":"1970-01-01T00:00:01.000Z")"),
            std::string::npos);
  EXPECT_EQ(record.find("functionError"), std::string::npos);
  EXPECT_EQ(IsoMillis(1700000000123), "2023-11-14T22:13:20.123Z");
}

}  // namespace
}  // namespace sf::engine::mapping
