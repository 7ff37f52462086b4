#pragma once
// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of iSCSI, ext4 and
// LevelDB. Pure functions, safe from any thread. Uses the SSE4.2 `crc32` instruction when the
// CPU has it (checked once at run time), otherwise slicing-by-8 tables.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sf::engine {

// The CRC-32C of `init_crc`'s data followed by data[0, n). Crc32cExtend(0, ...) starts afresh.
uint32_t Crc32cExtend(uint32_t init_crc, const char* data, size_t n);

inline uint32_t Crc32c(std::string_view data) { return Crc32cExtend(0, data.data(), data.size()); }

// True when Crc32cExtend uses the SSE4.2 instruction.
bool Crc32cIsHardwareAccelerated();

namespace crc32c_internal {
// The two implementations, exposed so tests can check both against known vectors.
uint32_t ExtendPortable(uint32_t init_crc, const char* data, size_t n);
// Requires Crc32cIsHardwareAccelerated().
uint32_t ExtendHardware(uint32_t init_crc, const char* data, size_t n);
}  // namespace crc32c_internal

}  // namespace sf::engine
