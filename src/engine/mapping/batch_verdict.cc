#include "engine/mapping/batch_verdict.h"

#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace sf::engine::mapping {

namespace {

using Kind = BatchVerdict::Kind;
using function::InvokeResult;

BatchVerdict Failed(std::string reason) {
  BatchVerdict verdict;
  verdict.kind = Kind::kFailed;
  verdict.function_error = "Unhandled";
  verdict.reason = std::move(reason);
  return verdict;
}

std::string ErrorSummary(const InvokeResult& result) {
  try {
    auto error = nlohmann::json::parse(result.payload);
    if (error.is_object()) {
      std::string type = error.value("errorType", std::string());
      std::string message = error.value("errorMessage", std::string());
      if (!type.empty() || !message.empty()) return type + (type.empty() ? "" : ": ") + message;
    }
  } catch (const nlohmann::json::exception&) {
  }
  return result.payload.substr(0, 200);
}

std::string StatusName(InvokeResult::Status status) {
  switch (status) {
    case InvokeResult::Status::kFunctionError:
      return "the function returned an error";
    case InvokeResult::Status::kTimeout:
      return "the function timed out";
    case InvokeResult::Status::kCrashed:
      return "the function's runtime exited";
    case InvokeResult::Status::kInitError:
      return "the function failed to initialise";
    default:
      return "the invocation failed";
  }
}

}  // namespace

BatchVerdict Judge(const InvokeResult& result, std::span<const RecordOut> batch,
                   bool report_item_failures, bool tumbling) {
  if (result.status == InvokeResult::Status::kThrottled) {
    BatchVerdict verdict;
    verdict.kind = Kind::kThrottled;
    verdict.reason = "throttled";
    return verdict;
  }
  if (result.status != InvokeResult::Status::kOk) {
    return Failed(StatusName(result.status) + " (" + ErrorSummary(result) + ")");
  }
  if (!report_item_failures && !tumbling) return {};
  nlohmann::json response;
  const std::string& payload = result.payload;
  bool blank = payload.find_first_not_of(" \t\r\n") == std::string::npos;
  if (!blank) {
    try {
      response = nlohmann::json::parse(payload);
    } catch (const nlohmann::json::exception&) {
      return Failed("the response is not JSON: " + payload.substr(0, 120));
    }
  }
  BatchVerdict verdict;
  if (tumbling) {
    if (!response.is_object() || !response.contains("state") || !response["state"].is_object()) {
      return Failed("the response has no \"state\" object, which a tumbling window requires");
    }
    verdict.state = response["state"].dump();
  }
  if (!report_item_failures || !response.is_object()) return verdict;
  auto failures = response.find("batchItemFailures");
  if (failures == response.end() || failures->is_null()) return verdict;
  if (!failures->is_array()) return Failed("batchItemFailures is not a list");
  if (failures->empty()) return verdict;
  std::unordered_map<std::string_view, size_t> index;
  index.reserve(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) index.emplace(batch[i].sequence_number, i);
  std::optional<size_t> lowest;
  for (const auto& entry : *failures) {
    if (!entry.is_object()) return Failed("a batchItemFailures entry is not an object");
    auto id = entry.find("itemIdentifier");
    if (id == entry.end() || !id->is_string() || id->get_ref<const std::string&>().empty()) {
      return Failed("a batchItemFailures entry has no itemIdentifier");
    }
    const std::string& sequence = id->get_ref<const std::string&>();
    auto at = index.find(sequence);
    if (at == index.end()) {
      return Failed("itemIdentifier " + sequence + " is not a record of the batch");
    }
    if (!lowest || at->second < *lowest) lowest = at->second;
  }
  verdict.kind = Kind::kPartial;
  verdict.first_failed = *lowest;
  verdict.reason = "the function reported " + std::to_string(failures->size()) +
                   " failed record(s), the lowest " + batch[*lowest].sequence_number;
  return verdict;
}

}  // namespace sf::engine::mapping
