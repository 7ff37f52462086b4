#pragma once
// Internal to the server: Beast's HTTP/1.1 request parser, writing straight into an HttpRequest
// (no intermediate header container). One parser per request: construct it, put() bytes into
// it until is_done(), then Take() the request.
//
// Between the header and the body the caller decides what the body may be (LimitBody) and
// whether it is buffered into the request (the default) or streamed out slice by slice
// (StreamBody, then TakeSlice after every put()).

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include <boost/beast/http/basic_parser.hpp>

#include "engine/server/http_server.h"

namespace sf::engine {

class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  // Headers (request line included) over `max_header_bytes` fail with error::header_limit; a
  // Content-Length over `max_body_bytes` fails with error::body_limit as soon as the header is
  // parsed, and so does a chunked body the moment its chunks add up to more. `max_body_bytes` is
  // the largest body any request may have; LimitBody lowers it for one request.
  RequestParser(size_t max_header_bytes, uint64_t max_body_bytes);

  // Valid once the header is done: the client sent `Expect: 100-continue` over HTTP/1.1.
  bool expects_continue() const { return expects_continue_; }

  // The request parsed so far: once is_header_done(), its head (the body still empty).
  HttpRequest& request() { return request_; }

  // Once the header is done and before the next put(): caps this request's body at `limit`.
  // Returns false if its Content-Length is already over it; a chunked body crossing it fails
  // put() with error::body_limit at the chunk header that crosses it, before its data.
  bool LimitBody(uint64_t limit);

  // Once the header is done and before the next put(): the body is no longer appended to the
  // request. Each put() then parses at most one slice of it, which TakeSlice() returns.
  void StreamBody();

  // The body slice parsed by the last put() (empty if none). It points into the buffer given to
  // put() and is valid until those bytes are consumed or overwritten.
  std::string_view TakeSlice() { return std::exchange(slice_, {}); }

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

  size_t TakeBody(string_view body);

  HttpRequest request_;
  bool expects_continue_ = false;
  uint64_t request_body_limit_;    // this request's limit (LimitBody)
  uint64_t chunked_declared_ = 0;  // sum of the chunk sizes announced so far
  bool streaming_ = false;
  std::string_view slice_;
};

}  // namespace sf::engine
