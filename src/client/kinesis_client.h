#pragma once
// A Kinesis client over the engine's JSON 1.1 API, for the CLI (put, tail) and, later, the
// controller's providers. Blocking; not thread-safe (one per thread).

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "client/http_client.h"

namespace sf::client {

// An error the API returned: its AWS type ("ResourceNotFoundException") and message. A
// transport failure has type "ConnectionError".
struct KinesisError {
  std::string type;
  std::string message;
};

class KinesisClient {
 public:
  explicit KinesisClient(std::string endpoint) : endpoint_(std::move(endpoint)) {}

  // Calls one operation ("PutRecords") with a JSON request; returns the JSON response.
  tl::expected<nlohmann::json, KinesisError> Call(const std::string& operation,
                                                  const nlohmann::json& request);

  const std::string& endpoint() const { return endpoint_; }

 private:
  std::string endpoint_;
  HttpClient http_;
};

}  // namespace sf::client
