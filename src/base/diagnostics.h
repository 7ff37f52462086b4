#pragma once
// Diagnostics are collected, not thrown: validation reports every problem it finds in one
// run. A Diagnostic names where (file:line:col, 1-based; 0 means unknown), what (a stable
// code and a message), the JSON pointer of the offending value inside its document, and an
// optional hint such as "did you mean 'ShardCount'?".

#include <string>
#include <vector>

namespace sf {

enum class Severity { kError, kWarning, kNote };

const char* SeverityName(Severity severity);

struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

struct Diagnostic {
  Severity severity = Severity::kError;
  SourceLocation location;
  std::string code;     // stable, machine-readable: "unknown-property", "dependency-cycle", ...
  std::string message;  // one line, no trailing period
  std::string pointer;  // JSON pointer inside the document, "" if none
  std::string hint;     // "" if none
};

// An append-only list of diagnostics. Not thread-safe.
class Diagnostics {
 public:
  void Add(Diagnostic diagnostic);
  void Error(SourceLocation location, std::string code, std::string message,
             std::string pointer = "", std::string hint = "");
  void Warning(SourceLocation location, std::string code, std::string message,
               std::string pointer = "", std::string hint = "");
  void Append(const Diagnostics& other);

  // Orders by file, line, column, then insertion; drops exact duplicates.
  void SortAndDedupe();

  const std::vector<Diagnostic>& items() const { return items_; }
  int error_count() const;
  int warning_count() const;
  bool has_errors() const { return error_count() > 0; }
  bool empty() const { return items_.empty(); }

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace sf
