#pragma once
// Parsing the two forms a SigV4 signature arrives in: the Authorization header and the
// presigned query string. Parsing only checks shape; the Verifier checks meaning.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace sf::auth {

// "AKID/20150830/us-east-1/service/aws4_request", split.
struct CredentialParts {
  std::string access_key;
  std::string date;
  std::string region;
  std::string service;
  std::string terminator;
};

struct AuthParams {
  CredentialParts credential;
  std::vector<std::string> signed_headers;  // as listed by the client
  std::string signature;                    // 64 lowercase hex digits
  std::string algorithm;
  // Presigned form only: X-Amz-Date and X-Amz-Expires from the query.
  std::optional<std::string> amz_date;
  std::optional<int64_t> expires_seconds;
};

// Fails (kParse, with AWS-like wording) when the text is not "<algorithm> Credential=...,
// SignedHeaders=..., Signature=..." with an access key, a five-part credential, at least one
// signed header and a hex signature. The algorithm is kept, not checked.
Result<CredentialParts> ParseCredential(std::string_view text);
Result<AuthParams> ParseAuthorizationHeader(std::string_view header);
// The X-Amz-* parameters of a presigned URL, from the decoded query pairs.
Result<AuthParams> ParsePresignedQuery(
    const std::vector<std::pair<std::string, std::string>>& params);
// True when the decoded query carries any presigned-URL parameter.
bool HasPresignedQuery(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace sf::auth
