#include "plan/digest.h"

#include "auth/crypto.h"
#include "base/file_io.h"

namespace sf::plan {

std::string Sha256Digest(std::string_view bytes) { return "sha256:" + auth::Sha256Hex(bytes); }

Result<std::string> FileDigest(const std::string& path) {
  auto bytes = ReadFile(path);
  if (!bytes) return tl::unexpected(bytes.error());
  return Sha256Digest(*bytes);
}

}  // namespace sf::plan
