// md5_bench: what the ETag's MD5 costs, one stream at a time (OpenSSL, as uploads are hashed
// without the vector lanes) and N streams at once in the MD5 lanes (md5_lanes.h: portable,
// AVX2, AVX-512), as concurrent uploads are hashed by Md5Hasher. Each figure is bytes hashed per
// second of CPU over all streams, for 1 MiB per stream. See README.md.
//
//   build/bench/s3/md5_bench --benchmark_min_time=0.2

#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <string>

#include "engine/bucket/digest.h"
#include "engine/bucket/md5_lanes.h"

namespace {

using sf::engine::kMd5BlockBytes;
using sf::engine::kMd5Lanes;

constexpr size_t kStreamBytes = 1 << 20;

const std::string& Body(int stream) {
  static const auto bodies = [] {
    std::array<std::string, kMd5Lanes> all;
    uint32_t x = 12345;
    for (auto& body : all) {
      body.resize(kStreamBytes);
      for (char& c : body) c = static_cast<char>((x = x * 1664525u + 1013904223u) >> 24);
    }
    return all;
  }();
  return bodies[static_cast<size_t>(stream)];
}

void BM_Md5OpenSsl(benchmark::State& state) {
  sf::engine::Md5 md5;
  for (auto _ : state) {
    md5.Update(Body(0));
    benchmark::DoNotOptimize(md5.Finish());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kStreamBytes));
}

// range(0): streams hashed together; range(1): the lanes (0 portable, 1 AVX2, 2 AVX-512).
void BM_Md5Lanes(benchmark::State& state) {
  int streams = static_cast<int>(state.range(0));
  sf::engine::Md5CompressFn compress = &sf::engine::Md5CompressPortable;
  if (state.range(1) == 1) {
    if (!sf::engine::Md5Avx2Supported()) return state.SkipWithError("this CPU has no AVX2");
    compress = &sf::engine::Md5CompressAvx2;
  } else if (state.range(1) == 2) {
    if (!sf::engine::Md5Avx512Supported()) return state.SkipWithError("this CPU has no AVX-512F");
    compress = &sf::engine::Md5CompressAvx512;
  }
  for (auto _ : state) {
    sf::engine::Md5Lanes lanes;
    const uint8_t* data[kMd5Lanes] = {};
    uint32_t blocks[kMd5Lanes] = {};
    for (int i = 0; i < streams; ++i) {
      data[i] = reinterpret_cast<const uint8_t*>(Body(i).data());
      blocks[i] = kStreamBytes / kMd5BlockBytes;
    }
    compress(lanes, data, blocks);
    benchmark::DoNotOptimize(lanes.a[0]);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * streams * kStreamBytes));
}

BENCHMARK(BM_Md5OpenSsl);
BENCHMARK(BM_Md5Lanes)
    ->ArgNames({"streams", "lanes"})
    ->Args({1, 0})
    ->Args({1, 1})
    ->Args({4, 1})
    ->Args({8, 1})
    ->Args({16, 1})
    ->Args({1, 2})
    ->Args({4, 2})
    ->Args({8, 2})
    ->Args({16, 2});

}  // namespace

BENCHMARK_MAIN();
