#include "base/file_io.h"

#include <fstream>
#include <sstream>

namespace sf {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorCode::kIo, "cannot read " + path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Fail(ErrorCode::kIo, "error while reading " + path);
  return buffer.str();
}

}  // namespace sf
