#pragma once
// Apply's live progress: one line per operation start and end, with the resource, its type,
// the operation, its CloudFormation status and, at the end, how long it took. As JSON lines
// with --output json. Called from the executor's workers: serialised here.

#include <iosfwd>
#include <mutex>

#include "apply/executor.h"

namespace sf::cli {

class ProgressView {
 public:
  ProgressView(std::ostream& out, bool color, bool json) : out_(out), color_(color), json_(json) {}
  void Show(const apply::ProgressEvent& event);

 private:
  std::mutex mu_;
  std::ostream& out_;
  bool color_;
  bool json_;
};

}  // namespace sf::cli
