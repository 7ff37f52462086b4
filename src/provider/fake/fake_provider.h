#pragma once
// An in-memory Provider for tests of the controller (plan, apply, the executor): any type
// name and name property, every contract of provider.h kept, plus what tests need to look
// inside.
//
// Behaviour:
// - Resources live in a map keyed by physical id. Every property given to Create or Update is
//   kept and observed (the fake "backend" keeps everything), with the name property, when
//   there is one, set to the physical id.
// - Attributes: "Arn" = "arn:streamform:fake:::<type>/<physical id>" (also predicted).
// - created_ms is the wall clock at Create; incarnation is "fake-<n>", n counting every
//   Create of this provider, so a recreated resource differs from the original.
// - Create of a taken id: kInvalidArgument "... already exists". Update of an absent id:
//   kNotFound. Update changing a create-only property: kInvalidArgument.
// - PlanUpdate: no changes -> no steps; a changed property in `create_only` -> "cannot update
//   in place: <names> can only be set at creation"; otherwise one step to `after`.
// - Data (`holds_data`): DataHeld reports what SetData stored (known = true); Delete refuses
//   (kInvalidArgument "... is not empty") while it holds any; Empty clears it. Without
//   `holds_data`, DataHeld is known = false and Empty is kInvalidArgument, like a stream.
//   DataHeld of an absent id is kNotFound; Empty of an absent id succeeds.
// - Every I/O call (Read batch, Create, Update, Delete, DataHeld, Empty) is counted, sleeps the
//   configured delay while "in flight", and feeds the high-water mark of concurrent calls.
// Thread-safe.

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "provider/physical_name.h"
#include "provider/provider.h"

namespace sf::provider {

struct FakeProviderOptions {
  std::string type_name = "Test::Fake::Thing";
  std::string name_property = "Name";  // "" for a type without one
  std::set<std::string> create_only;   // top-level property names
  NameRules names;                     // GenerateName's length and case
  std::chrono::milliseconds delay{0};  // per I/O call
  bool holds_data = false;
};

enum class FakeOperation { kRead, kCreate, kUpdate, kDelete, kDataHeld, kEmpty };

class FakeProvider final : public Provider {
 public:
  explicit FakeProvider(FakeProviderOptions options);

  const std::string& type_name() const override { return options_.type_name; }
  std::vector<Result<LiveState>> Read(std::span<const std::string> physical_ids) override;
  Result<LiveState> Create(const CreateRequest& request) override;
  Result<LiveState> Update(const UpdateRequest& request) override;
  Status Delete(const DeleteRequest& request) override;
  Result<DataFacts> DataHeld(const std::string& physical_id) override;
  Status Empty(const std::string& physical_id) override;

  const std::string& name_property() const override { return options_.name_property; }
  std::string GenerateName(const std::string& stack_name,
                           const std::string& logical_id) const override;
  Result<std::vector<UpdateStep>> PlanUpdate(const Value& before,
                                             const Value& after) const override;
  std::map<std::string, Value> PredictAttributes(const std::string& physical_id,
                                                 const Value& properties) const override;

  // --- For tests. ---
  int calls(FakeOperation operation) const;
  int max_concurrent() const { return high_water_.load(); }  // most calls in flight at once
  void set_delay(std::chrono::milliseconds delay) { delay_ms_.store(delay.count()); }

  // Drift: change live state behind the controller's back.
  // Creates the resource (a new incarnation) or replaces all its properties.
  void SetLive(const std::string& physical_id, Value properties);
  // Sets one property of an existing resource; false when it does not exist.
  bool SetLiveProperty(const std::string& physical_id, const std::string& name, Value value);
  // Removes a property of an existing resource; false when it does not exist.
  bool RemoveLiveProperty(const std::string& physical_id, const std::string& name);
  // Deletes the resource out of band; false when it did not exist.
  bool RemoveLive(const std::string& physical_id);
  std::optional<Value> LiveProperties(const std::string& physical_id) const;
  // What DataHeld reports (holds_data types); false when the resource does not exist.
  bool SetData(const std::string& physical_id, DataFacts facts);
  size_t size() const;

 private:
  struct Resource {
    Value properties;
    int64_t created_ms = 0;
    std::string incarnation;
    DataFacts data;
  };
  class InFlight;  // counts one call and holds it "in flight" for the delay

  LiveState StateOf(const std::string& physical_id, const Resource& resource) const;  // mu_
  Resource NewResource(const std::string& physical_id, Value properties);             // mu_

  const FakeProviderOptions options_;
  std::atomic<int64_t> delay_ms_;
  std::atomic<int> counts_[6] = {};
  std::atomic<int> in_flight_{0};
  std::atomic<int> high_water_{0};
  mutable std::mutex mu_;
  std::map<std::string, Resource> resources_;  // guarded by mu_
  int64_t creations_ = 0;                      // guarded by mu_
};

}  // namespace sf::provider
