#include "engine/stream/shard_iterator.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base/base64.h"

namespace sf::engine {

namespace {

constexpr char kVersion = 1;
constexpr size_t kSignatureBytes = 16;

void PutInt(std::string& out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out += static_cast<char>((value >> (8 * i)) & 0xff);
}

uint64_t GetInt(std::string_view in, size_t& offset, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value = (value << 8) | static_cast<unsigned char>(in[offset++]);
  return value;
}

}  // namespace

std::string IteratorCodec::Sign(std::string_view payload) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), mac, &length);
  return std::string(reinterpret_cast<const char*>(mac), kSignatureBytes);
}

std::string IteratorCodec::Encode(const IteratorPosition& position) const {
  std::string payload;
  payload += kVersion;
  PutInt(payload, position.stream_incarnation, 8);
  PutInt(payload, position.shard_index, 4);
  PutInt(payload, position.sequence_index, 8);
  PutInt(payload, static_cast<uint64_t>(position.issued_ms), 8);
  PutInt(payload, position.stream_name.size(), 1);
  payload += position.stream_name;
  payload += Sign(payload);
  return Base64Encode(payload);
}

std::optional<IteratorPosition> IteratorCodec::Decode(std::string_view token) const {
  auto bytes = Base64Decode(token);
  constexpr size_t kFixed = 1 + 8 + 4 + 8 + 8 + 1;
  if (!bytes || bytes->size() < kFixed + kSignatureBytes || (*bytes)[0] != kVersion)
    return std::nullopt;
  std::string_view payload(bytes->data(), bytes->size() - kSignatureBytes);
  std::string expected = Sign(payload);
  if (CRYPTO_memcmp(expected.data(), bytes->data() + payload.size(), kSignatureBytes) != 0) {
    return std::nullopt;
  }
  IteratorPosition position;
  size_t offset = 1;
  position.stream_incarnation = GetInt(payload, offset, 8);
  position.shard_index = static_cast<uint32_t>(GetInt(payload, offset, 4));
  position.sequence_index = GetInt(payload, offset, 8);
  position.issued_ms = static_cast<int64_t>(GetInt(payload, offset, 8));
  size_t name_length = GetInt(payload, offset, 1);
  if (offset + name_length != payload.size()) return std::nullopt;
  position.stream_name = std::string(payload.substr(offset, name_length));
  return position;
}

}  // namespace sf::engine
