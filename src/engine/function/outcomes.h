#pragma once
// The words of Lambda's failures, as the invoker sees them in InvokeResult::payload, and the
// request ids invocations carry.

#include <cstdint>
#include <string>
#include <string_view>

namespace sf::engine::function {

// A random (version 4) UUID, lower-case: the invocation's request id.
std::string NewRequestId();

// {"errorMessage": message, "errorType": type}.
std::string ErrorPayload(std::string_view type, std::string_view message);

// "RequestId: <id> Error: Task timed out after 3.00 seconds" as Sandbox.Timedout.
std::string TimeoutPayload(std::string_view request_id, int timeout_seconds);
std::string TimeoutMessage(int timeout_seconds);  // "Task timed out after 3.00 seconds"

// Runtime.ExitError for a worker that ended with waitpid status `wait_status`:
// "RequestId: <id> Error: Runtime exited with error: exit status 1" (or "signal: killed").
std::string ExitPayload(std::string_view request_id, int wait_status);
std::string ExitMessage(std::string_view request_id, int wait_status);

// What a worker posted to /error or /init/error, as the invoker gets it: a JSON object is kept
// as sent; anything else becomes {"errorMessage": <body>, "errorType": <header or Unhandled>}.
std::string NormalizeErrorBody(const std::string& body, const std::string* error_type_header);

// The errorType member of an error payload, or "" if it has none.
std::string ErrorTypeOf(const std::string& payload);

}  // namespace sf::engine::function
