#pragma once
// A small blocking HTTP client (libcurl) for the CLI's calls to the engine: health checks and
// the Kinesis API for put and tail. One handle per client, reused so connections stay alive.
// Not thread-safe.

#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace sf::client {

struct HttpReply {
  long status = 0;
  std::string body;
};

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // kIo when the engine cannot be reached (connection refused, timeout).
  Result<HttpReply> Get(const std::string& url, long timeout_ms = 2000);
  Result<HttpReply> Post(const std::string& url, const std::string& body,
                         const std::vector<std::pair<std::string, std::string>>& headers,
                         long timeout_ms = 30000);

 private:
  Result<HttpReply> Perform(const std::string& url, long timeout_ms);
  void* curl_;
};

}  // namespace sf::client
