#include "engine/bucket/conditions.h"

#include <charconv>

#include "base/strings.h"

namespace sf::engine {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// An ETag without weakness marker or quotes.
std::string_view Bare(std::string_view etag) {
  etag = Trim(etag);
  if (StartsWith(etag, "W/")) etag.remove_prefix(2);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

bool ListMatches(std::string_view list, std::string_view etag) {
  for (const std::string& item : Split(list, ',')) {
    std::string_view candidate = Trim(item);
    if (candidate == "*" || Bare(candidate) == Bare(etag)) return true;
  }
  return false;
}

int64_t Seconds(int64_t ms) { return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000); }

std::optional<uint64_t> Number(std::string_view text) {
  uint64_t value = 0;
  if (text.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

ConditionOutcome EvaluateConditions(const Conditions& conditions, std::string_view etag,
                                    int64_t last_modified_ms) {
  int64_t modified_s = Seconds(last_modified_ms);
  if (conditions.if_match) {
    if (!ListMatches(*conditions.if_match, etag)) return ConditionOutcome::kPreconditionFailed;
  } else if (conditions.if_unmodified_since_ms &&
             modified_s > Seconds(*conditions.if_unmodified_since_ms)) {
    return ConditionOutcome::kPreconditionFailed;
  }
  if (conditions.if_none_match) {
    if (ListMatches(*conditions.if_none_match, etag)) return ConditionOutcome::kNotModified;
  } else if (conditions.if_modified_since_ms &&
             modified_s <= Seconds(*conditions.if_modified_since_ms)) {
    return ConditionOutcome::kNotModified;
  }
  return ConditionOutcome::kProceed;
}

std::optional<ByteRangeSpec> ParseRange(std::string_view header) {
  header = Trim(header);
  if (!StartsWith(header, "bytes=")) return std::nullopt;
  std::string_view spec = Trim(header.substr(6));
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos || spec.find(',') != std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view left = Trim(spec.substr(0, dash));
  std::string_view right = Trim(spec.substr(dash + 1));
  ByteRangeSpec range;
  if (left.empty()) {
    range.suffix_length = Number(right);
    if (!range.suffix_length) return std::nullopt;
    return range;
  }
  range.first = Number(left);
  if (!range.first) return std::nullopt;
  if (!right.empty()) {
    range.last = Number(right);
    if (!range.last || *range.last < *range.first) return std::nullopt;
  }
  return range;
}

StoreResult<ByteRange> ResolveRange(const ByteRangeSpec& spec, uint64_t size) {
  auto unsatisfiable = [size] {
    return StoreFail(
        StoreErrorCode::kInvalidRange,
        "the requested range is not satisfiable (object size " + std::to_string(size) + ")");
  };
  if (spec.suffix_length) {
    if (*spec.suffix_length == 0 || size == 0) return unsatisfiable();
    uint64_t length = std::min(*spec.suffix_length, size);
    return ByteRange{size - length, size - 1};
  }
  if (!spec.first || *spec.first >= size) return unsatisfiable();
  uint64_t last = spec.last ? std::min(*spec.last, size - 1) : size - 1;
  return ByteRange{*spec.first, last};
}

}  // namespace sf::engine
