#include "engine/bucket/bucket_name.h"

#include "base/strings.h"

namespace sf::engine {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// Four dot-separated groups of 1-3 digits, as S3 rejects ("192.168.5.4").
bool LooksLikeIpv4(std::string_view name) {
  int groups = 0;
  size_t digits = 0;
  for (char c : name) {
    if (c >= '0' && c <= '9') {
      if (++digits > 3) return false;
    } else if (c == '.') {
      if (digits == 0) return false;
      ++groups;
      digits = 0;
    } else {
      return false;
    }
  }
  return digits > 0 && groups == 3;
}

}  // namespace

std::optional<std::string> BucketNameProblem(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return "must be 3-63 characters long";
  for (char c : name) {
    if (!IsLowerAlnum(c) && c != '.' && c != '-') {
      return "may contain only lowercase letters, digits, dots and hyphens";
    }
  }
  if (!IsLowerAlnum(name.front()) || !IsLowerAlnum(name.back())) {
    return "must begin and end with a letter or digit";
  }
  if (name.find("..") != std::string_view::npos) return "must not contain two adjacent dots";
  if (LooksLikeIpv4(name)) return "must not be formatted as an IP address";
  if (StartsWith(name, "xn--")) return "must not start with \"xn--\"";
  if (StartsWith(name, "sthree-")) return "must not start with \"sthree-\"";
  if (EndsWith(name, "-s3alias")) return "must not end with \"-s3alias\"";
  if (EndsWith(name, "--ol-s3")) return "must not end with \"--ol-s3\"";
  return std::nullopt;
}

}  // namespace sf::engine
