#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sf {

// Standard base64 with padding (RFC 4648 section 4).
std::string Base64Encode(std::string_view bytes);
// Appends the encoding to `out` (one allocation at most).
void Base64EncodeAppend(std::string& out, std::string_view bytes);
// nullopt when `text` is not valid, canonical, padded base64 (unused bits before the
// padding must be zero).
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace sf
