#pragma once
// The engine's own credentials: one access key and secret, generated on the engine's first
// start and kept in <data_dir>/credentials.json, readable by the owner only (0600):
//   {"accessKeyId": "SFKA...", "secretAccessKey": "...", "region": "us-east-1"}
// The engine verifies every request against them; `streamform env`, the CLI's own clients and
// the tests read the same file to sign. Rotating: stop the engine, delete the file, start it.

#include <string>

#include "auth/sigv4_types.h"
#include "base/result.h"

namespace sf::auth {

inline constexpr const char* kCredentialsFileName = "credentials.json";

struct EngineCredentials {
  Credentials credentials;  // no session token
  std::string region;
};

// The path of the credentials file in `data_dir`.
std::string CredentialsPath(const std::string& data_dir);

// Reads the file. kNotFound if it does not exist; kIo if it cannot be read; kInvalidArgument if
// it is not the JSON above, or if group or others may read it (a secret others can read is a
// secret no more: the message says how to fix the mode).
Result<EngineCredentials> LoadEngineCredentials(const std::string& data_dir);

// Reads the file, or when it does not exist creates it with a fresh key pair from the OS's
// CSPRNG (OpenSSL RAND_bytes): written to a temporary file created 0600, fsynced, renamed into
// place, directory fsynced. Two processes racing both end up with the winner's keys.
Result<EngineCredentials> LoadOrCreateEngineCredentials(const std::string& data_dir,
                                                        const std::string& region);

// A fresh access key id (20 characters, "SFKA" then 16 of [A-Z2-7]) and secret (40 characters
// of base64 without padding, like AWS's).
Credentials GenerateCredentials();

}  // namespace sf::auth
