#include "engine/stream/hash_key.h"

#define OPENSSL_SUPPRESS_DEPRECATED  // MD5(): the one-shot call is the fastest for short keys
#include <openssl/md5.h>

#include <algorithm>

namespace sf::engine {

std::optional<HashKey> ParseHashKey(std::string_view text) {
  if (text.empty() || text.size() > 39 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  HashKey value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    HashKey digit = static_cast<HashKey>(c - '0');
    if (value > (kMaxHashKey - digit) / 10) return std::nullopt;  // would pass 2^128 - 1
    value = value * 10 + digit;
  }
  return value;
}

std::string FormatHashKey(HashKey key) {
  if (key == 0) return "0";
  std::string out;
  while (key > 0) {
    out += static_cast<char>('0' + static_cast<int>(key % 10));
    key /= 10;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

HashKey PartitionKeyHash(std::string_view partition_key) {
  unsigned char digest[MD5_DIGEST_LENGTH];
  MD5(reinterpret_cast<const unsigned char*>(partition_key.data()), partition_key.size(), digest);
  HashKey value = 0;
  for (unsigned char byte : digest) value = (value << 8) | byte;
  return value;
}

}  // namespace sf::engine
