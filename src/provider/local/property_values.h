#pragma once
// Reading and writing the CloudFormation shapes the local providers share: integers that may
// be written as numbers or strings ("5"), and tag lists ([{Key, Value}]). Pure; thread-safe.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "base/value.h"

namespace sf::provider {

// The integer a Number or String value holds (CloudFormation accepts "5" for 5); nullopt for
// a missing value or text that is not a whole number.
std::optional<int64_t> IntegerOf(const Value* value);
Value IntegerValue(int64_t number);

// Tags from [{Key, Value}, ...]; entries without a string Key are skipped. Empty for null.
std::map<std::string, std::string> TagMap(const Value* tags);
// [{Key, Value}, ...] sorted by Key.
Value TagList(const std::map<std::string, std::string>& tags);

}  // namespace sf::provider
