#include "apply/executor.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "apply/resource_state.h"

namespace sf::apply {

std::string ToString(Outcome outcome) {
  switch (outcome) {
    case Outcome::kComplete:
      return "complete";
    case Outcome::kRolledBack:
      return "rolled back";
    case Outcome::kFailed:
      return "failed";
    case Outcome::kRollbackFailed:
      return "rollback failed";
    case Outcome::kInterrupted:
      return "interrupted";
  }
  return "unknown";
}

namespace {

using plan::Action;
using plan::ResourceChange;
using Clock = std::chrono::steady_clock;

int64_t MsSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// What undoing a completed main-phase operation takes.
struct Undo {
  enum class Kind { kDeleteCreated, kRevertUpdate, kRecreate } kind;
  const ResourceChange* change;
  std::string physical_id;
  Value from;  // the properties it has now (kRevertUpdate), or created with (kDeleteCreated)
  Value to;    // kRevertUpdate, kRecreate: the properties to go back to
  std::optional<stackapi::ResourceRecord> previous;  // the record entry before the operation
};

struct Task {
  const ResourceChange* change = nullptr;
  bool cleanup = false;
  std::vector<size_t> dependents;
  size_t waiting = 0;
};

class StackRun {
 public:
  StackRun(const plan::StackChange& change, const stackapi::StackRecord& record,
           provider::ProviderRegistry& providers, const ApplyHooks& hooks,
           const ExecutorOptions& options)
      : change_(change), before_(record), providers_(providers), hooks_(hooks), options_(options) {
    result_.record = record;
  }

  StackResult Run() {
    BuildTasks();
    result_.operations_total = main_.size() + cleanup_.size();
    const bool created = options_.new_stack;
    RunPhase(main_);
    if (!failed_ && !stopped_) RunPhase(cleanup_);
    for (const auto& resource : change_.resources) {
      if (resource.action == Action::kRemove && resource.retain && !failed_ && !stopped_) {
        Retain(resource);
      }
    }
    if (stopped_ && !failed_) {
      result_.outcome = Outcome::kInterrupted;
      result_.record.status = created ? "CREATE_IN_PROGRESS" : "UPDATE_IN_PROGRESS";
    } else if (failed_ && options_.rollback && !failed_in_cleanup_) {
      RollBack();
      bool clean = result_.rollback_errors.empty();
      result_.outcome = clean ? Outcome::kRolledBack : Outcome::kRollbackFailed;
      result_.record.status = created
                                  ? (clean ? "ROLLBACK_COMPLETE" : "ROLLBACK_FAILED")
                                  : (clean ? "UPDATE_ROLLBACK_COMPLETE" : "UPDATE_ROLLBACK_FAILED");
    } else if (failed_) {
      result_.outcome = Outcome::kFailed;
      result_.record.status = created ? "CREATE_FAILED" : "UPDATE_FAILED";
    } else {
      result_.outcome = Outcome::kComplete;
      result_.record.status = created ? "CREATE_COMPLETE" : "UPDATE_COMPLETE";
    }
    return std::move(result_);
  }

 private:
  // Main tasks wait for the changed resources they depend on; cleanup tasks wait for the
  // cleanup of the resources that depended on them (reverse order).
  void BuildTasks() {
    std::map<std::string, size_t> main_index, cleanup_index;
    for (const auto& resource : change_.resources) {
      bool main = resource.action == Action::kAdd || resource.action == Action::kModify ||
                  resource.action == Action::kReplace;
      bool cleanup = (resource.action == Action::kRemove && !resource.retain) ||
                     (resource.action == Action::kReplace && !resource.delete_first);
      if (main) {
        main_index[resource.logical_id] = tasks_.size();
        main_.push_back(tasks_.size());
        tasks_.push_back(Task{&resource, false, {}, 0});
      }
      if (cleanup) {
        cleanup_index[resource.logical_id] = tasks_.size();
        cleanup_.push_back(tasks_.size());
        tasks_.push_back(Task{&resource, true, {}, 0});
      }
    }
    for (size_t id : main_) {
      for (const auto& dependency : tasks_[id].change->depends_on) {
        auto it = main_index.find(dependency);
        if (it == main_index.end() || it->second == id) continue;
        tasks_[it->second].dependents.push_back(id);
        ++tasks_[id].waiting;
      }
    }
    for (size_t id : cleanup_) {
      const std::string& logical_id = tasks_[id].change->logical_id;
      // Who depended on this resource, as last applied: they go first.
      for (const auto& [other_id, other] : before_.resources) {
        if (other_id == logical_id) continue;
        bool depends = std::find(other.depends_on.begin(), other.depends_on.end(), logical_id) !=
                       other.depends_on.end();
        auto it = cleanup_index.find(other_id);
        if (!depends || it == cleanup_index.end()) continue;
        tasks_[it->second].dependents.push_back(id);
        ++tasks_[id].waiting;
      }
    }
  }

  bool ShouldStop() {
    if (!stopped_ && hooks_.should_stop && hooks_.should_stop()) stopped_ = true;
    return stopped_ || failed_;
  }

  void RunPhase(const std::vector<size_t>& ids) {
    if (ids.empty()) return;
    std::deque<size_t> ready;
    for (size_t id : ids) {
      if (tasks_[id].waiting == 0) ready.push_back(id);
    }
    size_t running = 0, finished = 0;
    std::condition_variable cv;
    auto worker = [&] {
      std::unique_lock<std::mutex> lock(mu_);
      while (true) {
        cv.wait(lock, [&] { return !ready.empty() || running == 0 || failed_ || stopped_; });
        bool halt = ShouldStop();
        if (halt || ready.empty()) {
          if (running == 0 || halt) break;
          continue;
        }
        size_t id = ready.front();
        ready.pop_front();
        ++running;
        lock.unlock();
        bool ok = RunTask(tasks_[id]);
        lock.lock();
        --running;
        ++finished;
        if (ok) {
          ++result_.operations_done;
          if (!tasks_[id].cleanup) settled_.insert(tasks_[id].change->logical_id);
          for (size_t dependent : tasks_[id].dependents) {
            if (--tasks_[dependent].waiting == 0) ready.push_back(dependent);
          }
        }
        cv.notify_all();
      }
      cv.notify_all();
    };
    size_t threads = std::max<size_t>(1, std::min<size_t>(options_.parallelism, ids.size()));
    std::vector<std::thread> pool;
    for (size_t i = 0; i < threads; ++i) pool.emplace_back(worker);
    for (auto& thread : pool) thread.join();
    std::lock_guard<std::mutex> lock(mu_);
    if (!failed_ && !stopped_ && finished < ids.size()) {
      RecordFailure(nullptr, "internal error: " + std::to_string(ids.size() - finished) +
                                 " operation(s) never became ready (a dependency cycle?)");
    }
  }

  // Records the first failure. Caller holds mu_.
  void RecordFailure(const ResourceChange* change, const std::string& message) {
    if (!failed_) {
      result_.error = change ? change->logical_id + ": " + message : message;
    }
    failed_ = true;
  }

  void Progress(const ResourceChange& change, const std::string& operation,
                const std::string& status, const std::string& physical_id,
                const std::string& message, int64_t elapsed_ms) {
    if (!hooks_.progress) return;
    hooks_.progress(ProgressEvent{change_.name, change.logical_id, change.type, operation, status,
                                  physical_id, message, elapsed_ms});
  }

  Status Journal(const std::string& kind, const ResourceChange& change,
                 const std::string& operation, const std::string& physical_id,
                 const std::string& status, const std::string& reason,
                 nlohmann::json detail = nlohmann::json::object()) {
    if (!hooks_.journal) return {};
    stackapi::JournalEntry entry;
    entry.kind = kind;
    entry.apply_id = options_.apply_id;
    entry.logical_id = change.logical_id;
    entry.type = change.type;
    entry.operation = operation;
    entry.physical_id = physical_id;
    entry.status = status;
    entry.reason = reason;
    entry.detail = std::move(detail);
    return hooks_.journal(std::move(entry));
  }

  // One journaled provider call: op-begin (durable first), the call, op-end or op-fail.
  // `call` returns the resulting state (Delete returns an absent state).
  template <class Call>
  Result<provider::LiveState> Journaled(const ResourceChange& change, const std::string& operation,
                                        const std::string& physical_id, const std::string& verb,
                                        nlohmann::json detail, const std::string& note, Call call) {
    const std::string in_progress = verb + "_IN_PROGRESS";
    if (auto journaled = Journal("op-begin", change, operation, physical_id, in_progress, note,
                                 std::move(detail));
        !journaled) {
      return tl::unexpected(journaled.error());
    }
    Progress(change, operation, in_progress, physical_id, note, 0);
    auto start = Clock::now();
    Result<provider::LiveState> state = call();
    int64_t elapsed = MsSince(start);
    if (!state) {
      Journal("op-fail", change, operation, physical_id, verb + "_FAILED", state.error().message);
      Progress(change, operation, verb + "_FAILED", physical_id, state.error().message, elapsed);
      return state;
    }
    nlohmann::json end = {{"state", StateToJson(*state)}};
    if (auto journaled = Journal("op-end", change, operation, physical_id, verb + "_COMPLETE", note,
                                 std::move(end));
        !journaled) {
      return tl::unexpected(journaled.error());
    }
    Progress(change, operation, verb + "_COMPLETE", physical_id, note, elapsed);
    return state;
  }

  provider::OperationContext Context(const ResourceChange& change) {
    provider::OperationContext context;
    context.stack_name = change_.stack_name;
    context.logical_id = change.logical_id;
    return context;
  }

  Result<provider::LiveState> Create(const ResourceChange& change, provider::Provider& provider,
                                     const std::string& physical_id, const Value& properties) {
    provider::CreateRequest request{Context(change), physical_id, properties};
    return Journaled(change, "create", physical_id, "CREATE",
                     {{"properties", properties.ToTaggedJson()}}, "",
                     [&] { return provider.Create(request); });
  }

  Result<provider::LiveState> Delete(const ResourceChange& change, provider::Provider& provider,
                                     const std::string& physical_id, const Value& properties) {
    provider::DeleteRequest request{Context(change), physical_id, properties};
    return Journaled(change, "delete", physical_id, "DELETE", nlohmann::json::object(), "",
                     [&]() -> Result<provider::LiveState> {
                       if (auto deleted = provider.Delete(request); !deleted)
                         return tl::unexpected(deleted.error());
                       provider::LiveState gone;
                       gone.physical_id = physical_id;
                       return gone;
                     });
  }

  // Updates in place from `from` to `to`, one journaled call per step. Returns the last state.
  Result<provider::LiveState> Update(const ResourceChange& change, provider::Provider& provider,
                                     const std::string& physical_id, const Value& from,
                                     const Value& to) {
    auto steps = provider.PlanUpdate(from, to);
    if (!steps) return tl::unexpected(steps.error());
    Value current = from;
    provider::LiveState state;
    state.exists = true;
    state.physical_id = physical_id;
    for (const auto& step : *steps) {
      provider::UpdateRequest request{Context(change), physical_id, current, step.properties};
      auto updated =
          Journaled(change, "update", physical_id, "UPDATE",
                    {{"before", current.ToTaggedJson()}, {"after", step.properties.ToTaggedJson()}},
                    step.description, [&] { return provider.Update(request); });
      if (!updated) return updated;
      state = std::move(*updated);
      current = step.properties;
    }
    if (steps->empty()) {  // nothing the backend needs: the record still moves to `to`
      Progress(change, "update", "UPDATE_COMPLETE", physical_id, "no call needed", 0);
    }
    return state;
  }

  // The properties to act on: the desired ones, resolved again if they hold Unknowns.
  Result<Value> Desired(const ResourceChange& change) {
    if (change.desired.IsFullyKnown()) return change.desired;
    if (!hooks_.resolve) {
      return sf::Fail(ErrorCode::kInternal,
                      "its properties are not known and nothing resolves them");
    }
    stackapi::StackRecord snapshot;
    std::set<std::string> settled;
    {
      std::lock_guard<std::mutex> lock(mu_);
      snapshot = result_.record;
      settled = settled_;
    }
    auto resolved = hooks_.resolve(change.logical_id, snapshot, settled);
    if (resolved && !resolved->IsFullyKnown()) {
      return sf::Fail(ErrorCode::kInternal,
                      "its properties are still not known after its "
                      "dependencies were applied");
    }
    return resolved;
  }

  void SetRecord(const ResourceChange& change, const provider::LiveState& state,
                 const Value& properties, const std::string& status) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& resources = result_.record.resources;
    auto existing = resources.find(change.logical_id);
    stackapi::ResourceRecord entry =
        existing != resources.end() ? existing->second : stackapi::ResourceRecord{};
    ApplyState(entry, change, state, properties, status);
    resources[change.logical_id] = std::move(entry);
  }

  std::optional<stackapi::ResourceRecord> RecordOf(const std::string& logical_id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = result_.record.resources.find(logical_id);
    if (it == result_.record.resources.end()) return std::nullopt;
    return it->second;
  }

  void PushUndo(Undo undo) {
    std::lock_guard<std::mutex> lock(mu_);
    undo_.push_back(std::move(undo));
  }

  bool RunTask(const Task& task) {
    const ResourceChange& change = *task.change;
    provider::Provider* provider = providers_.Find(change.type);
    Status outcome = task.cleanup ? Cleanup(change, provider) : Main(change, provider);
    if (!outcome) {
      std::lock_guard<std::mutex> lock(mu_);
      if (task.cleanup) failed_in_cleanup_ = true;
      RecordFailure(&change, outcome.error().message);
      return false;
    }
    return true;
  }

  Status Main(const ResourceChange& change, provider::Provider* provider) {
    if (provider == nullptr)
      return sf::Fail(ErrorCode::kInvalidArgument, change.type + ": no provider");
    auto desired = Desired(change);
    if (!desired) return tl::unexpected(desired.error());
    auto previous = RecordOf(change.logical_id);
    if (change.action == Action::kAdd) {
      std::string physical_id = change.new_physical_id.empty()
                                    ? provider->GenerateName(change_.stack_name, change.logical_id)
                                    : change.new_physical_id;
      return CreateTracked(change, *provider, physical_id, *desired, previous);
    }
    if (change.action == Action::kModify) {
      if (!previous) return sf::Fail(ErrorCode::kInternal, "modified but not in the record");
      Value from = BeforeProperties(*previous, change);
      auto updated = Update(change, *provider, previous->physical_id, from, *desired);
      if (!updated) return tl::unexpected(updated.error());
      SetRecord(change, *updated, *desired, "UPDATE_COMPLETE");
      PushUndo(
          {Undo::Kind::kRevertUpdate, &change, previous->physical_id, *desired, from, previous});
      return {};
    }
    // Replace.
    if (!previous) return sf::Fail(ErrorCode::kInternal, "replaced but not in the record");
    Value old_properties = RecordedProperties(*previous);
    std::string physical_id = change.new_physical_id;
    if (change.delete_first) {
      physical_id = previous->physical_id;
      auto deleted = Delete(change, *provider, previous->physical_id, old_properties);
      if (!deleted) return tl::unexpected(deleted.error());
      PushUndo({Undo::Kind::kRecreate, &change, previous->physical_id, Value(), old_properties,
                previous});
    } else if (physical_id.empty() || physical_id == previous->physical_id) {
      physical_id = provider->GenerateName(change_.stack_name, change.logical_id);
    }
    return CreateTracked(change, *provider, physical_id, *desired, previous);
  }

  // Creates, records and remembers how to undo. A create that failed may still have created
  // the resource (it failed after the backend acted). The plan checked that the name was free
  // and the stack is locked, so a resource of that name now is this apply's: it is recorded
  // (CREATE_FAILED) and rollback deletes it, so the record never loses something that exists.
  Status CreateTracked(const ResourceChange& change, provider::Provider& provider,
                       const std::string& physical_id, const Value& properties,
                       const std::optional<stackapi::ResourceRecord>& previous) {
    auto created = Create(change, provider, physical_id, properties);
    if (created) {
      SetRecord(change, *created, properties, "CREATE_COMPLETE");
      PushUndo({Undo::Kind::kDeleteCreated, &change, physical_id, properties, Value(), previous});
      return {};
    }
    std::vector<std::string> ids{physical_id};
    auto live = provider.Read(ids);
    if (live.size() == 1 && live.front() && live.front()->exists) {
      SetRecord(change, *live.front(), properties, "CREATE_FAILED");
      PushUndo({Undo::Kind::kDeleteCreated, &change, physical_id, properties, Value(), previous});
    }
    return tl::unexpected(created.error());
  }

  Status Cleanup(const ResourceChange& change, provider::Provider* provider) {
    if (provider == nullptr)
      return sf::Fail(ErrorCode::kInvalidArgument, change.type + ": no provider");
    auto original = before_.resources.find(change.logical_id);
    if (original == before_.resources.end()) return {};  // never existed
    const auto& old = original->second;
    auto deleted = Delete(change, *provider, old.physical_id, RecordedProperties(old));
    if (!deleted) {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = result_.record.resources.find(change.logical_id);
      if (it != result_.record.resources.end() && it->second.physical_id == old.physical_id)
        it->second.status = "DELETE_FAILED";
      return tl::unexpected(deleted.error());
    }
    std::lock_guard<std::mutex> lock(mu_);
    auto it = result_.record.resources.find(change.logical_id);
    if (it != result_.record.resources.end() && it->second.physical_id == old.physical_id)
      result_.record.resources.erase(it);
    return {};
  }

  void Retain(const ResourceChange& change) {
    auto old = before_.resources.find(change.logical_id);
    std::string physical_id = old != before_.resources.end() ? old->second.physical_id : "";
    Journal("op-end", change, "retain", physical_id, "DELETE_SKIPPED",
            "DeletionPolicy Retain: kept, no longer managed");
    Progress(change, "retain", "DELETE_SKIPPED", physical_id, "DeletionPolicy Retain", 0);
    std::lock_guard<std::mutex> lock(mu_);
    result_.record.resources.erase(change.logical_id);
    result_.retained.push_back(change.logical_id);
  }

  // Undoes the completed main-phase operations, newest first, one at a time.
  void RollBack() {
    stackapi::JournalEntry begin;
    begin.kind = "rollback-begin";
    begin.apply_id = options_.apply_id;
    begin.reason = result_.error;
    if (hooks_.journal) hooks_.journal(begin);
    for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
      const Undo& undo = *it;
      const ResourceChange& change = *undo.change;
      provider::Provider* provider = providers_.Find(change.type);
      Result<provider::LiveState> done = sf::Fail(ErrorCode::kInternal, "no provider");
      if (provider != nullptr) {
        switch (undo.kind) {
          case Undo::Kind::kDeleteCreated:
            done = Delete(change, *provider, undo.physical_id, undo.from);
            break;
          case Undo::Kind::kRevertUpdate:
            done = Update(change, *provider, undo.physical_id, undo.from, undo.to);
            break;
          case Undo::Kind::kRecreate:
            done = Create(change, *provider, undo.physical_id, undo.to);
            break;
        }
      }
      if (!done) {
        result_.rollback_errors.push_back(change.logical_id + ": " + done.error().message);
        continue;  // the record keeps what exists
      }
      std::lock_guard<std::mutex> lock(mu_);
      auto& resources = result_.record.resources;
      if (undo.kind == Undo::Kind::kDeleteCreated) {
        if (undo.previous) {
          resources[change.logical_id] = *undo.previous;  // a create-first replacement's original
        } else {
          resources.erase(change.logical_id);
        }
      } else if (undo.previous) {
        stackapi::ResourceRecord entry = *undo.previous;
        if (undo.kind == Undo::Kind::kRecreate) {
          entry.created_ms = done->created_ms;
          entry.incarnation = done->incarnation;
        }
        resources[change.logical_id] = std::move(entry);
      }
    }
  }

  const plan::StackChange& change_;
  const stackapi::StackRecord& before_;
  provider::ProviderRegistry& providers_;
  const ApplyHooks& hooks_;
  const ExecutorOptions& options_;
  std::mutex mu_;
  std::vector<Task> tasks_;
  std::vector<size_t> main_, cleanup_;
  std::vector<Undo> undo_;         // guarded by mu_; in completion order
  std::set<std::string> settled_;  // guarded by mu_: main-phase operations completed
  bool failed_ = false;            // guarded by mu_ (read racily only to stop early)
  bool failed_in_cleanup_ = false;
  bool stopped_ = false;
  StackResult result_;
};

}  // namespace

StackResult ExecuteStack(const plan::StackChange& change, const stackapi::StackRecord& record,
                         provider::ProviderRegistry& providers, const ApplyHooks& hooks,
                         const ExecutorOptions& options) {
  StackRun run(change, record, providers, hooks, options);
  return run.Run();
}

}  // namespace sf::apply
