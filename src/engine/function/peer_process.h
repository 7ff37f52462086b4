#pragma once
// Which local process is at the other end of a loopback TCP connection, from /proc (Linux).
//
// Used for runtime-API requests that arrive without the worker's path prefix: aws-lambda-ric's
// JavaScript half reads AWS_LAMBDA_RUNTIME_API as "host:port" and drops the
// "/_streamform/runtime/<worker>" path that follows (its init error, streamed responses and
// its alternative client), so the engine finds the worker by the connection instead.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace sf::engine::function {

// The process holding the client end of the TCP connection from `remote_address` ("ip:port"
// as the server saw the peer; IPv4 or "[v6]:port") to this host's `server_port`. `candidates`
// are looked at first (their /proc/<pid>/fd); then every process this user may inspect.
// nullopt when the connection or its owner cannot be found (closed, another user's process,
// no /proc).
std::optional<pid_t> LoopbackPeerProcess(std::string_view remote_address, uint16_t server_port,
                                         const std::vector<pid_t>& candidates);

// The parent of `pid` from /proc/<pid>/stat; 0 when it cannot be read.
pid_t ParentProcess(pid_t pid);

}  // namespace sf::engine::function
