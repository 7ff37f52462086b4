// The portable lanes, padding, digests and the CPU dispatch (the AVX-512 lanes are in
// md5_lanes_avx512.cc). MD5 as RFC 1321 defines it.

#include "engine/bucket/md5_lanes.h"

// MD5_Transform is deprecated in OpenSSL 3 in favour of EVP, which hides the chaining values the
// lanes need; it remains the way to run OpenSSL's block function on a given state.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/md5.h>

#include <cstring>

#include "engine/bucket/md5_tables.h"

namespace sf::engine {

namespace {

constexpr uint32_t kInit[4] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u};

uint32_t Rotl(uint32_t x, int s) { return (x << s) | (x >> (32 - s)); }

uint32_t LoadLe32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

void CompressBlock(uint32_t state[4], const uint8_t* block) {
  uint32_t m[16];
  for (int w = 0; w < 16; ++w) m[w] = LoadLe32(block + 4 * w);
  uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
  for (int i = 0; i < 64; ++i) {
    uint32_t f;
    switch (i / 16) {
      case 0:
        f = (b & c) | (~b & d);
        break;
      case 1:
        f = (d & b) | (~d & c);
        break;
      case 2:
        f = b ^ c ^ d;
        break;
      default:
        f = c ^ (b | ~d);
        break;
    }
    uint32_t next = b + Rotl(a + f + kMd5K[i] + m[kMd5Word[i]], kMd5Shift[i]);
    a = d;
    d = c;
    c = b;
    b = next;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
}

}  // namespace

Md5Lanes::Md5Lanes() {
  for (int lane = 0; lane < kMd5Lanes; ++lane) Reset(lane);
}

void Md5Lanes::Reset(int lane) {
  a[lane] = kInit[0];
  b[lane] = kInit[1];
  c[lane] = kInit[2];
  d[lane] = kInit[3];
}

Md5::Digest Md5Lanes::Digest(int lane) const {
  Md5::Digest digest{};
  const uint32_t words[4] = {a[lane], b[lane], c[lane], d[lane]};
  for (int w = 0; w < 4; ++w) {
    for (int byte = 0; byte < 4; ++byte) {
      digest[4 * w + byte] = static_cast<uint8_t>(words[w] >> (8 * byte));
    }
  }
  return digest;
}

void Md5CompressPortable(Md5Lanes& lanes, const uint8_t* const data[kMd5Lanes],
                         const uint32_t blocks[kMd5Lanes]) {
  for (int lane = 0; lane < kMd5Lanes; ++lane) {
    if (blocks[lane] == 0) continue;
    uint32_t state[4] = {lanes.a[lane], lanes.b[lane], lanes.c[lane], lanes.d[lane]};
    for (uint32_t block = 0; block < blocks[lane]; ++block) {
      CompressBlock(state, data[lane] + block * kMd5BlockBytes);
    }
    lanes.a[lane] = state[0];
    lanes.b[lane] = state[1];
    lanes.c[lane] = state[2];
    lanes.d[lane] = state[3];
  }
}

void Md5CompressOpenSsl(Md5Lanes& lanes, const uint8_t* const data[kMd5Lanes],
                        const uint32_t blocks[kMd5Lanes]) {
  for (int lane = 0; lane < kMd5Lanes; ++lane) {
    if (blocks[lane] == 0) continue;
    MD5_CTX ctx{};
    ctx.A = lanes.a[lane];
    ctx.B = lanes.b[lane];
    ctx.C = lanes.c[lane];
    ctx.D = lanes.d[lane];
    for (uint32_t block = 0; block < blocks[lane]; ++block) {
      MD5_Transform(&ctx, data[lane] + block * kMd5BlockBytes);
    }
    lanes.a[lane] = ctx.A;
    lanes.b[lane] = ctx.B;
    lanes.c[lane] = ctx.C;
    lanes.d[lane] = ctx.D;
  }
}

bool Md5Avx512Supported() {
  static const bool supported = __builtin_cpu_supports("avx512f");
  return supported;
}

bool Md5Avx2Supported() {
  static const bool supported = __builtin_cpu_supports("avx2");
  return supported;
}

Md5CompressFn BestMd5Compress() {
  if (Md5Avx512Supported()) return &Md5CompressAvx512;
  if (Md5Avx2Supported()) return &Md5CompressAvx2;
  return &Md5CompressPortable;
}

uint32_t Md5PadTail(std::string_view tail, uint64_t total_bytes, uint8_t out[2 * kMd5BlockBytes]) {
  // tail.size() < 64. One block holds the tail, 0x80 and the 8-byte length if tail <= 55.
  uint32_t blocks = Md5PadBlocks(total_bytes);
  size_t bytes = blocks * kMd5BlockBytes;
  std::memset(out, 0, bytes);
  std::memcpy(out, tail.data(), tail.size());
  out[tail.size()] = 0x80;
  uint64_t bits = total_bytes * 8;
  for (int byte = 0; byte < 8; ++byte) {
    out[bytes - 8 + byte] = static_cast<uint8_t>(bits >> (8 * byte));
  }
  return blocks;
}

}  // namespace sf::engine
