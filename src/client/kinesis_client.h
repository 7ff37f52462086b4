#pragma once
// A Kinesis client over the engine's JSON 1.1 API, for the CLI (put, tail) and, later, the
// controller's providers. Every request is signed with SigV4 (service "kinesis"), as the engine
// requires. Blocking; not thread-safe (one per thread).

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "auth/signer.h"
#include "base/result.h"
#include "client/http_client.h"

namespace sf::client {

// An error the API returned: its AWS type ("ResourceNotFoundException") and message, and the
// HTTP status. A transport failure has type "ConnectionError" and status 0.
struct KinesisError {
  std::string type;
  std::string message;
  long http_status = 0;
};

// True for the refusals of SigV4 checking (UnrecognizedClientException,
// InvalidSignatureException, ...): the credentials, region or clock are wrong, not the call.
bool IsAuthError(const KinesisError& error);

// "127.0.0.1:4560" for "http://127.0.0.1:4560/": the Host header a request to `endpoint` carries.
std::string HostOf(const std::string& endpoint);

class KinesisClient {
 public:
  // `endpoint` is the base URL ("http://127.0.0.1:4560"); requests are signed with
  // `credentials` for `region`.
  KinesisClient(std::string endpoint, auth::Credentials credentials, std::string region);

  // Calls one operation ("PutRecords") with a JSON request; returns the JSON response.
  tl::expected<nlohmann::json, KinesisError> Call(const std::string& operation,
                                                  const nlohmann::json& request);

  const std::string& endpoint() const { return endpoint_; }
  const auth::Signer& signer() const { return signer_; }

 private:
  std::string endpoint_;
  std::string host_;
  auth::Signer signer_;
  HttpClient http_;
};

}  // namespace sf::client
