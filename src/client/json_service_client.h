#pragma once
// A client of one AWS JSON 1.1 API of the engine (`POST /` with `X-Amz-Target:
// <prefix><Operation>`, SigV4 for the API's signing service), for the controller's providers:
// requests and responses go as nlohmann JSON, errors come back as AWS's type and message.
// Blocking; not thread-safe (one per thread).

#include <nlohmann/json.hpp>
#include <string>

#include "auth/sigv4_types.h"
#include "base/result.h"
#include "client/signed_client.h"

namespace sf::client {

// An error the API returned: its AWS type ("ResourceNotFoundException", any "...#" namespace
// removed), message and HTTP status; a transport failure has type "ConnectionError", status 0.
struct ServiceError {
  std::string type;
  std::string message;
  long http_status = 0;
};

template <class T>
using ServiceResult = tl::expected<T, ServiceError>;

// The JSON body of `reply`, or the ServiceError it carries (statuses of 300 and more).
ServiceResult<nlohmann::json> ParseJsonReply(const HttpReply& reply);

class JsonServiceClient {
 public:
  // `service` signs ("firehose"); `target_prefix` precedes the operation ("Firehose_20150804.").
  JsonServiceClient(std::string endpoint, auth::Credentials credentials, std::string region,
                    std::string service, std::string target_prefix);

  // Calls one operation ("PutRecordBatch") with its JSON request; returns the JSON response.
  ServiceResult<nlohmann::json> Call(const std::string& operation, const nlohmann::json& request);

 private:
  SignedClient http_;
  std::string target_prefix_;
};

}  // namespace sf::client
