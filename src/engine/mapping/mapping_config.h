#pragma once
// An event-source mapping from a Kinesis stream to a function: its settings as Lambda's
// CreateEventSourceMapping takes them, with Lambda's defaults, the checks Lambda makes across
// settings, and the JSON form mappings.db keeps. Issue 6; the wire form is in
// engine/api/lambda/lambda_mappings.cc.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "engine/api_error.h"

namespace sf::engine::mapping {

enum class StartingPosition { kTrimHorizon, kLatest, kAtTimestamp };

struct MappingConfig {
  std::string uuid;
  std::string function_name;  // invoked at $LATEST
  std::string stream_arn;     // arn:aws:kinesis:<region>:<account>:stream/<name>
  std::string stream_name;
  StartingPosition starting_position = StartingPosition::kTrimHorizon;
  std::optional<double> starting_timestamp;  // seconds since the epoch (kAtTimestamp)
  int batch_size = 100;                      // 1-10,000 records
  int batching_window_seconds = 0;           // 0-300
  int parallelization_factor = 1;            // 1-10 concurrent batches per shard
  bool bisect_on_error = false;
  int maximum_retry_attempts = -1;      // -1: retry until the records expire
  int maximum_record_age_seconds = -1;  // -1: until the records expire; else 60-604,800
  int tumbling_window_seconds = 0;      // 0: none; else 1-900
  bool report_batch_item_failures = false;
  std::string on_failure_destination;  // a stream or bucket ARN; "" for none
  bool enabled = true;
  int64_t last_modified_ms = 0;
};

// UpdateEventSourceMapping: each setting given replaces the mapping's; nullopt keeps it.
struct MappingChange {
  std::optional<std::string> function_name;
  std::optional<bool> enabled;
  std::optional<int> batch_size;
  std::optional<int> batching_window_seconds;
  std::optional<int> parallelization_factor;
  std::optional<bool> bisect_on_error;
  std::optional<int> maximum_retry_attempts;
  std::optional<int> maximum_record_age_seconds;
  std::optional<int> tumbling_window_seconds;
  std::optional<bool> report_batch_item_failures;
  std::optional<std::string> on_failure_destination;  // "" removes it
};

std::string_view PositionName(StartingPosition position);  // "TRIM_HORIZON", ...
std::optional<StartingPosition> ParsePosition(std::string_view name);

// Applies `change` to `config` (not validated: call Validate after).
void ApplyChange(const MappingChange& change, MappingConfig& config);

// Lambda's checks across settings (InvalidParameterValueException, with Lambda's wording):
// a record age of 1-59 seconds, an AT_TIMESTAMP without a timestamp, an on-failure destination
// that is neither a Kinesis stream nor an S3 bucket ARN. Ranges of single settings are the wire
// layer's (ValidationException).
ApiResult<void> Validate(const MappingConfig& config);

// The stream name of a stream ARN; nullopt when `arn` names no Kinesis stream.
std::optional<std::string> StreamNameOfArn(std::string_view arn);
// The bucket of an S3 bucket ARN (arn:aws:s3:::name); nullopt otherwise.
std::optional<std::string> BucketOfArn(std::string_view arn);

std::string ToJson(const MappingConfig& config);
// kInvalidArgument when `json` is not what ToJson writes.
Result<MappingConfig> FromJson(std::string_view json);

}  // namespace sf::engine::mapping
