#pragma once
// A Provider that wraps another and injects the faults of a FaultPlan (fault_plan.h) into its
// calls, for tests of the controller's failure handling: errors before or after the side
// effect, delays, hangs and crashes. Everything else forwards unchanged, including the pure
// planning hooks, which never fault.
//
// Per call: every rule that fires for it acts in plan order. Delays and hangs happen before
// the call; a fail-before returns at once (after any earlier delay); a crash-after, then a
// fail-after, act once the inner call has returned. A faulted Read fails every id in it.
//
// hang: the call blocks until ReleaseHungFaults() is called anywhere in the process, and then
// proceeds normally; a process that never calls it hangs forever (until killed), which is the
// point of the fault: tests interrupt or time out the hung operation. Once released, later
// hangs do not block (the flag stays set until ResetHungFaults()).
// crash-after: writes one line to stderr, then _exit(137): no destructors, no flushing of
// stdio buffers, exactly like a SIGKILL after the side effect.
//
// Thread-safe when the inner provider is.

#include <memory>

#include "provider/fault_plan.h"
#include "provider/provider.h"

namespace sf::provider {

class FaultInjectingProvider final : public Provider {
 public:
  FaultInjectingProvider(std::unique_ptr<Provider> inner, FaultPlan plan);
  // Shares `schedule` (its call counters) with other wrappers; `inner` may be an aliasing
  // pointer that keeps the inner provider's owner alive.
  FaultInjectingProvider(std::shared_ptr<Provider> inner, std::shared_ptr<FaultSchedule> schedule);

  const std::string& type_name() const override { return inner_->type_name(); }
  std::vector<Result<LiveState>> Read(std::span<const std::string> physical_ids) override;
  Result<LiveState> Create(const CreateRequest& request) override;
  Result<LiveState> Update(const UpdateRequest& request) override;
  Status Delete(const DeleteRequest& request) override;
  Result<DataFacts> DataHeld(const std::string& physical_id) override;
  Status Empty(const std::string& physical_id) override;

  const std::string& name_property() const override { return inner_->name_property(); }
  std::string GenerateName(const std::string& stack_name,
                           const std::string& logical_id) const override {
    return inner_->GenerateName(stack_name, logical_id);
  }
  Result<std::vector<UpdateStep>> PlanUpdate(const Value& before,
                                             const Value& after) const override {
    return inner_->PlanUpdate(before, after);
  }
  std::map<std::string, Value> PredictAttributes(const std::string& physical_id,
                                                 const Value& properties) const override {
    return inner_->PredictAttributes(physical_id, properties);
  }

  Provider& inner() { return *inner_; }

 private:
  template <class R, class Call>
  R Guard(FaultOperation operation, const std::string& logical_id, const std::string& target,
          Call&& call);

  std::shared_ptr<Provider> inner_;
  std::shared_ptr<FaultSchedule> schedule_;
};

// Replaces every provider in `registry` with a FaultInjectingProvider around it; all of them
// share one FaultSchedule, so nth-call rules count across types. An empty plan changes nothing.
// Start-up only (not while other threads use the registry).
void WrapWithFaults(ProviderRegistry& registry, const FaultPlan& plan);

// Lets every call blocked by a hang rule proceed, now and later. Thread-safe.
void ReleaseHungFaults();
// Makes hang rules block again (tests run several cases in one process).
void ResetHungFaults();
// How many calls are blocked in a hang right now.
int HungFaultCalls();

}  // namespace sf::provider
