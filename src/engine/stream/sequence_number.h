#pragma once
// Kinesis sequence numbers.
//
// AWS does not document their layout; the public emulators (and the tools that decode them)
// agree on this 188-bit form, written in hex as
//   2 | shard-create-seconds (9) | shard-index & 0xf (1) | sequence-index (16) | 00 |
//   record-seconds (9) | shard-index (8) | 2
// and printed as a decimal string (56-57 digits). Within one shard the leading fields are
// constant, so numbers order by the sequence index: they strictly increase as records are
// appended, as Kinesis promises.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sf::engine {

struct SequenceParts {
  uint64_t shard_create_seconds = 0;
  uint32_t shard_index = 0;
  uint64_t sequence_index = 0;  // the record's position in its shard's log
  uint64_t record_seconds = 0;
};

std::string FormatSequenceNumber(const SequenceParts& parts);

// Formats the sequence numbers of consecutive records of one shard cheaply: after the first,
// moving forward by a few records and seconds is a short base-10^9 addition, not a
// conversion. Not thread-safe; one per loop.
class SequenceNumberFormatter {
 public:
  static constexpr size_t kLimbs = 7;            // 10^63 > 2^188
  using Decimal = std::array<uint64_t, kLimbs>;  // little-endian base-10^9 limbs

  explicit SequenceNumberFormatter(const SequenceParts& parts);
  // Moves to another record of the same shard (same create seconds and shard index). Cheap
  // when it moves forward; any other move recomputes.
  void MoveTo(uint64_t sequence_index, uint64_t record_seconds);
  void AppendTo(std::string& out) const;
  std::string Format() const;

 private:
  SequenceParts parts_;
  Decimal limbs_{};
};

// nullopt when `text` is not a sequence number of this form (wrong digits, out of range,
// another version).
std::optional<SequenceParts> ParseSequenceNumber(std::string_view text);

}  // namespace sf::engine
