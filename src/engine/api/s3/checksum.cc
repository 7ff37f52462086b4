#include "engine/api/s3/checksum.h"

#include <zlib.h>

#include <array>
#include <cstdint>

#include <openssl/evp.h>

#include "auth/sigv4_types.h"
#include "base/base64.h"
#include "engine/log/crc32c.h"

namespace sf::engine::s3 {

namespace {

std::string BigEndian(uint64_t value, int bytes) {
  std::string out(static_cast<size_t>(bytes), '\0');
  for (int i = bytes - 1; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

class Crc32 : public Checksum {
 public:
  void Update(std::string_view data) override {
    while (!data.empty()) {  // zlib takes uInt lengths
      uInt n = static_cast<uInt>(std::min<size_t>(data.size(), 1u << 30));
      crc_ = crc32(crc_, reinterpret_cast<const Bytef*>(data.data()), n);
      data.remove_prefix(n);
    }
  }
  std::string Finish() override { return Base64Encode(BigEndian(crc_, 4)); }

 private:
  uLong crc_ = crc32(0L, Z_NULL, 0);
};

class Crc32C : public Checksum {
 public:
  void Update(std::string_view data) override {
    crc_ = Crc32cExtend(crc_, data.data(), data.size());
  }
  std::string Finish() override { return Base64Encode(BigEndian(crc_, 4)); }

 private:
  uint32_t crc_ = 0;
};

// CRC-64/NVME: reflected polynomial 0x9a6c9329ac4bc9b5, init and xorout all ones.
class Crc64Nvme : public Checksum {
 public:
  void Update(std::string_view data) override {
    static const std::array<uint64_t, 256> table = [] {
      std::array<uint64_t, 256> t{};
      for (uint64_t i = 0; i < 256; ++i) {
        uint64_t crc = i;
        for (int bit = 0; bit < 8; ++bit)
          crc = (crc >> 1) ^ ((crc & 1) ? 0x9a6c9329ac4bc9b5ull : 0);
        t[i] = crc;
      }
      return t;
    }();
    for (unsigned char byte : data) crc_ = table[(crc_ ^ byte) & 0xff] ^ (crc_ >> 8);
  }
  std::string Finish() override { return Base64Encode(BigEndian(~crc_, 8)); }

 private:
  uint64_t crc_ = ~0ull;
};

class EvpDigest : public Checksum {
 public:
  explicit EvpDigest(const EVP_MD* md) : ctx_(EVP_MD_CTX_new()) {
    EVP_DigestInit_ex(ctx_, md, nullptr);
  }
  ~EvpDigest() override { EVP_MD_CTX_free(ctx_); }
  EvpDigest(const EvpDigest&) = delete;
  EvpDigest& operator=(const EvpDigest&) = delete;
  void Update(std::string_view data) override { EVP_DigestUpdate(ctx_, data.data(), data.size()); }
  std::string Finish() override {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx_, digest, &length);
    return Base64Encode(std::string_view(reinterpret_cast<char*>(digest), length));
  }

 private:
  EVP_MD_CTX* ctx_;
};

}  // namespace

std::unique_ptr<Checksum> Checksum::For(std::string_view algorithm) {
  std::string name = auth::ToLower(algorithm);
  if (name == "crc32") return std::make_unique<Crc32>();
  if (name == "crc32c") return std::make_unique<Crc32C>();
  if (name == "crc64nvme") return std::make_unique<Crc64Nvme>();
  if (name == "sha1") return std::make_unique<EvpDigest>(EVP_sha1());
  if (name == "sha256") return std::make_unique<EvpDigest>(EVP_sha256());
  return nullptr;
}

std::optional<std::string> ChecksumAlgorithmOfHeader(std::string_view header_name) {
  constexpr std::string_view kPrefix = "x-amz-checksum-";
  if (header_name.size() <= kPrefix.size() ||
      !auth::EqualsIgnoreCase(header_name.substr(0, kPrefix.size()), kPrefix)) {
    return std::nullopt;
  }
  std::string algorithm = auth::ToLower(header_name.substr(kPrefix.size()));
  if (algorithm == "type" || algorithm == "algorithm" || algorithm == "mode") return std::nullopt;
  return algorithm;
}

}  // namespace sf::engine::s3
