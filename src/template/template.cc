#include "template/template.h"

namespace sf {

const Parameter* Template::FindParameter(const std::string& name) const {
  for (const auto& parameter : parameters) {
    if (parameter.name == name) return &parameter;
  }
  return nullptr;
}

const Resource* Template::FindResource(const std::string& logical_id) const {
  if (resource_index.size() == resources.size()) {
    auto it = resource_index.find(logical_id);
    return it == resource_index.end() ? nullptr : &resources[it->second];
  }
  for (const auto& resource : resources) {
    if (resource.logical_id == logical_id) return &resource;
  }
  return nullptr;
}

const Node* Template::FindCondition(const std::string& name) const {
  for (const auto& [condition, node] : conditions) {
    if (condition == name) return node;
  }
  return nullptr;
}

}  // namespace sf
