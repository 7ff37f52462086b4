#pragma once
// Reading requests to the engine's stack routes (src/stackapi/stack_record.h): which route a
// method and path name, CloudFormation's stack-name rule, query parameters, and JSON bodies.
// Errors are the wire's: 404 NotFound for a path no route serves, 405 MethodNotAllowed for a
// served path with another method, 400 ValidationException for the rest.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "engine/api_error.h"

namespace sf::engine {

enum class StackRoute {
  kList,           // GET    /_streamform/stacks
  kGet,            // GET    /_streamform/stacks/{name}
  kPut,            // PUT    /_streamform/stacks/{name}
  kDelete,         // DELETE /_streamform/stacks/{name}
  kAcquireLock,    // POST   /_streamform/stacks/{name}/lock
  kReleaseLock,    // DELETE /_streamform/stacks/{name}/lock
  kAppendJournal,  // POST   /_streamform/stacks/{name}/journal
  kEvents,         // GET    /_streamform/stacks/{name}/events
  kExports,        // GET    /_streamform/exports
};

struct StackCall {
  StackRoute route = StackRoute::kList;
  std::string name;  // the stack, for the routes under /_streamform/stacks/{name}
};

// JSON bodies nested deeper than this are refused (a record's properties nest a few levels).
inline constexpr int kMaxJsonDepth = 128;

// True for every path under /_streamform/stacks and /_streamform/exports.
bool IsStackPath(std::string_view path);

// The route; the name (still percent-encoded in the path) must follow the stack-name rule.
ApiResult<StackCall> ParseStackCall(std::string_view method, std::string_view path);

// CloudFormation's stack names: [A-Za-z][-A-Za-z0-9]{0,127}.
bool IsValidStackName(std::string_view name);

// The query's parameters, percent-decoded ('+' stays a plus, as SigV4 reads it); of repeated
// names the first counts.
std::map<std::string, std::string> ParseQuery(std::string_view query);

// An integer query parameter in [min, max]; `fallback` when absent.
ApiResult<int64_t> QueryInteger(const std::map<std::string, std::string>& query,
                                const std::string& name, int64_t min, int64_t max,
                                int64_t fallback);

// A JSON object; ValidationException when the body is not JSON, not an object, or nested deeper
// than kMaxJsonDepth.
ApiResult<nlohmann::json> ParseJsonBody(std::string_view body);

}  // namespace sf::engine
