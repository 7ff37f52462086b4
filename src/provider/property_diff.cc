#include "provider/property_diff.h"

#include <algorithm>
#include <set>

#include "base/strings.h"

namespace sf::provider {

std::vector<std::string> ChangedProperties(const Value& before, const Value& after) {
  std::set<std::string> names;
  auto collect = [&](const Value& map) {
    if (!map.IsMap()) return;
    for (const auto& [name, value] : map.members()) names.insert(name);
  };
  collect(before);
  collect(after);
  std::vector<std::string> changed;
  for (const std::string& name : names) {
    const Value* old_value = before.IsMap() ? before.Find(name) : nullptr;
    const Value* new_value = after.IsMap() ? after.Find(name) : nullptr;
    bool same = old_value != nullptr && new_value != nullptr ? *old_value == *new_value
                                                             : old_value == new_value;
    if (!same) changed.push_back(name);
  }
  return changed;
}

std::string DescribeChanged(const std::vector<std::string>& names) {
  if (names.empty()) return "";
  return Join(names, ", ") + " changed";
}

}  // namespace sf::provider
