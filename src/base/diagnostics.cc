#include "base/diagnostics.h"

#include <algorithm>
#include <tuple>

namespace sf {

const char* SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      return "note";
  }
  return "error";
}

void Diagnostics::Add(Diagnostic diagnostic) { items_.push_back(std::move(diagnostic)); }

void Diagnostics::Error(SourceLocation location, std::string code, std::string message,
                        std::string pointer, std::string hint) {
  Add({Severity::kError, std::move(location), std::move(code), std::move(message),
       std::move(pointer), std::move(hint)});
}

void Diagnostics::Warning(SourceLocation location, std::string code, std::string message,
                          std::string pointer, std::string hint) {
  Add({Severity::kWarning, std::move(location), std::move(code), std::move(message),
       std::move(pointer), std::move(hint)});
}

void Diagnostics::Append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

void Diagnostics::SortAndDedupe() {
  auto key = [](const Diagnostic& d) {
    return std::tie(d.location.file, d.location.line, d.location.column, d.code, d.message,
                    d.pointer);
  };
  std::stable_sort(items_.begin(), items_.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.location.file, a.location.line, a.location.column) <
           std::tie(b.location.file, b.location.line, b.location.column);
  });
  std::vector<Diagnostic> unique;
  for (auto& d : items_) {
    bool seen = std::any_of(unique.begin(), unique.end(),
                            [&](const Diagnostic& u) { return key(u) == key(d); });
    if (!seen) unique.push_back(std::move(d));
  }
  items_ = std::move(unique);
}

int Diagnostics::error_count() const {
  return static_cast<int>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.severity == Severity::kError;
  }));
}

int Diagnostics::warning_count() const {
  return static_cast<int>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.severity == Severity::kWarning;
  }));
}

}  // namespace sf
