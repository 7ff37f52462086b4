// Md5CompressAvx512: 16 MD5 streams in the 16 32-bit lanes of AVX-512 registers.
//
// Only the functions below are compiled for AVX-512 (through target attributes, not a flag for
// the whole file), so no inline function from a header is ever instantiated with AVX-512
// instructions where a CPU without them could call it. Callers check Md5Avx512Supported().
//
// Per block: each lane's 64 bytes are loaded as one register and the 16 x 16 words transposed,
// so register w holds word w of every lane; then MD5's 64 steps run on all lanes at once.
// Round functions F, G, H, I are one vpternlogd each (truth tables 0xCA, 0xE4, 0x96, 0x39 over
// b, c, d), rotations one vprold. A lane whose blocks are done reads a zero block and keeps its
// state through a masked add.

// GCC 12's AVX-512 headers start shuffles from _mm512_undefined_epi32(), which its
// -Wmaybe-uninitialized reports once the intrinsics are inlined (a known false positive).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <immintrin.h>

#include <cstdint>
#include <utility>

#include "engine/bucket/md5_lanes.h"
#include "engine/bucket/md5_tables.h"

#define SF_AVX512 __attribute__((target("avx512f")))
#define SF_AVX512_INLINE __attribute__((target("avx512f"), always_inline)) inline

namespace sf::engine {

namespace {

constexpr int kRoundFunction[4] = {0xCA, 0xE4, 0x96, 0x39};

// rows[l] holds the 16 words of lane l's block; afterwards words[w] holds word w of lanes
// 0..15. Unpacking 32- then 64-bit elements leaves, in 128-bit part k of u[4g + m], word 4k + m
// of rows 4g..4g+3; two rounds of 128-bit shuffles put the four row groups side by side.
SF_AVX512_INLINE void Transpose(const __m512i rows[16], __m512i words[16]) {
  __m512i t[16];
  for (int i = 0; i < 8; ++i) {
    t[2 * i] = _mm512_unpacklo_epi32(rows[2 * i], rows[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_epi32(rows[2 * i], rows[2 * i + 1]);
  }
  __m512i u[16];
  for (int g = 0; g < 4; ++g) {
    u[4 * g + 0] = _mm512_unpacklo_epi64(t[4 * g + 0], t[4 * g + 2]);
    u[4 * g + 1] = _mm512_unpackhi_epi64(t[4 * g + 0], t[4 * g + 2]);
    u[4 * g + 2] = _mm512_unpacklo_epi64(t[4 * g + 1], t[4 * g + 3]);
    u[4 * g + 3] = _mm512_unpackhi_epi64(t[4 * g + 1], t[4 * g + 3]);
  }
  for (int m = 0; m < 4; ++m) {
    // Parts 0,1 of groups 0 and 1; parts 2,3 of them; the same for groups 2 and 3.
    __m512i v0 = _mm512_shuffle_i32x4(u[m], u[4 + m], 0x44);
    __m512i v1 = _mm512_shuffle_i32x4(u[m], u[4 + m], 0xEE);
    __m512i v2 = _mm512_shuffle_i32x4(u[8 + m], u[12 + m], 0x44);
    __m512i v3 = _mm512_shuffle_i32x4(u[8 + m], u[12 + m], 0xEE);
    words[0 + m] = _mm512_shuffle_i32x4(v0, v2, 0x88);   // part 0 of every group
    words[4 + m] = _mm512_shuffle_i32x4(v0, v2, 0xDD);   // part 1
    words[8 + m] = _mm512_shuffle_i32x4(v1, v3, 0x88);   // part 2
    words[12 + m] = _mm512_shuffle_i32x4(v1, v3, 0xDD);  // part 3
  }
}

// Step I of 64. The roles rotate instead of the registers: at step I, a is v[(4 - I % 4) % 4],
// b the next one, and so on; the result goes where a was and is the next step's b.
template <int I>
SF_AVX512_INLINE void Step(__m512i v[4], const __m512i words[16]) {
  constexpr int a = (4 - I % 4) % 4, b = (a + 1) % 4, c = (a + 2) % 4, d = (a + 3) % 4;
  __m512i f = _mm512_ternarylogic_epi32(v[b], v[c], v[d], kRoundFunction[I / 16]);
  __m512i sum = _mm512_add_epi32(
      v[a], _mm512_add_epi32(words[kMd5Word[I]], _mm512_set1_epi32(static_cast<int>(kMd5K[I]))));
  sum = _mm512_add_epi32(sum, f);
  v[a] = _mm512_add_epi32(_mm512_rol_epi32(sum, kMd5Shift[I]), v[b]);
}

template <size_t... I>
SF_AVX512_INLINE void AllSteps(__m512i v[4], const __m512i words[16], std::index_sequence<I...>) {
  (Step<static_cast<int>(I)>(v, words), ...);
}

alignas(64) const uint8_t kZeroBlock[kMd5BlockBytes] = {};

}  // namespace

SF_AVX512 void Md5CompressAvx512(Md5Lanes& lanes, const uint8_t* const data[kMd5Lanes],
                                 const uint32_t blocks[kMd5Lanes]) {
  uint32_t most = 0;
  for (int lane = 0; lane < kMd5Lanes; ++lane) most = blocks[lane] > most ? blocks[lane] : most;
  if (most == 0) return;
  __m512i a = _mm512_load_si512(lanes.a);
  __m512i b = _mm512_load_si512(lanes.b);
  __m512i c = _mm512_load_si512(lanes.c);
  __m512i d = _mm512_load_si512(lanes.d);
  const __m512i counts = _mm512_loadu_si512(blocks);
  for (uint32_t block = 0; block < most; ++block) {
    __mmask16 active = _mm512_cmpgt_epu32_mask(counts, _mm512_set1_epi32(static_cast<int>(block)));
    __m512i rows[kMd5Lanes];
    for (int lane = 0; lane < kMd5Lanes; ++lane) {
      const uint8_t* p =
          block < blocks[lane] ? data[lane] + size_t{block} * kMd5BlockBytes : kZeroBlock;
      rows[lane] = _mm512_loadu_si512(p);
    }
    __m512i words[16];
    Transpose(rows, words);
    __m512i v[4] = {a, b, c, d};
    AllSteps(v, words, std::make_index_sequence<64>());
    // 64 steps bring the roles back to v[0..3] = a, b, c, d.
    a = _mm512_mask_add_epi32(a, active, a, v[0]);
    b = _mm512_mask_add_epi32(b, active, b, v[1]);
    c = _mm512_mask_add_epi32(c, active, c, v[2]);
    d = _mm512_mask_add_epi32(d, active, d, v[3]);
  }
  _mm512_store_si512(lanes.a, a);
  _mm512_store_si512(lanes.b, b);
  _mm512_store_si512(lanes.c, c);
  _mm512_store_si512(lanes.d, d);
}

}  // namespace sf::engine
