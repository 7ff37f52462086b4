#include "engine/bucket/object_key.h"

#include "engine/bucket/digest.h"

namespace sf::engine {

StoreStatus ValidateKey(std::string_view key) {
  if (key.empty()) return StoreFail(StoreErrorCode::kInvalidArgument, "the key is empty");
  if (key.size() > kMaxKeyBytes) {
    return StoreFail(StoreErrorCode::kKeyTooLong,
                     "the key is " + std::to_string(key.size()) + " bytes; at most 1024 allowed");
  }
  return {};
}

std::string PercentEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size());
  for (unsigned char c : bytes) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '-';
    if (safe) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 15]);
    }
  }
  return out;
}

std::string ObjectFileName(std::string_view key) {
  std::string encoded = PercentEncode(key);
  if (encoded.size() > kMaxEncodedName) encoded = "~" + Sha256Hex(key);
  return encoded + std::string(kObjectSuffix);
}

}  // namespace sf::engine
