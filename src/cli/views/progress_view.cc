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

Style StatusStyle(const std::string& status) {
  if (EndsWith(status, "_COMPLETE")) return Style::kGreen;
  if (EndsWith(status, "_FAILED")) return Style::kRed;
  if (status == "DELETE_SKIPPED") return Style::kYellow;
  return Style::kDim;
}

std::string Seconds(int64_t ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1fs", static_cast<double>(ms) / 1000);
  return text;
}

}  // namespace

ProgressView::ProgressView(std::ostream& out, bool color, Mode mode)
    : out_(out), color_(color), mode_(mode) {
  if (mode_ == Mode::kLive) ticker_ = std::thread([this] { Tick(); });
}

ProgressView::~ProgressView() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

void ProgressView::Show(const apply::ProgressEvent& event) {
  std::lock_guard<std::mutex> lock(mu_);
  if (mode_ == Mode::kJson) {
    out_ << nlohmann::json{{"event", "progress"},
                           {"stack", event.stack},
                           {"logicalId", event.logical_id},
                           {"type", event.type},
                           {"operation", event.operation},
                           {"status", event.status},
                           {"physicalId", event.physical_id},
                           {"message", event.message},
                           {"elapsedMs", event.elapsed_ms}}
                .dump()
         << "\n"
         << std::flush;
    return;
  }
  if (mode_ == Mode::kLines) return ShowLine(event);
  std::string key = event.stack + "/" + event.logical_id;
  auto [it, added] = rows_.try_emplace(key);
  if (added) order_.push_back(key);
  Row& row = it->second;
  row.last = event;
  row.running = EndsWith(event.status, "_IN_PROGRESS");
  if (row.running) row.started = std::chrono::steady_clock::now();
  Redraw();
}

void ProgressView::ShowLine(const apply::ProgressEvent& event) {
  std::string elapsed =
      EndsWith(event.status, "_IN_PROGRESS") ? "" : " " + Seconds(event.elapsed_ms);
  out_ << "  " << event.stack << "/" << event.logical_id << "  " << event.type << "  "
       << event.operation << "  " << Styled(event.status, StatusStyle(event.status), color_)
       << elapsed;
  if (!event.physical_id.empty()) out_ << "  " << event.physical_id;
  if (!event.message.empty()) out_ << "  (" << event.message << ")";
  out_ << "\n" << std::flush;
}

void ProgressView::Redraw() {
  if (drawn_ > 0) out_ << "\x1b[" << drawn_ << "A";  // back to the first row
  auto now = std::chrono::steady_clock::now();
  for (const auto& key : order_) {
    const Row& row = rows_.at(key);
    const auto& event = row.last;
    int64_t ms =
        row.running
            ? std::chrono::duration_cast<std::chrono::milliseconds>(now - row.started).count()
            : event.elapsed_ms;
    out_ << "\x1b[2K  " << key << "  " << event.type << "  " << event.operation << "  "
         << Styled(event.status, StatusStyle(event.status), color_) << " " << Seconds(ms);
    if (!event.message.empty()) out_ << "  (" << event.message << ")";
    out_ << "\n";
  }
  drawn_ = order_.size();
  out_ << std::flush;
}

void ProgressView::Tick() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::seconds(1));
    if (stopping_) break;
    bool running = false;
    for (const auto& [key, row] : rows_) running = running || row.running;
    if (running) Redraw();
  }
}

}  // namespace sf::cli
