#pragma once
// A small blocking HTTP client (libcurl) for the CLI's calls to the engine: health checks and
// the Kinesis API for put and tail, the controller's stack routes and providers. One handle per
// client, reused so connections stay alive. Not thread-safe.

#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace sf::client {

struct HttpReply {
  long status = 0;
  std::string body;
  // Response headers, names lower-cased, in order (filled by Send only).
  std::vector<std::pair<std::string, std::string>> headers;
  const std::string* Header(const std::string& lower_name) const;
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
  // Any method ("GET", "PUT", "DELETE", "HEAD", "POST"), with `body` sent when not empty (or
  // when the method is PUT or POST). Collects the response headers. No "Expect: 100-continue".
  Result<HttpReply> Send(const std::string& method, const std::string& url, const std::string& body,
                         const std::vector<std::pair<std::string, std::string>>& headers,
                         long timeout_ms = 30000);

 private:
  Result<HttpReply> Perform(const std::string& url, long timeout_ms);
  void* curl_;
};

}  // namespace sf::client
