#pragma once

namespace sf {

// A position in a source file.
struct Mark {
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based
};

}  // namespace sf
