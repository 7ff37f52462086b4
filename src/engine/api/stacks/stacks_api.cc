#include "engine/api/stacks/stacks_api.h"

#include <limits>
#include <memory>
#include <optional>
#include <utility>

namespace sf::engine {

namespace {

using nlohmann::json;

constexpr int64_t kMaxInteger = std::numeric_limits<int64_t>::max();

HttpResponse JsonResponse(int status, const json& body) {
  HttpResponse response;
  response.status = status;
  response.headers = {{"Content-Type", "application/json"}};
  response.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return response;
}

// Reads the members of a request body; the first problem is kept as a ValidationException.
class Body {
 public:
  explicit Body(const json& body) : body_(body) {}

  std::string String(const char* name, bool required) {
    const json* value = Member(name, required);
    if (value == nullptr) return "";
    if (value->is_string()) return value->get<std::string>();
    Refuse(name, "must be a string");
    return "";
  }
  int64_t Integer(const char* name, int64_t min, int64_t max) {
    const json* value = Member(name, true);
    if (value == nullptr) return 0;
    if (!value->is_number_integer() || value->get<int64_t>() < min || value->get<int64_t>() > max) {
      Refuse(name, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
      return 0;
    }
    return value->get<int64_t>();
  }
  // A required member of the given type ("object", "array").
  const json* Typed(const char* name, bool array) {
    const json* value = Member(name, true);
    if (value != nullptr && (array ? value->is_array() : value->is_object())) return value;
    if (value != nullptr) Refuse(name, array ? "must be an array" : "must be an object");
    return nullptr;
  }
  const std::optional<ApiError>& error() const { return error_; }

 private:
  const json* Member(const char* name, bool required) {
    if (error_) return nullptr;
    auto it = body_.find(name);
    if (it != body_.end() && !it->is_null()) return &*it;
    if (required) Refuse(name, "is required");
    return nullptr;
  }
  void Refuse(const char* name, const std::string& what) {
    if (!error_) error_ = ApiError{"ValidationException", std::string(name) + " " + what, 400};
  }

  const json& body_;
  std::optional<ApiError> error_;
};

const std::string* QueryValue(const std::map<std::string, std::string>& query,
                              const std::string& name) {
  auto it = query.find(name);
  return it == query.end() ? nullptr : &it->second;
}

ApiError MissingParameter(const char* name) {
  return {"ValidationException", std::string("the query parameter ") + name + " is required", 400};
}

}  // namespace

HttpResponse StacksApi::ErrorResponse(const StackError& error) {
  json body = error.detail.is_object() ? error.detail : json::object();
  body["__type"] = StackFailureName(error.failure);
  body["message"] = error.message;
  return JsonResponse(StackFailureStatus(error.failure), body);
}

HttpResponse StacksApi::ErrorResponse(const ApiError& error) {
  return JsonResponse(error.status, {{"__type", error.type}, {"message", error.message}});
}

void StacksApi::Handle(HttpRequest&& request, Respond respond) {
  auto call = ParseStackCall(request.method, request.path);
  if (!call) return respond(ErrorResponse(call.error()));
  auto shared = std::make_shared<HttpRequest>(std::move(request));
  pool_.Submit([this, shared, call = std::move(*call), respond = std::move(respond)] {
    respond(Dispatch(*shared, call));
  });
}

HttpResponse StacksApi::Dispatch(const HttpRequest& request, const StackCall& call) {
  switch (call.route) {
    case StackRoute::kList:
      return List(request);
    case StackRoute::kGet:
      return Get(call);
    case StackRoute::kPut:
      return Put(request, call);
    case StackRoute::kDelete:
    case StackRoute::kReleaseLock:
      return DeleteByLockId(request, call);
    case StackRoute::kAcquireLock:
      return AcquireLock(request, call);
    case StackRoute::kAppendJournal:
      return AppendJournal(request, call);
    case StackRoute::kEvents:
      return Events(request, call);
    case StackRoute::kExports:
      return Exports(request);
  }
  return ErrorResponse(ApiError{"InternalFailure", "unknown route", 500});
}

HttpResponse StacksApi::List(const HttpRequest& request) {
  auto query = ParseQuery(request.query);
  const std::string* stage = QueryValue(query, "stage");
  auto stacks = store_.List(stage ? *stage : "");
  if (!stacks) return ErrorResponse(stacks.error());
  json list = json::array();
  for (const auto& summary : *stacks) list.push_back(stackapi::ToJson(summary));
  return JsonResponse(200, {{"stacks", std::move(list)}});
}

HttpResponse StacksApi::Get(const StackCall& call) {
  auto record = store_.GetJson(call.name);
  if (!record) return ErrorResponse(record.error());
  HttpResponse response;
  response.headers = {{"Content-Type", "application/json"}};
  response.body = std::move(*record);
  return response;
}

HttpResponse StacksApi::Put(const HttpRequest& request, const StackCall& call) {
  auto parsed = ParseJsonBody(request.body);
  if (!parsed) return ErrorResponse(parsed.error());
  Body body(*parsed);
  std::string lock_id = body.String("lockId", true);
  int64_t expect = body.Integer("expectRevision", 0, kMaxInteger - 1);
  body.Typed("record", false);
  if (body.error()) return ErrorResponse(*body.error());
  auto revision = store_.Put(call.name, lock_id, expect, std::move((*parsed)["record"]));
  if (!revision) return ErrorResponse(revision.error());
  return JsonResponse(200, {{"revision", *revision}});
}

HttpResponse StacksApi::DeleteByLockId(const HttpRequest& request, const StackCall& call) {
  auto query = ParseQuery(request.query);
  const std::string* lock_id = QueryValue(query, "lockId");
  if (lock_id == nullptr) return ErrorResponse(MissingParameter("lockId"));
  auto done = call.route == StackRoute::kReleaseLock ? store_.ReleaseLock(call.name, *lock_id)
                                                     : store_.Delete(call.name, *lock_id);
  if (!done) return ErrorResponse(done.error());
  return JsonResponse(200, json::object());
}

HttpResponse StacksApi::AcquireLock(const HttpRequest& request, const StackCall& call) {
  constexpr int64_t kMaxTtlMs = 24ll * 3600 * 1000;
  auto parsed = ParseJsonBody(request.body);
  if (!parsed) return ErrorResponse(parsed.error());
  Body body(*parsed);
  std::string owner = body.String("owner", true);
  std::string operation = body.String("operation", true);
  int64_t ttl_ms = body.Integer("ttlMs", 1, kMaxTtlMs);
  std::string lock_id = body.String("lockId", false);
  if (body.error()) return ErrorResponse(*body.error());
  auto lock = store_.AcquireLock(call.name, owner, operation, ttl_ms, lock_id);
  if (!lock) return ErrorResponse(lock.error());
  return JsonResponse(200, stackapi::ToJson(*lock));
}

HttpResponse StacksApi::AppendJournal(const HttpRequest& request, const StackCall& call) {
  auto parsed = ParseJsonBody(request.body);
  if (!parsed) return ErrorResponse(parsed.error());
  Body body(*parsed);
  std::string lock_id = body.String("lockId", true);
  const json* list = body.Typed("entries", true);
  if (body.error()) return ErrorResponse(*body.error());
  std::vector<stackapi::JournalEntry> entries;
  entries.reserve(list->size());
  for (size_t i = 0; i < list->size(); ++i) {
    auto entry = stackapi::JournalEntryFromJson((*list)[i]);
    if (!entry) {
      return ErrorResponse(ApiError{"ValidationException",
                                    "entries[" + std::to_string(i) + "]: " + entry.error().message,
                                    400});
    }
    entries.push_back(std::move(*entry));
  }
  auto seq = store_.AppendJournal(call.name, lock_id, std::move(entries));
  if (!seq) return ErrorResponse(seq.error());
  return JsonResponse(200, {{"seq", *seq}});
}

HttpResponse StacksApi::Events(const HttpRequest& request, const StackCall& call) {
  auto query = ParseQuery(request.query);
  auto after = QueryInteger(query, "after", 0, kMaxInteger, 0);
  if (!after) return ErrorResponse(after.error());
  auto limit = QueryInteger(query, "limit", 1, 10000, 1000);
  if (!limit) return ErrorResponse(limit.error());
  auto events = store_.Events(call.name, *after, *limit);
  if (!events) return ErrorResponse(events.error());
  json list = json::array();
  for (const auto& entry : *events) list.push_back(stackapi::ToJson(entry));
  return JsonResponse(200, {{"events", std::move(list)}});
}

HttpResponse StacksApi::Exports(const HttpRequest& request) {
  auto query = ParseQuery(request.query);
  const std::string* stage = QueryValue(query, "stage");
  auto exports = store_.Exports(stage ? *stage : "");
  if (!exports) return ErrorResponse(exports.error());
  json list = json::array();
  for (const auto& entry : *exports) list.push_back(stackapi::ToJson(entry));
  return JsonResponse(200, {{"exports", std::move(list)}});
}

}  // namespace sf::engine
