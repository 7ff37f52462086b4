#include "engine/server/request_parser.h"

#include <algorithm>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>

namespace sf::engine {

namespace http = boost::beast::http;

RequestParser::RequestParser(size_t max_header_bytes, uint64_t max_body_bytes)
    : request_body_limit_(max_body_bytes) {
  header_limit(static_cast<std::uint32_t>(std::min<size_t>(max_header_bytes, UINT32_MAX)));
  // Always a number: Beast 1.74 compares Content-Length against the optional, and every length
  // is greater than boost::none.
  body_limit(max_body_bytes);
  eager(false);  // put() stops after the header, so the caller can act on it first
}

bool RequestParser::LimitBody(uint64_t limit) {
  request_body_limit_ = std::min(request_body_limit_, limit);
  auto length = content_length();
  return !length || *length <= request_body_limit_;
}

void RequestParser::StreamBody() {
  streaming_ = true;
  eager(false);  // one slice per put(), so the caller can hand it on before parsing more
}

void RequestParser::on_request_impl(http::verb, string_view method_str, string_view target,
                                    int version, error_code& ec) {
  if (version != 10 && version != 11) {  // e.g. "PRI * HTTP/2.0": not ours to speak
    ec = http::error::bad_version;
    return;
  }
  request_.method.assign(method_str.data(), method_str.size());
  request_.target.assign(target.data(), target.size());
  size_t question = target.find('?');
  if (question == string_view::npos) {
    request_.path = request_.target;
  } else {
    request_.path.assign(target.data(), question);
    request_.query.assign(target.data() + question + 1, target.size() - question - 1);
  }
  request_.version = version;
}

void RequestParser::on_response_impl(int, string_view, int, error_code& ec) {
  ec = http::error::bad_version;  // unreachable: this is a request parser
}

void RequestParser::on_field_impl(http::field name, string_view name_string, string_view value,
                                  error_code&) {
  if (name == http::field::expect && request_.version >= 11 &&
      boost::beast::iequals(value, "100-continue")) {
    expects_continue_ = true;
  }
  request_.headers.emplace_back(std::string(name_string.data(), name_string.size()),
                                std::string(value.data(), value.size()));
}

void RequestParser::on_header_impl(error_code&) {}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                                      error_code&) {
  // LimitBody has checked the length against this request's limit by now.
  if (content_length && !streaming_) request_.body.reserve(static_cast<size_t>(*content_length));
}

size_t RequestParser::on_body_impl(string_view body, error_code&) { return TakeBody(body); }

void RequestParser::on_chunk_header_impl(std::uint64_t size, string_view, error_code& ec) {
  // The base parser checks the chunks against the limit it was built with; this request's may
  // be lower.
  if (size > request_body_limit_ - chunked_declared_) {
    ec = http::error::body_limit;
    return;
  }
  chunked_declared_ += size;
}

size_t RequestParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  return TakeBody(body);
}

size_t RequestParser::TakeBody(string_view body) {
  if (streaming_) {
    slice_ = std::string_view(body.data(), body.size());
  } else {
    request_.body.append(body.data(), body.size());
  }
  return body.size();
}

void RequestParser::on_finish_impl(error_code&) {}

}  // namespace sf::engine
