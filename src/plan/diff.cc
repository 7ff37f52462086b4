#include "plan/diff.h"

#include <algorithm>
#include <optional>

#include "base/strings.h"
#include "plan/normalize.h"

namespace sf::plan {

namespace {

using OptionalValue = std::optional<Value>;

OptionalValue Member(const Value& map, const std::string& key) {
  const Value* found = map.IsMap() ? map.Find(key) : nullptr;
  return found ? OptionalValue(*found) : std::nullopt;
}

// True when applying `desired` over `current` changes something: presence differs, the
// desired value holds an Unknown (it may differ), or the values differ.
bool Differs(const OptionalValue& desired, const OptionalValue& current) {
  if (desired.has_value() != current.has_value()) return true;
  if (!desired) return false;
  return !desired->IsFullyKnown() || *desired != *current;
}

// The value at `tokens` below `value` (stopping at "*", which stands for any item); nullopt
// when a member on the way is absent.
OptionalValue At(const OptionalValue& value, const std::vector<std::string>& tokens) {
  OptionalValue current = value;
  for (const auto& token : tokens) {
    if (!current || token == "*") break;
    if (current->IsUnknown()) return current;
    current = Member(*current, token);
  }
  return current;
}

// Replacement forced by schema pointers ("/properties/Name") that lie within top-level
// property `name`, for the change from `before` to `after`.
Replacement SchemaForces(const std::vector<std::string>& pointers, const std::string& name,
                         const OptionalValue& before, const OptionalValue& after,
                         Replacement when_changed) {
  const std::string prefix = "/properties/";
  Replacement forces = Replacement::kFalse;
  for (const auto& pointer : pointers) {
    if (!StartsWith(pointer, prefix)) continue;
    std::vector<std::string> tokens = Split(pointer.substr(prefix.size()), '/');
    if (tokens.empty() || tokens[0] != name) continue;
    tokens.erase(tokens.begin());
    OptionalValue old_value = At(before, tokens), new_value = At(after, tokens);
    if (!Differs(new_value, old_value)) continue;
    Replacement here =
        new_value && !new_value->IsFullyKnown() ? Replacement::kConditional : when_changed;
    forces = std::max(forces, here);
  }
  return forces;
}

// `properties` with member `name` set to `value` (or removed when absent).
Value With(const Value& properties, const std::string& name, const OptionalValue& value) {
  Value out = Value::Map();
  for (const auto& [key, member] : properties.members()) {
    if (key != name) out.members().emplace_back(key, member);
  }
  if (value) out.Set(name, *value);
  return out;
}

std::vector<std::string> Keys(const Value& first, const Value& second) {
  std::vector<std::string> keys;
  for (const Value* map : {&first, &second}) {
    for (const auto& [key, member] : map->members()) {
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    }
  }
  return keys;
}

bool Observed(const provider::LiveState* live, const std::string& name) {
  return live != nullptr &&
         std::find(live->observed.begin(), live->observed.end(), name) != live->observed.end();
}

// The physical id a resource will have when (re)created: the name its template sets, a name
// generated as CloudFormation does when it sets none, or "" when the name is not known yet.
std::string NewPhysicalId(const ResourceDiffInput& in, const Value& desired) {
  const std::string& property = in.provider->name_property();
  if (property.empty()) return in.provider->GenerateName(in.stack_name, in.desired->logical_id);
  OptionalValue name = Member(desired, property);
  if (!name) return in.provider->GenerateName(in.stack_name, in.desired->logical_id);
  return name->IsFullyKnown() ? name->AsString() : "";
}

// Attribute rows of a resource that gets a new physical resource: recorded attributes become
// the predicted ones, or Unknown.
std::vector<PropertyChange> AttributeChanges(const ResourceDiffInput& in, const Value& desired,
                                             const std::string& new_id) {
  std::vector<PropertyChange> rows;
  if (in.applied == nullptr || !in.applied->attributes.is_object()) return rows;
  std::map<std::string, Value> predicted;
  if (!new_id.empty() && desired.IsFullyKnown())
    predicted = in.provider->PredictAttributes(new_id, desired);
  for (const auto& [name, json] : in.applied->attributes.items()) {
    OptionalValue before = RecordedAttribute(*in.applied, name);
    auto it = predicted.find(name);
    Value after =
        it != predicted.end() ? it->second : Value::Unknown(in.applied->logical_id + "." + name);
    if (!Differs(after, before)) continue;
    rows.push_back({"/" + PointerEscape(name), before, after, Replacement::kFalse, "template", ""});
  }
  return rows;
}

ResourceDiff Add(const ResourceDiffInput& in, const Value& desired) {
  ResourceDiff diff;
  ResourceChange& change = diff.change;
  change.action = Action::kAdd;
  change.new_physical_id = NewPhysicalId(in, desired);
  for (const auto& [key, value] : desired.members())
    change.properties.push_back(
        {"/" + PointerEscape(key), std::nullopt, value, Replacement::kFalse, "template", ""});
  return diff;
}

ResourceDiff Remove(const ResourceDiffInput& in) {
  ResourceDiff diff;
  diff.change.action = Action::kRemove;
  diff.change.retain = in.applied->deletion_policy == "Retain";
  return diff;
}

ResourceDiff Recreate(const ResourceDiffInput& in, const Value& desired, const Value& applied) {
  ResourceDiff diff = Add(in, desired);
  diff.change.recreate = true;
  const std::string& property = in.provider->name_property();
  if (property.empty() || !desired.Find(property))
    diff.change.new_physical_id = in.applied->physical_id;
  diff.change.attributes = AttributeChanges(in, desired, diff.change.new_physical_id);
  diff.drift.push_back(
      {in.stack, in.applied->logical_id, "", desired, applied, std::nullopt, "deleted"});
  return diff;
}

// T and A both present, L present or unread.
ResourceDiff Compare(const ResourceDiffInput& in, const Value& desired, const Value& applied) {
  ResourceDiff diff;
  ResourceChange& change = diff.change;
  Value live = in.live != nullptr
                   ? Normalize(in.schema, in.live->properties, {.fill_defaults = false})
                   : Value::Map();
  Value current = Value::Map();  // what exists now: live where observed, else as applied
  std::vector<PropertyChange> changes;
  for (const auto& key : Keys(desired, applied)) {
    OptionalValue t = Member(desired, key), a = Member(applied, key);
    bool observed = Observed(in.live, key);
    OptionalValue now = observed ? Member(live, key) : a;
    if (now) current.Set(key, *now);
    bool changed = Differs(t, now);
    if (changed) {
      changes.push_back({"/" + PointerEscape(key), now, t, Replacement::kFalse,
                         Differs(t, a) ? "template" : "drift", ""});
    }
    if (in.live == nullptr) continue;
    if (!observed) {
      diff.drift.push_back({in.stack, in.applied->logical_id, "/" + PointerEscape(key), t, a,
                            std::nullopt, "not checked"});
    } else if (a && Differs(now, a)) {
      diff.drift.push_back({in.stack, in.applied->logical_id, "/" + PointerEscape(key), t, a, now,
                            changed ? "reverted" : "kept"});
    }
  }
  if (changes.empty()) return diff;

  const bool known = desired.IsFullyKnown() && current.IsFullyKnown();
  for (auto& row : changes) {
    std::string name = row.path.substr(1);
    const std::vector<std::string> none;
    const auto& create_only = in.schema ? in.schema->create_only : none;
    const auto& conditional = in.schema ? in.schema->conditional_create_only : none;
    row.forces = SchemaForces(create_only, name, row.before, row.after, Replacement::kTrue);
    if (row.forces != Replacement::kFalse) row.reason = "createOnlyProperties";
    Replacement maybe =
        SchemaForces(conditional, name, row.before, row.after, Replacement::kConditional);
    if (maybe > row.forces) {
      row.forces = maybe;
      row.reason = "conditionalCreateOnlyProperties";
    }
    if (row.forces == Replacement::kTrue || !known) continue;
    auto steps = in.provider->PlanUpdate(current, With(current, name, row.after));
    if (!steps) {
      row.forces = Replacement::kTrue;
      row.reason = steps.error().message;
    }
  }
  for (const auto& row : changes) {
    change.replacement = std::max(change.replacement, row.forces);
    if (row.forces != Replacement::kFalse) change.forced_by.push_back(row.path);
  }
  change.properties = std::move(changes);
  if (change.replacement == Replacement::kTrue) {
    change.action = Action::kReplace;
    change.new_physical_id = NewPhysicalId(in, desired);
    change.delete_first = !in.provider->name_property().empty() &&
                          desired.Find(in.provider->name_property()) != nullptr &&
                          change.new_physical_id == in.applied->physical_id;
    change.attributes = AttributeChanges(in, desired, change.new_physical_id);
    return diff;
  }
  change.action = Action::kModify;
  if (!known) {
    change.steps.push_back({"update in place (values known after apply)", desired});
    return diff;
  }
  auto steps = in.provider->PlanUpdate(current, desired);
  if (!steps) {  // each change could be made alone, but not all of them together
    change.action = Action::kReplace;
    change.replacement = Replacement::kTrue;
    change.new_physical_id = NewPhysicalId(in, desired);
    for (auto& row : change.properties) row.reason = steps.error().message;
    return diff;
  }
  for (auto& step : *steps) change.steps.push_back({step.description, step.properties});
  return diff;
}

}  // namespace

Value RecordedProperties(const stackapi::ResourceRecord& record) {
  Value properties = Value::FromTaggedJson(record.properties);
  return properties.IsMap() ? properties : Value::Map();
}

std::optional<Value> RecordedAttribute(const stackapi::ResourceRecord& record,
                                       const std::string& name) {
  if (!record.attributes.is_object() || !record.attributes.contains(name)) return std::nullopt;
  return Value::FromTaggedJson(record.attributes[name]);
}

ResourceDiff DiffResource(const ResourceDiffInput& in) {
  const ResolvedResource* t = in.desired;
  const stackapi::ResourceRecord* a = in.applied;
  Value desired = t ? Normalize(in.schema, t->properties) : Value::Map();
  Value applied = a ? Normalize(in.schema, RecordedProperties(*a)) : Value::Map();
  ResourceDiff diff;
  if (t == nullptr) {
    diff = Remove(in);
  } else if (a == nullptr) {
    diff = Add(in, desired);
  } else if (a->type != t->type) {
    diff = Add(in, desired);
    diff.change.action = Action::kReplace;
    diff.change.replacement = Replacement::kTrue;
    diff.change.forced_by = {"Type"};
    diff.change.properties.insert(diff.change.properties.begin(),
                                  {"Type", Value::String(a->type), Value::String(t->type),
                                   Replacement::kTrue, "template", "the resource type changes"});
  } else if (in.live != nullptr && !in.live->exists) {
    diff = Recreate(in, desired, applied);
  } else {
    diff = Compare(in, desired, applied);
  }
  ResourceChange& change = diff.change;
  change.stack = in.stack;
  change.logical_id = t ? t->logical_id : a->logical_id;
  change.type = t ? t->type : a->type;
  if (a != nullptr && change.action != Action::kAdd) change.physical_id = a->physical_id;
  change.depends_on = t ? t->depends_on : a->depends_on;
  if (change.action != Action::kRemove && change.action != Action::kNoOp) change.desired = desired;
  return diff;
}

}  // namespace sf::plan
