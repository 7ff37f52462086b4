#pragma once
// S3's bucket naming rules (general purpose buckets).

#include <optional>
#include <string>
#include <string_view>

namespace sf::engine {

// nullopt when `name` is a valid bucket name; otherwise why it is not ("must be 3-63
// characters long", ...). The rules: 3-63 characters of lowercase letters, digits, dots and
// hyphens; starts and ends with a letter or digit; no ".."; not an IPv4 address; does not start
// with "xn--" or "sthree-" and does not end with "-s3alias" or "--ol-s3". Thread-safe.
std::optional<std::string> BucketNameProblem(std::string_view name);

}  // namespace sf::engine
