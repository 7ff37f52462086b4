#pragma once
// The DeliveryService's state of one stream (internal to delivery_service*.cc): its definition,
// parsed prefix, buffer, retry times and counters, all under the stream's mutex.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "engine/delivery/buffer_log.h"
#include "engine/delivery/delivery_stream.h"
#include "engine/delivery/prefix_expression.h"

namespace sf::engine::delivery {

struct StreamCounters {
  uint64_t incoming_records = 0;
  uint64_t incoming_bytes = 0;
  uint64_t delivered_records = 0;
  uint64_t delivered_bytes = 0;
  uint64_t delivered_objects = 0;
  uint64_t failed_puts = 0;
  bool last_put_succeeded = true;
};

// A sealed buffer whose delivery failed: when to try again.
struct Retry {
  int attempts = 0;
  int64_t next_ms = 0;
};

struct StreamState {
  std::mutex mu;
  DeliveryStream definition;  // guarded by mu, as is everything below
  PrefixExpression prefix;    // definition.destination.prefix, parsed
  std::unique_ptr<BufferLog> log;
  std::map<uint64_t, Retry> retries;  // by segment sequence
  StreamCounters counters;
  bool deleted = false;

  // The largest object, in bytes: SizeInMBs MiB.
  uint64_t max_bytes() const {
    return static_cast<uint64_t>(definition.destination.buffering.size_mb) << 20;
  }
  // Names the object of a buffer sealed now: the intent the BufferLog stores beside it.
  SegmentNamer Namer();
};

// A sealed buffer's intent: where its object goes.
struct ObjectIntent {
  std::string bucket;
  std::string key;
  Compression compression = Compression::kUncompressed;
};
std::string IntentJson(const ObjectIntent& intent);
tl::expected<ObjectIntent, std::string> ParseIntent(const std::string& text);

}  // namespace sf::engine::delivery
