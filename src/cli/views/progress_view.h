#pragma once
// Apply's progress. Three forms:
// - live (stdout is a terminal): one row per resource, redrawn in place as operations start
//   and end, with its action, status and elapsed time; rows still running tick every second
//   ("CREATE_IN_PROGRESS 12s"). The final table stays on the screen.
// - lines (a pipe or a CI log): one line per operation start and end, the end with how long
//   it took.
// - JSON lines (--output json): one object per event.
// Show is called from the executor's workers: serialised here.

#include <chrono>
#include <condition_variable>
#include <iosfwd>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "apply/executor.h"

namespace sf::cli {

class ProgressView {
 public:
  enum class Mode { kLive, kLines, kJson };
  ProgressView(std::ostream& out, bool color, Mode mode);
  ~ProgressView();  // stops the ticker; the last table stays
  ProgressView(const ProgressView&) = delete;
  ProgressView& operator=(const ProgressView&) = delete;

  void Show(const apply::ProgressEvent& event);

 private:
  struct Row {
    apply::ProgressEvent last;
    std::chrono::steady_clock::time_point started;
    bool running = false;
  };
  void ShowLine(const apply::ProgressEvent& event);
  void Redraw();  // mu_ held
  void Tick();

  std::mutex mu_;
  std::ostream& out_;
  bool color_;
  Mode mode_;
  std::vector<std::string> order_;   // row keys in first-seen order
  std::map<std::string, Row> rows_;  // by "stack/LogicalId"
  size_t drawn_ = 0;                 // rows on screen, to move back over
  bool stopping_ = false;
  std::condition_variable cv_;
  std::thread ticker_;
};

}  // namespace sf::cli
