#include "provider/fault_injecting_provider.h"

#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace sf::provider {

namespace {

struct HangGate {
  std::mutex mu;
  std::condition_variable cv;
  bool released = false;
  int blocked = 0;
};

HangGate& Gate() {
  static HangGate gate;
  return gate;
}

std::string Describe(FaultOperation operation, const std::string& logical_id,
                     const std::string& target) {
  std::string text = FaultOperationName(operation);
  if (!logical_id.empty()) text += " of " + logical_id;
  if (!target.empty()) text += " (" + target + ")";
  return text;
}

// Delays and hangs, then the first fail-before, if any.
std::optional<Error> Before(const std::vector<const FaultRule*>& fired, const std::string& what) {
  for (const FaultRule* rule : fired) {
    switch (rule->action) {
      case FaultAction::kDelay:
        std::this_thread::sleep_for(rule->delay);
        break;
      case FaultAction::kHang: {
        HangGate& gate = Gate();
        std::unique_lock lock(gate.mu);
        ++gate.blocked;
        gate.cv.wait(lock, [&] { return gate.released; });
        --gate.blocked;
        break;
      }
      case FaultAction::kFailBefore:
        return Error{ErrorCode::kIo,
                     "injected failure before " + what + " [rule " + rule->text + "]"};
      default:
        break;
    }
  }
  return std::nullopt;
}

// A crash (never returns), or the first fail-after, if any.
std::optional<Error> After(const std::vector<const FaultRule*>& fired, const std::string& what) {
  for (const FaultRule* rule : fired) {
    if (rule->action != FaultAction::kCrashAfter) continue;
    std::string line = "streamform: injected crash after " + what + " [rule " + rule->text + "]\n";
    ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
    (void)ignored;
    ::_exit(137);
  }
  for (const FaultRule* rule : fired) {
    if (rule->action == FaultAction::kFailAfter) {
      return Error{ErrorCode::kIo, "injected failure after " + what +
                                       " (the call itself completed) [rule " + rule->text + "]"};
    }
  }
  return std::nullopt;
}

}  // namespace

FaultInjectingProvider::FaultInjectingProvider(std::unique_ptr<Provider> inner, FaultPlan plan)
    : inner_(std::move(inner)), schedule_(std::make_shared<FaultSchedule>(std::move(plan))) {}

FaultInjectingProvider::FaultInjectingProvider(std::shared_ptr<Provider> inner,
                                               std::shared_ptr<FaultSchedule> schedule)
    : inner_(std::move(inner)), schedule_(std::move(schedule)) {}

template <class R, class Call>
R FaultInjectingProvider::Guard(FaultOperation operation, const std::string& logical_id,
                                const std::string& target, Call&& call) {
  auto fired = schedule_->Fire(operation, logical_id);
  if (fired.empty()) return call();
  const std::string what = Describe(operation, logical_id, target);
  if (auto error = Before(fired, what)) return tl::unexpected(*error);
  R result = call();
  if (auto error = After(fired, what)) return tl::unexpected(*error);
  return result;
}

std::vector<Result<LiveState>> FaultInjectingProvider::Read(
    std::span<const std::string> physical_ids) {
  auto fired = schedule_->Fire(FaultOperation::kRead, "");
  if (fired.empty()) return inner_->Read(physical_ids);
  const std::string what =
      Describe(FaultOperation::kRead, "", std::to_string(physical_ids.size()) + " ids");
  auto fail_all = [&](const Error& error) {
    return std::vector<Result<LiveState>>(physical_ids.size(), tl::unexpected(error));
  };
  if (auto error = Before(fired, what)) return fail_all(*error);
  auto results = inner_->Read(physical_ids);
  if (auto error = After(fired, what)) return fail_all(*error);
  return results;
}

Result<LiveState> FaultInjectingProvider::Create(const CreateRequest& request) {
  return Guard<Result<LiveState>>(FaultOperation::kCreate, request.context.logical_id,
                                  request.physical_id, [&] { return inner_->Create(request); });
}

Result<LiveState> FaultInjectingProvider::Update(const UpdateRequest& request) {
  return Guard<Result<LiveState>>(FaultOperation::kUpdate, request.context.logical_id,
                                  request.physical_id, [&] { return inner_->Update(request); });
}

Status FaultInjectingProvider::Delete(const DeleteRequest& request) {
  return Guard<Status>(FaultOperation::kDelete, request.context.logical_id, request.physical_id,
                       [&] { return inner_->Delete(request); });
}

Result<DataFacts> FaultInjectingProvider::DataHeld(const std::string& physical_id) {
  return Guard<Result<DataFacts>>(FaultOperation::kRead, "", physical_id,
                                  [&] { return inner_->DataHeld(physical_id); });
}

Status FaultInjectingProvider::Empty(const std::string& physical_id) {
  return Guard<Status>(FaultOperation::kDelete, "", physical_id,
                       [&] { return inner_->Empty(physical_id); });
}

void WrapWithFaults(ProviderRegistry& registry, const FaultPlan& plan) {
  if (plan.empty()) return;
  // The registry cannot hand its providers out, so the original registry moves into shared
  // ownership and each wrapper holds an aliasing pointer to its provider inside it.
  auto originals = std::make_shared<ProviderRegistry>(std::move(registry));
  registry = ProviderRegistry();
  auto schedule = std::make_shared<FaultSchedule>(plan);
  for (const std::string& name : originals->TypeNames()) {
    std::shared_ptr<Provider> inner(originals, originals->Find(name));
    registry.Register(std::make_unique<FaultInjectingProvider>(std::move(inner), schedule));
  }
}

void ReleaseHungFaults() {
  HangGate& gate = Gate();
  {
    std::lock_guard lock(gate.mu);
    gate.released = true;
  }
  gate.cv.notify_all();
}

void ResetHungFaults() {
  HangGate& gate = Gate();
  std::lock_guard lock(gate.mu);
  gate.released = false;
}

int HungFaultCalls() {
  HangGate& gate = Gate();
  std::lock_guard lock(gate.mu);
  return gate.blocked;
}

}  // namespace sf::provider
