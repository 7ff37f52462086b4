#include "engine/log/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace sf::engine {
namespace {

constexpr uint32_t kPolynomial = 0x82F63B78;  // Castagnoli, bit-reflected

// table[k][b]: the CRC state after byte b followed by k zero bytes.
using Tables = std::array<std::array<uint32_t, 256>, 8>;

constexpr Tables MakeTables() {
  Tables tables{};
  for (uint32_t byte = 0; byte < 256; ++byte) {
    uint32_t crc = byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1) != 0 ? kPolynomial : 0);
    tables[0][byte] = crc;
  }
  for (size_t k = 1; k < 8; ++k) {
    for (size_t byte = 0; byte < 256; ++byte) {
      uint32_t previous = tables[k - 1][byte];
      tables[k][byte] = (previous >> 8) ^ tables[0][previous & 0xFF];
    }
  }
  return tables;
}

constexpr Tables kTables = MakeTables();

inline uint32_t StepByte(uint32_t crc, uint8_t byte) {
  return kTables[0][(crc ^ byte) & 0xFF] ^ (crc >> 8);
}

inline uint32_t StepWord(uint32_t crc, uint64_t word) {
  word ^= crc;
  return kTables[7][word & 0xFF] ^ kTables[6][(word >> 8) & 0xFF] ^
         kTables[5][(word >> 16) & 0xFF] ^ kTables[4][(word >> 24) & 0xFF] ^
         kTables[3][(word >> 32) & 0xFF] ^ kTables[2][(word >> 40) & 0xFF] ^
         kTables[1][(word >> 48) & 0xFF] ^ kTables[0][word >> 56];
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t ExtendSse42(uint32_t crc, const uint8_t* p, size_t n) {
  uint64_t state = crc;
  // Three independent words per iteration would be faster still, but one stream already runs
  // at several GB/s, far above what the log needs.
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    state = _mm_crc32_u64(state, word);
    p += 8;
    n -= 8;
  }
  auto crc32 = static_cast<uint32_t>(state);
  while (n-- > 0) crc32 = _mm_crc32_u8(crc32, *p++);
  return crc32;
}
#endif

bool DetectSse42() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2");
#else
  return false;
#endif
}

// Zero-initialised (false) before dynamic initialisation, so a call from another file's static
// initialiser is still correct, just slower.
const bool kHaveSse42 = DetectSse42();

}  // namespace

namespace crc32c_internal {

uint32_t ExtendPortable(uint32_t init_crc, const char* data, size_t n) {
  auto p = reinterpret_cast<const uint8_t*>(data);
  uint32_t crc = ~init_crc;
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    crc = StepWord(crc, word);
    p += 8;
    n -= 8;
  }
  while (n-- > 0) crc = StepByte(crc, *p++);
  return ~crc;
}

uint32_t ExtendHardware(uint32_t init_crc, const char* data, size_t n) {
#if defined(__x86_64__)
  return ~ExtendSse42(~init_crc, reinterpret_cast<const uint8_t*>(data), n);
#else
  return ExtendPortable(init_crc, data, n);
#endif
}

}  // namespace crc32c_internal

uint32_t Crc32cExtend(uint32_t init_crc, const char* data, size_t n) {
  return kHaveSse42 ? crc32c_internal::ExtendHardware(init_crc, data, n)
                    : crc32c_internal::ExtendPortable(init_crc, data, n);
}

bool Crc32cIsHardwareAccelerated() { return kHaveSse42; }

}  // namespace sf::engine
