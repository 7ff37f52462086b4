#include "base/base64.h"

#include <array>

namespace sf {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int, 256> DecodeTable() {
  std::array<int, 256> table{};
  for (auto& entry : table) entry = -1;
  for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(kAlphabet[i])] = i;
  return table;
}
constexpr std::array<int, 256> kDecode = DecodeTable();
}  // namespace

void Base64EncodeAppend(std::string& out, std::string_view bytes) {
  size_t start = out.size();
  out.resize(start + (bytes.size() + 2) / 3 * 4);
  char* p = out.data() + start;
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned n =
        (static_cast<unsigned>(in[i]) << 16) | (static_cast<unsigned>(in[i + 1]) << 8) | in[i + 2];
    p[0] = kAlphabet[(n >> 18) & 63];
    p[1] = kAlphabet[(n >> 12) & 63];
    p[2] = kAlphabet[(n >> 6) & 63];
    p[3] = kAlphabet[n & 63];
    p += 4;
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned n = static_cast<unsigned>(in[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned>(in[i + 1]) << 8;
    p[0] = kAlphabet[(n >> 18) & 63];
    p[1] = kAlphabet[(n >> 12) & 63];
    p[2] = rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    p[3] = '=';
  }
}

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  Base64EncodeAppend(out, bytes);
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  std::string out(text.size() / 4 * 3 - padding, '\0');
  char* p = out.data();
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  size_t full = text.size() - (padding > 0 ? 4 : 0);  // groups without padding
  for (size_t i = 0; i < full; i += 4) {
    int a = kDecode[in[i]], b = kDecode[in[i + 1]], c = kDecode[in[i + 2]], d = kDecode[in[i + 3]];
    if ((a | b | c | d) < 0) return std::nullopt;
    unsigned n = (static_cast<unsigned>(a) << 18) | (static_cast<unsigned>(b) << 12) |
                 (static_cast<unsigned>(c) << 6) | static_cast<unsigned>(d);
    p[0] = static_cast<char>(n >> 16);
    p[1] = static_cast<char>((n >> 8) & 0xff);
    p[2] = static_cast<char>(n & 0xff);
    p += 3;
  }
  if (padding > 0) {
    size_t i = full;
    int a = kDecode[in[i]], b = kDecode[in[i + 1]];
    int c = padding == 1 ? kDecode[in[i + 2]] : 0;
    if ((a | b | c) < 0) return std::nullopt;
    unsigned n = (static_cast<unsigned>(a) << 18) | (static_cast<unsigned>(b) << 12) |
                 (static_cast<unsigned>(c) << 6);
    // Canonical only: the bits that padding leaves unused must be zero, so each byte string has
    // exactly one encoding.
    if ((padding == 1 && (n & 0xff) != 0) || (padding == 2 && (n & 0xffff) != 0))
      return std::nullopt;
    p[0] = static_cast<char>(n >> 16);
    if (padding == 1) p[1] = static_cast<char>((n >> 8) & 0xff);
  }
  return out;
}

}  // namespace sf
