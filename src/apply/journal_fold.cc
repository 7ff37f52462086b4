#include "apply/journal_fold.h"

#include <map>

#include "apply/resource_state.h"

namespace sf::apply {

namespace {

// Creation times may be reported at second granularity (S3 listings): a resource created up to
// this long before the op-begin's stamp still counts as this apply's.
constexpr int64_t kClockGrainMs = 1000;

std::string Key(const stackapi::JournalEntry& entry) {
  return entry.logical_id + "\n" + entry.operation + "\n" + entry.physical_id;
}

// The record entry for a create that happened: the properties it was created with and what
// the resource reports.
void Adopt(stackapi::StackRecord& record, const stackapi::JournalEntry& begin,
           const provider::LiveState& state) {
  stackapi::ResourceRecord& entry = record.resources[begin.logical_id];
  entry.logical_id = begin.logical_id;
  entry.type = begin.type;
  entry.physical_id = begin.physical_id;
  entry.status = "CREATE_COMPLETE";
  entry.properties = begin.detail.value("properties", nlohmann::json::object());
  nlohmann::json attributes = nlohmann::json::object();
  for (const auto& [name, value] : state.attributes) attributes[name] = value.ToJson();
  entry.attributes = attributes;
  entry.created_ms = state.created_ms;
  entry.incarnation = state.incarnation;
}

void Forget(stackapi::StackRecord& record, const stackapi::JournalEntry& entry) {
  auto it = record.resources.find(entry.logical_id);
  if (it != record.resources.end() && it->second.physical_id == entry.physical_id)
    record.resources.erase(it);
}

}  // namespace

FoldResult FoldJournal(const stackapi::StackRecord& record,
                       const std::vector<stackapi::JournalEntry>& entries,
                       const std::string& apply_id) {
  FoldResult out;
  out.record = record;
  std::map<std::string, stackapi::JournalEntry> open;  // op-begins waiting for their end
  std::vector<std::string> order;
  for (const auto& entry : entries) {
    if (entry.apply_id != apply_id) continue;
    if (entry.kind == "op-begin") {
      if (open.emplace(Key(entry), entry).second) order.push_back(Key(entry));
      continue;
    }
    if (entry.kind == "op-fail") {
      open.erase(Key(entry));
      ++out.completed;
      continue;
    }
    if (entry.kind != "op-end") continue;
    ++out.completed;
    if (entry.operation == "retain") {
      Forget(out.record, entry);
      continue;
    }
    auto begin = open.find(Key(entry));
    if (begin == open.end()) continue;  // an end without a begin: nothing to fold
    auto state = StateFromJson(entry.detail.value("state", nlohmann::json::object()));
    if (entry.operation == "create" && state) {
      Adopt(out.record, begin->second, *state);
    } else if (entry.operation == "update") {
      auto it = out.record.resources.find(entry.logical_id);
      if (it != out.record.resources.end()) {
        it->second.properties = begin->second.detail.value("after", it->second.properties);
        it->second.status = "UPDATE_COMPLETE";
      }
    } else if (entry.operation == "delete") {
      Forget(out.record, entry);
    }
    open.erase(begin);
  }
  for (const auto& key : order) {
    auto it = open.find(key);
    if (it != open.end()) out.in_doubt.push_back(it->second);
  }
  return out;
}

std::string SettleInDoubt(stackapi::StackRecord& record, const stackapi::JournalEntry& begin,
                          const provider::LiveState& live) {
  const std::string what =
      begin.logical_id + " (" + begin.operation + " " + begin.physical_id + ")";
  if (begin.operation == "create") {
    if (live.exists && live.created_ms + kClockGrainMs >= begin.time_ms) {
      Adopt(record, begin, live);
      return what + ": it happened; recorded";
    }
    if (live.exists) return what + ": a resource of that name predates the attempt; not adopted";
    return what + ": it did not happen";
  }
  if (begin.operation == "delete") {
    if (!live.exists) {
      Forget(record, begin);
      return what + ": it happened; forgotten";
    }
    return what + ": it did not happen";
  }
  return what + ": the next plan compares the live state with the template";
}

}  // namespace sf::apply
