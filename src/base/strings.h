#pragma once
// Small string utilities shared by every module.

#include <string>
#include <string_view>
#include <vector>

namespace sf {

// Levenshtein distance, case-insensitive.
int EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a plausible misspelling;
// "" otherwise.
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

// "did you mean 'X'?" for the closest candidate, or "" when none is close.
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

std::string Join(const std::vector<std::string>& parts, std::string_view separator);
std::vector<std::string> Split(std::string_view text, char separator);

// JSON-pointer escaping of one reference token (RFC 6901).
std::string PointerEscape(std::string_view token);

bool StartsWith(std::string_view text, std::string_view prefix);

// Characters (code points) of UTF-8 text; invalid bytes count as one each.
size_t Utf8Length(std::string_view text);

}  // namespace sf
