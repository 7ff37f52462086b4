#pragma once
// SigV4 canonicalisation, step by step as AWS specifies it ("Create a canonical request"):
// each function is pure and deterministic, so the signer and the verifier share every byte.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/sigv4_types.h"

namespace sf::auth {

// Percent-encodes every byte outside RFC 3986's unreserved set (A-Z a-z 0-9 - . _ ~) as %XX
// with uppercase hex; '/' is kept when `keep_slash`.
std::string UriEncode(std::string_view bytes, bool keep_slash);
// Decodes %XX escapes (either case); a '%' not followed by two hex digits is kept as is.
// '+' is not a space (SigV4 never treats it as one).
std::string PercentDecode(std::string_view text);

// The canonical URI of a wire path (see HttpRequest).
//  - S3: not normalised; each segment is decoded then encoded once, so "/a%20b" and "/a b"
//    both give "/a%20b" (an encoded slash, %2F, stays encoded).
//  - Other services: normalised as botocore does (empty and "." segments dropped, ".." pops,
//    a trailing slash kept), then every byte is encoded, so an escape the client sent is
//    encoded a second time ("/a%20b" -> "/a%2520b"), exactly as botocore signs.
// An empty path is "/".
std::string CanonicalUri(std::string_view path, bool s3);

// Splits a raw query string into (name, value) pairs, decoded; "a" gives ("a", ""), empty
// pieces ("a=1&&b=2") are skipped.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view raw_query);
// The canonical query string of decoded pairs: each name and value encoded, sorted by encoded
// name then encoded value, joined as "n=v&...". Pairs whose name equals `skip_name` (e.g.
// "X-Amz-Signature" when verifying a presigned URL) are left out.
std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& params,
                           std::string_view skip_name = {});
// Appends "name=value" (both encoded) to a raw query string, with '&' when not empty.
void AppendQueryParam(std::string* raw_query, std::string_view name, std::string_view value);

// A header value as canonicalised: leading/trailing whitespace trimmed, inner whitespace runs
// (spaces, tabs, folded line breaks) collapsed to one space.
std::string CanonicalHeaderValue(std::string_view value);
// The canonical headers block for `signed_names` (lowercase, in the given order): one line
// "name:value1,value2\n" per name, values of repeated headers joined with commas in order.
// A name with no header in `headers` gets an empty value.
std::string CanonicalHeaders(const std::vector<Header>& headers,
                             const std::vector<std::string>& signed_names);
// The sorted, de-duplicated lowercase names of `headers`, minus the ones SigV4 signers leave
// unsigned (authorization, user-agent, expect, x-amzn-trace-id: botocore's list).
std::vector<std::string> SignableHeaderNames(const std::vector<Header>& headers);

struct CanonicalInput {
  std::string_view method;
  std::string canonical_uri;
  std::string canonical_query;
  const std::vector<Header>* headers = nullptr;
  std::vector<std::string> signed_names;
  std::string_view payload_hash;
};
std::string CanonicalRequest(const CanonicalInput& input);

// "20150830/us-east-1/service/aws4_request".
std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service);
// "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256(canonical_request)>".
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);
// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
std::string DeriveSigningKey(std::string_view secret, std::string_view date,
                             std::string_view region, std::string_view service);
// Lowercase hex HMAC(signing_key, string_to_sign).
std::string ComputeSignature(std::string_view signing_key, std::string_view string_to_sign);

}  // namespace sf::auth
