// HttpConnection: one keep-alive HTTP/1.1 client connection with one request in flight, on a
// blocking POSIX socket, as the load generators use it (one per thread). Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sf::bench {

struct HttpResponse {
  int status = 0;
  std::string_view body;  // valid until the next request on the same connection
};

class HttpConnection {
 public:
  // How much of HTTP/1.1 the connection accepts from the server.
  enum class Framing {
    // Bodies framed by Content-Length or chunked encoding; a response with neither is an error.
    // Every response is returned as it is (also a 1xx one) and the connection kept open until
    // an I/O error. For servers that answer every request in full (the Kinesis JSON APIs).
    kLengthOrChunked,
    // Also: 1xx interim answers (100 Continue) are skipped; 1xx, 204 and 304 have no body; a
    // body with neither framing runs to the end of the connection; HTTP/1.0 and "Connection:
    // close" close the connection after the response; header values are matched case-blind;
    // and when sending fails, an answer the server sent early (before closing) is still read.
    kFull,
  };

  struct Options {
    std::string host;  // a name or an address (IPv6 without brackets)
    uint16_t port = 0;
    double io_timeout_s = 60;         // SO_RCVTIMEO / SO_SNDTIMEO
    size_t buffer_bytes = 64 * 1024;  // the read buffer's initial size; it grows as needed
    Framing framing = Framing::kFull;
  };

  explicit HttpConnection(Options options);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends `head` (request line and headers through the blank line) and `body`, reads the
  // response into `response`. Connects first if needed (TCP_NODELAY, the I/O timeouts). On a
  // failure (a keep-alive connection the server closed between requests, ...) reconnects once
  // and tries again, calling `head` again (so a request can be signed anew). false with `error`
  // set when that fails too.
  bool RoundTrip(const std::function<std::string_view()>& head, std::string_view body,
                 HttpResponse& response, std::string& error);
  bool RoundTrip(std::string_view head, std::string_view body, HttpResponse& response,
                 std::string& error) {
    return RoundTrip([head] { return head; }, body, response, error);
  }

  // How many times RoundTrip closed the connection after a failure and tried again.
  uint64_t reconnects() const { return reconnects_; }

 private:
  bool Connect(std::string& error);
  void Close();
  bool SendAll(std::string_view head, std::string_view body, std::string& error);
  bool Fill(std::string& error);
  bool ReadResponse(HttpResponse& response, std::string& error);
  bool ReadOne(HttpResponse& response, std::string& error);
  bool ReadChunked(size_t pos, HttpResponse& response, std::string& error);

  Options options_;
  int fd_ = -1;
  std::vector<char> buffer_;
  size_t have_ = 0;
  size_t consumed_ = 0;
  bool eof_ = false;
  bool close_after_ = false;
  std::string chunked_body_;
  uint64_t reconnects_ = 0;
};

}  // namespace sf::bench
