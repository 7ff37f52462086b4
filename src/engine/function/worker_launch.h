#pragma once
// What a worker process of a function is started as: the program for its runtime, Lambda's
// environment, the working directory and the memory limit.
//
// Runtimes: python3.x runs `/usr/bin/python3 -u -B <bootstrap>` (unbuffered, so print and
// logging reach the log at once; no __pycache__ written into the user's code directory), with
// whatever minor version Debian ships; provided, provided.al2 and provided.al2023 run
// `<code_dir>/bootstrap`, which must be an executable file.
//
// Environment, and nothing else from the engine's: PATH=/usr/local/bin:/usr/bin:/bin,
// LANG=C.UTF-8, TZ=:UTC, then the function's variables, then `aws_environment` (credentials,
// endpoint), then Lambda's reserved variables, each later group winning over an earlier one.
//
// Memory: RLIMIT_AS = (MemorySize + headroom) MiB. RLIMIT_AS counts address space, not resident
// memory. python3.x: kInterpreterHeadroomMb -- /usr/bin/python3 with boto3 imported and a client
// made maps ~64 MiB, and every extra thread reserves a 64 MiB malloc arena plus an 8 MiB stack,
// so 512 MiB of headroom lets a handler use a thread pool while an allocation far beyond
// MemorySize fails (MemoryError). provided*: kProvidedHeadroomMb -- the bootstrap may start a
// VM that reserves address space up front: node 20's V8 cannot start below ~830 MiB (its code
// range and heap cage), so with the python headroom a Node.js function at 128 MB (the AWS
// default) died at start ("Fatal process OOM ... CodeRange") where AWS runs it.

#include <string>

#include "engine/function/runtime.h"
#include "engine/function/spawn.h"

namespace sf::engine::function {

inline constexpr int kInterpreterHeadroomMb = 512;
inline constexpr int kProvidedHeadroomMb = 1536;

struct LaunchContext {
  std::string runtime_api;  // AWS_LAMBDA_RUNTIME_API: "127.0.0.1:<port>/_streamform/runtime/<id>"
  std::string python_bootstrap;  // path of the written bootstrap
  std::string region;
  std::string log_stream;  // AWS_LAMBDA_LOG_STREAM_NAME
};

// The spawn request for one worker of `spec`. Fails (kInvalidArgument, with the message Lambda
// gives) for an unknown runtime or a missing or non-executable bootstrap.
Result<SpawnRequest> BuildWorkerLaunch(const FunctionSpec& spec, const LaunchContext& context);

// "YYYY/MM/DD/[<version>]<32 hex digits>", as Lambda names a log stream.
std::string NewLogStreamName(const std::string& version);

// The log group of a function: "/aws/lambda/<name>".
std::string LogGroupName(const std::string& function_name);

}  // namespace sf::engine::function
