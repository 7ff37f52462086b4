#include "engine/iam/identifiers.h"

#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>

#include "base/base64.h"

namespace sf::engine::iam {

namespace {

std::string RandomBytes(size_t n) {
  std::string bytes(n, '\0');
  // RAND_bytes fails only when the OS cannot seed it; handing out guessable keys is worse
  // than stopping.
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(n)) != 1) {
    std::abort();
  }
  return bytes;
}

std::string Base32Id(const char* prefix, size_t length) {
  static constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string id = prefix;
  for (unsigned char byte : RandomBytes(length)) id += kBase32[byte % 32];
  return id;
}

}  // namespace

std::string NewRoleId() { return Base32Id("AROA", 17); }
std::string NewSessionAccessKey() { return Base32Id("ASIA", 16); }
std::string NewSecretKey() { return Base64Encode(RandomBytes(30)); }
std::string NewSessionToken() { return Base64Encode(RandomBytes(96)); }

std::string NewRequestUuid() {
  std::string b = RandomBytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  char text[37];
  auto u = [&b](int i) { return static_cast<unsigned char>(b[static_cast<size_t>(i)]); };
  std::snprintf(text, sizeof text,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u(0), u(1),
                u(2), u(3), u(4), u(5), u(6), u(7), u(8), u(9), u(10), u(11), u(12), u(13), u(14),
                u(15));
  return text;
}

}  // namespace sf::engine::iam
