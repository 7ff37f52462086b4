#include "state/stack_state_client.h"

#include <utility>

#include "auth/canonical.h"

namespace sf::state {

namespace {

using nlohmann::json;

constexpr const char* kStacksPath = "/_streamform/stacks/";

tl::unexpected<StateError> Invalid(const std::string& message, long status = 0) {
  return tl::unexpected(StateError{"InvalidResponse", message, status, json::object()});
}

std::string StackPath(const std::string& name, const char* sub = "") {
  return kStacksPath + auth::UriEncode(name, false) + sub;
}

std::string Parameter(const char* name, const std::string& value) {
  return std::string(name) + "=" + auth::UriEncode(value, false);
}

// The member `list` of `document`, each element read with `read`.
template <class T, class Read>
StateResult<std::vector<T>> ReadList(const json& document, const char* list, Read read) {
  auto it = document.find(list);
  if (it == document.end() || !it->is_array()) {
    return Invalid(std::string("the engine's answer has no \"") + list + "\" array");
  }
  std::vector<T> items;
  items.reserve(it->size());
  for (const auto& element : *it) {
    auto item = read(element);
    if (!item) return Invalid("the engine's answer: " + item.error().message);
    items.push_back(std::move(*item));
  }
  return items;
}

// A member of the answer that must be an integer.
StateResult<int64_t> ReadInteger(const json& document, const char* member) {
  auto it = document.find(member);
  if (it == document.end() || !it->is_number_integer()) {
    return Invalid(std::string("the engine's answer has no integer \"") + member + "\"");
  }
  return it->get<int64_t>();
}

}  // namespace

StackStateClient::StackStateClient(EngineEndpoint endpoint)
    : endpoint_(std::move(endpoint)),
      signed_(endpoint_.endpoint, endpoint_.credentials, endpoint_.region, "streamform") {}

StateResult<json> StackStateClient::Call(const std::string& method, const std::string& path,
                                         const std::string& query, const json* body) {
  std::string text;
  std::vector<std::pair<std::string, std::string>> headers;
  if (body != nullptr) {
    text = body->dump(-1, ' ', false, json::error_handler_t::replace);
    headers.emplace_back("Content-Type", "application/json");
  }
  Result<client::HttpReply> reply;
  {
    std::lock_guard lock(mu_);
    reply = signed_.Send(method, path, query, text, std::move(headers));
  }
  if (!reply) {
    return tl::unexpected(StateError{"ConnectionError", reply.error().message, 0, json::object()});
  }
  json answer = json::parse(reply->body, nullptr, false);
  if (reply->status >= 200 && reply->status < 300) {
    if (!answer.is_object()) {
      return Invalid("the engine answered " + method + " " + path +
                         " with a body that is not a "
                         "JSON object",
                     reply->status);
    }
    return answer;
  }
  StateError error;
  error.http_status = reply->status;
  if (answer.is_object() && answer.contains("__type") && answer["__type"].is_string()) {
    error.type = answer["__type"].get<std::string>();
    auto message = answer.find("message");
    if (message != answer.end() && message->is_string())
      error.message = message->get<std::string>();
    error.body = std::move(answer);
  } else {
    error.type = "InvalidResponse";
    error.message = "the engine answered " + method + " " + path + " with HTTP " +
                    std::to_string(reply->status) + ": " + reply->body.substr(0, 200);
    error.body = {{"__type", error.type}, {"message", error.message}};
  }
  return tl::unexpected(std::move(error));
}

StateResult<json> StackStateClient::GetOfStage(const std::string& path, const std::string& stage) {
  return Call("GET", path, stage.empty() ? "" : Parameter("stage", stage), nullptr);
}

StateResult<json> StackStateClient::Health() {
  Result<client::HttpReply> reply;
  {
    std::lock_guard lock(mu_);
    reply = plain_.Get(endpoint_.endpoint + "/health");
  }
  if (!reply) {
    return tl::unexpected(StateError{"ConnectionError", reply.error().message, 0, json::object()});
  }
  json answer = json::parse(reply->body, nullptr, false);
  if (reply->status != 200 || !answer.is_object()) {
    return Invalid("GET /health answered HTTP " + std::to_string(reply->status), reply->status);
  }
  return answer;
}

StateResult<std::vector<stackapi::StackSummary>> StackStateClient::ListStacks(
    const std::string& stage) {
  auto answer =
      Call("GET", "/_streamform/stacks", stage.empty() ? "" : Parameter("stage", stage), nullptr);
  if (!answer) return tl::unexpected(answer.error());
  return ReadList<stackapi::StackSummary>(*answer, "stacks", stackapi::StackSummaryFromJson);
}

StateResult<std::optional<stackapi::StackRecord>> StackStateClient::GetStack(
    const std::string& name) {
  auto answer = Call("GET", StackPath(name), "", nullptr);
  if (!answer) {
    if (answer.error().type == "StackNotFound") return std::optional<stackapi::StackRecord>();
    return tl::unexpected(answer.error());
  }
  auto record = stackapi::StackRecordFromJson(*answer);
  if (!record) return Invalid("the engine's record of " + name + ": " + record.error().message);
  return std::optional<stackapi::StackRecord>(std::move(*record));
}

StateResult<int64_t> StackStateClient::PutStack(const std::string& name, const std::string& lock_id,
                                                int64_t expect_revision,
                                                const stackapi::StackRecord& record) {
  json body = {{"lockId", lock_id},
               {"expectRevision", expect_revision},
               {"record", stackapi::ToJson(record)}};
  auto answer = Call("PUT", StackPath(name), "", &body);
  if (!answer) return tl::unexpected(answer.error());
  return ReadInteger(*answer, "revision");
}

StateResult<void> StackStateClient::DeleteStack(const std::string& name,
                                                const std::string& lock_id) {
  auto answer = Call("DELETE", StackPath(name), Parameter("lockId", lock_id), nullptr);
  if (!answer) return tl::unexpected(answer.error());
  return {};
}

StateResult<stackapi::LockInfo> StackStateClient::AcquireLock(const std::string& name,
                                                              const std::string& owner,
                                                              const std::string& operation,
                                                              int64_t ttl_ms,
                                                              const std::string& lock_id) {
  json body = {{"owner", owner}, {"operation", operation}, {"ttlMs", ttl_ms}};
  if (!lock_id.empty()) body["lockId"] = lock_id;
  auto answer = Call("POST", StackPath(name, "/lock"), "", &body);
  if (!answer) return tl::unexpected(answer.error());
  auto lock = stackapi::LockInfoFromJson(*answer);
  if (!lock) return Invalid("the engine's lock: " + lock.error().message);
  return std::move(*lock);
}

StateResult<void> StackStateClient::ReleaseLock(const std::string& name,
                                                const std::string& lock_id) {
  auto answer = Call("DELETE", StackPath(name, "/lock"), Parameter("lockId", lock_id), nullptr);
  if (!answer) return tl::unexpected(answer.error());
  return {};
}

StateResult<int64_t> StackStateClient::AppendJournal(
    const std::string& name, const std::string& lock_id,
    const std::vector<stackapi::JournalEntry>& entries) {
  json list = json::array();
  for (const auto& entry : entries) list.push_back(stackapi::ToJson(entry));
  json body = {{"lockId", lock_id}, {"entries", std::move(list)}};
  auto answer = Call("POST", StackPath(name, "/journal"), "", &body);
  if (!answer) return tl::unexpected(answer.error());
  return ReadInteger(*answer, "seq");
}

StateResult<std::vector<stackapi::JournalEntry>> StackStateClient::Events(const std::string& name,
                                                                          int64_t after_seq,
                                                                          int limit) {
  std::string query = "after=" + std::to_string(after_seq) + "&limit=" + std::to_string(limit);
  auto answer = Call("GET", StackPath(name, "/events"), query, nullptr);
  if (!answer) return tl::unexpected(answer.error());
  return ReadList<stackapi::JournalEntry>(*answer, "events", stackapi::JournalEntryFromJson);
}

StateResult<std::vector<stackapi::ExportEntry>> StackStateClient::Exports(
    const std::string& stage) {
  auto answer =
      Call("GET", "/_streamform/exports", stage.empty() ? "" : Parameter("stage", stage), nullptr);
  if (!answer) return tl::unexpected(answer.error());
  return ReadList<stackapi::ExportEntry>(*answer, "exports", stackapi::ExportEntryFromJson);
}

}  // namespace sf::state
