#pragma once
// Signed HTTP requests to one service of one endpoint: SigV4 with the given credentials,
// region and service ("s3", "streamform", ...), over one keep-alive connection. The base the
// service clients (S3, the engine's stack routes) build on. Blocking; not thread-safe (one per
// thread, or behind the caller's lock).

#include <string>
#include <utility>
#include <vector>

#include "auth/signer.h"
#include "base/result.h"
#include "client/http_client.h"

namespace sf::client {

class SignedClient {
 public:
  // `endpoint` is the base URL ("http://127.0.0.1:4560").
  SignedClient(std::string endpoint, auth::Credentials credentials, std::string region,
               std::string service);

  // Signs and sends. `path` is already URI-encoded ("/bucket/a%20key"); `query` likewise and
  // without the '?'. kIo (with the endpoint and "start it with `streamform engine start`")
  // when the endpoint cannot be reached; any HTTP status is a reply, not an error.
  Result<HttpReply> Send(const std::string& method, const std::string& path,
                         const std::string& query, const std::string& body,
                         std::vector<std::pair<std::string, std::string>> headers = {},
                         long timeout_ms = 30000);

  const std::string& endpoint() const { return endpoint_; }

 private:
  std::string endpoint_;
  std::string host_;
  auth::Signer signer_;
  HttpClient http_;
};

}  // namespace sf::client
