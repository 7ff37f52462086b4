#include "engine/log/segment.h"

#include <cinttypes>
#include <cstdio>
#include <vector>

#include "engine/log/frame_reader.h"

namespace sf::engine {
namespace {

constexpr size_t kDigits = 20;
constexpr size_t kScanChunkBytes = size_t{1} << 20;

}  // namespace

std::string SegmentFileName(uint64_t first_sequence, std::string_view extension) {
  char digits[kDigits + 1];
  std::snprintf(digits, sizeof digits, "%020" PRIu64, first_sequence);
  return std::string(digits) + std::string(extension);
}

bool ParseSegmentFileName(std::string_view name, std::string_view extension, uint64_t* first) {
  if (name.size() != kDigits + extension.size() || name.substr(kDigits) != extension) return false;
  uint64_t value = 0;
  for (char c : name.substr(0, kDigits)) {
    if (c < '0' || c > '9') return false;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return false;
    value = value * 10 + digit;
  }
  *first = value;
  return true;
}

Result<ScanOutcome> ScanSegment(const File& file, uint64_t size, SegmentIndex* index) {
  std::vector<char> buffer;
  FrameReader reader(file, 0, size, kScanChunkBytes, &buffer);
  FrameView frame;
  for (;;) {
    uint64_t offset = reader.offset();
    auto step = reader.Next(&frame);
    if (!step) return tl::unexpected(step.error());
    if (*step == FrameReader::Step::kEnd) return ScanOutcome{offset, true, ""};
    std::string problem;
    if (*step == FrameReader::Step::kBad) {
      problem = reader.reason();
    } else if (frame.sequence != index->end_sequence()) {
      problem = "sequence " + std::to_string(frame.sequence) + " where " +
                std::to_string(index->end_sequence()) + " was expected";
    } else {
      index->Add(frame.sequence, frame.arrival_ms, reader.offset() - offset);
      continue;
    }
    return ScanOutcome{offset, false, problem + " at offset " + std::to_string(offset)};
  }
}

}  // namespace sf::engine
