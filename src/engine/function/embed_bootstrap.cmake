# Script mode: writes OUT, a C++ source defining PythonBootstrapSource() with the bytes of IN as
# a raw string literal (IN must not contain the delimiter `)sfpy"`).
file(READ ${IN} text)
file(WRITE ${OUT}.tmp "// Generated from python_bootstrap.py by embed_bootstrap.cmake. Do not edit.
#include \"engine/function/bootstrap_source.h\"

namespace sf::engine::function {

std::string_view PythonBootstrapSource() {
  static constexpr char kSource[] = R\"sfpy(${text})sfpy\";
  return std::string_view(kSource, sizeof(kSource) - 1);
}

}  // namespace sf::engine::function
")
file(RENAME ${OUT}.tmp ${OUT})
