#include "controller/destroy_checks.h"

#include <algorithm>
#include <set>

namespace sf::controller {

namespace {

std::string Count(int64_t n, const std::string& unit) {
  return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
}

std::string Bytes(int64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return text;
}

// Visits each resource the destroy deletes (retained ones are left alone).
template <class Visit>
void ForEachDeleted(const plan::Changeset& changeset, Visit visit) {
  for (const auto& stack : changeset.stacks) {
    for (const auto& resource : stack.resources) {
      if (resource.action == plan::Action::kRemove && !resource.retain) visit(resource);
    }
  }
}

}  // namespace

std::vector<std::string> DestroyRefusals(StageSession& session, const plan::Changeset& changeset,
                                         const DestroyOptions& options) {
  std::vector<std::string> reasons;
  const Target& target = session.target();
  const std::string& stage = target.stage->name;
  bool protected_stage = target.stage->is_protected;
  std::set<std::string> in_scope;
  for (const auto& stack : session.stacks()) {
    std::string name = StackNameOf(target, stack);
    in_scope.insert(name);
    auto record = session.state().records.find(name);
    if (record != session.state().records.end() && record->second.protected_stage)
      protected_stage = true;
  }
  if (protected_stage && options.force_stage != stage) {
    reasons.push_back("stage " + stage + " is protected; to destroy it anyway pass --force " +
                      stage);
  }
  for (const auto& entry : session.state().exports) {
    if (in_scope.count(entry.stack) == 0) continue;
    for (const auto& importer : entry.importers) {
      if (in_scope.count(importer) == 0) {
        reasons.push_back("export " + entry.name + " of " + entry.stack + " is imported by " +
                          importer + "; destroy " + importer + " first (or with it)");
      }
    }
  }
  if (!options.empty_buckets) {
    ForEachDeleted(changeset, [&](const plan::ResourceChange& resource) {
      provider::Provider* provider = target.providers->Find(resource.type);
      if (provider == nullptr) return;
      auto held = provider->DataHeld(resource.physical_id);
      if (!held || !held->known || (held->objects == 0 && held->open_uploads == 0)) return;
      std::string what = (held->at_least ? "at least " : "") + Count(held->objects, "object") +
                         " (" + Bytes(held->bytes) + ")";
      if (held->open_uploads > 0) what += " and " + Count(held->open_uploads, "open upload");
      reasons.push_back(resource.physical_id + " (" + resource.stack + "/" + resource.logical_id +
                        ") holds " + what + "; pass --empty-buckets to delete them with it");
    });
  }
  return reasons;
}

Result<std::vector<std::string>> EmptyRemovedResources(StageSession& session,
                                                       const plan::Changeset& changeset) {
  std::vector<std::string> notes;
  std::optional<Error> failure;
  ForEachDeleted(changeset, [&](const plan::ResourceChange& resource) {
    if (failure) return;
    provider::Provider* provider = session.target().providers->Find(resource.type);
    if (provider == nullptr) return;
    auto held = provider->DataHeld(resource.physical_id);
    if (!held || !held->known || (held->objects == 0 && held->open_uploads == 0)) return;
    if (auto emptied = provider->Empty(resource.physical_id); !emptied) {
      failure = Error{emptied.error().code,
                      "emptying " + resource.physical_id + ": " + emptied.error().message};
      return;
    }
    notes.push_back("emptied " + resource.physical_id + ": " + (held->at_least ? "at least " : "") +
                    Count(held->objects, "object") + " (" + Bytes(held->bytes) + ")");
  });
  if (failure) return tl::unexpected(*failure);
  return notes;
}

}  // namespace sf::controller
