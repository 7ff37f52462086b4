#include "apply/undo_change.h"

#include "apply/resource_state.h"

namespace sf::apply {

namespace {

plan::ResourceChange Base(const stackapi::ResourceRecord& entry, const std::string& stack) {
  plan::ResourceChange change;
  change.stack = stack;
  change.logical_id = entry.logical_id;
  change.type = entry.type;
  change.depends_on = entry.depends_on;
  return change;
}

}  // namespace

plan::StackChange UndoChange(const stackapi::StackRecord& before,
                             const stackapi::StackRecord& now) {
  plan::StackChange out;
  out.name = now.stack;
  out.stack_name = now.name;
  out.record_revision = now.revision;
  for (const auto& [id, current] : now.resources) {
    auto old = before.resources.find(id);
    if (old == before.resources.end() || old->second.physical_id != current.physical_id) {
      plan::ResourceChange remove = Base(current, now.stack);  // made by the apply
      remove.action = plan::Action::kRemove;
      remove.physical_id = current.physical_id;
      out.resources.push_back(std::move(remove));
      continue;
    }
    Value was = RecordedProperties(old->second);
    Value is = RecordedProperties(current);
    if (was == is) continue;
    plan::ResourceChange modify = Base(old->second, now.stack);
    modify.action = plan::Action::kModify;
    modify.physical_id = current.physical_id;
    modify.desired = was;
    for (const auto& [name, value] : is.members()) {  // so the update starts from `now`
      const Value* target = was.Find(name);
      if (target != nullptr && *target == value) continue;
      plan::PropertyChange property;
      property.path = "/" + name;
      property.before = value;
      if (target != nullptr) property.after = *target;
      property.cause = "rollback";
      modify.properties.push_back(std::move(property));
    }
    out.resources.push_back(std::move(modify));
  }
  for (const auto& [id, old] : before.resources) {
    auto current = now.resources.find(id);
    if (current != now.resources.end() && current->second.physical_id == old.physical_id) continue;
    plan::ResourceChange add = Base(old, now.stack);  // deleted (or replaced) by the apply
    add.action = plan::Action::kAdd;
    add.new_physical_id = old.physical_id;
    add.desired = RecordedProperties(old);
    out.resources.push_back(std::move(add));
  }
  return out;
}

}  // namespace sf::apply
