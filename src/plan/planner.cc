#include "plan/planner.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "base/diagnostics.h"
#include "base/strings.h"
#include "plan/cost_table.h"
#include "plan/data_impact.h"
#include "plan/diff.h"
#include "plan/digest.h"
#include "plan/live_reads.h"
#include "project/stack_set.h"
#include "schema/schema.h"

namespace sf::plan {

namespace {

namespace fs = std::filesystem;

std::string Key(const std::string& stack, const std::string& logical_id) {
  return stack + "/" + logical_id;
}

std::string IdKey(const std::string& type, const std::string& physical_id) {
  return type + "\n" + physical_id;
}

// One stack in scope.
struct ScopedStack {
  const StackEntry* entry = nullptr;
  std::string stack_name;
  const stackapi::StackRecord* record = nullptr;  // nullptr: none (or DELETE_COMPLETE)
  bool refused = false;                           // a type has no provider
};

// Recorded resources in dependency order (dependencies first).
std::vector<const stackapi::ResourceRecord*> RecordOrder(const stackapi::StackRecord& record) {
  Graph graph;
  for (const auto& [id, resource] : record.resources) graph.AddNode(id);
  for (const auto& [id, resource] : record.resources) {
    for (const auto& target : resource.depends_on) {
      if (record.resources.count(target) != 0) graph.AddEdge({id, target, "", {}});
    }
  }
  std::vector<const stackapi::ResourceRecord*> out;
  auto order = graph.TopologicalOrder();
  if (!order) {
    for (const auto& [id, resource] : record.resources) out.push_back(&resource);
    return out;
  }
  for (const auto& id : *order) out.push_back(&record.resources.at(id));
  return out;
}

class Planner {
 public:
  Planner(const PlanInput& input, Diagnostics& diagnostics)
      : in_(input), diagnostics_(diagnostics) {}

  PlanResult Run() {
    result_.changeset.project = in_.project->name;
    result_.changeset.stage = in_.stage->name;
    result_.changeset.region =
        in_.stage->region.empty() ? in_.project->default_region : in_.stage->region;
    if (!Scope()) return std::move(result_);
    if (in_.destroy) {
      Destroy();
    } else {
      Update();
    }
    Summarize();
    return std::move(result_);
  }

 private:
  // --- Scope and records ----------------------------------------------------------------

  bool Scope() {
    scoped_ = *in_.project;
    scoped_.stacks.clear();
    std::vector<std::string> names;
    for (const auto& entry : in_.project->stacks) names.push_back(entry.name);
    bool ok = true;
    for (const auto& wanted : in_.stacks) {
      if (std::find(names.begin(), names.end(), wanted) != names.end()) continue;
      diagnostics_.Error({in_.project->file, 0, 0}, "unknown-stack",
                         "the project has no stack named '" + wanted + "'", "",
                         DidYouMean(wanted, names));
      ok = false;
    }
    for (const auto& entry : in_.project->stacks) {
      if (!in_.stacks.empty() &&
          std::find(in_.stacks.begin(), in_.stacks.end(), entry.name) == in_.stacks.end()) {
        continue;
      }
      scoped_.stacks.push_back(entry);
      ScopedStack stack;
      stack.stack_name = in_.project->StackName(*in_.stage, entry.name);
      auto record = in_.records.find(stack.stack_name);
      if (record != in_.records.end() && record->second.status != "DELETE_COMPLETE")
        stack.record = &record->second;
      stacks_[entry.name] = stack;
    }
    for (const auto& entry : scoped_.stacks) stacks_[entry.name].entry = &entry;
    return ok;
  }

  const stackapi::ResourceRecord* Recorded(const std::string& stack,
                                           const std::string& logical_id) const {
    auto it = stacks_.find(stack);
    if (it == stacks_.end() || it->second.record == nullptr) return nullptr;
    return it->second.record->Find(logical_id);
  }

  // --- Providers and live state -----------------------------------------------------------

  // Refuses a stack holding a type with no provider (every such type is reported).
  void CheckProviders(ScopedStack& stack, const ResolvedStack* resolved) {
    std::map<std::string, SourceLocation> types;
    if (resolved != nullptr) {
      for (const auto& resource : resolved->resources) {
        if (!resource.enabled || resource.source == nullptr) continue;
        types.emplace(resource.type, resolved->tmpl->At(*resource.source->type_node));
      }
    }
    if (stack.record != nullptr) {
      for (const auto& [id, resource] : stack.record->resources)
        types.emplace(resource.type, SourceLocation{in_.project->file, 0, 0});
    }
    for (const auto& [type, location] : types) {
      if (in_.providers->Find(type) != nullptr) continue;
      diagnostics_.Error(location, "no-provider",
                         type + ": no provider yet (stack " + stack.entry->name + ")");
      stack.refused = true;
    }
  }

  // Reads every recorded resource of the stacks planned.
  void ReadRecorded() {
    std::vector<LiveKey> keys;
    std::vector<std::string> names;
    for (const auto& [name, stack] : stacks_) {
      if (stack.refused || stack.record == nullptr) continue;
      for (const auto& [id, resource] : stack.record->resources) {
        keys.push_back({resource.type, resource.physical_id});
        names.push_back(Key(name, id));
      }
    }
    auto read = ReadLive(*in_.providers, keys);
    for (size_t i = 0; i < keys.size(); ++i) {
      if (!read[i]) {
        ReadFailed(names[i], keys[i], read[i].error());
        continue;
      }
      recorded_live_[names[i]] = *read[i];
      by_id_[IdKey(keys[i].type, keys[i].physical_id)] = *read[i];
    }
  }

  // Reads what is not read yet among the names new resources will take.
  void ReadNewNames(const StackSet& set) {
    std::vector<LiveKey> keys;
    std::vector<std::string> names;
    for (const auto& resolved : set.stacks) {
      if (stacks_.at(resolved.name).refused) continue;
      for (const auto& resource : resolved.resources) {
        std::string name = FixedName(resource);
        if (name.empty() || by_id_.count(IdKey(resource.type, name)) != 0) continue;
        keys.push_back({resource.type, name});
        names.push_back(Key(resolved.name, resource.logical_id));
      }
    }
    auto read = ReadLive(*in_.providers, keys);
    for (size_t i = 0; i < keys.size(); ++i) {
      if (!read[i]) {
        ReadFailed(names[i], keys[i], read[i].error());
        continue;
      }
      by_id_[IdKey(keys[i].type, keys[i].physical_id)] = *read[i];
    }
  }

  void ReadFailed(const std::string& name, const LiveKey& key, const Error& error) {
    diagnostics_.Error({in_.project->file, 0, 0}, "live-read",
                       "could not read the live state of " + name + " (" + key.type + " " +
                           key.physical_id + "): " + error.message);
  }

  // The physical name the template gives a resource, when known ("" otherwise).
  std::string FixedName(const ResolvedResource& resource) const {
    if (!resource.enabled) return "";
    const provider::Provider* p = in_.providers->Find(resource.type);
    if (p == nullptr || p->name_property().empty()) return "";
    const Value* name = resource.properties.Find(p->name_property());
    if (name == nullptr || !name->IsFullyKnown()) return "";
    return name->AsString();
  }

  // --- Resolution -------------------------------------------------------------------------

  StackSetOptions Hooks() {
    StackSetOptions hooks;
    hooks.known = [this](const std::string& stack, const std::string& logical_id,
                         const std::string& attribute) -> std::optional<Value> {
      std::string key = Key(stack, logical_id);
      if (changing_.count(key) != 0) {
        auto predicted = predicted_.find(key);
        if (predicted == predicted_.end()) return std::nullopt;
        auto value = predicted->second.find(attribute);
        if (value == predicted->second.end()) return std::nullopt;
        return value->second;
      }
      const stackapi::ResourceRecord* record = Recorded(stack, logical_id);
      if (record == nullptr) return std::nullopt;
      if (!attribute.empty()) return RecordedAttribute(*record, attribute);
      if (record->physical_id.empty()) return std::nullopt;
      return Value::String(record->physical_id);
    };
    hooks.external_export = [this](const std::string& name) -> std::optional<Value> {
      for (const auto& entry : in_.exports) {
        if (entry.name == name) return Value::FromTaggedJson(entry.value);
      }
      return std::nullopt;
    };
    hooks.code_artifact = in_.code_artifact;
    hooks.target_region = in_.target_region;
    hooks.target_account = in_.target_account;
    return hooks;
  }

  // --- Planning an update -----------------------------------------------------------------

  using Diffs = std::map<std::string, std::vector<ResourceDiff>>;  // by stack name

  void Update() {
    StackSetOptions hooks = Hooks();
    StackSet set = BuildProjectStackSet(scoped_, *in_.stage, hooks, diagnostics_);
    if (diagnostics_.has_errors()) return;
    for (auto& [name, stack] : stacks_) CheckProviders(stack, set.FindStack(name));
    ReadRecorded();  // a stack refused, or a read that failed, is reported; the rest is planned

    // Resources added or replaced make their dependents' references Unknown (or predicted):
    // resolve again until the set of such resources, and what is predicted of them, settle.
    size_t bound = 2;
    for (const auto& resolved : set.stacks) bound += resolved.resources.size();
    Diffs diffs;
    const size_t passes = std::min<size_t>(bound, 64);
    for (size_t pass = 0;; ++pass) {
      ReadNewNames(set);
      diffs = DiffAll(set);
      auto [changing, predicted] = Identities(set, diffs);
      if (changing == changing_ && predicted == predicted_) break;
      if (pass + 1 == passes) {
        result_.changeset.warnings.push_back("resolution did not settle after " +
                                             std::to_string(passes) +
                                             " passes; some values shown may change at apply");
        break;
      }
      changing_ = std::move(changing);
      predicted_ = std::move(predicted);
      Diagnostics again;  // the first pass reported the template's problems
      set = BuildProjectStackSet(scoped_, *in_.stage, hooks, again);
    }
    for (const auto& resolved : set.stacks) {
      ScopedStack& stack = stacks_.at(resolved.name);
      if (stack.refused) continue;
      StackChange change = Start(stack);
      CheckNameConflicts(resolved, diffs[resolved.name]);
      Collect(change, diffs[resolved.name]);
      Outputs(change, stack, &resolved);
      if (stack.record ? stack.record->protected_stage != in_.stage->is_protected
                       : in_.stage->is_protected) {
        change.protection_change = in_.stage->is_protected;
      }
      result_.changeset.stacks.push_back(std::move(change));
    }
    AddDataImpact();
  }

  Diffs DiffAll(const StackSet& set) const {
    Diffs diffs;
    for (const auto& resolved : set.stacks) {
      const ScopedStack& stack = stacks_.at(resolved.name);
      if (stack.refused) continue;
      auto& out = diffs[resolved.name];
      std::set<std::string> seen;
      for (const auto& resource : resolved.resources) {
        seen.insert(resource.logical_id);
        const stackapi::ResourceRecord* record = Recorded(resolved.name, resource.logical_id);
        if (!resource.enabled && record == nullptr) continue;
        out.push_back(Diff(stack, resource.enabled ? &resource : nullptr, record));
      }
      if (stack.record == nullptr) continue;
      for (const auto* record : RecordOrder(*stack.record)) {
        if (seen.count(record->logical_id) == 0) out.push_back(Diff(stack, nullptr, record));
      }
    }
    return diffs;
  }

  ResourceDiff Diff(const ScopedStack& stack, const ResolvedResource* desired,
                    const stackapi::ResourceRecord* applied) const {
    const std::string& type = desired ? desired->type : applied->type;
    ResourceDiffInput input;
    input.stack = stack.entry->name;
    input.stack_name = stack.stack_name;
    input.desired = desired;
    input.applied = applied;
    input.schema = SchemaRegistry::Builtin().Find(type);
    input.provider = in_.providers->Find(type);
    if (applied != nullptr) {
      auto live = recorded_live_.find(Key(stack.entry->name, applied->logical_id));
      if (live != recorded_live_.end()) input.live = &live->second;
    }
    return DiffResource(input);
  }

  // The resources that get a new physical resource, and what is known of them in advance.
  std::pair<std::set<std::string>, std::map<std::string, std::map<std::string, Value>>> Identities(
      const StackSet& set, const Diffs& diffs) const {
    std::set<std::string> changing;
    std::map<std::string, std::map<std::string, Value>> predicted;
    for (const auto& resolved : set.stacks) {
      auto it = diffs.find(resolved.name);
      if (it == diffs.end()) continue;
      for (const auto& diff : it->second) {
        const ResourceChange& change = diff.change;
        if (change.action != Action::kAdd && change.action != Action::kReplace) continue;
        std::string key = Key(resolved.name, change.logical_id);
        changing.insert(key);
        const provider::Provider* p = in_.providers->Find(change.type);
        bool named = !p->name_property().empty() && change.desired.Find(p->name_property());
        if (change.new_physical_id.empty() || (!named && !change.recreate)) continue;
        auto& known = predicted[key];
        known[""] = Value::String(change.new_physical_id);
        if (change.desired.IsFullyKnown()) {
          for (auto& [name, value] : p->PredictAttributes(change.new_physical_id, change.desired))
            known[name] = value;
        }
      }
    }
    return {changing, predicted};
  }

  // A new resource may not take a name that exists already.
  void CheckNameConflicts(const ResolvedStack& resolved, const std::vector<ResourceDiff>& diffs) {
    for (const auto& diff : diffs) {
      const ResourceChange& change = diff.change;
      bool creates =
          (change.action == Action::kAdd && !change.recreate) ||
          (change.action == Action::kReplace && change.new_physical_id != change.physical_id);
      if (!creates) continue;
      const ResolvedResource* resource = nullptr;
      for (const auto& r : resolved.resources) {
        if (r.logical_id == change.logical_id) resource = &r;
      }
      std::string name = resource ? FixedName(*resource) : "";
      auto live = by_id_.find(IdKey(change.type, name));
      if (name.empty() || live == by_id_.end() || !live->second.exists) continue;
      std::string noun = change.type.substr(change.type.rfind(':') + 1);
      std::transform(noun.begin(), noun.end(), noun.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      std::string message = noun + " " + name + " already exists and no stack manages it";
      if (auto owner = Owner(change.type, name)) {
        message = noun + " " + name + " already exists: stack " + owner->first +
                  " manages it (as " + owner->second + ")";
      }
      diagnostics_.Error(resolved.tmpl->At(*resource->source->node), "name-taken", message,
                         "/Resources/" + PointerEscape(change.logical_id));
    }
  }

  // The stack (and logical id) whose record holds this physical resource.
  std::optional<std::pair<std::string, std::string>> Owner(const std::string& type,
                                                           const std::string& physical_id) const {
    for (const auto& [stack_name, record] : in_.records) {
      if (record.status == "DELETE_COMPLETE") continue;
      for (const auto& [id, resource] : record.resources) {
        if (resource.type == type && resource.physical_id == physical_id)
          return std::make_pair(stack_name, id);
      }
    }
    return std::nullopt;
  }

  // --- Planning a destroy -----------------------------------------------------------------

  void Destroy() {
    for (auto& [name, stack] : stacks_) CheckProviders(stack, nullptr);
    ReadRecorded();
    for (const auto& name : DestroyOrder()) {
      ScopedStack& stack = stacks_.at(name);
      if (stack.record == nullptr) continue;
      StackChange change = Start(stack);
      std::vector<ResourceDiff> diffs;
      auto order = RecordOrder(*stack.record);
      for (auto it = order.rbegin(); it != order.rend(); ++it)
        diffs.push_back(Diff(stack, nullptr, *it));
      Collect(change, diffs);
      Outputs(change, stack, nullptr);
      result_.changeset.stacks.push_back(std::move(change));
    }
    AddDataImpact();
  }

  // Stacks in scope, importers before the stacks they import from (by their records).
  std::vector<std::string> DestroyOrder() const {
    std::map<std::string, std::string> exporter;  // export name -> project stack name
    for (const auto& [name, stack] : stacks_) {
      if (stack.record == nullptr) continue;
      for (const auto& output : stack.record->outputs) {
        if (!output.export_name.empty()) exporter[output.export_name] = name;
      }
    }
    Graph graph;
    for (const auto& entry : scoped_.stacks) graph.AddNode(entry.name);
    for (const auto& [name, stack] : stacks_) {
      if (stack.record == nullptr) continue;
      for (const auto& import : stack.record->imports) {
        auto it = exporter.find(import);
        if (it != exporter.end() && it->second != name) graph.AddEdge({name, it->second, "", {}});
      }
    }
    std::vector<std::string> order;
    for (const auto& entry : scoped_.stacks) order.push_back(entry.name);
    if (auto sorted = graph.TopologicalOrder()) order = *sorted;
    std::reverse(order.begin(), order.end());
    return order;
  }

  // --- Assembling the changeset -----------------------------------------------------------

  StackChange Start(const ScopedStack& stack) const {
    StackChange change;
    change.name = stack.entry->name;
    change.stack_name = stack.stack_name;
    change.record_revision = stack.record ? stack.record->revision : 0;
    change.template_path = stack.entry->template_path;
    auto digest = FileDigest((fs::path(in_.project->directory) / stack.entry->template_path)
                                 .lexically_normal()
                                 .string());
    if (digest) change.template_digest = *digest;
    return change;
  }

  void Collect(StackChange& change, std::vector<ResourceDiff>& diffs) {
    for (auto& diff : diffs) {
      for (auto& row : diff.drift) result_.changeset.drift.push_back(std::move(row));
      std::string key = Key(change.name, diff.change.logical_id);
      if (auto live = recorded_live_.find(key); live != recorded_live_.end()) {
        result_.live[key] = live->second;
      } else if (diff.change.action == Action::kAdd && !diff.change.new_physical_id.empty()) {
        auto read = by_id_.find(IdKey(diff.change.type, diff.change.new_physical_id));
        if (read != by_id_.end()) result_.live[key] = read->second;
      }
      if (diff.change.action == Action::kNoOp) {
        ++change.unchanged;
      } else {
        change.resources.push_back(std::move(diff.change));
      }
    }
  }

  void Outputs(StackChange& change, const ScopedStack& stack, const ResolvedStack* resolved) {
    std::map<std::string, const stackapi::OutputRecord*> before;
    if (stack.record != nullptr) {
      for (const auto& output : stack.record->outputs) before[output.name] = &output;
    }
    if (resolved != nullptr) {
      for (const auto& output : resolved->outputs) {
        if (!output.enabled) continue;
        auto it = before.find(output.name);
        std::optional<Value> old_value;
        std::string old_export;
        if (it != before.end()) {
          old_value = Value::FromTaggedJson(it->second->value);
          old_export = it->second->export_name;
          before.erase(it);
        }
        if (old_value && old_value->IsFullyKnown() && output.value.IsFullyKnown() &&
            *old_value == output.value && old_export == output.export_name) {
          continue;
        }
        change.outputs.push_back({output.name, output.export_name, old_value, output.value});
      }
    }
    for (const auto& [name, output] : before) {
      change.outputs.push_back(
          {name, output->export_name, Value::FromTaggedJson(output->value), std::nullopt});
    }
  }

  // What removing or replacing loses, asked of the providers for those resources only.
  void AddDataImpact() {
    std::vector<ResourceChange*> changes;
    std::vector<LiveKey> keys;
    for (auto& stack : result_.changeset.stacks) {
      for (auto& change : stack.resources) {
        bool loses = change.action == Action::kReplace ||
                     (change.action == Action::kRemove && !change.retain);
        auto live = result_.live.find(Key(stack.name, change.logical_id));
        if (!loses || change.physical_id.empty() ||
            (live != result_.live.end() && !live->second.exists)) {
          continue;
        }
        changes.push_back(&change);
        keys.push_back({change.type, change.physical_id});
      }
    }
    auto facts = ReadDataHeld(*in_.providers, keys);
    for (size_t i = 0; i < changes.size(); ++i) {
      changes[i]->data_impact = facts[i] ? DescribeDataHeld(keys[i].type, *facts[i])
                                         : "unknown (" + facts[i].error().message + ")";
    }
    for (auto& stack : result_.changeset.stacks) {
      for (auto& change : stack.resources) DescribeCheckpoints(change);
    }
  }

  void Summarize() {
    Summary& summary = result_.changeset.summary;
    for (const auto& stack : result_.changeset.stacks) {
      summary.unchanged += stack.unchanged;
      for (const auto& change : stack.resources) {
        switch (change.action) {
          case Action::kAdd:
            ++summary.add;
            break;
          case Action::kModify:
            ++summary.modify;
            if (change.replacement == Replacement::kConditional) ++summary.conditional;
            break;
          case Action::kReplace:
            ++summary.replace;
            break;
          case Action::kRemove:
            ++summary.remove;
            break;
          case Action::kNoOp:
            break;
        }
      }
    }
    for (const auto& row : result_.changeset.drift) {
      if (row.outcome != "not checked") ++summary.drifted;
    }
    EstimateCost();
  }

  // The stage's monthly cost as applied (every recorded resource in scope) and after the
  // changeset (that, minus what changes leave behind, plus what they make). Usage-priced terms
  // come from the stage's `usage` block; without it they say "not estimated".
  void EstimateCost() {
    CostSummary& cost = result_.changeset.cost;
    const std::string& region = result_.changeset.region;
    const StageUsage& given = in_.stage->usage;
    const UsageAssumptions usage{given.records_per_second, given.average_record_bytes,
                                 given.stored_gb, given.invocations_per_second,
                                 given.seconds_per_invocation};
    cost.price_table = PriceTableName(region);
    std::set<std::string> notes;
    auto estimate = [&](const std::string& type, const Value& properties) {
      MonthlyCost monthly = EstimateMonthlyCost(type, properties, region, usage);
      for (const auto& note : monthly.notes) {
        if (note.rfind("not estimated", 0) == 0) notes.insert(type + ": " + note);
      }
      return monthly;
    };
    for (const auto& [name, stack] : stacks_) {
      if (stack.record == nullptr) continue;
      for (const auto& [id, resource] : stack.record->resources)
        cost.monthly_before +=
            estimate(resource.type, Value::FromTaggedJson(resource.properties)).usd;
    }
    cost.monthly_after = cost.monthly_before;
    for (auto& stack_change : result_.changeset.stacks) {
      auto stack = stacks_.find(stack_change.name);
      const stackapi::StackRecord* record = stack == stacks_.end() ? nullptr : stack->second.record;
      for (auto& change : stack_change.resources) {
        const stackapi::ResourceRecord* applied =
            record == nullptr ? nullptr : record->Find(change.logical_id);
        if (applied != nullptr) {
          change.cost.monthly_before =
              estimate(applied->type, Value::FromTaggedJson(applied->properties)).usd;
        }
        if (change.action != Action::kRemove) {
          MonthlyCost after = estimate(change.type, change.desired);
          change.cost.monthly_after = after.usd;
          change.cost.notes = after.notes;
        }
        cost.monthly_after += change.cost.monthly_after - change.cost.monthly_before;
      }
    }
    cost.notes.assign(notes.begin(), notes.end());
  }

  const PlanInput& in_;
  Diagnostics& diagnostics_;
  PlanResult result_;
  Project scoped_;
  std::map<std::string, ScopedStack> stacks_;                 // by the project's stack name
  std::map<std::string, provider::LiveState> recorded_live_;  // by "stack/LogicalId"
  std::map<std::string, provider::LiveState> by_id_;          // by IdKey: everything read
  std::set<std::string> changing_;  // "stack/LogicalId" of resources added or replaced
  std::map<std::string, std::map<std::string, Value>> predicted_;  // their id ("") and attributes
};

}  // namespace

PlanResult Plan(const PlanInput& input, Diagnostics& diagnostics) {
  return Planner(input, diagnostics).Run();
}

}  // namespace sf::plan
