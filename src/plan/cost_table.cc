#include "plan/cost_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace sf::plan {
namespace {

// One region's column. Sources and verification status: docs/costs.md.
struct PriceColumn {
  const char* region;
  double shard_hour;                     // Kinesis provisioned, per shard-hour
  double extended_retention_shard_hour;  // Kinesis provisioned, retention above 24 h up to 7 days
  double on_demand_stream_hour;          // Kinesis on-demand, per stream-hour
  double put_payload_units_million;      // Kinesis provisioned, per million 25 KB units
  double firehose_gb;                    // Firehose Direct PUT / KDS ingestion, first 500 TB
  double lambda_gb_second;               // Lambda duration, x86
  double lambda_requests_million;        // Lambda requests
  double s3_standard_gb_month;           // S3 Standard storage, first 50 TB
};

constexpr const char* kTableDate = "2026-11-22";
constexpr PriceColumn kUsEast1{"us-east-1", 0.015,        0.020, 0.04, 0.014,
                               0.029,       0.0000166667, 0.20,  0.023};

constexpr double kHoursPerMonth = 730;
constexpr double kSecondsPerMonth = kHoursPerMonth * 3600;
constexpr double kKiB = 1024;
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
constexpr double kPutPayloadUnitBytes = 25 * kKiB;
constexpr double kFirehoseRoundingBytes = 5 * kKiB;
constexpr double kIncludedRetentionHours = 24;
constexpr double kExtendedRetentionLimitHours = 168;  // beyond 7 days: long-term, per GB-month

const PriceColumn& ColumnFor(const std::string& /*region*/) {
  return kUsEast1;  // the only column; PriceTableName says so for other regions
}

// |value| with `decimals` decimals and thousands separators; `trim` drops trailing zeros.
std::string Magnitude(double value, int decimals, bool trim) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, std::fabs(value));
  std::string text = buffer;
  if (trim && text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  std::string integer = text.substr(0, text.find('.'));
  std::string grouped;
  for (size_t i = 0; i < integer.size(); ++i) {
    if (i > 0 && (integer.size() - i) % 3 == 0) grouped += ',';
    grouped += integer[i];
  }
  return grouped + text.substr(integer.size());
}

// `value` with at most `decimals` decimals: "2,628,000", "0.2", "1,253.12".
std::string FormatNumber(double value, int decimals) {
  std::string magnitude = Magnitude(value, decimals, true);
  return (value < 0 && magnitude != "0" ? "-" : "") + magnitude;
}

// A unit price with the decimals it needs, at least two: "$0.20", "$0.015", "$0.0000166667".
std::string Price(double usd) {
  std::string text = FormatNumber(usd, 10);
  size_t dot = text.find('.');
  if (dot == std::string::npos) return "$" + text + ".00";
  return "$" + text + std::string(dot + 3 > text.size() ? dot + 3 - text.size() : 0, '0');
}

// A term adds its dollars and says how they were reached.
void AddTerm(MonthlyCost& cost, const std::string& words, double usd) {
  cost.usd += usd;
  cost.notes.push_back(words + " = " + FormatUsd(usd));
}

void NotEstimated(MonthlyCost& cost, const std::string& what) {
  cost.notes.push_back("not estimated: " + what);
}

// A numeric property: absent, known after apply, or a number (CloudFormation accepts "5").
struct NumberProperty {
  bool present = false;
  bool unknown = false;
  std::optional<double> value;  // unset when present but not a number
};

NumberProperty ReadNumber(const Value& properties, const char* key) {
  NumberProperty result;
  const Value* value = properties.IsMap() ? properties.Find(key) : nullptr;
  if (value == nullptr || value->IsNull()) return result;
  result.present = true;
  if (!value->IsFullyKnown()) {
    result.unknown = true;
    return result;
  }
  std::string text = value->AsString();
  char* end = nullptr;
  double number = std::strtod(text.c_str(), &end);
  if (!text.empty() && end != nullptr && *end == '\0' && std::isfinite(number)) {
    result.value = number;
  }
  return result;
}

// Why a property-driven term could not be computed, or "" when it can.
std::string MissingReason(const NumberProperty& property, const char* key) {
  if (!property.present) return std::string(key) + " is not set";
  if (property.unknown) return std::string(key) + " is known after apply";
  if (!property.value) return std::string(key) + " is not a number";
  return "";
}

// A usage figure that is given, finite and not negative.
bool Usable(const std::optional<double>& figure) {
  return figure && std::isfinite(*figure) && *figure >= 0;
}

std::string MissingUsage(const char* names) {
  return std::string("no ") + names + " in the stage's usage";
}

// "ON_DEMAND", "PROVISIONED" (the schema default), or "" when known only after apply.
std::string StreamMode(const Value& properties) {
  const Value* details = properties.IsMap() ? properties.Find("StreamModeDetails") : nullptr;
  if (details == nullptr || details->IsNull()) return "PROVISIONED";
  const Value* mode = details->IsMap() ? details->Find("StreamMode") : nullptr;
  if (details->IsUnknown() || (mode != nullptr && mode->IsUnknown())) return "";
  if (mode == nullptr || mode->IsNull()) return "PROVISIONED";
  return mode->AsString();
}

void AddPutPayloadUnits(MonthlyCost& cost, const PriceColumn& prices,
                        const UsageAssumptions& usage) {
  if (!Usable(usage.records_per_second) || !Usable(usage.average_record_bytes)) {
    NotEstimated(cost, "PUT payload units (" +
                           MissingUsage("records_per_second and average_record_bytes") + ")");
    return;
  }
  double units_per_record =
      std::max(1.0, std::ceil(*usage.average_record_bytes / kPutPayloadUnitBytes));
  double units = *usage.records_per_second * kSecondsPerMonth * units_per_record;
  AddTerm(cost,
          "PUT payload units: " + FormatNumber(*usage.records_per_second, 4) + " records/s x " +
              FormatNumber(kSecondsPerMonth, 0) + " s x " + FormatNumber(units_per_record, 0) +
              (units_per_record == 1 ? " unit" : " units") +
              " (25 KB) = " + FormatNumber(units, 0) + " units x " +
              Price(prices.put_payload_units_million) + " per million",
          units / 1e6 * prices.put_payload_units_million);
}

MonthlyCost KinesisStream(const Value& properties, const PriceColumn& prices,
                          const UsageAssumptions& usage) {
  MonthlyCost cost;
  std::string mode = StreamMode(properties);
  NumberProperty retention = ReadNumber(properties, "RetentionPeriodHours");
  double retention_hours = retention.value.value_or(kIncludedRetentionHours);
  if (mode == "ON_DEMAND") {
    AddTerm(cost,
            "1 on-demand stream x " + FormatNumber(kHoursPerMonth, 0) + " h x " +
                Price(prices.on_demand_stream_hour) + " per stream-hour",
            kHoursPerMonth * prices.on_demand_stream_hour);
    NotEstimated(cost, "on-demand data in and out (per GB; not in the price table)");
    if (retention.unknown || retention_hours > kIncludedRetentionHours) {
      NotEstimated(cost, "on-demand retention above 24 h (per GB-month; not in the price table)");
    }
    return cost;
  }
  if (mode != "PROVISIONED") {
    NotEstimated(cost, mode.empty() ? "the stream (StreamMode is known after apply)"
                                    : "the stream (unknown StreamMode " + mode + ")");
    return cost;
  }
  NumberProperty shards = ReadNumber(properties, "ShardCount");
  std::string missing = MissingReason(shards, "ShardCount");
  if (!missing.empty()) {
    NotEstimated(cost, "shard-hours and extended retention (" + missing + ")");
  } else {
    double count = *shards.value;
    std::string shard_hours = FormatNumber(count, 0) + (count == 1 ? " shard x " : " shards x ") +
                              FormatNumber(kHoursPerMonth, 0) + " h x ";
    AddTerm(cost, shard_hours + Price(prices.shard_hour) + " per shard-hour",
            count * kHoursPerMonth * prices.shard_hour);
    if (retention.unknown) {
      NotEstimated(cost, "extended retention (RetentionPeriodHours is known after apply)");
    } else if (retention_hours > kIncludedRetentionHours) {
      AddTerm(cost,
              "extended retention (" + FormatNumber(retention_hours, 0) + " h): " + shard_hours +
                  Price(prices.extended_retention_shard_hour) + " per shard-hour",
              count * kHoursPerMonth * prices.extended_retention_shard_hour);
    }
  }
  if (retention_hours > kExtendedRetentionLimitHours) {
    NotEstimated(cost, "long-term retention beyond 7 days (per GB-month; not in the price table)");
  }
  AddPutPayloadUnits(cost, prices, usage);
  return cost;
}

MonthlyCost FirehoseDeliveryStream(const PriceColumn& prices, const UsageAssumptions& usage) {
  MonthlyCost cost;
  if (!Usable(usage.records_per_second) || !Usable(usage.average_record_bytes)) {
    NotEstimated(cost, "Firehose ingestion (" +
                           MissingUsage("records_per_second and average_record_bytes") + ")");
    return cost;
  }
  double billed_bytes =
      std::max(1.0, std::ceil(*usage.average_record_bytes / kFirehoseRoundingBytes)) *
      kFirehoseRoundingBytes;
  double gb = *usage.records_per_second * kSecondsPerMonth * billed_bytes / kGiB;
  AddTerm(cost,
          "Firehose ingestion: " + FormatNumber(*usage.records_per_second, 4) + " records/s x " +
              FormatNumber(kSecondsPerMonth, 0) + " s x " + FormatNumber(billed_bytes / kKiB, 0) +
              " KB (records rounded up to 5 KB) = " + FormatNumber(gb, 2) + " GB x " +
              Price(prices.firehose_gb) + " per GB",
          gb * prices.firehose_gb);
  return cost;
}

MonthlyCost LambdaFunction(const Value& properties, const PriceColumn& prices,
                           const UsageAssumptions& usage) {
  MonthlyCost cost;
  if (!Usable(usage.invocations_per_second)) {
    NotEstimated(cost,
                 "Lambda requests and duration (" + MissingUsage("invocations_per_second") + ")");
    return cost;
  }
  double invocations = *usage.invocations_per_second * kSecondsPerMonth;
  AddTerm(cost,
          "Lambda requests: " + FormatNumber(*usage.invocations_per_second, 4) +
              " invocations/s x " + FormatNumber(kSecondsPerMonth, 0) +
              " s = " + FormatNumber(invocations, 0) + " requests x " +
              Price(prices.lambda_requests_million) + " per million",
          invocations / 1e6 * prices.lambda_requests_million);
  if (!Usable(usage.seconds_per_invocation)) {
    NotEstimated(cost, "Lambda duration (" + MissingUsage("seconds_per_invocation") + ")");
    return cost;
  }
  NumberProperty memory = ReadNumber(properties, "MemorySize");
  if (memory.present && !memory.value) {
    NotEstimated(cost, "Lambda duration (" + MissingReason(memory, "MemorySize") + ")");
    return cost;
  }
  double memory_mb = memory.value.value_or(128);
  double gb_seconds = invocations * *usage.seconds_per_invocation * memory_mb / 1024;
  AddTerm(cost,
          "Lambda duration: " + FormatNumber(invocations, 0) + " requests x " +
              FormatNumber(*usage.seconds_per_invocation, 4) + " s x " +
              FormatNumber(memory_mb, 0) + " MB" + (memory.present ? "" : " (default)") + " = " +
              FormatNumber(gb_seconds, 2) + " GB-s x " + Price(prices.lambda_gb_second) +
              " per GB-second",
          gb_seconds * prices.lambda_gb_second);
  const Value* architectures = properties.IsMap() ? properties.Find("Architectures") : nullptr;
  if (architectures != nullptr && architectures->IsList()) {
    for (const auto& item : architectures->items()) {
      if (item.AsString() == "arm64") {
        cost.notes.push_back("arm64 duration priced at the x86 rate (the table has no arm64 row)");
      }
    }
  }
  return cost;
}

MonthlyCost S3Bucket(const PriceColumn& prices, const UsageAssumptions& usage) {
  MonthlyCost cost;
  if (!Usable(usage.stored_gb)) {
    NotEstimated(cost, "S3 storage (" + MissingUsage("stored_gb") + ")");
    return cost;
  }
  AddTerm(cost,
          "S3 Standard storage: " + FormatNumber(*usage.stored_gb, 2) + " GB x " +
              Price(prices.s3_standard_gb_month) + " per GB-month",
          *usage.stored_gb * prices.s3_standard_gb_month);
  return cost;
}

}  // namespace

MonthlyCost EstimateMonthlyCost(const std::string& type, const Value& properties,
                                const std::string& region, const UsageAssumptions& usage) {
  const PriceColumn& prices = ColumnFor(region);
  if (type == "AWS::Kinesis::Stream") return KinesisStream(properties, prices, usage);
  if (type == "AWS::KinesisFirehose::DeliveryStream") return FirehoseDeliveryStream(prices, usage);
  if (type == "AWS::Lambda::Function") return LambdaFunction(properties, prices, usage);
  if (type == "AWS::S3::Bucket") return S3Bucket(prices, usage);
  MonthlyCost cost;
  NotEstimated(cost, type + " (not in the price table)");
  return cost;
}

std::string PriceTableName(const std::string& region) {
  const PriceColumn& column = ColumnFor(region);
  std::string name = std::string(column.region) + " list prices of " + kTableDate;
  if (!region.empty() && region != column.region) {
    name += " (" + region + " at " + column.region + " prices)";
  }
  return name;
}

std::string FormatUsd(double usd) {
  double cents = std::round(usd * 100) / 100;
  return std::string(cents < 0 ? "-" : "") + "$" + Magnitude(cents, 2, false);
}

}  // namespace sf::plan
