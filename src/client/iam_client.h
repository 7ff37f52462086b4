#pragma once
// A client of the IAM Query API (botocore's iam 2010-05-08 model: form-encoded POSTs, XML
// answers) for the controller's role provider. IAM is a global service: requests are signed for
// service "iam" in us-east-1, whatever the engine's region. Policy documents come back
// URL-encoded, as IAM sends them; this client decodes them. Blocking; not thread-safe (one per
// thread).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "auth/sigv4_types.h"
#include "base/result.h"
#include "client/signed_client.h"

namespace sf::client {

// An error the API returned: IAM's code ("NoSuchEntity") and message, and the HTTP status; a
// transport failure has code "ConnectionError", status 0.
struct IamError {
  std::string code;
  std::string message;
  long http_status = 0;
};

template <class T>
using IamResult = tl::expected<T, IamError>;

// Request parameters as the Query protocol names them ("RoleName", "Tags.member.1.Key").
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// GetRole's Role.
struct RoleDescription {
  std::string name;
  std::string path;
  std::string arn;
  std::string role_id;
  std::string create_date;         // ISO 8601, as sent
  std::string assume_role_policy;  // the JSON text, decoded
  std::string description;
  int64_t max_session_duration = 3600;
  std::vector<std::pair<std::string, std::string>> tags;  // (key, value), as listed
};

class IamClient {
 public:
  IamClient(std::string endpoint, auth::Credentials credentials);

  // Any operation whose answer carries nothing the caller needs (CreateRole, PutRolePolicy,
  // TagRole, DeleteRole, ...).
  IamResult<void> Call(const std::string& action, const QueryParams& params);
  IamResult<RoleDescription> GetRole(const std::string& name);
  // Every page, in IAM's order.
  IamResult<std::vector<std::string>> ListRolePolicies(const std::string& role);
  IamResult<std::string> GetRolePolicy(const std::string& role, const std::string& policy);
  IamResult<std::vector<std::string>> ListAttachedRolePolicies(const std::string& role);

 private:
  // The response body of a successful call.
  IamResult<std::string> Send(const std::string& action, const QueryParams& params);
  SignedClient http_;
};

}  // namespace sf::client
