#pragma once
// Fixed-width little-endian encoding for the log's on-disk formats. Pure functions.

#include <bit>
#include <cstdint>
#include <cstring>

static_assert(std::endian::native == std::endian::little,
              "the shard log's on-disk format is little endian; add byte swapping here first");

namespace sf::engine {

template <class T>
inline void EncodeFixed(char* dst, T value) {
  std::memcpy(dst, &value, sizeof value);
}

template <class T>
inline T DecodeFixed(const char* src) {
  T value;
  std::memcpy(&value, src, sizeof value);
  return value;
}

}  // namespace sf::engine
