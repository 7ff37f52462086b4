#pragma once
// GET/HEAD preconditions and byte ranges, evaluated as S3 does. Pure functions; thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/bucket/store_error.h"

namespace sf::engine {

// The conditional headers of a request; times in ms since the epoch (HTTP dates have whole
// seconds; the object's last-modified is compared at second granularity, as S3 does).
struct Conditions {
  std::optional<std::string> if_match = std::nullopt;       // comma-separated ETags or "*"
  std::optional<std::string> if_none_match = std::nullopt;  // comma-separated ETags or "*"
  std::optional<int64_t> if_modified_since_ms = std::nullopt;
  std::optional<int64_t> if_unmodified_since_ms = std::nullopt;
};

enum class ConditionOutcome { kProceed, kNotModified, kPreconditionFailed };

// S3's precedence: If-Match false -> 412; else (no If-Match) If-Unmodified-Since false -> 412;
// then If-None-Match matching -> 304 (412 would be for writes; S3 GET/HEAD give 304); else (no
// If-None-Match) If-Modified-Since false -> 304. When If-Match is true, If-Unmodified-Since is
// ignored; when If-None-Match is false (no match), If-Modified-Since is ignored.
ConditionOutcome EvaluateConditions(const Conditions& conditions, std::string_view etag,
                                    int64_t last_modified_ms);

// A parsed Range header: bytes=a-b, bytes=a- (last unset) or bytes=-n (suffix).
struct ByteRangeSpec {
  std::optional<uint64_t> first;
  std::optional<uint64_t> last;
  std::optional<uint64_t> suffix_length;
};

// nullopt when `header` is not one byte range S3 understands; S3 then ignores the header and
// returns the whole object (multiple ranges are likewise ignored).
std::optional<ByteRangeSpec> ParseRange(std::string_view header);

// The inclusive range [first, last] of an object of `size` bytes; kInvalidRange when it is
// unsatisfiable (first >= size, an empty suffix, or an empty object). `last` is clipped.
struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;
  uint64_t length() const { return last - first + 1; }
};
StoreResult<ByteRange> ResolveRange(const ByteRangeSpec& spec, uint64_t size);

}  // namespace sf::engine
