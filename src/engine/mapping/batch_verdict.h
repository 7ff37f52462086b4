#pragma once
// What one invocation of a batch came to, read the way Lambda reads it for stream sources:
//   - the handler failed (raised, timed out, crashed, failed to initialise): the whole batch
//     failed;
//   - throttled: the batch is retried, and the attempt does not count;
//   - with ReportBatchItemFailures, {"batchItemFailures":[{"itemIdentifier":"<seq>"}]} says
//     the records from the lowest listed one on failed; an empty or null list, a null or empty
//     response, or no such member is success; a response that is not JSON, a list that is not a
//     list, an entry without a string itemIdentifier, or one naming a sequence number not in
//     the batch fails the whole batch;
//   - with a tumbling window the response must carry "state" (an object): without it the
//     invocation failed.

#include <cstddef>
#include <optional>
#include <span>
#include <string>

#include "engine/function/runtime.h"
#include "engine/stream/stream_service.h"

namespace sf::engine::mapping {

struct BatchVerdict {
  enum class Kind { kSuccess, kPartial, kFailed, kThrottled };
  Kind kind = Kind::kSuccess;
  size_t first_failed = 0;           // kPartial: index of the lowest failed record
  std::optional<std::string> state;  // with a window: the state returned (JSON object)
  std::string function_error;        // kFailed: "Unhandled" (Lambda's X-Amz-Function-Error)
  std::string reason;                // kFailed / kPartial: why, for the function's log
};

BatchVerdict Judge(const function::InvokeResult& result, std::span<const RecordOut> batch,
                   bool report_item_failures, bool tumbling);

}  // namespace sf::engine::mapping
