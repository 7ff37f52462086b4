#include "controller/session.h"

#include <algorithm>
#include <ctime>
#include <filesystem>

#include "apply/journal_fold.h"
#include "base/strings.h"

namespace sf::controller {

namespace {

constexpr int64_t kLockTtlMs = 120000;

std::string Clock(int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%H:%M:%S", &tm);
  return text;
}

}  // namespace

ControllerError FromState(const state::StateError& error, const std::string& doing) {
  ControllerError out;
  if (error.type == "ConnectionError") {
    out.kind = ControllerError::Kind::kNotRunning;
    out.message = error.message;
    return out;
  }
  out.kind = ControllerError::Kind::kFailed;
  out.message = doing + ": " + error.type + ": " + error.message;
  return out;
}

std::string StackNameOf(const Target& target, const std::string& stack) {
  return target.project->StackName(*target.stage, stack);
}

StageSession::StageSession(const Target& target)
    : target_(target),
      client_(target.endpoint),
      artifacts_(target.stage != nullptr ? target.stage->git_ref : "") {}

StageSession::~StageSession() { ReleaseLocks(); }

ControllerResult<std::unique_ptr<StageSession>> StageSession::Open(const Target& target,
                                                                   std::vector<std::string> stacks,
                                                                   const std::string& operation,
                                                                   bool lock) {
  std::unique_ptr<StageSession> session(new StageSession(target));
  std::vector<std::string> known;
  for (const auto& entry : target.project->stacks) known.push_back(entry.name);
  for (const auto& name : stacks) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      ControllerError error;
      error.message = "unknown stack '" + name + "'; the project's stacks are " + Join(known, ", ");
      return tl::unexpected(error);
    }
  }
  // Stack order: the project's order is refined by the planner's dependency order; locks go in
  // the project's order, which is the same for every session, so two sessions cannot deadlock.
  for (const auto& name : known) {
    if (stacks.empty() || std::find(stacks.begin(), stacks.end(), name) != stacks.end())
      session->stacks_.push_back(name);
  }
  if (lock) {
    if (auto locked = session->Lock(operation); !locked) return tl::unexpected(locked.error());
  }
  if (auto read = session->Refresh(); !read) return tl::unexpected(read.error());
  return session;
}

ControllerResult<bool> StageSession::Lock(const std::string& operation) {
  for (const auto& stack : stacks_) {
    std::string name = StackNameOf(target_, stack);
    auto lease =
        state::LockLease::Acquire(target_.endpoint, name, target_.owner, operation, kLockTtlMs);
    if (!lease) {
      ReleaseLocks();
      if (lease.error().type != "StackLocked")
        return tl::unexpected(FromState(lease.error(), "locking " + name));
      ControllerError error;
      error.kind = ControllerError::Kind::kLocked;
      auto holder = stackapi::LockInfoFromJson(lease.error().body.value("lock", nlohmann::json()));
      if (holder) {
        error.message = "stack " + name + " is locked by " + holder->owner + " (" +
                        holder->operation + ") since " + Clock(holder->acquired_ms) + " (expires " +
                        Clock(holder->expires_ms) + ")";
      } else {
        error.message = "stack " + name + " is locked: " + lease.error().message;
      }
      return tl::unexpected(error);
    }
    leases_[name] = std::move(*lease);
  }
  return true;
}

ControllerResult<bool> StageSession::Refresh() {
  auto read = FetchStageState(client_, *target_.project, *target_.stage);
  if (!read) return tl::unexpected(FromState(read.error(), "reading the stage's stacks"));
  state_ = std::move(*read);
  return true;
}

std::string StageSession::lock_id(const std::string& stack_name) const {
  auto it = leases_.find(stack_name);
  return it == leases_.end() ? "" : it->second->info().lock_id;
}

bool StageSession::lock_lost() const {
  for (const auto& [name, lease] : leases_) {
    if (lease->lost()) return true;
  }
  return false;
}

void StageSession::ReleaseLocks() {
  for (auto& [name, lease] : leases_) lease->Release();
  leases_.clear();
}

ControllerResult<SettledApply> StageSession::SettleOpenApply(const std::string& name) {
  const stackapi::StackRecord& record = state_.records.at(name);
  std::vector<stackapi::JournalEntry> entries;
  int64_t after = 0;
  while (true) {  // the whole journal of the stack, in pages
    auto page = client_.Events(name, after, 1000);
    if (!page) return tl::unexpected(FromState(page.error(), "reading the journal of " + name));
    if (page->empty()) break;
    after = page->back().seq;
    for (auto& entry : *page) entries.push_back(std::move(entry));
  }
  SettledApply out;
  apply::FoldResult folded = apply::FoldJournal(record, entries, record.open_apply);
  out.note = name + ": apply " + record.open_apply + " did not finish (" +
             std::to_string(folded.completed) + " operation(s) completed)";
  for (const auto& begin : folded.in_doubt) {
    provider::Provider* provider = target_.providers->Find(begin.type);
    if (provider == nullptr) continue;
    std::vector<std::string> ids{begin.physical_id};
    auto live = provider->Read(ids);
    if (live.empty() || !live.front()) {
      ControllerError error;
      error.message = "cannot read " + begin.physical_id + " to settle an interrupted " +
                      begin.operation + ": " +
                      (live.empty() ? std::string("no answer") : live.front().error().message);
      return tl::unexpected(error);
    }
    out.note += "; " + apply::SettleInDoubt(folded.record, begin, *live.front());
  }
  out.record = std::move(folded.record);
  return out;
}

ControllerResult<std::vector<std::string>> StageSession::RecoverInterrupted() {
  std::vector<std::string> notes;
  for (const auto& stack : stacks_) {
    std::string name = StackNameOf(target_, stack);
    auto found = state_.records.find(name);
    if (found == state_.records.end() || found->second.open_apply.empty()) continue;
    const stackapi::StackRecord& record = found->second;
    auto settled = SettleOpenApply(name);
    if (!settled) return tl::unexpected(settled.error());
    settled->record.open_apply.clear();
    settled->record.status =
        record.status == "CREATE_IN_PROGRESS" ? "CREATE_FAILED" : "UPDATE_FAILED";
    auto put = client_.PutStack(name, lock_id(name), record.revision, settled->record);
    if (!put)
      return tl::unexpected(FromState(put.error(), "recording the recovered state of " + name));
    settled->record.revision = *put;
    state_.records[name] = std::move(settled->record);
    notes.push_back(settled->note);
  }
  return notes;
}

ControllerResult<plan::PlanResult> StageSession::Plan(bool destroy, Diagnostics& diagnostics) {
  plan::PlanInput input;
  input.project = target_.project;
  input.stage = target_.stage;
  input.stacks = stacks_;
  input.records = state_.records;
  input.exports = state_.exports;
  input.providers = target_.providers;
  input.destroy = destroy;
  input.code_artifact = [this](const std::string& dir) { return artifacts_.Code(dir); };
  input.target_region = target_.region;
  input.target_account = target_.account;
  plan::PlanResult result = plan::Plan(input, diagnostics);
  // "<code dir>: <text>", the directory shown relative to the current one when it is inside.
  auto located = [](const std::string& line) -> std::pair<SourceLocation, std::string> {
    std::string dir = line.substr(0, line.find(": "));
    std::error_code error;
    std::string relative = std::filesystem::relative(dir, error).generic_string();
    if (!error && !relative.empty() && relative.rfind("..", 0) != 0) dir = relative;
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    return {{dir, 0, 0}, line.substr(line.find(": ") + 2)};
  };
  for (const auto& problem : artifacts_.problems()) {
    auto [where, text] = located(problem);
    diagnostics.Error(where, "code-package", "cannot package the function code: " + text);
  }
  for (const auto& warning : artifacts_.warnings()) {
    auto [where, text] = located(warning);
    diagnostics.Warning(where, "code-uncommitted", text);
  }
  return result;
}

}  // namespace sf::controller
