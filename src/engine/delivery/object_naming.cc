#include "engine/delivery/object_naming.h"

#include <cstdio>
#include <random>

namespace sf::engine::delivery {

namespace {

constexpr char kSuffixPattern[] = "yyyy-MM-dd-HH-mm-ss";
constexpr std::string_view kAlphanumeric =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kHex = "0123456789abcdef";
constexpr size_t kRecordIdLength = 112;

std::mt19937_64& Generator() {
  thread_local std::mt19937_64 generator{(static_cast<uint64_t>(std::random_device{}()) << 32) ^
                                         std::random_device{}()};
  return generator;
}

std::string RandomFrom(std::string_view alphabet, size_t length) {
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::string out(length, '\0');
  for (char& c : out) c = alphabet[pick(Generator())];
  return out;
}

}  // namespace

std::string ObjectKey(const PrefixExpression& prefix, const ObjectName& name) {
  static const DateTimePattern kSuffixTime = *DateTimePattern::Compile(kSuffixPattern);
  PrefixContext context;
  context.time_ms = name.oldest_ms;
  context.random_string = [] { return RandomString(kRandomStringLength); };
  return prefix.Evaluate(context) + std::string(name.stream) + "-" + std::to_string(name.version) +
         "-" + kSuffixTime.Format(name.oldest_ms) + "-" + NewObjectUuid() +
         std::string(name.extension);
}

std::string RandomString(size_t length) { return RandomFrom(kAlphanumeric, length); }

std::string NewRecordId() { return RandomFrom(kBase64, kRecordIdLength); }

std::string NewObjectUuid() {
  std::string hex = RandomFrom(kHex, 32);
  hex[12] = '4';                                                              // version 4
  hex[16] = kHex[std::uniform_int_distribution<size_t>(8, 11)(Generator())];  // variant 10xx
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

std::string NewStreamId() { return RandomFrom(kHex, 16); }

}  // namespace sf::engine::delivery
