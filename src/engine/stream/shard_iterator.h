#pragma once
// Shard iterators: opaque tokens that name a position in a shard. They are signed with the
// engine's secret (HMAC-SHA256), so they cannot be forged or altered, and they carry the time
// they were issued, so they expire (Kinesis: after 5 minutes). They also carry the stream's
// incarnation, so an iterator of a deleted stream is not valid for a new stream of the same
// name.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sf::engine {

inline constexpr int64_t kIteratorLifetimeMs = 5 * 60 * 1000;

struct IteratorPosition {
  std::string stream_name;
  uint64_t stream_incarnation = 0;
  uint32_t shard_index = 0;
  uint64_t sequence_index = 0;  // the next record to read
  int64_t issued_ms = 0;
};

class IteratorCodec {
 public:
  // `secret` is the engine's signing key (at least 16 bytes).
  explicit IteratorCodec(std::string secret) : secret_(std::move(secret)) {}

  std::string Encode(const IteratorPosition& position) const;
  // nullopt when the token is malformed or its signature does not match. Expiry is the
  // caller's check (it needs the clock).
  std::optional<IteratorPosition> Decode(std::string_view token) const;

 private:
  std::string Sign(std::string_view payload) const;
  std::string secret_;
};

}  // namespace sf::engine
