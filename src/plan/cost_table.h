#pragma once
// The price table behind the plan's cost estimate: dated list prices (docs/costs.md gives
// each row's source and whether it was checked against AWS's page) and the monthly cost of
// one resource from its resolved properties and the stage's usage assumptions.
//
// A month is 730 hours. Free tiers are ignored. Only us-east-1 has a column; every other
// region is priced at us-east-1 prices and says so (PriceTableName). Terms that cannot be
// computed (usage not given, a property known only after apply, a price the table lacks) add
// no dollars and a "not estimated: ..." note, so an estimate never hides what it left out.
// Pure: no I/O.

#include <optional>
#include <string>
#include <vector>

#include "base/value.h"

namespace sf::plan {

// Usage a stage expects, for the usage-priced items; all optional (unset = "not estimated").
struct UsageAssumptions {
  std::optional<double> records_per_second, average_record_bytes;  // Kinesis PUT units, Firehose GB
  std::optional<double> stored_gb;                                 // per bucket
  std::optional<double> invocations_per_second, seconds_per_invocation;  // Lambda
};

// notes: each term in words ("2 shards x 730 h x $0.015 per shard-hour = $21.90"), and what
// was not estimated ("not estimated: ...").
struct MonthlyCost {
  double usd = 0;
  std::vector<std::string> notes;
};

// The monthly cost of one resource of `type` (AWS::Kinesis::Stream,
// AWS::KinesisFirehose::DeliveryStream, AWS::Lambda::Function, AWS::S3::Bucket; any other
// type costs nothing and says it is not estimated) with these resolved properties (values may
// be Unknown) in `region`.
MonthlyCost EstimateMonthlyCost(const std::string& type, const Value& properties,
                                const std::string& region, const UsageAssumptions& usage);

// "us-east-1 list prices of 2026-11-22"; for a region without its own column,
// "us-east-1 list prices of 2026-11-22 (eu-west-1 at us-east-1 prices)".
std::string PriceTableName(const std::string& region);

// "$1,234.56" (two decimals, thousands separated; "-$21.90" below zero).
std::string FormatUsd(double usd);

}  // namespace sf::plan
