#pragma once
// A client of the engine's Firehose API (JSON 1.1, X-Amz-Target "Firehose_20150804.<Operation>",
// SigV4 service "firehose"; shapes are botocore's firehose 2015-08-04) for the controller's
// delivery stream provider, plus the engine's own delivery-stream routes
// (GET /_streamform/delivery-streams/{name}, POST .../{name}/flush; SigV4 service
// "streamform"), which tell what a stream holds undelivered and write it out. Blocking; not
// thread-safe (one per thread).

#include <nlohmann/json.hpp>
#include <string>

#include "auth/sigv4_types.h"
#include "client/json_service_client.h"
#include "client/signed_client.h"

namespace sf::client {

class FirehoseClient {
 public:
  FirehoseClient(std::string endpoint, auth::Credentials credentials, std::string region);

  // Calls one Firehose operation ("DescribeDeliveryStream") with its JSON request.
  ServiceResult<nlohmann::json> Call(const std::string& operation, const nlohmann::json& request);
  // {"bufferedRecords", "bufferedBytes", "oldestArrivalMs"} of the stream.
  ServiceResult<nlohmann::json> Buffered(const std::string& name);
  // Writes everything the stream holds; {"deliveredRecords", "deliveredBytes", "keys"}.
  ServiceResult<nlohmann::json> Flush(const std::string& name);

 private:
  JsonServiceClient firehose_;
  SignedClient engine_;
};

}  // namespace sf::client
