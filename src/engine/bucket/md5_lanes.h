#pragma once
// MD5 over up to 16 independent streams at once ("multi-buffer" MD5).
//
// One MD5 is a chain: every 64-byte block needs the previous block's result, and each of its
// 64 steps needs the previous step's, so one stream cannot go faster than scalar MD5 on one
// core (about 775 MB/s on the Xeon we measure on, OpenSSL's assembly). Different streams are
// independent: AVX-512 runs 16 of them in the 16 lanes of a register with the same instructions
// and the same latency as one (its ternary-logic instruction is each of MD5's four round
// functions, and it rotates in one instruction). Concurrent uploads hashed together therefore
// cost about what one costs. Md5Hasher (md5_hasher.h) gathers them. AVX2 does the same with
// two groups of 8 lanes and more instructions per step.
//
// Md5Lanes holds 16 MD5 states; a Md5CompressFn advances each lane by its own number of whole
// blocks, read from its own pointer. Padding (Md5PadTail) and the digest are per lane, so a
// lane can start a new stream while the others continue.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/bucket/digest.h"

namespace sf::engine {

inline constexpr int kMd5Lanes = 16;
inline constexpr size_t kMd5BlockBytes = 64;

// The chaining values of 16 MD5 streams, one per lane ("structure of arrays", as the vector
// code loads them).
struct Md5Lanes {
  alignas(64) uint32_t a[kMd5Lanes];
  alignas(64) uint32_t b[kMd5Lanes];
  alignas(64) uint32_t c[kMd5Lanes];
  alignas(64) uint32_t d[kMd5Lanes];

  Md5Lanes();  // every lane at MD5's initial value
  // Puts `lane` back at MD5's initial value (a new stream).
  void Reset(int lane);
  // The digest of `lane`; meaningful after its padded final block(s) were compressed.
  Md5::Digest Digest(int lane) const;
};

// Advances lane i by blocks[i] 64-byte blocks read from data[i] (a lane with blocks[i] == 0 is
// left unchanged and data[i] is not read). Every lane's pointer must be readable for
// 64 * blocks[i] bytes; no alignment needed.
using Md5CompressFn = void (*)(Md5Lanes& lanes, const uint8_t* const data[kMd5Lanes],
                               const uint32_t blocks[kMd5Lanes]);

// Plain C++, one lane after another: correct on every CPU, and as fast as one stream.
void Md5CompressPortable(Md5Lanes& lanes, const uint8_t* const data[kMd5Lanes],
                         const uint32_t blocks[kMd5Lanes]);
// One lane after another through OpenSSL's assembly block function: the fastest for one stream
// (a lane in the vector code is about 20% slower than scalar assembly).
void Md5CompressOpenSsl(Md5Lanes& lanes, const uint8_t* const data[kMd5Lanes],
                        const uint32_t blocks[kMd5Lanes]);
// All 16 lanes in AVX-512 registers. Call only when Md5Avx512Supported().
void Md5CompressAvx512(Md5Lanes& lanes, const uint8_t* const data[kMd5Lanes],
                       const uint32_t blocks[kMd5Lanes]);
bool Md5Avx512Supported();
// Two groups of 8 lanes in AVX2 registers. Call only when Md5Avx2Supported().
void Md5CompressAvx2(Md5Lanes& lanes, const uint8_t* const data[kMd5Lanes],
                     const uint32_t blocks[kMd5Lanes]);
bool Md5Avx2Supported();

// Md5CompressAvx512 where the CPU has AVX-512F, else Md5CompressAvx2 where it has AVX2, else
// Md5CompressPortable.
Md5CompressFn BestMd5Compress();

// How many blocks MD5's padding of a `total_bytes` stream adds after its whole blocks: 1, or 2
// when the tail leaves no room for 0x80 and the 8-byte length.
inline uint32_t Md5PadBlocks(uint64_t total_bytes) {
  return total_bytes % kMd5BlockBytes + 1 + 8 <= kMd5BlockBytes ? 1 : 2;
}

// MD5's final block(s) of a stream of `total_bytes` whose last `tail.size()` bytes (less than a
// block: total_bytes % 64) are `tail`: the tail, 0x80, zeros and the bit length. Writes 1 or 2
// blocks into `out` and returns how many.
uint32_t Md5PadTail(std::string_view tail, uint64_t total_bytes, uint8_t out[2 * kMd5BlockBytes]);

}  // namespace sf::engine
