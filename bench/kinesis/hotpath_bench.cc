// kinesis_hotpaths: the per-record steps of PutRecords and GetRecords, timed one by one.
//
// The profile of the engine under kinesis_load (README.md) puts most of the CPU of both hot
// paths in a few per-record functions. This benchmark times each of them on one record of
// the benchmark's shape (100 bytes of data, a 19-character partition key) so their cost can
// be compared with the engine's measured CPU per record. (It first sized the fixes the engine
// now has: incremental sequence numbers, pre-sized base64, unchecked JSON members.)
//
//   build/bench/kinesis/kinesis_hotpaths --benchmark_min_time=0.2

#include <benchmark/benchmark.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "base/base64.h"
#include "base/json_writer.h"
#include "engine/stream/hash_key.h"
#include "engine/stream/sequence_number.h"
#include "engine/stream/stream_meta.h"

namespace {

// ---- inputs of the benchmark's shape -----------------------------------------------------

std::string RandomBytes(size_t size, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string bytes(size, '\0');
  for (auto& b : bytes) b = static_cast<char>(rng() & 0xff);
  return bytes;
}

const std::string& Data() {
  static const std::string data = RandomBytes(100, 1);
  return data;
}
const std::string& DataBase64() {
  static const std::string text = sf::Base64Encode(Data());
  return text;
}
const std::string kKey = "pk-0123456789abcdef";

sf::engine::SequenceParts Parts(uint64_t index) { return {1'700'000'000, 3, index, 1'700'000'123}; }

// ---- the engine's per-record steps ---------------------------------------------------------

// A record's sequence number formatted afresh (the first record of a batch).
void BM_SequenceNumber_Afresh(benchmark::State& state) {
  uint64_t index = 0;
  for (auto _ : state) benchmark::DoNotOptimize(sf::engine::FormatSequenceNumber(Parts(index++)));
}
BENCHMARK(BM_SequenceNumber_Afresh);

// The next record's number in the same batch: what PutRecords and GetRecords pay per record.
void BM_SequenceNumber_Incremental(benchmark::State& state) {
  uint64_t index = 0;
  sf::engine::SequenceNumberFormatter formatter(Parts(index));
  std::string out;
  for (auto _ : state) {
    formatter.MoveTo(++index, 1'700'000'123);
    out.clear();
    formatter.AppendTo(out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_SequenceNumber_Incremental);

void BM_ShardId(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(sf::engine::ShardIdOf(7));
}
BENCHMARK(BM_ShardId);

void BM_Base64Decode(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(sf::Base64Decode(DataBase64()));
}
BENCHMARK(BM_Base64Decode);

// GetRecords encodes each record's data straight into the response.
void BM_Base64EncodeIntoResponse(benchmark::State& state) {
  std::string out;
  for (auto _ : state) {
    out.clear();
    sf::JsonWriter(out).Base64String(Data());
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_Base64EncodeIntoResponse);

// A sequence-number member: unchecked (what the engine writes) and escaped (user strings).
void BM_JsonMember_Unchecked(benchmark::State& state) {
  const std::string number = sf::engine::FormatSequenceNumber(Parts(1));
  std::string out;
  for (auto _ : state) {
    out.clear();
    sf::JsonWriter(out).BeginObject().Key("SequenceNumber").UncheckedString(number).EndObject();
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_JsonMember_Unchecked);

void BM_JsonMember_Escaped(benchmark::State& state) {
  const std::string number = sf::engine::FormatSequenceNumber(Parts(1));
  std::string out;
  for (auto _ : state) {
    out.clear();
    sf::JsonWriter(out).BeginObject().Member("SequenceNumber", number).EndObject();
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_JsonMember_Escaped);

void BM_PartitionKeyHash(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(sf::engine::PartitionKeyHash(kKey));
}
BENCHMARK(BM_PartitionKeyHash);

}  // namespace

BENCHMARK_MAIN();
