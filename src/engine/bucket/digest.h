#pragma once
// MD5 (for ETags) and SHA-256 (for file names of long keys) through OpenSSL 3's EVP API.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace sf::engine {

// An incremental MD5. Not thread-safe; one instance per stream.
class Md5 {
 public:
  using Digest = std::array<uint8_t, 16>;
  Md5();
  ~Md5();
  Md5(const Md5&) = delete;
  Md5& operator=(const Md5&) = delete;

  void Update(std::string_view bytes);
  // The digest of everything updated so far; the object is then reset for a new stream.
  Digest Finish();

 private:
  evp_md_ctx_st* ctx_;
};

std::string HexEncode(std::string_view bytes);
// The raw bytes of lowercase or uppercase hex; "" if `hex` is not hex of even length.
std::string HexDecode(std::string_view hex);
std::string Md5Hex(std::string_view bytes);
std::string Sha256Hex(std::string_view bytes);
std::string DigestHex(const Md5::Digest& digest);

}  // namespace sf::engine
