#pragma once
// A client of the EventBridge API (JSON 1.1, X-Amz-Target "AWSEvents.<Operation>", SigV4
// service "events") for the controller's rule provider. Shapes are botocore's
// (botocore/data/events/2015-10-07/service-2.json); requests and responses go as JSON. Blocking;
// not thread-safe (one per thread).

#include <nlohmann/json.hpp>
#include <string>

#include "auth/sigv4_types.h"
#include "base/result.h"
#include "client/signed_client.h"

namespace sf::client {

// An error the API returned: EventBridge's type ("ResourceNotFoundException") and message, and
// the HTTP status; a transport failure has type "ConnectionError", status 0.
struct EventsError {
  std::string type;
  std::string message;
  long http_status = 0;
};

template <class T>
using EventsResult = tl::expected<T, EventsError>;

class EventsClient {
 public:
  EventsClient(std::string endpoint, auth::Credentials credentials, std::string region);

  // Calls one operation ("PutRule") with its JSON request; returns the JSON response.
  EventsResult<nlohmann::json> Call(const std::string& operation, const nlohmann::json& request);

 private:
  SignedClient http_;
};

}  // namespace sf::client
