#pragma once
// Fault plans for tests of the controller: which provider calls fail, stall or crash.
//
// Spec grammar (what STREAMFORM_TEST_FAULTS holds), rules separated by ';', blanks ignored:
//   rule      := operation ':' logical-id [':' nth] ':' action
//   operation := read | create | update | delete | *
//   logical-id:= a template logical id, or * for any
//   nth       := 1-based index of the matching call that faults (1, 2, ...); omitted or '*':
//                every matching call
//   action    := fail-before | fail-after | delay=DURATION | hang | crash-after
//   DURATION  := digits followed by ms, s or m ("200ms", "2s", "1m")
// e.g. "create:Bucket2:fail-after;update:*:delay=200ms;delete:Stream:2:fail-before".
//
// Which calls count as which operation: Read and DataHeld are "read"; Create "create"; Update
// "update"; Delete and Empty are "delete" (Empty destroys data on the way to a Delete). Read,
// DataHeld and Empty carry no logical id, so only rules with logical id '*' match them.
//
// FaultSchedule holds a plan's rules with one call counter per rule; it is shared by every
// provider wrapped with the same plan, so "the 2nd create" counts creates of every type.
// Thread-safe.

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace sf::provider {

enum class FaultOperation { kRead, kCreate, kUpdate, kDelete, kAny };

enum class FaultAction {
  kFailBefore,  // kIo "injected failure ...", without calling the provider
  kFailAfter,   // calls the provider, then returns kIo "injected failure after ..."
  kDelay,       // sleeps `delay`, then calls the provider
  kHang,        // blocks until ReleaseHungFaults() (forever if never called), then calls
  kCrashAfter,  // calls the provider, then _exit(137) without any clean-up
};

struct FaultRule {
  FaultOperation operation = FaultOperation::kAny;
  std::string logical_id = "*";
  int nth = 0;  // 1-based; 0: every matching call
  FaultAction action = FaultAction::kFailBefore;
  std::chrono::milliseconds delay{0};  // kDelay only
  std::string text;                    // the rule as written, for messages
};

struct FaultPlan {
  std::vector<FaultRule> rules;
  bool empty() const { return rules.empty(); }
};

// kInvalidArgument naming the rule and what is wrong with it.
Result<FaultPlan> ParseFaultPlan(std::string_view spec);

// "200ms", "2s", "1m" -> milliseconds; kInvalidArgument otherwise.
Result<std::chrono::milliseconds> ParseFaultDuration(std::string_view text);

const char* FaultOperationName(FaultOperation operation);

// A plan's rules and their counters.
class FaultSchedule {
 public:
  explicit FaultSchedule(FaultPlan plan);

  // Counts the call against every rule it matches and returns the rules that fire for it, in
  // plan order. `logical_id` is "" for calls that carry none.
  std::vector<const FaultRule*> Fire(FaultOperation operation, const std::string& logical_id);

 private:
  FaultPlan plan_;
  std::unique_ptr<std::atomic<int>[]> counts_;
};

}  // namespace sf::provider
