#pragma once
// Kinesis hash keys: unsigned 128-bit integers, written in decimal on the wire.

#include <optional>
#include <string>
#include <string_view>

namespace sf::engine {

__extension__ typedef unsigned __int128 HashKey;  // GCC and Clang both have it

inline constexpr HashKey kMaxHashKey = ~static_cast<HashKey>(0);  // 2^128 - 1

// Decimal text to a hash key; nullopt unless it is digits only, without a leading zero (except
// "0" itself), and at most 2^128 - 1.
std::optional<HashKey> ParseHashKey(std::string_view text);
std::string FormatHashKey(HashKey key);

// The hash key of a partition key: MD5 of its UTF-8 bytes, read as a big-endian integer.
HashKey PartitionKeyHash(std::string_view partition_key);

}  // namespace sf::engine
