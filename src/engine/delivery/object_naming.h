#pragma once
// The names Firehose gives: object keys, record ids, random strings. Thread-safe (random
// values come from a per-thread generator seeded from std::random_device).
//
// An object's key is <evaluated Prefix><suffix>, the suffix
//   <stream name>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid><extension>
// with every timestamp of the key (prefix and suffix) the arrival time of the oldest record in
// the object, in UTC, and the extension that of the compression (".gz") or FileExtension.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/delivery/prefix_expression.h"

namespace sf::engine::delivery {

struct ObjectName {
  std::string_view stream;
  int64_t version = 1;
  int64_t oldest_ms = 0;
  std::string_view extension;
};

std::string ObjectKey(const PrefixExpression& prefix, const ObjectName& name);

// `length` random characters from [a-zA-Z0-9] (!{firehose:random-string} takes 11).
std::string RandomString(size_t length);
// A RecordId as PutRecord returns one: 112 random characters of base64's alphabet.
std::string NewRecordId();
// A random (version 4) UUID, lower case.
std::string NewObjectUuid();
// 16 random hex characters.
std::string NewStreamId();

}  // namespace sf::engine::delivery
