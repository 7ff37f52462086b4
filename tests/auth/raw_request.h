#pragma once
// Test helper: reads the raw HTTP/1.1 requests of the AWS test suite into an HttpRequest.

#include <string>
#include <string_view>

#include "auth/sigv4_types.h"

namespace sf::auth::testing {

struct RawRequest {
  HttpRequest request;
  std::string body;
};

// "METHOD target HTTP/1.1\nName:value\n..." with obs-folded continuation lines joined to the
// previous value by "\n" (as received), then a blank line and the body. The target may hold
// spaces (get-space); it is split at the first '?'.
inline RawRequest ParseRawRequest(std::string_view text) {
  RawRequest out;
  size_t end = text.find('\n');
  std::string_view line = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  size_t first_space = line.find(' ');
  size_t last_space = line.rfind(' ');
  out.request.method = std::string(line.substr(0, first_space));
  std::string_view target = line.substr(first_space + 1, last_space - first_space - 1);
  size_t question = target.find('?');
  out.request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos)
    out.request.query = std::string(target.substr(question + 1));
  out.request.headers.clear();
  while (!text.empty()) {
    end = text.find('\n');
    line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.empty()) {
      out.body = std::string(text);
      break;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !out.request.headers.empty()) {
      out.request.headers.back().value += "\n" + std::string(line);
      continue;
    }
    size_t colon = line.find(':');
    out.request.headers.push_back(
        Header{std::string(line.substr(0, colon)), std::string(line.substr(colon + 1))});
  }
  return out;
}

}  // namespace sf::auth::testing
