#include "engine/api/stacks/stack_request.h"

#include <charconv>

#include "auth/canonical.h"
#include "base/strings.h"

namespace sf::engine {

namespace {

constexpr std::string_view kStacksPath = "/_streamform/stacks";
constexpr std::string_view kExportsPath = "/_streamform/exports";

bool IsAsciiLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool IsStackPath(std::string_view path) {
  auto under = [&](std::string_view base) {
    return StartsWith(path, base) && (path.size() == base.size() || path[base.size()] == '/');
  };
  return under(kStacksPath) || under(kExportsPath);
}

bool IsValidStackName(std::string_view name) {
  if (name.empty() || name.size() > 128 || !IsAsciiLetter(name[0])) return false;
  for (char c : name) {
    if (!IsAsciiLetter(c) && !IsAsciiDigit(c) && c != '-') return false;
  }
  return true;
}

ApiResult<StackCall> ParseStackCall(std::string_view method, std::string_view path) {
  struct Rule {
    std::string_view path;  // after /_streamform/stacks/{name}
    std::string_view method;
    StackRoute route;
  };
  static constexpr Rule kRules[] = {
      {"", "GET", StackRoute::kGet},
      {"", "PUT", StackRoute::kPut},
      {"", "DELETE", StackRoute::kDelete},
      {"/lock", "POST", StackRoute::kAcquireLock},
      {"/lock", "DELETE", StackRoute::kReleaseLock},
      {"/journal", "POST", StackRoute::kAppendJournal},
      {"/events", "GET", StackRoute::kEvents},
  };
  auto not_allowed = [&] {
    return ApiFail("MethodNotAllowed",
                   std::string(method) + " is not allowed on " + std::string(path), 405);
  };
  if (path == kExportsPath || path == kStacksPath) {
    if (method != "GET") return not_allowed();
    return StackCall{path == kExportsPath ? StackRoute::kExports : StackRoute::kList, ""};
  }
  std::string_view rest = path.substr(std::min(path.size(), kStacksPath.size() + 1));
  size_t slash = rest.find('/');
  StackCall call;
  call.name = std::string(rest.substr(0, slash));
  std::string_view sub = slash == std::string_view::npos ? "" : rest.substr(slash);
  bool served = false;
  bool allowed = false;
  for (const Rule& rule : kRules) {
    if (rule.path != sub) continue;
    served = true;
    if (rule.method != method) continue;
    allowed = true;
    call.route = rule.route;
  }
  if (!IsStackPath(path) || !served) {
    return ApiFail("NotFound", "no API is served at " + std::string(path), 404);
  }
  if (!allowed) return not_allowed();
  if (!IsValidStackName(call.name)) {
    return ApiFail("ValidationException",
                   "Value '" + call.name +
                       "' at 'stackName' failed to satisfy constraint: Member must satisfy "
                       "regular expression pattern: [a-zA-Z][-a-zA-Z0-9]{0,127}");
  }
  return call;
}

std::map<std::string, std::string> ParseQuery(std::string_view query) {
  std::map<std::string, std::string> parameters;
  for (const std::string& pair : Split(query, '&')) {
    if (pair.empty()) continue;
    size_t equals = pair.find('=');
    std::string name = auth::PercentDecode(std::string_view(pair).substr(0, equals));
    std::string value = equals == std::string::npos
                            ? ""
                            : auth::PercentDecode(std::string_view(pair).substr(equals + 1));
    parameters.emplace(std::move(name), std::move(value));
  }
  return parameters;
}

ApiResult<int64_t> QueryInteger(const std::map<std::string, std::string>& query,
                                const std::string& name, int64_t min, int64_t max,
                                int64_t fallback) {
  auto it = query.find(name);
  if (it == query.end()) return fallback;
  const std::string& text = it->second;
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return ApiFail("ValidationException", "Value '" + text + "' at '" + name +
                                              "' failed to satisfy constraint: Member must be "
                                              "an integer from " +
                                              std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

ApiResult<nlohmann::json> ParseJsonBody(std::string_view body) {
  bool too_deep = false;
  // The parser is iterative; discarding what is nested too deeply keeps the document (whose
  // copies and dumps recurse) shallow.
  nlohmann::json::parser_callback_t limit = [&too_deep](int depth, nlohmann::json::parse_event_t,
                                                        nlohmann::json&) {
    if (depth > kMaxJsonDepth) too_deep = true;
    return !too_deep;
  };
  nlohmann::json parsed = nlohmann::json::parse(body, limit, false);
  if (too_deep) {
    return ApiFail("ValidationException", "the request body is nested deeper than " +
                                              std::to_string(kMaxJsonDepth) + " levels");
  }
  if (parsed.is_discarded()) return ApiFail("ValidationException", "the request body is not JSON");
  if (!parsed.is_object()) {
    return ApiFail("ValidationException", "the request body is not a JSON object");
  }
  return parsed;
}

}  // namespace sf::engine
