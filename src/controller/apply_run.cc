#include "controller/apply_run.h"

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>

#include "apply/undo_change.h"
#include "auth/crypto.h"
#include "base/file_io.h"
#include "state/journal_writer.h"

namespace sf::controller {

namespace {

std::string TemplatePath(const Project& project, const std::string& stack) {
  for (const auto& entry : project.stacks) {
    if (entry.name == stack) {
      return (std::filesystem::path(project.directory) / entry.template_path)
          .lexically_normal()
          .string();
    }
  }
  return "";
}

const StackEntry* EntryOf(const Project& project, const std::string& stack) {
  for (const auto& entry : project.stacks) {
    if (entry.name == stack) return &entry;
  }
  return nullptr;
}

// True when a stack needs no apply at all: nothing changes and its record already holds this
// template.
bool NothingToDo(const plan::StackChange& change, const StageState& state) {
  auto record = state.records.find(change.stack_name);
  if (record == state.records.end()) return false;
  return change.resources.empty() && change.outputs.empty() && !change.protection_change &&
         record->second.tmpl.digest == change.template_digest;
}

// Completes the executor's working record for storage: the template, parameters, outputs,
// imports and each resource's policy and dependencies, from the templates resolved against
// what now exists.
Status CompleteRecord(stackapi::StackRecord& record, const Target& target,
                      const plan::StackChange& change, const StageState& state) {
  const Project& project = *target.project;
  record.name = change.stack_name;
  record.project = project.name;
  record.stage = target.stage->name;
  record.stack = change.name;
  record.protected_stage = target.stage->is_protected;
  const StackEntry* entry = EntryOf(project, change.name);
  record.tmpl.path = entry ? entry->template_path : "";
  auto text = ReadFile(TemplatePath(project, change.name));
  if (!text) return tl::unexpected(text.error());
  record.tmpl.text = *text;
  record.tmpl.digest = "sha256:" + auth::Sha256Hex(*text);

  auto records = state.records;
  records[record.name] = record;
  Diagnostics diagnostics;
  StackSet set = ResolveApplied(target, records, state.exports, diagnostics);
  const ResolvedStack* resolved = set.FindStack(change.name);
  if (resolved == nullptr) return Fail(ErrorCode::kInternal, "stack " + change.name + " vanished");
  nlohmann::json parameters = nlohmann::json::object();
  for (const auto& [name, value] : resolved->parameters) {
    if (name.rfind("AWS::", 0) != 0) parameters[name] = value.ToTaggedJson();
  }
  record.parameters = parameters;
  for (const auto& resource : resolved->resources) {
    auto it = record.resources.find(resource.logical_id);
    if (it == record.resources.end()) continue;
    it->second.deletion_policy = resource.deletion_policy;
    it->second.depends_on = resource.depends_on;
  }
  record.outputs.clear();
  for (const auto& output : resolved->outputs) {
    if (!output.enabled) continue;
    stackapi::OutputRecord out;
    out.name = output.name;
    out.value = output.value.ToTaggedJson();
    out.export_name = output.export_name;
    for (const auto& source : resolved->tmpl->outputs) {
      if (source.name == output.name) out.description = source.description;
    }
    record.outputs.push_back(std::move(out));
  }
  record.imports = resolved->import_names;
  return {};
}

// The executor's journal: each entry durable in the engine before the executor goes on.
std::function<Status(stackapi::JournalEntry)> JournalHook(state::JournalWriter& journal) {
  return [&journal](stackapi::JournalEntry entry) -> Status {
    auto appended = journal.Append(std::move(entry));
    if (!appended) {
      return Fail(ErrorCode::kIo, "the journal could not be written: " + appended.error().type +
                                      ": " + appended.error().message);
    }
    return {};
  };
}

apply::ApplyHooks Hooks(StageSession& session, const plan::StackChange& change,
                        state::JournalWriter& journal, const ApplyRunOptions& options) {
  apply::ApplyHooks hooks;
  hooks.journal = JournalHook(journal);
  const Target& target = session.target();
  StageState& state = session.state();
  // Resolving means resolving the whole project again, so each resolution keeps the
  // properties of every resource whose changing dependencies have all settled: their values
  // can no longer change in this apply. Later calls reuse them, so an apply resolves about
  // once per wave of dependencies, not once per resource.
  struct Resolved {
    std::mutex mu;
    std::map<std::string, Value> known;  // by logical id
  };
  auto cache = std::make_shared<Resolved>();
  std::set<std::string> changing;  // logical ids the main phase creates, updates or replaces
  for (const auto& resource : change.resources) {
    if (resource.action != plan::Action::kRemove) changing.insert(resource.logical_id);
  }
  CodeArtifacts& artifacts = session.artifacts();
  hooks.resolve = [&target, &state, &change, cache, changing, &artifacts](
                      const std::string& logical_id, const stackapi::StackRecord& now,
                      const std::set<std::string>& settled) -> Result<Value> {
    std::lock_guard<std::mutex> lock(cache->mu);
    if (auto hit = cache->known.find(logical_id); hit != cache->known.end()) return hit->second;
    auto records = state.records;
    records[change.stack_name] = now;
    Diagnostics diagnostics;
    StackSet set =
        ResolveApplied(target, records, state.exports, diagnostics,
                       [&artifacts](const std::string& dir) { return artifacts.Code(dir); });
    const ResolvedStack* stack = set.FindStack(change.name);
    if (stack == nullptr) return Fail(ErrorCode::kInternal, "stack " + change.name + " vanished");
    std::optional<Value> wanted;
    for (const auto& resource : stack->resources) {
      if (resource.logical_id == logical_id) wanted = resource.properties;
      bool final = resource.properties.IsFullyKnown();
      for (const auto& dependency : resource.depends_on) {
        final = final && (changing.count(dependency) == 0 || settled.count(dependency) != 0);
      }
      if (final) cache->known[resource.logical_id] = resource.properties;
    }
    if (!wanted) return Fail(ErrorCode::kInternal, logical_id + " is no longer in the template");
    return *wanted;
  };
  hooks.progress = options.progress;
  hooks.should_stop = [&session, &options] {
    return (options.interrupted && options.interrupted()) || session.lock_lost();
  };
  return hooks;
}

stackapi::JournalEntry Marker(const std::string& kind, const std::string& apply_id,
                              const std::string& status, const std::string& reason) {
  stackapi::JournalEntry entry;
  entry.kind = kind;
  entry.apply_id = apply_id;
  entry.status = status;
  entry.reason = reason;
  return entry;
}

}  // namespace

std::string NewApplyId() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  std::random_device random;
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%04x", random() & 0xffff);
  return std::string("a-") + stamp + "-" + suffix;
}

ControllerResult<ApplyReport> RunApply(StageSession& session, const plan::Changeset& changeset,
                                       const ApplyRunOptions& options) {
  ApplyReport report;
  report.apply_id = NewApplyId();
  const Target& target = session.target();
  StageState& state = session.state();
  // Function code first: every artifact the changeset refers to must be in the engine before a
  // function is created or updated from it.
  auto uploaded = session.artifacts().Upload(changeset, target.endpoint);
  if (!uploaded) {
    ControllerError error;
    error.message = uploaded.error().message;
    return tl::unexpected(error);
  }
  report.notes = std::move(*uploaded);
  std::vector<const plan::StackChange*> order;
  for (const auto& change : changeset.stacks) order.push_back(&change);

  for (const plan::StackChange* change : order) {
    if (!options.destroy && NothingToDo(*change, state)) continue;
    const std::string& name = change->stack_name;
    std::string lock_id = session.lock_id(name);
    stackapi::StackRecord record;
    auto existing = state.records.find(name);
    if (existing != state.records.end()) record = existing->second;
    const bool created = existing == state.records.end();
    if (created) {
      record.name = name;
      record.project = target.project->name;
      record.stage = target.stage->name;
      record.stack = change->name;
    }
    if (options.destroy && created) continue;  // nothing was ever applied

    // Open the apply on the record first: a crash from here on is recovered from the journal.
    stackapi::StackRecord opening = record;
    opening.open_apply = report.apply_id;
    opening.status = options.destroy ? "DELETE_IN_PROGRESS"
                     : created       ? "CREATE_IN_PROGRESS"
                                     : "UPDATE_IN_PROGRESS";
    if (created) {
      if (auto completed = CompleteRecord(opening, target, *change, state); !completed) {
        ControllerError error;
        error.message = completed.error().message;
        return tl::unexpected(error);
      }
      opening.resources.clear();
    }
    {
      auto put = session.client().PutStack(name, lock_id, record.revision, opening);
      if (!put) return tl::unexpected(FromState(put.error(), "opening the apply on " + name));
      opening.revision = *put;
    }
    state::JournalWriter journal(target.endpoint, name, lock_id);
    // The changeset goes into the journal with the apply: the stack's history of changesets.
    stackapi::JournalEntry begin = Marker("apply-begin", report.apply_id, opening.status,
                                          std::to_string(change->resources.size()) + " change(s)");
    plan::Changeset applied;
    applied.project = changeset.project;
    applied.stage = changeset.stage;
    applied.region = changeset.region;
    applied.stacks.push_back(*change);
    begin.detail = {{"changeset", plan::ToJson(applied)}};
    if (auto journaled = journal.Append(std::move(begin)); !journaled) {
      return tl::unexpected(FromState(journaled.error(), "journaling the apply of " + name));
    }

    apply::ExecutorOptions executor;
    executor.parallelism = options.parallelism;
    executor.rollback = options.rollback;
    executor.apply_id = report.apply_id;
    executor.new_stack = created;
    apply::StackResult result = apply::ExecuteStack(
        *change, opening, *target.providers, Hooks(session, *change, journal, options), executor);
    stackapi::StackRecord final_record = result.record;
    final_record.revision = opening.revision;
    std::string status = final_record.status;
    if (options.destroy && result.outcome == apply::Outcome::kComplete) status = "DELETE_COMPLETE";
    if (auto completed = CompleteRecord(final_record, target, *change, state); !completed) {
      report.notes.push_back("the record of " + name +
                             " lacks its outputs: " + completed.error().message);
    }
    final_record.status = status;
    if (result.outcome == apply::Outcome::kInterrupted) {
      final_record.open_apply = report.apply_id;
    } else {
      final_record.open_apply.clear();
      final_record.last_apply = report.apply_id;
    }
    if (options.destroy && result.outcome == apply::Outcome::kComplete) {
      final_record.outputs.clear();
      final_record.imports.clear();
    }
    auto put = session.client().PutStack(name, lock_id, opening.revision, final_record);
    if (!put) {
      return tl::unexpected(FromState(put.error(), "recording the result of the apply on " + name));
    }
    final_record.revision = *put;
    if (auto ended = journal.Append(Marker("apply-end", report.apply_id, final_record.status,
                                           apply::ToString(result.outcome)));
        !ended) {  // the record is written; only the event log misses its last line
      report.notes.push_back("the end of apply " + report.apply_id + " on " + name +
                             " is missing from the event log: " + ended.error().message);
    }
    if (options.destroy && result.outcome == apply::Outcome::kComplete) {
      if (auto deleted = session.client().DeleteStack(name, lock_id); !deleted) {
        return tl::unexpected(FromState(deleted.error(), "deleting the record of " + name));
      }
      state.records.erase(name);
    } else {
      state.records[name] = final_record;
    }
    report.outcome = result.outcome;
    result.record.status = final_record.status;  // what was stored (DELETE_COMPLETE, ...)
    report.stacks.push_back(StackOutcome{change->name, name, std::move(result)});
    if (report.outcome != apply::Outcome::kComplete) break;
  }
  return report;
}

ControllerResult<ApplyReport> RollBackInterrupted(StageSession& session,
                                                  const ApplyRunOptions& options) {
  ApplyReport report;
  report.apply_id = NewApplyId();
  const Target& target = session.target();
  StageState& state = session.state();
  for (const auto& stack : session.stacks()) {
    const std::string name = StackNameOf(target, stack);
    auto found = state.records.find(name);
    if (found == state.records.end() || found->second.open_apply.empty()) continue;
    const stackapi::StackRecord before = found->second;  // as the unfinished apply began
    auto settled = session.SettleOpenApply(name);
    if (!settled) return tl::unexpected(settled.error());
    report.notes.push_back(settled->note);
    plan::StackChange undo = apply::UndoChange(before, settled->record);
    // What the apply meant to delete may still exist (it stopped first): keep it as it is.
    std::vector<std::string> kept;
    std::erase_if(undo.resources, [&](const plan::ResourceChange& change) {
      if (change.action != plan::Action::kAdd) return false;
      provider::Provider* provider = target.providers->Find(change.type);
      if (provider == nullptr) return false;
      std::vector<std::string> ids{change.new_physical_id};
      auto live = provider->Read(ids);
      bool exists = live.size() == 1 && live.front() && live.front()->exists;
      if (exists) kept.push_back(change.logical_id);
      return exists;
    });

    const std::string lock_id = session.lock_id(name);
    stackapi::StackRecord opening = settled->record;
    opening.open_apply = report.apply_id;
    opening.status =
        before.resources.empty() ? "ROLLBACK_IN_PROGRESS" : "UPDATE_ROLLBACK_IN_PROGRESS";
    auto put = session.client().PutStack(name, lock_id, before.revision, opening);
    if (!put) return tl::unexpected(FromState(put.error(), "opening the rollback on " + name));
    opening.revision = *put;
    state::JournalWriter journal(target.endpoint, name, lock_id);
    if (auto journaled = journal.Append(Marker("rollback-begin", report.apply_id, opening.status,
                                               "undoing apply " + before.open_apply));
        !journaled) {
      return tl::unexpected(FromState(journaled.error(), "journaling the rollback of " + name));
    }
    apply::ExecutorOptions executor;
    executor.parallelism = options.parallelism;
    executor.rollback = false;  // an undo that fails is not undone in turn
    executor.apply_id = report.apply_id;
    apply::ApplyHooks hooks;
    hooks.journal = JournalHook(journal);
    hooks.progress = options.progress;
    apply::StackResult result =
        apply::ExecuteStack(undo, opening, *target.providers, hooks, executor);

    // The record as it was before the unfinished apply, with what exists now.
    stackapi::StackRecord final_record = before;
    final_record.resources = result.record.resources;
    for (const auto& id : kept) final_record.resources[id] = before.resources.at(id);
    final_record.open_apply.clear();
    final_record.last_apply = report.apply_id;
    const bool clean = result.outcome == apply::Outcome::kComplete;
    final_record.status = before.resources.empty()
                              ? (clean ? "ROLLBACK_COMPLETE" : "ROLLBACK_FAILED")
                              : (clean ? "UPDATE_ROLLBACK_COMPLETE" : "UPDATE_ROLLBACK_FAILED");
    result.record.status = final_record.status;
    auto written = session.client().PutStack(name, lock_id, opening.revision, final_record);
    if (!written)
      return tl::unexpected(FromState(written.error(), "recording the rollback of " + name));
    final_record.revision = *written;
    if (auto ended = journal.Append(Marker("apply-end", report.apply_id, final_record.status,
                                           apply::ToString(result.outcome)));
        !ended) {  // the record is written; only the event log misses its last line
      report.notes.push_back("the end of rollback " + report.apply_id + " on " + name +
                             " is missing from the event log: " + ended.error().message);
    }
    state.records[name] = final_record;
    report.outcome = clean ? apply::Outcome::kComplete : apply::Outcome::kRollbackFailed;
    report.stacks.push_back(StackOutcome{stack, name, std::move(result)});
    if (!clean) break;
  }
  return report;
}

}  // namespace sf::controller
