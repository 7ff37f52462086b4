#pragma once
// FunctionStore: the engine's Lambda functions -- durable configuration and unpacked code.
//
// Configuration lives in SQLite (<data dir>/functions.db, WAL, synchronous=FULL: a change is on
// disk when the call returns, or not made at all), one row per function. Code is unpacked from
// the deployment zip (CodeSource: the bytes, or an object in an engine bucket read through the
// ObjectStore) into <data dir>/functions/<name>/code/<sha256 hex of the zip>/: content-addressed,
// so the same zip is unpacked once and reused. Unpacking goes to a temporary directory renamed
// into place, so a code directory is always whole; code_archive.h says what is refused. A code
// update keeps the directory it replaces (workers of the old revision may still run from it) and
// removes older ones. Delete removes the function's code directories.
//
// Every change (create, code, configuration, concurrency) gets a new RevisionId (a random UUID);
// a caller passing `expected_revision` that differs gets PreconditionFailedException. Tags are
// not configuration: setting them keeps the RevisionId (and the running workers).
//
// Errors are Lambda's (engine/api_error.h: type, message, status), for the API to pass on:
// ResourceNotFoundException, ResourceConflictException, InvalidParameterValueException,
// RequestEntityTooLargeException, PreconditionFailedException, ServiceException (disk, SQLite).
// The store checks the code and the revision; the API layer validates every other field.
//
// Thread-safe. Changes are serialised (one at a time: the control plane is not hot). Reads
// (Get, List, Usage) take a shared lock on an in-memory copy and never wait for a disk or an
// unpack, so a slow upload does not stall invokes.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "engine/api_error.h"
#include "engine/bucket/object_store.h"

namespace sf::engine::sqlite {
class Db;
}

namespace sf::engine::function {

// Lambda's limit on a zip uploaded in the request (ZipFile): 50 MB.
inline constexpr uint64_t kMaxZippedBytes = 52428800;

// A function's settings, as the API sets them.
struct FunctionSettings {
  std::string runtime;  // python3.x, provided, provided.al2, provided.al2023
  std::string handler;
  std::string role;  // an IAM role ARN; recorded, not enforced yet
  std::string description;
  std::map<std::string, std::string> environment;
  int timeout_seconds = 3;
  int memory_mb = 128;
};

// One function as stored.
struct FunctionConfig {
  std::string name;
  FunctionSettings settings;
  std::optional<int> reserved_concurrency;  // PutFunctionConcurrency; nullopt: unreserved
  std::string code_sha256;                  // base64 SHA-256 of the zip (Lambda's CodeSha256)
  int64_t code_size = 0;                    // bytes of the zip
  int64_t last_modified_ms = 0;
  std::string revision_id;                  // a UUID, new with every change
  std::string state = "Active";             // functions are ready when created (no Pending)
  std::string code_dir;                     // the unpacked code, absolute
  std::map<std::string, std::string> tags;  // TagResource; not part of the revision
};

// Where a deployment zip comes from: the bytes (ZipFile), or an engine bucket's object.
struct CodeSource {
  std::optional<std::string> zip;
  std::string s3_bucket;
  std::string s3_key;
};

// The usage figures of GetAccountSettings.
struct StoreUsage {
  int64_t functions = 0;
  int64_t total_code_bytes = 0;
};

class FunctionStore {
 public:
  // Opens (creating) <data_dir>/functions.db and <data_dir>/functions/, removing temporary
  // directories a crash left. `objects` (may be null: no bucket-sourced code) and `clock` are
  // not owned and must outlive the store.
  static Result<std::unique_ptr<FunctionStore>> Open(const std::string& data_dir,
                                                     ObjectStore* objects, const Clock& clock);
  ~FunctionStore();
  FunctionStore(const FunctionStore&) = delete;
  FunctionStore& operator=(const FunctionStore&) = delete;

  // ResourceConflictException when `name` exists.
  ApiResult<FunctionConfig> Create(const std::string& name, const FunctionSettings& settings,
                                   const CodeSource& code,
                                   std::map<std::string, std::string> tags = {});
  ApiResult<FunctionConfig> UpdateCode(const std::string& name, const CodeSource& code,
                                       const std::string& expected_revision = {});
  ApiResult<FunctionConfig> UpdateSettings(const std::string& name,
                                           const FunctionSettings& settings,
                                           const std::string& expected_revision = {});
  ApiResult<FunctionConfig> SetReservedConcurrency(const std::string& name,
                                                   std::optional<int> reserved);
  // Replaces the function's tags (the caller merges or removes).
  ApiResult<FunctionConfig> SetTags(const std::string& name,
                                    std::map<std::string, std::string> tags);
  ApiResult<void> Delete(const std::string& name);

  // ResourceNotFoundException (404) when absent.
  ApiResult<FunctionConfig> Get(const std::string& name) const;
  // Sorted by name.
  std::vector<FunctionConfig> List() const;
  StoreUsage Usage() const;

 private:
  FunctionStore(std::string data_dir, ObjectStore* objects, const Clock& clock,
                std::unique_ptr<sqlite::Db> db);
  Status Load();
  // The zip's bytes from `code`: InvalidParameterValueException for a missing object or an
  // empty source, RequestEntityTooLargeException past the limits.
  ApiResult<std::string> ReadZip(const CodeSource& code) const;
  // Unpacks (or reuses) the code of `zip` for `name`; fills the code fields of `config`.
  ApiResult<void> PlaceCode(const std::string& name, const std::string& zip,
                            FunctionConfig& config) const;
  // Writes `config` under the write lock, checking `expected_revision` against the current row;
  // `must_exist` false means Create (conflict if present). `new_revision` false keeps the
  // RevisionId and LastModified (tags).
  ApiResult<FunctionConfig> Commit(FunctionConfig config, bool must_exist,
                                   const std::string& expected_revision, bool new_revision = true);
  void PruneCode(const std::string& name, const std::string& keep_a,
                 const std::string& keep_b) const;
  std::string FunctionDir(const std::string& name) const;

  const std::string data_dir_;
  ObjectStore* const objects_;
  const Clock& clock_;
  std::mutex write_mu_;             // held by every change, across unpacking and pruning
  std::unique_ptr<sqlite::Db> db_;  // guarded by mu_ (exclusive)
  mutable std::shared_mutex mu_;
  std::map<std::string, FunctionConfig> functions_;  // guarded by mu_
};

// A random (version 4) UUID, lowercase: Lambda's RevisionId and request ids.
std::string NewUuid();

}  // namespace sf::engine::function
