#include "cli/views/progress_view.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/views/terminal.h"

namespace sf::cli {

namespace {

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

void ProgressView::Show(const apply::ProgressEvent& event) {
  std::lock_guard<std::mutex> lock(mu_);
  if (json_) {
    out_ << nlohmann::json{{"event", "progress"},        {"stack", event.stack},
                           {"logicalId", event.logical_id}, {"type", event.type},
                           {"operation", event.operation}, {"status", event.status},
                           {"physicalId", event.physical_id}, {"message", event.message},
                           {"elapsedMs", event.elapsed_ms}}
                .dump()
         << "\n"
         << std::flush;
    return;
  }
  Style style = Style::kDim;
  if (EndsWith(event.status, "_COMPLETE")) style = Style::kGreen;
  if (EndsWith(event.status, "_FAILED")) style = Style::kRed;
  if (event.status == "DELETE_SKIPPED") style = Style::kYellow;
  char elapsed[32] = "";
  if (!EndsWith(event.status, "_IN_PROGRESS")) {
    std::snprintf(elapsed, sizeof elapsed, " %.1fs", static_cast<double>(event.elapsed_ms) / 1000);
  }
  out_ << "  " << event.stack << "/" << event.logical_id << "  " << event.type << "  "
       << event.operation << "  " << Styled(event.status, style, color_) << elapsed;
  if (!event.physical_id.empty()) out_ << "  " << event.physical_id;
  if (!event.message.empty()) out_ << "  (" << event.message << ")";
  out_ << "\n" << std::flush;
}

}  // namespace sf::cli
