#include "engine/iam/wildcard.h"

namespace sf::engine::iam {

namespace {

char Fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool WildcardMatch(std::string_view pattern, std::string_view text, bool fold_text) {
  size_t p = 0, t = 0;
  size_t star = std::string_view::npos;  // the last '*' seen, to retry from
  size_t resume = 0;                     // where in the text that '*' resumes
  while (t < text.size()) {
    char c = fold_text ? Fold(text[t]) : text[t];
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == c)) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace sf::engine::iam
