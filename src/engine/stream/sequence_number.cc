#include "engine/stream/sequence_number.h"

#include <algorithm>
#include <array>

namespace sf::engine {

namespace {

constexpr size_t kHexDigits = 47;  // 188 bits
// A 188-bit number as 6 little-endian 32-bit limbs (192 bits).
using Limbs = std::array<uint32_t, 6>;

void PutHex(std::string& hex, uint64_t value, size_t digits) {
  for (size_t i = 0; i < digits; ++i) {
    hex += "0123456789abcdef"[(value >> (4 * (digits - 1 - i))) & 0xf];
  }
}

std::optional<Limbs> FromDecimal(std::string_view text) {
  Limbs limbs{};
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t carry = static_cast<uint64_t>(c - '0');
    for (auto& limb : limbs) {
      uint64_t current = static_cast<uint64_t>(limb) * 10 + carry;
      limb = static_cast<uint32_t>(current);
      carry = current >> 32;
    }
    if (carry != 0) return std::nullopt;
  }
  return limbs;
}

std::string ToHex(const Limbs& limbs) {
  std::string hex;
  for (size_t i = limbs.size(); i-- > 0;) PutHex(hex, limbs[i], 8);
  size_t first = hex.find_first_not_of('0');
  return first == std::string::npos ? "0" : hex.substr(first);
}

uint64_t HexField(const std::string& hex, size_t start, size_t length) {
  uint64_t value = 0;
  for (size_t i = start; i < start + length; ++i) {
    char c = hex[i];
    value = (value << 4) | static_cast<uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  }
  return value;
}

}  // namespace

// Formatting is on the hot path (one number per record written and read), so it avoids
// big-number division: the number is the sum of each field times a power of two, kept in
// base 10^9; consecutive records only add small multiples of 2^80 and 2^36.
namespace {

__extension__ typedef unsigned __int128 Wide;
constexpr uint64_t kBase = 1'000'000'000;

SequenceNumberFormatter::Decimal PowerOfTwo(int exponent) {
  SequenceNumberFormatter::Decimal value{};
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

// Field positions (bits from the right) of the 188-bit layout.
constexpr int kVersionBit = 184, kCreateBit = 148, kNibbleBit = 144, kIndexBit = 80,
              kSecondsBit = 36, kShardBit = 4;

const SequenceNumberFormatter::Decimal& Power(int exponent) {
  static const std::array<SequenceNumberFormatter::Decimal, 6> powers = {
      PowerOfTwo(kVersionBit), PowerOfTwo(kCreateBit),  PowerOfTwo(kNibbleBit),
      PowerOfTwo(kIndexBit),   PowerOfTwo(kSecondsBit), PowerOfTwo(kShardBit)};
  switch (exponent) {
    case kVersionBit:
      return powers[0];
    case kCreateBit:
      return powers[1];
    case kNibbleBit:
      return powers[2];
    case kIndexBit:
      return powers[3];
    case kSecondsBit:
      return powers[4];
    default:
      return powers[5];
  }
}

using WideSum = std::array<Wide, SequenceNumberFormatter::kLimbs>;

// sum += value * 2^exponent, with value < 2^64.
void AddTerm(WideSum& sum, uint64_t value, int exponent) {
  const auto& power = Power(exponent);
  for (size_t i = 0; i < sum.size(); ++i) sum[i] += static_cast<Wide>(value) * power[i];
}

}  // namespace

SequenceNumberFormatter::SequenceNumberFormatter(const SequenceParts& parts) : parts_(parts) {
  WideSum sum{};
  sum[0] = 2;
  AddTerm(sum, 2, kVersionBit);
  AddTerm(sum, parts.shard_create_seconds, kCreateBit);
  AddTerm(sum, parts.shard_index & 0xf, kNibbleBit);
  AddTerm(sum, parts.sequence_index, kIndexBit);
  AddTerm(sum, parts.record_seconds, kSecondsBit);
  AddTerm(sum, parts.shard_index, kShardBit);
  Wide carry = 0;
  for (size_t i = 0; i < kLimbs; ++i) {
    Wide total = sum[i] + carry;
    limbs_[i] = static_cast<uint64_t>(total % kBase);
    carry = total / kBase;
  }
}

void SequenceNumberFormatter::MoveTo(uint64_t sequence_index, uint64_t record_seconds) {
  if (sequence_index < parts_.sequence_index || record_seconds < parts_.record_seconds ||
      sequence_index - parts_.sequence_index >= (1ULL << 32) ||
      record_seconds - parts_.record_seconds >= (1ULL << 32)) {
    SequenceParts moved = parts_;  // not a small step forward: compute afresh
    moved.sequence_index = sequence_index;
    moved.record_seconds = record_seconds;
    *this = SequenceNumberFormatter(moved);
    return;
  }
  uint64_t index_delta = sequence_index - parts_.sequence_index;
  uint64_t seconds_delta = record_seconds - parts_.record_seconds;
  const Decimal& index_power = Power(kIndexBit);
  const Decimal& seconds_power = Power(kSecondsBit);
  uint64_t carry = 0;
  for (size_t i = 0; i < kLimbs; ++i) {
    // Each product is below 2^32 * 10^9 < 2^62, so the sum fits in 64 bits.
    uint64_t total =
        limbs_[i] + index_delta * index_power[i] + seconds_delta * seconds_power[i] + carry;
    limbs_[i] = total % kBase;
    carry = total / kBase;
  }
  parts_.sequence_index = sequence_index;
  parts_.record_seconds = record_seconds;
}

void SequenceNumberFormatter::AppendTo(std::string& out) const {
  size_t top = kLimbs - 1;
  while (top > 0 && limbs_[top] == 0) --top;
  char buffer[kLimbs * 9];
  char* end = buffer + sizeof(buffer);
  char* p = end;
  for (size_t i = 0; i < top; ++i) {  // lower limbs: exactly nine digits each
    uint64_t limb = limbs_[i];
    for (int d = 0; d < 9; ++d) {
      *--p = static_cast<char>('0' + limb % 10);
      limb /= 10;
    }
  }
  uint64_t limb = limbs_[top];
  do {
    *--p = static_cast<char>('0' + limb % 10);
    limb /= 10;
  } while (limb != 0);
  out.append(p, static_cast<size_t>(end - p));
}

std::string SequenceNumberFormatter::Format() const {
  std::string out;
  out.reserve(kLimbs * 9);
  AppendTo(out);
  return out;
}

std::string FormatSequenceNumber(const SequenceParts& parts) {
  return SequenceNumberFormatter(parts).Format();
}

std::optional<SequenceParts> ParseSequenceNumber(std::string_view text) {
  if (text.empty() || text.size() > 60 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  auto limbs = FromDecimal(text);
  if (!limbs) return std::nullopt;
  std::string hex = ToHex(*limbs);
  if (hex.size() != kHexDigits || hex.front() != '2' || hex.back() != '2') return std::nullopt;
  SequenceParts parts;
  parts.shard_create_seconds = HexField(hex, 1, 9);
  uint64_t low_index = HexField(hex, 10, 1);
  parts.sequence_index = HexField(hex, 11, 16);
  if (HexField(hex, 27, 2) != 0) return std::nullopt;
  parts.record_seconds = HexField(hex, 29, 9);
  parts.shard_index = static_cast<uint32_t>(HexField(hex, 38, 8));
  if ((parts.shard_index & 0xf) != low_index) return std::nullopt;
  return parts;
}

}  // namespace sf::engine
