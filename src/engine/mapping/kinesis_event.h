#pragma once
// What a mapping sends: the Kinesis event a handler receives (exactly AWS's shape, see
// ../shared/reference/streaming.md), with the tumbling-window members when the mapping has a
// window, and the on-failure record it sends to its destination when a batch is discarded.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "engine/stream/stream_service.h"

namespace sf::engine::mapping {

struct EventSource {
  std::string stream_arn;
  std::string shard_id;
  std::string region;
  std::string role_arn;  // the function's role: each record's invokeIdentityArn
};

struct TumblingWindow {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::string state = "{}";  // a JSON object
  bool final_invoke = false;
  bool terminated_early = false;
};

// About the bytes one record adds to an event: its base64 data plus the envelope, ids and key
// (an upper bound, for sizing batches against the 6 MB limit).
size_t RecordEventBytes(const EventSource& source, const RecordOut& record);

// {"Records":[{"kinesis":{...},"eventSource":"aws:kinesis",...}, ...]} plus, with `window`,
// "window", "state", "shardId", "eventSourceARN", "isFinalInvokeForWindow" and
// "isWindowTerminatedEarly".
std::string KinesisEvent(const EventSource& source, std::span<const RecordOut> records,
                         const TumblingWindow* window);

enum class DiscardCondition { kRetryAttemptsExhausted, kRecordAgeExceeded };

struct FailureRecord {
  std::string request_id;  // the last invocation's
  std::string function_arn;
  DiscardCondition condition = DiscardCondition::kRetryAttemptsExhausted;
  int invoke_count = 0;
  std::string function_error;  // "Unhandled", or "" when the last invocation returned
  int64_t now_ms = 0;
};

// The on-failure record: pointers to the discarded records, not their data.
std::string OnFailureRecord(const FailureRecord& failure, const EventSource& source,
                            std::span<const RecordOut> records);

// ISO 8601 UTC with milliseconds: 2026-11-22T10:00:00.000Z.
std::string IsoMillis(int64_t ms);

}  // namespace sf::engine::mapping
