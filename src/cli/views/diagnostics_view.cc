#include "cli/views/diagnostics_view.h"

#include "cli/views/terminal.h"

namespace sf::cli {

std::string FormatDiagnostic(const Diagnostic& d, bool color) {
  std::string where = d.location.file;
  if (d.location.line > 0) {
    where += ":" + std::to_string(d.location.line) + ":" + std::to_string(d.location.column);
  }
  Style style = d.severity == Severity::kError     ? Style::kRed
                : d.severity == Severity::kWarning ? Style::kYellow
                                                   : Style::kCyan;
  std::string line = Styled(where + ":", Style::kBold, color) + " " +
                     Styled(std::string(SeverityName(d.severity)) + ":", style, color) + " " +
                     d.message;
  if (!d.hint.empty()) line += " (" + d.hint + ")";
  if (!d.pointer.empty()) line += " " + Styled("[" + d.pointer + "]", Style::kDim, color);
  return line;
}

void PrintDiagnostics(std::ostream& out, const Diagnostics& diagnostics, bool color) {
  for (const auto& d : diagnostics.items()) out << FormatDiagnostic(d, color) << "\n";
}

nlohmann::json DiagnosticsJson(const Diagnostics& diagnostics) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& d : diagnostics.items()) {
    nlohmann::json item = {{"severity", SeverityName(d.severity)},
                           {"file", d.location.file},
                           {"line", d.location.line},
                           {"column", d.location.column},
                           {"code", d.code},
                           {"message", d.message},
                           {"pointer", d.pointer}};
    if (!d.hint.empty()) item["hint"] = d.hint;
    list.push_back(std::move(item));
  }
  return list;
}

}  // namespace sf::cli
