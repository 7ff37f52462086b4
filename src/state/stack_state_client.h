#pragma once
// The controller's client for the engine's stack routes (the wire contract is in
// src/stackapi/stack_record.h): stack records, locks, journals, events and exports, signed with
// SigV4 (service "streamform") over one keep-alive connection.
//
// Errors are values: a refusal of the engine keeps its "__type" ("StackLocked",
// "RevisionMismatch", "LockNotHeld", "ExportInUse", "ExportExists", "ValidationException", the
// SigV4 refusals ...), its message, its HTTP status and the whole JSON error document (with the
// extra members: "revision", "lock", "export", "importer"); an engine that cannot be reached is
// type "ConnectionError" with http_status 0; an answer that is not the contract's JSON is
// "InvalidResponse". Nothing throws.
//
// Thread-safe: calls are serialised by a mutex around the one connection (one client per
// thread for parallel calls). Each call blocks until the engine answers (30 s at most).

#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tl/expected.hpp>
#include <vector>

#include "auth/sigv4_types.h"
#include "client/http_client.h"
#include "client/signed_client.h"
#include "stackapi/stack_record.h"

namespace sf::state {

struct EngineEndpoint {
  std::string endpoint;  // "http://127.0.0.1:4560"
  auth::Credentials credentials;
  std::string region;
};

// An error from the engine ("StackLocked", "RevisionMismatch", ...), or type "ConnectionError"
// (http_status 0) when it cannot be reached. `body` is the whole JSON error document.
struct StateError {
  std::string type;
  std::string message;
  long http_status = 0;
  nlohmann::json body;
};

template <class T>
using StateResult = tl::expected<T, StateError>;

class StackStateClient {
 public:
  explicit StackStateClient(EngineEndpoint endpoint);

  // GET /health (unsigned, as the engine serves it): {"status", ..., "instance"}.
  StateResult<nlohmann::json> Health();
  // Summaries of `stage`'s stacks ("" = every stage), DELETE_COMPLETE ones included.
  StateResult<std::vector<stackapi::StackSummary>> ListStacks(const std::string& stage);
  // nullopt when the engine has no record of the stack (404 StackNotFound). A deleted stack
  // is a record with status DELETE_COMPLETE.
  StateResult<std::optional<stackapi::StackRecord>> GetStack(const std::string& name);
  // The new revision.
  StateResult<int64_t> PutStack(const std::string& name, const std::string& lock_id,
                                int64_t expect_revision, const stackapi::StackRecord& record);
  StateResult<void> DeleteStack(const std::string& name, const std::string& lock_id);
  // `lock_id` "" acquires a free or expired lock; the holder's lock id renews it.
  StateResult<stackapi::LockInfo> AcquireLock(const std::string& name, const std::string& owner,
                                              const std::string& operation, int64_t ttl_ms,
                                              const std::string& lock_id = "");
  StateResult<void> ReleaseLock(const std::string& name, const std::string& lock_id);
  // One transaction: every entry is durable when it returns. The seq of the last entry (the
  // entries got the seqs before it, in order).
  StateResult<int64_t> AppendJournal(const std::string& name, const std::string& lock_id,
                                     const std::vector<stackapi::JournalEntry>& entries);
  // Entries with seq > after_seq, oldest first, at most `limit` (1 to 10,000).
  StateResult<std::vector<stackapi::JournalEntry>> Events(const std::string& name,
                                                          int64_t after_seq, int limit = 1000);
  StateResult<std::vector<stackapi::ExportEntry>> Exports(const std::string& stage);

  const EngineEndpoint& endpoint() const { return endpoint_; }

 private:
  // Sends a signed request; the JSON of a 2xx answer, else the StateError.
  StateResult<nlohmann::json> Call(const std::string& method, const std::string& path,
                                   const std::string& query, const nlohmann::json* body);
  // GET `path`, for one stage ("" every stage).
  StateResult<nlohmann::json> GetOfStage(const std::string& path, const std::string& stage);

  const EngineEndpoint endpoint_;
  std::mutex mu_;
  client::SignedClient signed_;  // guarded by mu_
  client::HttpClient plain_;     // guarded by mu_; for /health (a signed GET /health is S3's)
};

}  // namespace sf::state
