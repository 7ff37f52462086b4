#include "provider/physical_name.h"

#include <algorithm>
#include <cctype>
#include <random>

namespace sf::provider {

namespace {

constexpr size_t kSuffixLength = 12;

std::string Clean(std::string_view text, bool lower_case) {
  std::string out;
  out.reserve(text.size());
  for (char raw : text) {
    auto c = static_cast<unsigned char>(raw);
    bool keep = std::isalnum(c) || c == '-' || c == '.' || (!lower_case && c == '_');
    char kept = lower_case ? static_cast<char>(std::tolower(c)) : raw;
    out.push_back(keep && c < 0x80 ? kept : '-');
  }
  return out;
}

}  // namespace

std::string RandomSuffix(size_t count, bool lower_case) {
  static constexpr char kUpper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  static constexpr char kLower[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::uniform_int_distribution<size_t> pick(0, sizeof(kUpper) - 2);
  std::string out(count, '0');
  for (char& c : out) c = (lower_case ? kLower : kUpper)[pick(generator)];
  return out;
}

std::string GeneratePhysicalName(std::string_view stack_name, std::string_view logical_id,
                                 const NameRules& rules) {
  std::string stack = Clean(stack_name, rules.lower_case);
  std::string logical = Clean(logical_id, rules.lower_case);
  const size_t max_length = std::max<size_t>(rules.max_length, kSuffixLength + 4);
  const size_t budget = max_length - kSuffixLength - 2;  // two dashes
  if (stack.size() + logical.size() > budget) {
    // Shorten the longer part first, so a short logical id survives a long stack name.
    size_t half = budget / 2;
    if (logical.size() <= half) {
      stack.resize(budget - logical.size());
    } else if (stack.size() <= budget - half) {
      logical.resize(budget - stack.size());
    } else {
      stack.resize(budget - half);
      logical.resize(half);
    }
  }
  std::string name = stack + "-" + logical + "-" + RandomSuffix(kSuffixLength, rules.lower_case);
  if (rules.lower_case && !std::isalnum(static_cast<unsigned char>(name.front()))) name[0] = 'x';
  return name;
}

}  // namespace sf::provider
