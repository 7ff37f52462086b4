// kinesis_hotpaths: the per-record steps of PutRecords and GetRecords, timed one by one.
//
// The profile of the engine under kinesis_load (README.md) puts most of the CPU of both hot
// paths in a few per-record functions. This benchmark times each of them on one record of
// the benchmark's shape (100 bytes of data, a 19-character partition key) so their cost can
// be compared with the engine's measured CPU per record, and times a drop-in prototype next
// to each (same output, checked at start-up) to estimate what replacing it would gain. The
// prototypes live here only; the engine's code is not changed.
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

// ---- prototypes ------------------------------------------------------------------------

// FormatSequenceNumber without snprintf: the engine's method (base-10^9 limbs from
// precomputed powers of two), with the 7 snprintf calls replaced by writing digits by hand and
// the 128-bit divisions by 10^9 done as 64-bit ones.
__extension__ typedef unsigned __int128 Wide;
constexpr uint64_t kBase = 1'000'000'000;
constexpr size_t kLimbs = 7;
using Decimal = std::array<uint64_t, kLimbs>;

Decimal PowerOfTwo(int exponent) {
  Decimal value{};
  value[0] = 1;
  for (int i = 0; i < exponent; ++i) {
    uint64_t carry = 0;
    for (auto& limb : value) {
      uint64_t doubled = limb * 2 + carry;
      limb = doubled % kBase;
      carry = doubled / kBase;
    }
  }
  return value;
}

struct Powers {
  Decimal version = PowerOfTwo(184), create = PowerOfTwo(148), nibble = PowerOfTwo(144),
          index = PowerOfTwo(80), seconds = PowerOfTwo(36), shard = PowerOfTwo(4);
};

inline void AddTerm(std::array<Wide, kLimbs>& sum, uint64_t value, const Decimal& power) {
  for (size_t i = 0; i < kLimbs; ++i) sum[i] += static_cast<Wide>(value) * power[i];
}

// x /= 10^9, returning the remainder: long division in 32-bit steps, so every division is a
// 64-bit one by a constant (a multiply), not a call to __udivmodti4.
inline uint64_t DivMod1e9(Wide& x) {
  uint64_t remainder = 0;
  Wide quotient = 0;
  for (int shift = 96; shift >= 0; shift -= 32) {
    uint64_t current = (remainder << 32) | static_cast<uint32_t>(x >> shift);
    quotient = (quotient << 32) | (current / kBase);
    remainder = current % kBase;
  }
  x = quotient;
  return remainder;
}

constexpr std::array<char, 200> DigitPairs() {
  std::array<char, 200> pairs{};
  for (int i = 0; i < 100; ++i) {
    pairs[static_cast<size_t>(2 * i)] = static_cast<char>('0' + i / 10);
    pairs[static_cast<size_t>(2 * i + 1)] = static_cast<char>('0' + i % 10);
  }
  return pairs;
}
constexpr std::array<char, 200> kPairs = DigitPairs();

// Writes exactly 9 digits of value < 10^9, two at a time.
inline void Put9(char* out, uint32_t value) {
  out[0] = static_cast<char>('0' + value / 100000000);
  value %= 100000000;
  for (int i = 3; i >= 0; --i) {
    std::memcpy(out + 1 + 2 * i, kPairs.data() + 2 * (value % 100), 2);
    value /= 100;
  }
}

Decimal SequenceLimbs(const sf::engine::SequenceParts& parts) {
  static const Powers powers;
  std::array<Wide, kLimbs> sum{};
  sum[0] = 2;
  AddTerm(sum, 2, powers.version);
  AddTerm(sum, parts.shard_create_seconds, powers.create);
  AddTerm(sum, parts.shard_index & 0xf, powers.nibble);
  AddTerm(sum, parts.sequence_index, powers.index);
  AddTerm(sum, parts.record_seconds, powers.seconds);
  AddTerm(sum, parts.shard_index, powers.shard);
  Decimal limbs{};
  Wide carry = 0;
  for (size_t i = 0; i < kLimbs; ++i) {
    Wide total = sum[i] + carry;
    limbs[i] = DivMod1e9(total);
    carry = total;
  }
  return limbs;
}

std::string PrintLimbs(const Decimal& limbs) {
  char buffer[kLimbs * 9];
  for (size_t i = 0; i < kLimbs; ++i)
    Put9(buffer + (kLimbs - 1 - i) * 9, static_cast<uint32_t>(limbs[i]));
  size_t first = 0;
  while (first + 1 < sizeof(buffer) && buffer[first] == '0') ++first;
  return std::string(buffer + first, sizeof(buffer) - first);
}

std::string FormatSequenceNumberFast(const sf::engine::SequenceParts& parts) {
  return PrintLimbs(SequenceLimbs(parts));
}

// Consecutive records of one shard in one second (a PutRecords batch, most of a GetRecords
// page) differ by 2^80 per record: one full conversion, then a base-10^9 addition per record.
class SequenceRun {
 public:
  explicit SequenceRun(const sf::engine::SequenceParts& first) : limbs_(SequenceLimbs(first)) {}
  std::string Next() {
    std::string out = PrintLimbs(limbs_);
    static const Decimal step = PowerOfTwo(80);
    uint64_t carry = 0;
    for (size_t i = 0; i < kLimbs; ++i) {
      uint64_t v = limbs_[i] + step[i] + carry;
      carry = v >= kBase ? 1 : 0;
      limbs_[i] = v - carry * kBase;
    }
    return out;
  }

 private:
  Decimal limbs_;
};

// Base64 into a pre-sized buffer: no per-byte push_back.
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void AppendBase64Fast(std::string& out, std::string_view bytes) {
  size_t at = out.size();
  out.resize(at + (bytes.size() + 2) / 3 * 4);
  char* p = out.data() + at;
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8) | uint32_t{in[i + 2]};
    p[0] = kAlphabet[(n >> 18) & 63];
    p[1] = kAlphabet[(n >> 12) & 63];
    p[2] = kAlphabet[(n >> 6) & 63];
    p[3] = kAlphabet[n & 63];
    p += 4;
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t n = uint32_t{in[i]} << 16;
    if (rest == 2) n |= uint32_t{in[i + 1]} << 8;
    p[0] = kAlphabet[(n >> 18) & 63];
    p[1] = kAlphabet[(n >> 12) & 63];
    p[2] = rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    p[3] = '=';
  }
}

constexpr std::array<int8_t, 256> DecodeTable() {
  std::array<int8_t, 256> table{};
  for (auto& entry : table) entry = -1;
  for (int i = 0; i < 64; ++i)
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
  return table;
}
constexpr std::array<int8_t, 256> kDecode = DecodeTable();

// Decodes into `out` (resized once); false on a bad character. Same rules as the engine's.
bool Base64DecodeFast(std::string_view text, std::string& out) {
  if (text.size() % 4 != 0) return false;
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  out.resize(text.size() / 4 * 3 - padding);
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  size_t full = padding > 0 ? text.size() - 4 : text.size();
  int bad = 0;
  size_t j = 0;
  for (size_t i = 0; i < full; i += 4) {
    int a = kDecode[in[i]], b = kDecode[in[i + 1]], c = kDecode[in[i + 2]], d = kDecode[in[i + 3]];
    bad |= a | b | c | d;
    uint32_t n = (static_cast<uint32_t>(a) << 18) | (static_cast<uint32_t>(b) << 12) |
                 (static_cast<uint32_t>(c) << 6) | static_cast<uint32_t>(d);
    o[j++] = static_cast<unsigned char>(n >> 16);
    o[j++] = static_cast<unsigned char>(n >> 8);
    o[j++] = static_cast<unsigned char>(n);
  }
  if (padding > 0) {
    size_t i = full;
    int a = kDecode[in[i]], b = kDecode[in[i + 1]];
    int c = padding == 1 ? kDecode[in[i + 2]] : 0;
    bad |= a | b | c;
    uint32_t n = (static_cast<uint32_t>(a) << 18) | (static_cast<uint32_t>(b) << 12) |
                 (static_cast<uint32_t>(c) << 6);
    o[j++] = static_cast<unsigned char>(n >> 16);
    if (padding == 1) o[j++] = static_cast<unsigned char>(n >> 8);
  }
  return bad >= 0;
}

// The shard id formatted once (per shard, or per request) instead of per record.
std::string ShardIdFast(uint32_t index) {
  std::string out = "shardId-000000000000";
  for (size_t i = out.size(); index > 0 && i-- > 8;) {
    out[i] = static_cast<char>('0' + index % 10);
    index /= 10;
  }
  return out;
}

// ---- start-up check: the prototypes give the engine's output ------------------------------

bool CheckPrototypes() {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; ++i) {
    sf::engine::SequenceParts parts{rng() % 10'000'000'000ULL,
                                    static_cast<uint32_t>(rng() % 100000), rng(),
                                    rng() % 10'000'000'000ULL};
    if (i % 3 == 0) parts.sequence_index = rng() % 1000;
    if (sf::engine::FormatSequenceNumber(parts) != FormatSequenceNumberFast(parts)) {
      std::fprintf(stderr, "FormatSequenceNumberFast differs at %d\n", i);
      return false;
    }
  }
  {
    sf::engine::SequenceParts parts = Parts(rng() % 1'000'000);
    SequenceRun run(parts);
    for (int i = 0; i < 1000; ++i, ++parts.sequence_index) {
      if (run.Next() != sf::engine::FormatSequenceNumber(parts)) {
        std::fprintf(stderr, "SequenceRun differs at %d\n", i);
        return false;
      }
    }
  }
  for (size_t size = 0; size < 200; ++size) {
    std::string bytes = RandomBytes(size, size);
    std::string encoded;
    AppendBase64Fast(encoded, bytes);
    std::string decoded;
    if (encoded != sf::Base64Encode(bytes) || !Base64DecodeFast(encoded, decoded) ||
        decoded != bytes) {
      std::fprintf(stderr, "base64 prototypes differ at size %zu\n", size);
      return false;
    }
  }
  for (uint32_t index : {0u, 7u, 123u, 4000000000u}) {
    if (ShardIdFast(index) != sf::engine::ShardIdOf(index)) return false;
  }
  return true;
}

// ---- benchmarks: one record each --------------------------------------------------------

void BM_SequenceNumber_Engine(benchmark::State& state) {
  uint64_t index = 0;
  for (auto _ : state) benchmark::DoNotOptimize(sf::engine::FormatSequenceNumber(Parts(index++)));
}
BENCHMARK(BM_SequenceNumber_Engine);

void BM_SequenceNumber_Prototype(benchmark::State& state) {
  uint64_t index = 0;
  for (auto _ : state) benchmark::DoNotOptimize(FormatSequenceNumberFast(Parts(index++)));
}
BENCHMARK(BM_SequenceNumber_Prototype);

void BM_SequenceNumber_IncrementalPrototype(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    SequenceRun run(Parts(1000));
    state.ResumeTiming();
    for (int i = 0; i < 500; ++i) benchmark::DoNotOptimize(run.Next());
  }
  state.SetItemsProcessed(state.iterations() * 500);
}
BENCHMARK(BM_SequenceNumber_IncrementalPrototype);

void BM_ShardId_Engine(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(sf::engine::ShardIdOf(3));
}
BENCHMARK(BM_ShardId_Engine);

void BM_Base64Decode_Engine(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(sf::Base64Decode(DataBase64()));
}
BENCHMARK(BM_Base64Decode_Engine);

void BM_Base64Decode_Prototype(benchmark::State& state) {
  std::string out;
  for (auto _ : state) {
    // A fresh string per record, as the engine keeps one per record today.
    std::string decoded;
    benchmark::DoNotOptimize(Base64DecodeFast(DataBase64(), decoded));
    benchmark::DoNotOptimize(decoded.data());
  }
}
BENCHMARK(BM_Base64Decode_Prototype);

void BM_Base64Encode_Engine(benchmark::State& state) {
  std::string body;
  body.reserve(1 << 20);
  sf::JsonWriter json(body);
  for (auto _ : state) {
    // What GetRecords does per record: encode to a temporary, then write it as a JSON string.
    if (body.size() > (1 << 19)) body.clear();
    json.Member("Data", sf::Base64Encode(Data()));
  }
}
BENCHMARK(BM_Base64Encode_Engine);

void BM_Base64Encode_Prototype(benchmark::State& state) {
  std::string body;
  body.reserve(1 << 20);
  for (auto _ : state) {
    // Encoded straight into the response (base64 never needs JSON escaping).
    if (body.size() > (1 << 19)) body.clear();
    body += ",\"Data\":\"";
    AppendBase64Fast(body, Data());
    body += '"';
  }
}
BENCHMARK(BM_Base64Encode_Prototype);

void BM_JsonSequenceMember_Engine(benchmark::State& state) {
  std::string body;
  body.reserve(1 << 20);
  sf::JsonWriter json(body);
  std::string sequence = sf::engine::FormatSequenceNumber(Parts(12345));
  for (auto _ : state) {
    if (body.size() > (1 << 19)) body.clear();
    json.Member("SequenceNumber", sequence);
  }
}
BENCHMARK(BM_JsonSequenceMember_Engine);

void BM_JsonSequenceMember_Prototype(benchmark::State& state) {
  std::string body;
  body.reserve(1 << 20);
  std::string sequence = sf::engine::FormatSequenceNumber(Parts(12345));
  for (auto _ : state) {
    if (body.size() > (1 << 19)) body.clear();
    body += ",\"SequenceNumber\":\"";
    body += sequence;  // digits: nothing to escape
    body += '"';
  }
}
BENCHMARK(BM_JsonSequenceMember_Prototype);

void BM_PartitionKeyHash_Engine(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(sf::engine::PartitionKeyHash(kKey));
}
BENCHMARK(BM_PartitionKeyHash_Engine);

}  // namespace

int main(int argc, char** argv) {
  if (!CheckPrototypes()) return 1;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
