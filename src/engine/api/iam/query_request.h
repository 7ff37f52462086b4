#pragma once
// Reading an AWS Query-protocol request (IAM, STS): form-encoded parameters, from the body of a
// POST (application/x-www-form-urlencoded, as the SDKs send them) or the query string of a GET.
// Lists are flattened as botocore writes them: "TagKeys.member.1=a", "Tags.member.1.Key=k",
// "Tags.member.1.Value=v".
//
// Validation follows the service models: constraint failures are collected and reported as
// one ValidationError ("1 validation error detected: Value 'x y' at 'roleName' failed to satisfy
// constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+"), member paths in
// the model's lower-camel case.
//
// Not thread-safe; one per request.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/api_error.h"

namespace sf::engine::iam_api {

class QueryRequest {
 public:
  // Parses `form` ("a=1&b=x+y"): '+' is a space, %XX a byte; a malformed escape is kept as
  // written. Action and Version are taken out of the parameters.
  static QueryRequest Parse(std::string_view form);

  const std::string& action() const { return action_; }
  const std::string& version() const { return version_; }

  // A parameter, or nullopt when absent.
  std::optional<std::string> Get(const std::string& name) const;
  // "<name>.member.1", "<name>.member.2", ... until one is missing.
  std::vector<std::string> Members(const std::string& name) const;
  // "<name>.member.N.Key" / ".Value" pairs, in order.
  std::vector<std::pair<std::string, std::string>> KeyValues(const std::string& name) const;

  // Checks, each recording a violation under `path` ("roleName"). `value` may be nullopt for
  // Required (a violation) and for the others (no check).
  void Required(const std::optional<std::string>& value, std::string_view path);
  void Length(const std::optional<std::string>& value, std::string_view path, size_t min,
              size_t max);
  // [\w+=,.@-]+ (role, policy and session names).
  void NamePattern(const std::optional<std::string>& value, std::string_view path);
  // IAM paths: "/" or "/" + [\u0021-\u007F]+ + "/".
  void PathPattern(const std::optional<std::string>& value, std::string_view path,
                   bool prefix = false);
  // No control characters but TAB, LF and CR (policy documents, descriptions).
  void TextPattern(const std::optional<std::string>& value, std::string_view path,
                   std::string_view pattern);
  // An integer within [min, max]; nullopt when absent or (recorded) not an integer.
  std::optional<int64_t> Integer(const std::string& name, std::string_view path, int64_t min,
                                 int64_t max);
  void AddViolation(std::string_view value, std::string_view path, std::string constraint);

  // ValidationError when any check failed.
  ApiResult<void> Finish() const;

 private:
  std::string action_;
  std::string version_;
  std::map<std::string, std::string> params_;
  std::vector<std::string> violations_;
};

// RFC 3986 percent-encoding (every byte outside A-Z a-z 0-9 - _ . ~), as IAM returns policy
// documents and botocore's unquote reads them.
std::string UrlEncode(std::string_view text);

}  // namespace sf::engine::iam_api
