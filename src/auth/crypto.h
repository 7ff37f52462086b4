#pragma once
// SHA-256, HMAC-SHA-256 and hex on OpenSSL's EVP interface. Raw digests are returned as
// std::string of 32 bytes.

#include <string>
#include <string_view>

namespace sf::auth {

// Incremental SHA-256. Not thread-safe; movable, not copyable.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&& other) noexcept;
  Sha256& operator=(Sha256&& other) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  // The raw digest; the object is then reset and can hash again.
  std::string Finish();

 private:
  void* ctx_;  // EVP_MD_CTX*
};

std::string Sha256Raw(std::string_view bytes);
// Lowercase hex of SHA-256(bytes).
std::string Sha256Hex(std::string_view bytes);
// Raw HMAC-SHA-256(key, data).
std::string HmacSha256(std::string_view key, std::string_view data);
std::string HexEncode(std::string_view bytes);
// True when `text` is 64 lowercase hex digits.
bool IsLowerHexSha256(std::string_view text);
// Compares in time that depends only on the lengths, never on where the bytes differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace sf::auth
