#pragma once
// A small blocking HTTP/1.1 client for the server tests: raw bytes out, Beast-parsed responses
// in, every read bounded by a timeout so a misbehaving server fails a test instead of hanging
// it. Not thread-safe; one per thread.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace sf::engine::testing {

using Response = boost::beast::http::response<boost::beast::http::string_body>;
using namespace std::chrono_literals;

class TestClient {
 public:
  // Connects to 127.0.0.1:`port`; see connected().
  explicit TestClient(uint16_t port);

  bool connected() const { return connected_; }
  // Writes all of `bytes`; false on error.
  bool Send(std::string_view bytes);
  // Reads one response (a 100 Continue counts as one). nullopt on timeout, EOF or a parse
  // error. `head` parses the response to a HEAD request (no body).
  std::optional<Response> Read(std::chrono::milliseconds timeout = 5s, bool head = false);
  // Sends `request` and reads its response.
  std::optional<Response> RoundTrip(std::string_view request);
  // True if the server closes the connection (EOF or reset) within `timeout` without sending
  // any further byte.
  bool ClosedWithin(std::chrono::milliseconds timeout = 5s);
  // The raw bytes that arrive until the server closes the connection (EOF or reset); nullopt if
  // it is still open after `timeout`.
  std::optional<std::string> ReadUntilClosed(std::chrono::milliseconds timeout = 5s);
  void Close();

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
  bool connected_ = false;
};

// "METHOD target HTTP/1.1" with Host and Content-Length headers, `extra` header lines (each
// ending in \r\n), and `body`.
std::string MakeRequest(std::string_view method, std::string_view target, std::string_view body,
                        std::string_view extra = "");

// True if a TCP connection to 127.0.0.1:`port` is accepted.
bool CanConnect(uint16_t port);

}  // namespace sf::engine::testing
