#include "engine/api/json_blob.h"

#include "base/base64.h"

namespace sf::engine {

ApiResult<std::string> DecodeBlob(std::string_view text) {
  // "'<the first 64 characters>' can not be converted to a Blob: <why>"
  auto refuse = [&](std::string_view why) {
    std::string message(1, '\'');
    message.append(text.substr(0, 64)).append("' can not be converted to a Blob: ").append(why);
    return ApiFail("SerializationException", std::move(message));
  };
  if (text.size() % 4 != 0) {
    return refuse("Base64 encoded length is expected a multiple of 4 bytes but found: " +
                  std::to_string(text.size()));
  }
  auto bytes = Base64Decode(text);
  if (!bytes) return refuse("Invalid Base64 character");
  return std::move(*bytes);
}

std::string BlobValueText(size_t size) {
  return "java.nio.HeapByteBuffer[pos=0 lim=" + std::to_string(size) +
         " cap=" + std::to_string(size) + "]";
}

}  // namespace sf::engine
