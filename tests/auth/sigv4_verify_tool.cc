// Reads requests signed by a real client (botocore_crosscheck.py), one JSON object per line on
// stdin, and checks each with the Verifier: it must be accepted as sent, and refused after any
// one byte of a signed part (method, path, query, Host, signature, body) is changed.
// Prints one line per check; exits 1 if any check failed.

#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "auth/amz_time.h"
#include "auth/verifier.h"
#include "base/base64.h"
#include "base/clock.h"

namespace {

using sf::auth::AuthFailure;
using sf::auth::HttpRequest;

struct Case {
  std::string name;
  std::string service;
  std::string region;
  std::string access_key;
  std::string secret;
  int64_t now_ms = 0;
  HttpRequest request;
  std::string body;
};

bool ReadCase(const nlohmann::json& j, Case* c) {
  c->name = j.at("name").get<std::string>();
  c->service = j.at("service").get<std::string>();
  c->region = j.at("region").get<std::string>();
  c->access_key = j.at("access_key").get<std::string>();
  c->secret = j.at("secret").get<std::string>();
  auto now = sf::auth::ParseAmzDate(j.at("now").get<std::string>());
  auto body = sf::Base64Decode(j.at("body_b64").get<std::string>());
  if (!now || !body) return false;
  c->now_ms = *now;
  c->body = *body;
  c->request.method = j.at("method").get<std::string>();
  c->request.path = j.at("path").get<std::string>();
  c->request.query = j.at("query").get<std::string>();
  for (const auto& header : j.at("headers")) {
    c->request.headers.push_back(
        {header.at(0).get<std::string>(), header.at(1).get<std::string>()});
  }
  return true;
}

// A different byte that keeps hex digits hex and letters letters.
char Other(char c) {
  if (c == '0') return '1';
  if (c >= '1' && c <= '9') return '0';
  return c == 'a' ? 'b' : 'a';
}

sf::auth::VerifyResult Verify(const Case& c, const HttpRequest& request, std::string_view body) {
  sf::VirtualClock clock(c.now_ms);
  sf::auth::Verifier verifier(
      c.region,
      [&](std::string_view key) -> std::optional<std::string> {
        if (key == c.access_key) return c.secret;
        return std::nullopt;
      },
      &clock);
  return verifier.Verify({&request, c.service, body});
}

int failures = 0;

void Expect(const Case& c, const std::string& what, const sf::auth::VerifyResult& result,
            std::optional<AuthFailure> expected) {
  const bool ok = expected ? (!result && result.error().reason == *expected) : result.has_value();
  std::cout << (ok ? "ok   " : "FAIL ") << c.name << ": " << what << " -> "
            << (result ? "accepted"
                       : std::string(AuthFailureName(result.error().reason)) + " " +
                             result.error().detail)
            << "\n";
  if (!ok && !result) std::cout << result.error().canonical_request << "\n";
  if (!ok) ++failures;
}

void Check(const Case& c) {
  Expect(c, "as signed", Verify(c, c.request, c.body), std::nullopt);
  const auto mismatch = AuthFailure::kSignatureMismatch;
  HttpRequest r = c.request;
  r.method[0] = static_cast<char>(r.method[0] + 1);
  Expect(c, "method changed", Verify(c, r, c.body), mismatch);
  r = c.request;
  r.path.back() = Other(r.path.back());
  Expect(c, "path changed", Verify(c, r, c.body), mismatch);
  r = c.request;
  for (auto& header : r.headers) {
    if (sf::auth::EqualsIgnoreCase(header.name, "host")) header.value[0] = Other(header.value[0]);
  }
  Expect(c, "host changed", Verify(c, r, c.body), mismatch);
  r = c.request;
  size_t sig = r.query.find("X-Amz-Signature=");
  if (sig != std::string::npos) {
    r.query[sig + 20] = Other(r.query[sig + 20]);
  } else {
    for (auto& header : r.headers) {
      if (sf::auth::EqualsIgnoreCase(header.name, "authorization")) {
        header.value.back() = Other(header.value.back());
      }
    }
  }
  Expect(c, "signature changed", Verify(c, r, c.body), mismatch);
  if (!c.request.query.empty()) {
    r = c.request;
    size_t expires = r.query.find("X-Amz-Expires=");
    size_t at = r.query.find('=');
    if (!r.query.starts_with("X-Amz-") || expires == std::string::npos) {
      at = r.query.find('&') == std::string::npos ? r.query.size() - 1 : r.query.find('&') - 1;
    } else {
      at = expires + 14;
    }
    r.query[at] = r.query[at] == '9'                           ? '8'
                  : (r.query[at] >= '0' && r.query[at] <= '8') ? static_cast<char>(r.query[at] + 1)
                                                               : Other(r.query[at]);
    Expect(c, "query changed", Verify(c, r, c.body), mismatch);
  }
  if (!c.body.empty()) {
    std::string body = c.body;
    body[0] = Other(body[0]);
    const bool declared = c.request.FindHeader("x-amz-content-sha256").has_value();
    Expect(c, "body changed", Verify(c, c.request, body),
           declared ? AuthFailure::kPayloadHashMismatch : mismatch);
  }
}

}  // namespace

int main() {
  std::string line;
  int cases = 0;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    Case c;
    if (j.is_discarded() || !ReadCase(j, &c)) {
      std::cout << "FAIL unreadable line: " << line << "\n";
      ++failures;
      continue;
    }
    ++cases;
    Check(c);
  }
  std::cout << cases << " requests, " << failures << " failures\n";
  return (failures == 0 && cases > 0) ? 0 : 1;
}
