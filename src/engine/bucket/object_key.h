#pragma once
// Object keys and the file names they are stored under.
//
// A key is any byte string of 1-1024 bytes. Its file name is the key with every byte outside
// [A-Za-z0-9_-] written as %XX (uppercase hex), plus ".obj" -- unless that is longer than
// kMaxEncodedName, when it is "~" + SHA-256(key) in hex + ".obj". Neither form can contain "/"
// or start with ".", so no key can leave its bucket's directory or collide with the store's
// own files (".tmp-*"). The key itself is also stored inside the object file, which is what
// the index is rebuilt from; the name is only a locator.

#include <cstddef>
#include <string>
#include <string_view>

#include "engine/bucket/store_error.h"

namespace sf::engine {

inline constexpr size_t kMaxKeyBytes = 1024;
inline constexpr size_t kMaxEncodedName = 200;
inline constexpr std::string_view kObjectSuffix = ".obj";
inline constexpr std::string_view kTempPrefix = ".tmp-";

// kInvalidArgument for an empty key, kKeyTooLong beyond 1024 bytes.
StoreStatus ValidateKey(std::string_view key);

// The file name of `key` in its bucket's objects/ directory. Thread-safe.
std::string ObjectFileName(std::string_view key);

// The percent-encoding alone (no suffix, no hashing).
std::string PercentEncode(std::string_view bytes);

}  // namespace sf::engine
