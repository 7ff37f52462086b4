#pragma once
// Files compiled into the binary (see cmake/embed.cmake).

#include <string_view>
#include <vector>

namespace sf {

struct EmbeddedFile {
  std::string_view name;
  std::string_view content;
};

// The files of schemas/, by file name. Defined in a generated source.
const std::vector<EmbeddedFile>& EmbeddedSchemas();

}  // namespace sf
