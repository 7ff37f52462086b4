// The monthly cost of each priced resource type, against sums worked out by hand from the
// us-east-1 column (docs/costs.md): a month is 730 h = 2,628,000 s.
#include "plan/cost_table.h"

#include <gtest/gtest.h>

#include <string>

namespace sf::plan {
namespace {

Value Props(std::vector<Value::Member> members) { return Value::Map(std::move(members)); }
Value Num(const char* text) { return Value::Number(text); }

// A resource of `type` in us-east-1.
MonthlyCost Estimate(const char* type, const UsageAssumptions& usage,
                     const Value& properties = Value::Map()) {
  return EstimateMonthlyCost(type, properties, "us-east-1", usage);
}

// A provisioned stream with these shards and, when given, this retention.
MonthlyCost ProvisionedStream(const char* shards, const char* retention_hours = nullptr,
                              const UsageAssumptions& usage = {}) {
  Value properties = Props({{"ShardCount", Num(shards)}});
  if (retention_hours != nullptr) properties.Set("RetentionPeriodHours", Num(retention_hours));
  return EstimateMonthlyCost("AWS::Kinesis::Stream", properties, "us-east-1", usage);
}

bool HasNote(const MonthlyCost& cost, const std::string& text) {
  for (const auto& note : cost.notes) {
    if (note == text) return true;
  }
  return false;
}

bool HasNoteStartingWith(const MonthlyCost& cost, const std::string& prefix) {
  for (const auto& note : cost.notes) {
    if (note.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

TEST(CostTable, ProvisionedShardHours) {
  // 2 x 730 x 0.015 = 21.90
  auto cost = ProvisionedStream("2");
  EXPECT_NEAR(cost.usd, 21.90, 1e-9);
  EXPECT_TRUE(HasNote(cost, "2 shards x 730 h x $0.015 per shard-hour = $21.90"));
  EXPECT_TRUE(HasNote(cost,
                      "not estimated: PUT payload units (no records_per_second and "
                      "average_record_bytes in the stage's usage)"));
}

TEST(CostTable, ShardCountAsStringIsANumber) {
  auto cost = EstimateMonthlyCost("AWS::Kinesis::Stream",
                                  Props({{"ShardCount", Value::String("1")}}), "us-east-1", {});
  EXPECT_NEAR(cost.usd, 10.95, 1e-9);  // 1 x 730 x 0.015
  EXPECT_TRUE(HasNote(cost, "1 shard x 730 h x $0.015 per shard-hour = $10.95"));
}

TEST(CostTable, ExtendedRetentionAbove24Hours) {
  // shards 2 x 730 x 0.015 = 21.90; retention 2 x 730 x 0.020 = 29.20; sum 51.10
  auto cost = ProvisionedStream("2", "48");
  EXPECT_NEAR(cost.usd, 51.10, 1e-9);
  EXPECT_TRUE(
      HasNote(cost, "extended retention (48 h): 2 shards x 730 h x $0.02 per shard-hour = $29.20"));
}

TEST(CostTable, RetentionOf24HoursIsIncluded) {
  auto cost = ProvisionedStream("3", "24");
  EXPECT_NEAR(cost.usd, 32.85, 1e-9);  // 3 x 730 x 0.015
  EXPECT_FALSE(HasNoteStartingWith(cost, "extended retention"));
}

TEST(CostTable, LongTermRetentionIsNotEstimated) {
  auto cost = ProvisionedStream("1", "720");
  EXPECT_NEAR(cost.usd, 10.95 + 14.60, 1e-9);  // 730 x 0.015 + 730 x 0.020
  EXPECT_TRUE(HasNoteStartingWith(cost, "not estimated: long-term retention beyond 7 days"));
}

TEST(CostTable, PutPayloadUnitsFromUsage) {
  UsageAssumptions usage;
  usage.records_per_second = 100;
  usage.average_record_bytes = 1024;  // 1 unit a record
  // 100 x 2,628,000 = 262,800,000 units x 0.014 / 1e6 = 3.6792; plus 10.95 for the shard
  auto cost = ProvisionedStream("1", nullptr, usage);
  EXPECT_NEAR(cost.usd, 10.95 + 3.6792, 1e-9);
  EXPECT_TRUE(HasNote(cost,
                      "PUT payload units: 100 records/s x 2,628,000 s x 1 unit (25 KB) = "
                      "262,800,000 units x $0.014 per million = $3.68"));
}

TEST(CostTable, PutPayloadUnitsRoundUpTo25KB) {
  UsageAssumptions usage;
  usage.records_per_second = 100;
  usage.average_record_bytes = 30 * 1024;  // 2 units a record
  auto cost = ProvisionedStream("1", nullptr, usage);
  EXPECT_NEAR(cost.usd, 10.95 + 7.3584, 1e-9);
}

TEST(CostTable, OnDemandStreamHours) {
  UsageAssumptions usage;
  usage.records_per_second = 100;
  usage.average_record_bytes = 1024;
  // 730 x 0.04 = 29.20; no PUT units in on-demand mode (billed per GB, not in the table)
  auto cost = EstimateMonthlyCost(
      "AWS::Kinesis::Stream",
      Props({{"StreamModeDetails", Props({{"StreamMode", Value::String("ON_DEMAND")}})}}),
      "us-east-1", usage);
  EXPECT_NEAR(cost.usd, 29.20, 1e-9);
  EXPECT_TRUE(HasNote(cost, "1 on-demand stream x 730 h x $0.04 per stream-hour = $29.20"));
  EXPECT_TRUE(HasNoteStartingWith(cost, "not estimated: on-demand data in and out"));
  EXPECT_FALSE(HasNoteStartingWith(cost, "PUT payload units"));
}

TEST(CostTable, UnknownShardCountIsNotEstimated) {
  auto cost =
      EstimateMonthlyCost("AWS::Kinesis::Stream",
                          Props({{"ShardCount", Value::Unknown("Param.Shards")}}), "us-east-1", {});
  EXPECT_EQ(cost.usd, 0);
  EXPECT_TRUE(HasNote(cost,
                      "not estimated: shard-hours and extended retention (ShardCount is "
                      "known after apply)"));
}

TEST(CostTable, MissingShardCountIsNotEstimated) {
  auto cost = Estimate("AWS::Kinesis::Stream", {});
  EXPECT_EQ(cost.usd, 0);
  EXPECT_TRUE(HasNote(cost,
                      "not estimated: shard-hours and extended retention (ShardCount is "
                      "not set)"));
}

TEST(CostTable, FirehoseIngestionRoundsRecordsUpTo5KB) {
  UsageAssumptions usage;
  usage.records_per_second = 100;
  usage.average_record_bytes = 1024;  // billed as 5 KB
  // 262,800,000 records x 5,120 B = 1,345,536,000,000 B / 2^30 = 1,253.1280517578125 GB
  // x 0.029 = 36.3407135
  auto cost = Estimate("AWS::KinesisFirehose::DeliveryStream", usage);
  EXPECT_NEAR(cost.usd, 1253.1280517578125 * 0.029, 1e-9);
  EXPECT_TRUE(HasNote(cost,
                      "Firehose ingestion: 100 records/s x 2,628,000 s x 5 KB (records rounded up "
                      "to 5 KB) = 1,253.13 GB x $0.029 per GB = $36.34"));

  usage.average_record_bytes = 12 * 1024;  // billed as 15 KB: three times the above
  cost = Estimate("AWS::KinesisFirehose::DeliveryStream", usage);
  EXPECT_NEAR(cost.usd, 3 * 1253.1280517578125 * 0.029, 1e-9);
}

TEST(CostTable, FirehoseWithoutUsageIsNotEstimated) {
  auto cost = Estimate("AWS::KinesisFirehose::DeliveryStream", {});
  EXPECT_EQ(cost.usd, 0);
  EXPECT_TRUE(HasNoteStartingWith(cost, "not estimated: Firehose ingestion"));
}

TEST(CostTable, LambdaRequestsAndDuration) {
  UsageAssumptions usage;
  usage.invocations_per_second = 10;
  usage.seconds_per_invocation = 0.2;
  // 26,280,000 requests x 0.20 / 1e6 = 5.256
  // 26,280,000 x 0.2 s x 0.25 GB = 1,314,000 GB-s x 0.0000166667 = 21.90004380
  auto cost = EstimateMonthlyCost("AWS::Lambda::Function", Props({{"MemorySize", Num("256")}}),
                                  "us-east-1", usage);
  EXPECT_NEAR(cost.usd, 5.256 + 1314000 * 0.0000166667, 1e-9);
  EXPECT_TRUE(HasNote(cost,
                      "Lambda requests: 10 invocations/s x 2,628,000 s = 26,280,000 "
                      "requests x $0.20 per million = $5.26"));
  EXPECT_TRUE(HasNote(cost,
                      "Lambda duration: 26,280,000 requests x 0.2 s x 256 MB = "
                      "1,314,000 GB-s x $0.0000166667 per GB-second = $21.90"));
}

TEST(CostTable, LambdaMemoryDefaultsTo128MB) {
  UsageAssumptions usage;
  usage.invocations_per_second = 10;
  usage.seconds_per_invocation = 0.2;
  // 657,000 GB-s x 0.0000166667 = 10.95002190; requests 5.256
  auto cost = Estimate("AWS::Lambda::Function", usage);
  EXPECT_NEAR(cost.usd, 5.256 + 657000 * 0.0000166667, 1e-9);
  EXPECT_TRUE(HasNoteStartingWith(cost,
                                  "Lambda duration: 26,280,000 requests x 0.2 s x 128 MB "
                                  "(default) = 657,000 GB-s"));
}

TEST(CostTable, LambdaWithoutDurationEstimatesRequestsOnly) {
  UsageAssumptions usage;
  usage.invocations_per_second = 1;
  auto cost = Estimate("AWS::Lambda::Function", usage);
  EXPECT_NEAR(cost.usd, 2.628 * 0.20, 1e-9);
  EXPECT_TRUE(HasNote(cost,
                      "not estimated: Lambda duration (no seconds_per_invocation in the "
                      "stage's usage)"));
}

TEST(CostTable, S3StandardStorage) {
  UsageAssumptions usage;
  usage.stored_gb = 100;
  auto cost = Estimate("AWS::S3::Bucket", usage);
  EXPECT_NEAR(cost.usd, 2.30, 1e-9);  // 100 x 0.023
  EXPECT_TRUE(HasNote(cost, "S3 Standard storage: 100 GB x $0.023 per GB-month = $2.30"));
  cost = Estimate("AWS::S3::Bucket", {});
  EXPECT_EQ(cost.usd, 0);
  EXPECT_TRUE(HasNote(cost, "not estimated: S3 storage (no stored_gb in the stage's usage)"));
}

TEST(CostTable, NegativeUsageIsNotUsed) {
  UsageAssumptions usage;
  usage.stored_gb = -1;
  auto cost = Estimate("AWS::S3::Bucket", usage);
  EXPECT_EQ(cost.usd, 0);
}

TEST(CostTable, TypesOutsideTheTable) {
  auto cost = Estimate("AWS::IAM::Role", {});
  EXPECT_EQ(cost.usd, 0);
  EXPECT_TRUE(HasNote(cost, "not estimated: AWS::IAM::Role (not in the price table)"));
}

TEST(CostTable, OtherRegionsArePricedAtUsEast1) {
  auto east = EstimateMonthlyCost("AWS::Kinesis::Stream", Props({{"ShardCount", Num("2")}}),
                                  "us-east-1", {});
  auto west = EstimateMonthlyCost("AWS::Kinesis::Stream", Props({{"ShardCount", Num("2")}}),
                                  "eu-west-1", {});
  EXPECT_EQ(east.usd, west.usd);
  EXPECT_EQ(PriceTableName("us-east-1"), "us-east-1 list prices of 2026-11-22");
  EXPECT_EQ(PriceTableName("eu-west-1"),
            "us-east-1 list prices of 2026-11-22 (eu-west-1 at us-east-1 prices)");
}

TEST(CostTable, FormatUsd) {
  EXPECT_EQ(FormatUsd(21.9), "$21.90");
  EXPECT_EQ(FormatUsd(0), "$0.00");
  EXPECT_EQ(FormatUsd(1234567.891), "$1,234,567.89");
  EXPECT_EQ(FormatUsd(-21.9), "-$21.90");
  EXPECT_EQ(FormatUsd(-0.001), "$0.00");
}

}  // namespace
}  // namespace sf::plan
