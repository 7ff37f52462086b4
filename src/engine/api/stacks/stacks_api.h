#pragma once
// The engine's stack routes (the wire contract is in src/stackapi/stack_record.h) over a
// StackStore: JSON in and out; errors {"__type", "message", ...extra} with the contract's
// statuses (400 ValidationException, 404 StackNotFound, 409 LockNotHeld / StackLocked /
// RevisionMismatch / ExportInUse / ExportExists, 500 InternalFailure).
//
// The caller routes requests here (IsStackPath) after authenticating them; Handle reads the
// route on the I/O thread and runs everything else (JSON parsing, the store, which may wait for
// a disk flush) on the work pool, answering through `respond` from there. Request bodies up to
// kMaxBodyBytes are accepted when the server's classify hook answers BufferedBodyPlan
// (buffered_sink.h) for them: the server alone buffers 8 MiB.
//
// Thread-safe; the store and the pool must outlive it, and the pool must be drained (destroyed)
// before the store goes.

#include <cstdint>
#include <nlohmann/json.hpp>

#include "base/work_pool.h"
#include "engine/api/stacks/stack_request.h"
#include "engine/server/http_server.h"
#include "engine/stack/stack_store.h"

namespace sf::engine {

class StacksApi {
 public:
  static constexpr uint64_t kMaxBodyBytes = 16ull << 20;  // a record holds its template text

  StacksApi(StackStore& store, WorkPool& pool) : store_(store), pool_(pool) {}

  // `request` is authenticated and IsStackPath(request.path).
  void Handle(HttpRequest&& request, Respond respond);

  // The error document of the wire contract.
  static HttpResponse ErrorResponse(const StackError& error);
  static HttpResponse ErrorResponse(const ApiError& error);

 private:
  HttpResponse Dispatch(const HttpRequest& request, const StackCall& call);
  HttpResponse List(const HttpRequest& request);
  HttpResponse Get(const StackCall& call);
  HttpResponse Put(const HttpRequest& request, const StackCall& call);
  // DELETE of the stack or of its lock: both name the caller's lock id in the query.
  HttpResponse DeleteByLockId(const HttpRequest& request, const StackCall& call);
  HttpResponse AcquireLock(const HttpRequest& request, const StackCall& call);
  HttpResponse AppendJournal(const HttpRequest& request, const StackCall& call);
  HttpResponse Events(const HttpRequest& request, const StackCall& call);
  HttpResponse Exports(const HttpRequest& request);

  StackStore& store_;
  WorkPool& pool_;
};

}  // namespace sf::engine
