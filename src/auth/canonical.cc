#include "auth/canonical.h"

#include <algorithm>

#include "auth/crypto.h"
#include "base/strings.h"

namespace sf::auth {

namespace {

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// botocore's remove_dot_segments, plus its removal of empty segments.
std::string NormalizePath(std::string_view path) {
  std::vector<std::string> kept;
  for (std::string& segment : Split(path, '/')) {
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!kept.empty()) kept.pop_back();
      continue;
    }
    kept.push_back(std::move(segment));
  }
  std::string out = "/" + Join(kept, "/");
  if (path.back() == '/' && !kept.empty()) out += '/';
  return out;
}

// Decodes then encodes one S3 path, keeping '/' separators and %2F escapes apart.
std::string ReencodeS3Path(std::string_view path) {
  std::string out;
  std::vector<std::string> segments = Split(path, '/');
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out += '/';
    out += UriEncode(PercentDecode(segments[i]), /*keep_slash=*/false);
  }
  return out;
}

}  // namespace

std::string UriEncode(std::string_view bytes, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size());
  for (unsigned char c : bytes) {
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
        HexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string CanonicalUri(std::string_view path, bool s3) {
  if (path.empty()) return "/";
  if (s3) return ReencodeS3Path(path);
  return UriEncode(NormalizePath(path), /*keep_slash=*/true);
}

std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view raw_query) {
  std::vector<std::pair<std::string, std::string>> params;
  for (const std::string& piece : Split(raw_query, '&')) {
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    std::string_view view(piece);
    if (eq == std::string::npos) {
      params.emplace_back(PercentDecode(view), "");
    } else {
      params.emplace_back(PercentDecode(view.substr(0, eq)), PercentDecode(view.substr(eq + 1)));
    }
  }
  return params;
}

std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& params,
                           std::string_view skip_name) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const auto& [name, value] : params) {
    if (!skip_name.empty() && name == skip_name) continue;
    encoded.emplace_back(UriEncode(name, false), UriEncode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

void AppendQueryParam(std::string* raw_query, std::string_view name, std::string_view value) {
  if (!raw_query->empty()) *raw_query += '&';
  *raw_query += UriEncode(name, false);
  *raw_query += '=';
  *raw_query += UriEncode(value, false);
}

std::string CanonicalHeaderValue(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (IsSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

std::string CanonicalHeaders(const std::vector<Header>& headers,
                             const std::vector<std::string>& signed_names) {
  std::string out;
  for (const std::string& name : signed_names) {
    out += name;
    out += ':';
    bool first = true;
    for (const Header& header : headers) {
      if (!EqualsIgnoreCase(header.name, name)) continue;
      if (!first) out += ',';
      first = false;
      out += CanonicalHeaderValue(header.value);
    }
    out += '\n';
  }
  return out;
}

std::vector<std::string> SignableHeaderNames(const std::vector<Header>& headers) {
  static constexpr std::string_view kUnsigned[] = {"authorization", "user-agent", "expect",
                                                   "x-amzn-trace-id"};
  std::vector<std::string> names;
  for (const Header& header : headers) {
    std::string name = ToLower(header.name);
    if (std::find(std::begin(kUnsigned), std::end(kUnsigned), name) != std::end(kUnsigned)) {
      continue;
    }
    names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string CanonicalRequest(const CanonicalInput& input) {
  std::string out;
  out += input.method;
  out += '\n';
  out += input.canonical_uri;
  out += '\n';
  out += input.canonical_query;
  out += '\n';
  out += CanonicalHeaders(*input.headers, input.signed_names);
  out += '\n';
  out += Join(input.signed_names, ";");
  out += '\n';
  out += input.payload_hash;
  return out;
}

std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service) {
  std::string out;
  out.append(date).append("/").append(region).append("/").append(service).append("/");
  out.append(kTerminator);
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  std::string out(kAlgorithm);
  out.append("\n").append(amz_date).append("\n").append(scope).append("\n");
  out += Sha256Hex(canonical_request);
  return out;
}

std::string DeriveSigningKey(std::string_view secret, std::string_view date,
                             std::string_view region, std::string_view service) {
  std::string key = "AWS4";
  key += secret;
  std::string k_date = HmacSha256(key, date);
  std::string k_region = HmacSha256(k_date, region);
  std::string k_service = HmacSha256(k_region, service);
  return HmacSha256(k_service, kTerminator);
}

std::string ComputeSignature(std::string_view signing_key, std::string_view string_to_sign) {
  return HexEncode(HmacSha256(signing_key, string_to_sign));
}

}  // namespace sf::auth
