// Md5CompressAvx2: 16 MD5 streams as two groups of 8 in AVX2 registers, for CPUs without
// AVX-512 (most AMD Zen 2/3 and Intel client parts).
//
// As in md5_lanes_avx512.cc, only these functions are compiled for AVX2 (target attributes),
// and callers check Md5Avx2Supported(). AVX2 has no ternary logic and no rotate, so a step is
// about 11 instructions with a longer dependency chain; the two groups are stepped together so
// one group's instructions fill the other's wait. A group whose lanes have no blocks is skipped.

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // see md5_lanes_avx512.cc
#endif

#include <immintrin.h>

#include <cstdint>
#include <utility>

#include "engine/bucket/md5_lanes.h"
#include "engine/bucket/md5_tables.h"

#define SF_AVX2 __attribute__((target("avx2")))
#define SF_AVX2_INLINE __attribute__((target("avx2"), always_inline)) inline

namespace sf::engine {

namespace {

constexpr int kGroup = 8;

// rows[l] holds 8 words of lane l; afterwards cols[w] holds word w of lanes 0..7.
SF_AVX2_INLINE void Transpose8(const __m256i rows[8], __m256i cols[8]) {
  __m256i t[8];
  for (int i = 0; i < 4; ++i) {
    t[2 * i] = _mm256_unpacklo_epi32(rows[2 * i], rows[2 * i + 1]);
    t[2 * i + 1] = _mm256_unpackhi_epi32(rows[2 * i], rows[2 * i + 1]);
  }
  // In each 128-bit half: u[4g + m] holds word m (low half) and m + 4 (high half) of rows
  // 4g..4g+3.
  __m256i u[8];
  for (int g = 0; g < 2; ++g) {
    u[4 * g + 0] = _mm256_unpacklo_epi64(t[4 * g + 0], t[4 * g + 2]);
    u[4 * g + 1] = _mm256_unpackhi_epi64(t[4 * g + 0], t[4 * g + 2]);
    u[4 * g + 2] = _mm256_unpacklo_epi64(t[4 * g + 1], t[4 * g + 3]);
    u[4 * g + 3] = _mm256_unpackhi_epi64(t[4 * g + 1], t[4 * g + 3]);
  }
  for (int m = 0; m < 4; ++m) {
    cols[m] = _mm256_permute2x128_si256(u[m], u[4 + m], 0x20);
    cols[m + 4] = _mm256_permute2x128_si256(u[m], u[4 + m], 0x31);
  }
}

// The 16 words of one block of lanes base..base+7 (a lane out of blocks reads a zero block).
SF_AVX2_INLINE void LoadWords(const uint8_t* const rows[kGroup], __m256i words[16]) {
  __m256i low[kGroup], high[kGroup];
  for (int l = 0; l < kGroup; ++l) {
    low[l] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rows[l]));
    high[l] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rows[l] + 32));
  }
  Transpose8(low, words);
  Transpose8(high, words + 8);
}

template <int S>
SF_AVX2_INLINE __m256i Rotl(__m256i x) {
  return _mm256_or_si256(_mm256_slli_epi32(x, S), _mm256_srli_epi32(x, 32 - S));
}

// MD5's round functions: F = b ? c : d, G = d ? b : c, H = b ^ c ^ d, I = c ^ (b | ~d).
template <int Round>
SF_AVX2_INLINE __m256i RoundFunction(__m256i b, __m256i c, __m256i d) {
  if constexpr (Round == 0) {
    return _mm256_xor_si256(d, _mm256_and_si256(b, _mm256_xor_si256(c, d)));
  } else if constexpr (Round == 1) {
    return _mm256_xor_si256(c, _mm256_and_si256(d, _mm256_xor_si256(b, c)));
  } else if constexpr (Round == 2) {
    return _mm256_xor_si256(_mm256_xor_si256(b, c), d);
  } else {
    return _mm256_xor_si256(c, _mm256_or_si256(b, _mm256_xor_si256(d, _mm256_set1_epi32(-1))));
  }
}

// Step I on one group; the roles rotate as in md5_lanes_avx512.cc.
template <int I>
SF_AVX2_INLINE void Step(__m256i v[4], const __m256i words[16]) {
  constexpr int a = (4 - I % 4) % 4, b = (a + 1) % 4, c = (a + 2) % 4, d = (a + 3) % 4;
  __m256i sum = _mm256_add_epi32(
      v[a], _mm256_add_epi32(words[kMd5Word[I]], _mm256_set1_epi32(static_cast<int>(kMd5K[I]))));
  sum = _mm256_add_epi32(sum, RoundFunction<I / 16>(v[b], v[c], v[d]));
  v[a] = _mm256_add_epi32(Rotl<kMd5Shift[I]>(sum), v[b]);
}

template <int Groups, int I>
SF_AVX2_INLINE void StepGroups(__m256i v[2][4], const __m256i words[2][16]) {
  Step<I>(v[0], words[0]);
  if constexpr (Groups == 2) Step<I>(v[1], words[1]);
}

template <int Groups, size_t... I>
SF_AVX2_INLINE void AllSteps(__m256i v[2][4], const __m256i words[2][16],
                             std::index_sequence<I...>) {
  (StepGroups<Groups, static_cast<int>(I)>(v, words), ...);
}

alignas(64) const uint8_t kZeroBlock[kMd5BlockBytes] = {};

// Lanes group*8 .. group*8+7 of `lanes` in and out of registers.
SF_AVX2_INLINE void Load(const Md5Lanes& lanes, int group, __m256i v[4]) {
  v[0] = _mm256_load_si256(reinterpret_cast<const __m256i*>(lanes.a + group * kGroup));
  v[1] = _mm256_load_si256(reinterpret_cast<const __m256i*>(lanes.b + group * kGroup));
  v[2] = _mm256_load_si256(reinterpret_cast<const __m256i*>(lanes.c + group * kGroup));
  v[3] = _mm256_load_si256(reinterpret_cast<const __m256i*>(lanes.d + group * kGroup));
}
SF_AVX2_INLINE void Store(Md5Lanes& lanes, int group, const __m256i v[4]) {
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes.a + group * kGroup), v[0]);
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes.b + group * kGroup), v[1]);
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes.c + group * kGroup), v[2]);
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes.d + group * kGroup), v[3]);
}

// Compresses the groups listed in `groups` (Count of them) for `most` blocks.
template <int Count>
SF_AVX2 void CompressGroups(Md5Lanes& lanes, const uint8_t* const data[kMd5Lanes],
                            const uint32_t blocks[kMd5Lanes], const int groups[Count],
                            uint32_t most) {
  __m256i state[2][4];
  __m256i counts[2];
  for (int g = 0; g < Count; ++g) {
    Load(lanes, groups[g], state[g]);
    counts[g] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blocks + groups[g] * kGroup));
  }
  for (uint32_t block = 0; block < most; ++block) {
    __m256i words[2][16];
    __m256i active[2];
    for (int g = 0; g < Count; ++g) {
      const uint8_t* rows[kGroup];
      for (int l = 0; l < kGroup; ++l) {
        int lane = groups[g] * kGroup + l;
        rows[l] = block < blocks[lane] ? data[lane] + size_t{block} * kMd5BlockBytes : kZeroBlock;
      }
      LoadWords(rows, words[g]);
      // Block counts are far below 2^31, so the signed compare is exact.
      active[g] = _mm256_cmpgt_epi32(counts[g], _mm256_set1_epi32(static_cast<int>(block)));
    }
    __m256i v[2][4];
    for (int g = 0; g < Count; ++g) {
      for (int r = 0; r < 4; ++r) v[g][r] = state[g][r];
    }
    AllSteps<Count>(v, words, std::make_index_sequence<64>());
    for (int g = 0; g < Count; ++g) {
      for (int r = 0; r < 4; ++r) {
        __m256i added = _mm256_add_epi32(state[g][r], v[g][r]);
        state[g][r] = _mm256_blendv_epi8(state[g][r], added, active[g]);
      }
    }
  }
  for (int g = 0; g < Count; ++g) Store(lanes, groups[g], state[g]);
}

}  // namespace

SF_AVX2 void Md5CompressAvx2(Md5Lanes& lanes, const uint8_t* const data[kMd5Lanes],
                             const uint32_t blocks[kMd5Lanes]) {
  int groups[2];
  int count = 0;
  uint32_t most = 0;
  for (int g = 0; g < kMd5Lanes / kGroup; ++g) {
    uint32_t group_most = 0;
    for (int l = 0; l < kGroup; ++l) {
      group_most = blocks[g * kGroup + l] > group_most ? blocks[g * kGroup + l] : group_most;
    }
    if (group_most == 0) continue;
    groups[count++] = g;
    most = group_most > most ? group_most : most;
  }
  if (count == 2) {
    CompressGroups<2>(lanes, data, blocks, groups, most);
  } else if (count == 1) {
    CompressGroups<1>(lanes, data, blocks, groups, most);
  }
}

}  // namespace sf::engine
