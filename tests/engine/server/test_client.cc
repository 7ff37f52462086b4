#include "test_client.h"

#include <functional>
#include <limits>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

namespace sf::engine::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

TestClient::TestClient(uint16_t port) : socket_(io_) {
  boost::system::error_code ec;
  socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  connected_ = !ec;
  if (connected_) socket_.set_option(tcp::no_delay(true), ec);
}

bool TestClient::Send(std::string_view bytes) {
  boost::system::error_code ec;
  asio::write(socket_, asio::buffer(bytes.data(), bytes.size()), ec);
  return !ec;
}

std::optional<Response> TestClient::Read(std::chrono::milliseconds timeout, bool head) {
  http::response_parser<http::string_body> parser;
  // A number, never boost::none: Beast 1.74 compares Content-Length against the optional and
  // refuses every sized body when it is none (see src/engine/server/README.md).
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  parser.skip(head);
  std::optional<boost::system::error_code> result;
  http::async_read(socket_, buffer_, parser,
                   [&](const boost::system::error_code& ec, size_t) { result = ec; });
  io_.restart();
  io_.run_for(timeout);
  if (!result) {  // timed out: abandon the read
    socket_.cancel();
    io_.restart();
    io_.run();
    return std::nullopt;
  }
  if (*result) return std::nullopt;
  return parser.release();
}

std::optional<Response> TestClient::RoundTrip(std::string_view request) {
  if (!Send(request)) return std::nullopt;
  return Read();
}

bool TestClient::ClosedWithin(std::chrono::milliseconds timeout) {
  if (buffer_.size() > 0) return false;
  char byte;
  std::optional<boost::system::error_code> result;
  socket_.async_read_some(asio::buffer(&byte, 1),
                          [&](const boost::system::error_code& ec, size_t) { result = ec; });
  io_.restart();
  io_.run_for(timeout);
  if (!result) {
    socket_.cancel();
    io_.restart();
    io_.run();
    return false;
  }
  return *result == asio::error::eof || *result == asio::error::connection_reset;
}

std::optional<std::string> TestClient::ReadUntilClosed(std::chrono::milliseconds timeout) {
  std::string bytes(static_cast<const char*>(buffer_.data().data()), buffer_.size());
  buffer_.clear();
  char chunk[64 * 1024];
  std::optional<boost::system::error_code> failed;
  std::function<void(const boost::system::error_code&, size_t)> on_read =
      [&](const boost::system::error_code& ec, size_t n) {
        bytes.append(chunk, n);
        if (ec) {
          failed = ec;
          return;
        }
        socket_.async_read_some(asio::buffer(chunk), on_read);
      };
  socket_.async_read_some(asio::buffer(chunk), on_read);
  io_.restart();
  io_.run_for(timeout);
  if (!failed) {
    socket_.cancel();
    io_.restart();
    io_.run();
    return std::nullopt;
  }
  return bytes;
}

void TestClient::Close() {
  boost::system::error_code ec;
  socket_.close(ec);
}

std::string MakeRequest(std::string_view method, std::string_view target, std::string_view body,
                        std::string_view extra) {
  std::string request;
  request.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  request.append("Host: localhost\r\n");
  request.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  request.append(extra).append("\r\n").append(body);
  return request;
}

bool CanConnect(uint16_t port) {
  TestClient client(port);
  return client.connected();
}

}  // namespace sf::engine::testing
