#pragma once
// A Provider owns one resource type on one backend: it reads live state, creates, updates in
// place and deletes. The controller plans and applies through providers only; the first
// implementations (provider/local) reach the engine through its public wire APIs (Kinesis,
// S3), so the same code can later talk to AWS. The controller never reads engine files.
//
// Contracts every implementation keeps (tests/provider/conformance_test.cc checks them):
// - Thread-safe: the executor calls one provider from several workers at once.
// - Read reports an absent resource as LiveState{exists = false}, never as an error; an error
//   means the state could not be read (engine down, refused).
// - Create fails with kInvalidArgument "... already exists" when the physical id is taken;
//   it never adopts someone else's resource.
// - Delete of an absent resource succeeds (deletes are retried after crashes).
// - Update applies one step (see PlanUpdate) and returns the state after it.
// - LiveState::properties holds only what the backend can report (`observed`), in the
//   resource type's CloudFormation shape; properties the backend does not keep are absent.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/value.h"

namespace sf::provider {

// What a resource holds that deleting it would lose. Not part of any fingerprint.
struct DataFacts {
  bool known = false;
  int64_t records = 0;  // streams: records currently retained (approximate)
  int64_t bytes = 0;
  int64_t objects = 0;       // buckets
  int64_t open_uploads = 0;  // buckets: multipart uploads in progress
  bool at_least = false;     // counts are lower bounds (listing stopped early)
  bool empty() const { return records == 0 && bytes == 0 && objects == 0 && open_uploads == 0; }
};

// One resource as it is now.
struct LiveState {
  bool exists = false;
  std::string physical_id;
  Value properties = Value::Map();          // observed properties only
  std::map<std::string, Value> attributes;  // GetAtt names: "Arn"
  std::vector<std::string> observed;        // top-level property names read back
  int64_t created_ms = 0;   // backend creation time; with `incarnation`, tells a recreated
  std::string incarnation;  //   resource from the original
};

struct OperationContext {
  std::string stack_name;
  std::string logical_id;
  // Called with short progress notes ("waiting for ACTIVE"); may be empty.
  std::function<void(const std::string&)> progress;
};

struct CreateRequest {
  OperationContext context;
  std::string physical_id;  // chosen (and journaled) before Create runs
  Value properties;         // fully known
};

// One in-place step: from `before` to `after` (both fully known, both whole property maps).
struct UpdateRequest {
  OperationContext context;
  std::string physical_id;
  Value before;
  Value after;
};

struct DeleteRequest {
  OperationContext context;
  std::string physical_id;
  Value properties;  // as last applied
};

// A step of an in-place update: the whole property map after it, and what it does.
struct UpdateStep {
  Value properties;
  std::string description;  // "ShardCount 2 -> 4"
};

class Provider {
 public:
  virtual ~Provider() = default;
  virtual const std::string& type_name() const = 0;

  // One result per physical id, in order; batched where the backend allows.
  virtual std::vector<Result<LiveState>> Read(std::span<const std::string> physical_ids) = 0;
  virtual Result<LiveState> Create(const CreateRequest& request) = 0;
  virtual Result<LiveState> Update(const UpdateRequest& request) = 0;
  virtual Status Delete(const DeleteRequest& request) = 0;

  // What deleting the resource would lose; may list (bounded) and so costs more than Read.
  virtual Result<DataFacts> DataHeld(const std::string& physical_id) = 0;
  // Deletes everything the resource holds (buckets: objects and open uploads), so Delete
  // can succeed. kInvalidArgument for types that hold nothing deletable this way.
  virtual Status Empty(const std::string& physical_id) = 0;

  // --- Pure planning hooks: no I/O. ---

  // The property that names the physical resource ("BucketName", "Name"); "" if none.
  virtual const std::string& name_property() const = 0;
  // The physical id for a resource whose template does not set name_property(), as
  // CloudFormation makes one: "<stack>-<LogicalId>-<12 random [A-Z0-9]>", shortened and
  // lower-cased where the type requires (buckets: 63 chars, lower case).
  virtual std::string GenerateName(const std::string& stack_name,
                                   const std::string& logical_id) const = 0;
  // The in-place steps from `before` to `after` (whole, fully known property maps), or
  // kInvalidArgument "cannot update in place: <reason>" when only a replacement can do it.
  // An empty vector means nothing to do.
  virtual Result<std::vector<UpdateStep>> PlanUpdate(const Value& before,
                                                     const Value& after) const = 0;
  // The attributes a resource with this physical id and these properties will have, where
  // they can be known before it exists (a bucket's Arn); others are left out.
  virtual std::map<std::string, Value> PredictAttributes(const std::string& physical_id,
                                                         const Value& properties) const = 0;
};

// Providers by resource type. Register at start-up; lookups are thread-safe afterwards.
class ProviderRegistry {
 public:
  void Register(std::unique_ptr<Provider> provider);
  Provider* Find(const std::string& type_name) const;  // nullptr: no provider for the type
  std::vector<std::string> TypeNames() const;

 private:
  std::map<std::string, std::unique_ptr<Provider>> providers_;
};

}  // namespace sf::provider
