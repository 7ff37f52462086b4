#include "auth/sigv4_types.h"

namespace sf::auth {

namespace {
char LowerChar(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerChar(a[i]) != LowerChar(b[i])) return false;
  }
  return true;
}

std::string ToLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = LowerChar(c);
  return out;
}

bool IsS3Service(std::string_view service) {
  return service == "s3" || service == "s3-object-lambda" || service == "s3-outposts";
}

std::vector<std::string_view> HttpRequest::HeaderValues(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const Header& header : headers) {
    if (EqualsIgnoreCase(header.name, name)) values.push_back(header.value);
  }
  return values;
}

std::optional<std::string_view> HttpRequest::FindHeader(std::string_view name) const {
  for (const Header& header : headers) {
    if (EqualsIgnoreCase(header.name, name)) return std::string_view(header.value);
  }
  return std::nullopt;
}

void HttpRequest::SetHeader(std::string_view name, std::string_view value) {
  std::erase_if(headers, [&](const Header& h) { return EqualsIgnoreCase(h.name, name); });
  headers.push_back(Header{std::string(name), std::string(value)});
}

}  // namespace sf::auth
