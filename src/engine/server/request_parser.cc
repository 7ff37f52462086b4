#include "engine/server/request_parser.h"

#include <algorithm>

#include <boost/beast/core/string.hpp>

namespace sf::engine {

namespace http = boost::beast::http;

RequestParser::RequestParser(size_t max_header_bytes, size_t max_body_bytes) {
  header_limit(static_cast<std::uint32_t>(std::min<size_t>(max_header_bytes, UINT32_MAX)));
  body_limit(std::uint64_t{max_body_bytes});
  eager(false);  // put() stops after the header, so the caller can act on it first
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
  // Already checked against the body limit by the base parser.
  if (content_length) request_.body.reserve(static_cast<size_t>(*content_length));
}

size_t RequestParser::on_body_impl(string_view body, error_code&) {
  request_.body.append(body.data(), body.size());
  return body.size();
}

void RequestParser::on_chunk_header_impl(std::uint64_t, string_view, error_code&) {}

size_t RequestParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  request_.body.append(body.data(), body.size());
  return body.size();
}

void RequestParser::on_finish_impl(error_code&) {}

}  // namespace sf::engine
