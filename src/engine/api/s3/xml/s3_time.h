#pragma once
// Time in S3's wire forms, from and to milliseconds since the Unix epoch (UTC). Pure
// functions on the proleptic Gregorian calendar (no time zone database, no locale);
// thread-safe.
//
// Formatting clamps its input to [0, 9999-12-31T23:59:59.999Z]. Parsing accepts the three
// HTTP-date forms of RFC 7231 section 7.1.1.1, case-sensitively as the RFC says, with
// surrounding spaces and tabs ignored:
//   IMF-fixdate  Sun, 06 Nov 1994 08:49:37 GMT
//   RFC 850      Sunday, 06-Nov-94 08:49:37 GMT
//   asctime      Sun Nov  6 08:49:37 1994
// The day name must be a day name but is not checked against the date; the date must exist
// (no 31 April); second 60 (a leap second) is accepted. A two-digit RFC 850 year is placed in
// the century that puts it at most 50 years after `now_ms` (RFC 7231). Anything else is
// nullopt: S3 then ignores the header (If-Modified-Since and friends).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sf::engine::s3 {

// ISO 8601 with milliseconds, as S3 writes LastModified: "2026-11-22T05:35:00.000Z".
std::string FormatIso8601Ms(int64_t ms);

// An IMF-fixdate (RFC 7231), as in Last-Modified: "Sun, 22 Nov 2026 05:35:00 GMT". The
// milliseconds are dropped (rounded down).
std::string FormatHttpDate(int64_t ms);

// The HTTP-date `text` in ms since the epoch; two-digit years relative to `now_ms`.
std::optional<int64_t> ParseHttpDate(std::string_view text, int64_t now_ms);
// The same, relative to the system clock.
std::optional<int64_t> ParseHttpDate(std::string_view text);

}  // namespace sf::engine::s3
