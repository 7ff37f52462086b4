#pragma once
// Fresh identifiers in AWS's shapes, from the OS's CSPRNG (OpenSSL RAND_bytes): role ids and
// the three parts of a role session's credentials. Thread-safe.

#include <string>

namespace sf::engine::iam {

// "AROA" + 17 of [A-Z2-7]: a role's RoleId.
std::string NewRoleId();
// "ASIA" + 16 of [A-Z2-7]: the access key id of temporary (session) credentials.
std::string NewSessionAccessKey();
// 40 characters of base64, like AWS secret access keys.
std::string NewSecretKey();
// A session token: 128 characters of base64 (AWS's are longer and structured; clients treat
// them as opaque).
std::string NewSessionToken();
// A request id as IAM and STS write them: a UUID.
std::string NewRequestUuid();

}  // namespace sf::engine::iam
