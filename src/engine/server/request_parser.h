#pragma once
// Internal to the server: Beast's HTTP/1.1 request parser, writing straight into an HttpRequest
// (no intermediate header container). One parser per request: construct it, put() bytes into
// it until is_done(), then Take() the request.

#include <cstddef>
#include <cstdint>

#include <boost/beast/http/basic_parser.hpp>

#include "engine/server/http_server.h"

namespace sf::engine {

class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  // Headers (request line included) over `max_header_bytes` fail with error::header_limit; a
  // Content-Length over `max_body_bytes` fails with error::body_limit as soon as the header is
  // parsed, and so does a chunked body the moment its chunks add up to more.
  RequestParser(size_t max_header_bytes, size_t max_body_bytes);

  // Valid once the header is done: the client sent `Expect: 100-continue` over HTTP/1.1.
  bool expects_continue() const { return expects_continue_; }

  // Moves the parsed request out; call once, after is_done().
  HttpRequest Take() { return std::move(request_); }

 private:
  using string_view = boost::beast::string_view;
  using error_code = boost::beast::error_code;

  void on_request_impl(boost::beast::http::verb method, string_view method_str, string_view target,
                       int version, error_code& ec) override;
  void on_response_impl(int code, string_view reason, int version, error_code& ec) override;
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         error_code& ec) override;
  size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t size, string_view extensions, error_code& ec) override;
  size_t on_chunk_body_impl(std::uint64_t remain, string_view body, error_code& ec) override;
  void on_finish_impl(error_code& ec) override;

  HttpRequest request_;
  bool expects_continue_ = false;
};

}  // namespace sf::engine
