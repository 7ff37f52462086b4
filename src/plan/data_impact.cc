#include "plan/data_impact.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <vector>

namespace sf::plan {

namespace {

std::string Noun(const std::string& type) {
  size_t colon = type.rfind(':');
  std::string noun = colon == std::string::npos ? type : type.substr(colon + 1);
  std::transform(noun.begin(), noun.end(), noun.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return noun.empty() ? "resource" : noun;
}

std::string Count(int64_t count, const char* singular, const char* plural) {
  return GroupThousands(count) + " " + (count == 1 ? singular : plural);
}

}  // namespace

std::string GroupThousands(int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

std::string HumanBytes(int64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  static const char* const kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f %s", value, kUnits[unit]);
  return buffer;
}

std::string DescribeDataHeld(const std::string& type, const provider::DataFacts& facts) {
  if (!facts.known) return "unknown";
  std::string subject = "the " + Noun(type);
  if (facts.empty()) return subject + " is empty";
  std::vector<std::string> parts;
  if (facts.objects > 0) parts.push_back(Count(facts.objects, "object", "objects"));
  if (facts.records > 0) parts.push_back(Count(facts.records, "record", "records"));
  std::string text = subject + " holds " + (facts.at_least ? "at least " : "");
  for (size_t i = 0; i < parts.size(); ++i) text += (i > 0 ? " and " : "") + parts[i];
  if (parts.empty()) {
    text += HumanBytes(facts.bytes);
  } else if (facts.bytes > 0) {
    text += " (" + HumanBytes(facts.bytes) + ")";
  }
  if (facts.open_uploads > 0)
    text += ", " + Count(facts.open_uploads, "open upload", "open uploads");
  return text;
}

void DescribeCheckpoints(ResourceChange& change) {
  if (change.type != kEventSourceMapping) return;
  switch (change.action) {
    case Action::kModify:
      change.data_impact = "checkpoints kept: processing continues where it stopped";
      return;
    case Action::kReplace: {
      const Value* start =
          change.desired.IsMap() ? change.desired.Find("StartingPosition") : nullptr;
      std::string at =
          start != nullptr && start->IsString() ? start->text() : "its StartingPosition";
      change.delete_first = true;
      change.data_impact = "checkpoints lost: the new mapping starts reading at " + at +
                           " (records may be processed again, or skipped)";
      return;
    }
    case Action::kRemove:
      if (!change.retain) change.data_impact = "checkpoints lost";
      return;
    default:
      return;
  }
}

}  // namespace sf::plan
