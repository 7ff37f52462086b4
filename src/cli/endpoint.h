#pragma once
// How commands that talk to the engine (put, tail, env) find it and sign for it.
//
//   data dir     --data-dir, else <project>/.streamform/engine
//   endpoint     --endpoint, else STREAMFORM_ENDPOINT, else STREAMFORM_ENDPOINT_URL (what
//                `eval "$(streamform env)"` sets), else the data dir's running engine (its
//                engine.json), else http://127.0.0.1:4560
//   credentials  AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) from the
//                environment when set, else the engine's <data dir>/credentials.json
//   region       AWS_REGION, else AWS_DEFAULT_REGION, else the credentials file's, else us-east-1
// docs/cli.md states the same.

#include <iosfwd>
#include <string>

#include "auth/sigv4_types.h"
#include "base/result.h"
#include "cli/context.h"
#include "cli/engine_state.h"
#include "client/kinesis_client.h"

namespace sf::cli {

// The engine's data dir: `flag`, else the project's default.
std::string EngineDataDir(const Context& context, const std::string& flag);

// "http://127.0.0.1:4560" for an engine state ("[::1]" for IPv6; a wildcard address is reached
// through loopback).
std::string EndpointOf(const EngineState& state);
// The default endpoint, http://127.0.0.1:4560.
std::string DefaultEndpoint();
// An endpoint as given by a user: "http://" added when there is no scheme, trailing '/' removed.
std::string NormalizeEndpoint(std::string endpoint);

// "streamform [--project P] engine start [--data-dir D]": how to start the engine meant.
std::string StartCommand(const Context& context, const std::string& data_dir_flag);

// The endpoint as put and tail resolve it (see above).
std::string EngineEndpoint(const std::string& flag, const std::string& data_dir);

struct EngineAccess {
  std::string endpoint;
  std::string data_dir;
  auth::Credentials credentials;
  std::string region;
  bool from_environment = false;  // the credentials came from AWS_ACCESS_KEY_ID/...
  std::string credentials_path;   // <data dir>/credentials.json
  std::string engine_region;      // the region in that file, when it could be read
  std::string env_command;        // "streamform [--project P] env [--data-dir D]", for hints
};

// Resolves everything put and tail need. Fails (with a message saying what to do) when the
// environment holds only half a key pair, or when there is no credentials file to fall back on.
Result<EngineAccess> ResolveEngineAccess(const Context& context, const std::string& endpoint_flag,
                                         const std::string& data_dir_flag);

// Prints "streamform: TYPE: message" and, for the engine's SigV4 refusals, what to check.
void ReportKinesisError(std::ostream& err, const client::KinesisError& error,
                        const EngineAccess& access);

}  // namespace sf::cli
