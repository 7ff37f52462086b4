#pragma once
// IAM's wildcard matching: '*' matches any run of characters (also none), '?' exactly one
// (byte: IAM's names and ARNs are ASCII). Linear in practice, O(|pattern| * |text|) at worst,
// with no recursion. Pure; thread-safe.

#include <string_view>

namespace sf::engine::iam {

// `text` against `pattern`, case-sensitively; with `fold_text` the text's ASCII letters are
// compared lower-cased (the pattern must then already be lower case), which is how actions
// match without allocating.
bool WildcardMatch(std::string_view pattern, std::string_view text, bool fold_text = false);

}  // namespace sf::engine::iam
