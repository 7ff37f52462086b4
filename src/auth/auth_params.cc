#include "auth/auth_params.h"

#include <charconv>

#include "auth/crypto.h"
#include "auth/sigv4_types.h"
#include "base/strings.h"

namespace sf::auth {

namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

Result<std::vector<std::string>> ParseSignedHeaders(std::string_view text) {
  std::vector<std::string> names = Split(text, ';');
  for (const std::string& name : names) {
    if (name.empty()) return Fail(ErrorCode::kParse, "SignedHeaders has an empty name");
    for (char c : name) {
      if (c >= 'A' && c <= 'Z') return Fail(ErrorCode::kParse, "SignedHeaders must be lowercase");
      if (c <= ' ' || c == ':') return Fail(ErrorCode::kParse, "SignedHeaders has a bad name");
    }
  }
  return names;
}

const std::string* FindParam(const std::vector<std::pair<std::string, std::string>>& params,
                             std::string_view name) {
  for (const auto& [key, value] : params) {
    if (key == name) return &value;
  }
  return nullptr;
}

}  // namespace

Result<CredentialParts> ParseCredential(std::string_view text) {
  std::vector<std::string> parts = Split(text, '/');
  if (parts.size() < 5) {
    return Fail(ErrorCode::kParse,
                "Credential is not <key>/<date>/<region>/<service>/"
                "aws4_request");
  }
  CredentialParts out;
  const size_t n = parts.size();
  out.terminator = parts[n - 1];
  out.service = parts[n - 2];
  out.region = parts[n - 3];
  out.date = parts[n - 4];
  parts.resize(n - 4);
  out.access_key = Join(parts, "/");
  if (out.access_key.empty()) return Fail(ErrorCode::kParse, "Credential has no access key");
  return out;
}

Result<AuthParams> ParseAuthorizationHeader(std::string_view header) {
  header = Trim(header);
  size_t space = header.find(' ');
  if (space == std::string_view::npos) {
    return Fail(ErrorCode::kParse,
                "Authorization header has no Credential, SignedHeaders or "
                "Signature");
  }
  AuthParams out;
  out.algorithm = std::string(header.substr(0, space));
  bool have_credential = false, have_headers = false, have_signature = false;
  for (const std::string& raw : Split(header.substr(space + 1), ',')) {
    std::string_view component = Trim(raw);
    size_t eq = component.find('=');
    if (eq == std::string_view::npos) {
      return Fail(ErrorCode::kParse,
                  "Authorization component '" + std::string(component) + "' is not key=value");
    }
    std::string_view key = component.substr(0, eq);
    std::string_view value = component.substr(eq + 1);
    if (key == "Credential" && !have_credential) {
      auto credential = ParseCredential(value);
      if (!credential) return tl::unexpected(credential.error());
      out.credential = std::move(*credential);
      have_credential = true;
    } else if (key == "SignedHeaders" && !have_headers) {
      auto names = ParseSignedHeaders(value);
      if (!names) return tl::unexpected(names.error());
      out.signed_headers = std::move(*names);
      have_headers = true;
    } else if (key == "Signature" && !have_signature) {
      out.signature = std::string(value);
      have_signature = true;
    } else {
      return Fail(ErrorCode::kParse,
                  "Authorization component '" + std::string(key) + "' is unknown or repeated");
    }
  }
  if (!have_credential)
    return Fail(ErrorCode::kParse, "Authorization header requires 'Credential' parameter.");
  if (!have_headers)
    return Fail(ErrorCode::kParse, "Authorization header requires 'SignedHeaders' parameter.");
  if (!have_signature)
    return Fail(ErrorCode::kParse, "Authorization header requires 'Signature' parameter.");
  if (!IsLowerHexSha256(out.signature)) {
    return Fail(ErrorCode::kParse, "Signature is not 64 lowercase hex digits");
  }
  return out;
}

bool HasPresignedQuery(const std::vector<std::pair<std::string, std::string>>& params) {
  return FindParam(params, "X-Amz-Algorithm") || FindParam(params, "X-Amz-Credential") ||
         FindParam(params, "X-Amz-Signature");
}

Result<AuthParams> ParsePresignedQuery(
    const std::vector<std::pair<std::string, std::string>>& params) {
  static constexpr std::string_view kRequired[] = {"X-Amz-Algorithm",     "X-Amz-Credential",
                                                   "X-Amz-Date",          "X-Amz-Expires",
                                                   "X-Amz-SignedHeaders", "X-Amz-Signature"};
  for (std::string_view name : kRequired) {
    if (!FindParam(params, name)) {
      return Fail(ErrorCode::kParse,
                  "Query-string authentication requires the " + std::string(name) + " parameter");
    }
  }
  AuthParams out;
  out.algorithm = *FindParam(params, "X-Amz-Algorithm");
  auto credential = ParseCredential(*FindParam(params, "X-Amz-Credential"));
  if (!credential) return tl::unexpected(credential.error());
  out.credential = std::move(*credential);
  auto names = ParseSignedHeaders(*FindParam(params, "X-Amz-SignedHeaders"));
  if (!names) return tl::unexpected(names.error());
  out.signed_headers = std::move(*names);
  out.signature = *FindParam(params, "X-Amz-Signature");
  if (!IsLowerHexSha256(out.signature)) {
    return Fail(ErrorCode::kParse, "X-Amz-Signature is not 64 lowercase hex digits");
  }
  out.amz_date = *FindParam(params, "X-Amz-Date");
  const std::string& expires = *FindParam(params, "X-Amz-Expires");
  int64_t seconds = 0;
  auto [end, error] = std::from_chars(expires.data(), expires.data() + expires.size(), seconds);
  if (error != std::errc() || end != expires.data() + expires.size() || seconds < 1 ||
      seconds > kMaxPresignExpiresSeconds) {
    return Fail(ErrorCode::kParse, "X-Amz-Expires must be a number of seconds from 1 to 604800");
  }
  out.expires_seconds = seconds;
  return out;
}

}  // namespace sf::auth
