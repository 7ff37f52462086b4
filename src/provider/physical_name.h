#pragma once
// Physical names as CloudFormation generates them for resources whose template leaves the
// name property unset: "<stack>-<LogicalId>-<12 random characters>".
//
// Contract: the result is at most `max_length` characters (>= 16). When stack and logical id
// do not fit, both are shortened (the longer one first) so the random suffix is always whole.
// With `lower_case` everything is lower case, characters outside [a-z0-9.-] become '-', and
// the name starts with a letter or digit (S3 bucket rules); otherwise characters outside
// [A-Za-z0-9_.-] become '-' (the Kinesis stream name pattern). The suffix draws from
// [A-Z0-9] (or [a-z0-9]) with a per-thread generator seeded from std::random_device.
// Thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

namespace sf::provider {

struct NameRules {
  size_t max_length = 128;
  bool lower_case = false;
};

std::string GeneratePhysicalName(std::string_view stack_name, std::string_view logical_id,
                                 const NameRules& rules);

// `count` random characters from [A-Z0-9], or [a-z0-9] when `lower_case`.
std::string RandomSuffix(size_t count, bool lower_case);

}  // namespace sf::provider
