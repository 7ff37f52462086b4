#pragma once
// Top-level differences between two property maps, for PlanUpdate implementations. Pure;
// thread-safe.

#include <string>
#include <vector>

#include "base/value.h"

namespace sf::provider {

// Names of the top-level properties whose values differ (present in one map only, or unequal
// by Value::operator==), sorted. Non-map arguments count as empty maps.
std::vector<std::string> ChangedProperties(const Value& before, const Value& after);

// "ShardCount, Tags changed" style text for an update step; "" when `names` is empty.
std::string DescribeChanged(const std::vector<std::string>& names);

}  // namespace sf::provider
