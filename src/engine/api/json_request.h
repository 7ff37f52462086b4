#pragma once
// Reading a JSON 1.1 request body the way AWS validates it: type mismatches are a
// SerializationException; constraint failures are collected and reported together as one
// ValidationException ("2 validation errors detected: Value '...' at 'streamName' failed to
// satisfy constraint: Member must ...; ..."), with member paths as AWS writes them
// ("records.1.member.partitionKey").
//
// Not thread-safe; one per request. Views returned point into the parsed document, which the
// JsonRequest owns.

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/api_error.h"

namespace sf::engine {

class JsonRequest {
 public:
  // Parses `body` (an empty body is an empty object). A body that is not a JSON object is a
  // SerializationException.
  static ApiResult<std::unique_ptr<JsonRequest>> Parse(std::string_view body);
  ~JsonRequest();
  JsonRequest(const JsonRequest&) = delete;
  JsonRequest& operator=(const JsonRequest&) = delete;

  simdjson::dom::element root() const { return root_; }

  // A member of `object` (the root when omitted), or nullopt when absent or null. A present
  // value of the wrong JSON type records a serialization error and yields nullopt.
  std::optional<std::string_view> String(std::string_view name);
  std::optional<std::string_view> String(simdjson::dom::object object, std::string_view name);
  std::optional<int64_t> Integer(std::string_view name);
  std::optional<double> Number(std::string_view name);  // timestamps: epoch seconds
  std::optional<bool> Bool(std::string_view name);
  std::optional<simdjson::dom::array> Array(std::string_view name);
  std::optional<simdjson::dom::object> Object(std::string_view name);

  // Constraint checks; `path` is the AWS member path ("streamName").
  void RequireString(const std::optional<std::string_view>& value, std::string_view path);
  void CheckLength(std::string_view value, std::string_view path, size_t min,
                   size_t max);                                          // characters
  void CheckNamePattern(std::string_view value, std::string_view path);  // [a-zA-Z0-9_.-]+
  void CheckDigitsPattern(std::string_view value, std::string_view path, size_t max_digits,
                          const char* pattern);  // 0|([1-9]\d{0,N})
  void CheckRange(int64_t value, std::string_view path, std::optional<int64_t> min,
                  std::optional<int64_t> max);
  void CheckEnum(std::string_view value, std::string_view path,
                 const std::vector<std::string_view>& allowed);
  void AddViolation(std::string value_text, std::string_view path, std::string constraint);
  void AddNullViolation(std::string_view path);

  // The serialization error if any, else a ValidationException if any constraint failed.
  ApiResult<void> Finish() const;

 private:
  JsonRequest() = default;
  // The thread's parser, reused across requests (its buffers stay allocated); a second
  // JsonRequest alive on the same thread gets its own.
  simdjson::dom::parser* parser_ = nullptr;
  std::unique_ptr<simdjson::dom::parser> own_parser_;
  bool uses_thread_parser_ = false;
  simdjson::dom::element root_;
  std::optional<ApiError> serialization_;
  std::vector<std::pair<std::string, std::string>> violations_;  // member path, message
};

// "StreamName" -> "streamName", as AWS writes member paths.
std::string LowerFirst(std::string_view name);

}  // namespace sf::engine
