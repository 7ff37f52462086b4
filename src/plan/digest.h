#pragma once
// Content digests as plans and stack records write them: "sha256:<64 lowercase hex>".

#include <string>
#include <string_view>

#include "base/result.h"

namespace sf::plan {

std::string Sha256Digest(std::string_view bytes);

// The digest of a file's bytes, or kIo.
Result<std::string> FileDigest(const std::string& path);

}  // namespace sf::plan
