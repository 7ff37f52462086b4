#pragma once
// The ISO 8601 basic timestamps SigV4 uses: "20150830T123600Z" (X-Amz-Date) and "20150830"
// (the credential scope's date). Always UTC.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sf::auth {

// `ms` since the Unix epoch, truncated to the second, as "YYYYMMDDTHHMMSSZ".
std::string FormatAmzDate(int64_t ms);
// Milliseconds since the epoch for "YYYYMMDDTHHMMSSZ"; nullopt when the text is not exactly
// that shape or names an impossible date or time.
std::optional<int64_t> ParseAmzDate(std::string_view text);

}  // namespace sf::auth
