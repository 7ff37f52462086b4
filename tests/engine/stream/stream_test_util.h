#pragma once
// Helpers for the StreamService tests: a temporary data directory per test, a service on a
// VirtualClock, and shorthands for putting and reading records.

#include "../../support/temp_dir.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "engine/stream/hash_key.h"
#include "engine/stream/sequence_number.h"
#include "engine/stream/stream_service.h"

namespace sf::engine::stream_test {

inline constexpr int64_t kStartMs = 1700000000000;  // Tue Nov 14 22:13:20 UTC 2023
inline constexpr int64_t kHourMs = 3600LL * 1000;
inline constexpr char kAccount[] = "000000000000";

// A fresh directory for one test (named "stream_<test>_<pid>_<n>").
class TempDir : public testing_support::TempDir {
 public:
  TempDir() : testing_support::TempDir("stream") {}
};

// Checks that `result` failed with exactly this AWS error type, message and status.
template <class T>
::testing::AssertionResult IsApiError(const ApiResult<T>& result, std::string_view type,
                                      std::string_view message, int status = 400) {
  if (result)
    return ::testing::AssertionFailure() << "succeeded; expected " << type << ": " << message;
  const ApiError& error = result.error();
  if (error.type != type || error.message != message || error.status != status) {
    return ::testing::AssertionFailure()
           << "got " << error.type << " (" << error.status << "): \"" << error.message
           << "\"\nexpected " << type << " (" << status << "): \"" << message << "\"";
  }
  return ::testing::AssertionSuccess();
}

template <class T>
::testing::AssertionResult IsOk(const ApiResult<T>& result) {
  if (result) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << result.error().type << ": " << result.error().message;
}

// a < b for decimal strings without leading zeros.
inline bool DecimalLess(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

inline std::string ShardId(int index) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "shardId-%012d", index);
  return buffer;
}

struct KeyData {
  std::string key;
  std::string data;
  std::optional<HashKey> explicit_hash_key = std::nullopt;
};

// A service on a VirtualClock over a temporary directory.
class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  StreamServiceOptions Options() const {
    StreamServiceOptions options;
    options.data_dir = dir_.path();
    options.clock = &clock_;
    options.account = kAccount;
    options.region = "us-east-1";
    options.throttling = throttling_;
    options.max_shards = max_shards_;
    options.log = log_options_;
    return options;
  }

  void Open() {
    service_.reset();
    auto opened = StreamService::Open(Options());
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    service_ = std::move(*opened);
  }

  StreamService& svc() { return *service_; }

  void Create(const std::string& name, int shards) {
    ASSERT_TRUE(IsOk(svc().CreateStream(name, shards, StreamMode::kProvisioned)));
  }

  // PutRecords without syncing.
  PutOutcome PutNoSync(const std::string& name, const std::vector<KeyData>& records) {
    std::vector<PutEntry> entries;
    for (const auto& record : records)
      entries.push_back({record.key, record.data, record.explicit_hash_key});
    auto outcome = svc().PutRecords(name, entries, false);
    EXPECT_TRUE(IsOk(outcome));
    return outcome ? std::move(*outcome) : PutOutcome{};
  }

  // PutRecords, then SyncAll so that the records are visible.
  PutOutcome Put(const std::string& name, const std::vector<KeyData>& records) {
    PutOutcome outcome = PutNoSync(name, records);
    svc().SyncAll();
    return outcome;
  }

  PutResult PutOne(const std::string& name, const std::string& key, const std::string& data,
                   std::optional<HashKey> explicit_hash_key = std::nullopt) {
    PutOutcome outcome = Put(name, {{key, data, explicit_hash_key}});
    EXPECT_EQ(outcome.results.size(), 1u);
    return outcome.results.empty() ? PutResult{} : outcome.results.front();
  }

  std::string Iterator(const std::string& name, const std::string& shard_id, IteratorType type,
                       std::optional<std::string> sequence = std::nullopt,
                       std::optional<double> timestamp = std::nullopt) {
    auto iterator = svc().GetShardIterator(name, shard_id, type, sequence, timestamp);
    EXPECT_TRUE(IsOk(iterator));
    return iterator ? *iterator : std::string();
  }

  GetRecordsOutcome Get(const std::string& iterator, int limit = 10000) {
    auto outcome = svc().GetRecords(iterator, limit);
    EXPECT_TRUE(IsOk(outcome));
    return outcome ? std::move(*outcome) : GetRecordsOutcome{};
  }

  // Reads from `iterator` until the shard's end (closed) or until a read returns nothing.
  // `last` receives the final outcome.
  std::vector<RecordOut> ReadAll(std::string iterator, int limit = 10000,
                                 GetRecordsOutcome* last = nullptr) {
    std::vector<RecordOut> all;
    for (int guard = 0; guard < 100000; ++guard) {
      auto outcome = svc().GetRecords(iterator, limit);
      EXPECT_TRUE(IsOk(outcome));
      if (!outcome) break;
      for (auto& record : outcome->records) all.push_back(record);
      bool done = !outcome->next_iterator || outcome->records.empty();
      if (outcome->next_iterator) iterator = *outcome->next_iterator;
      if (done) {
        if (last) *last = std::move(*outcome);
        break;
      }
    }
    return all;
  }

  std::vector<RecordOut> ReadShard(const std::string& name, const std::string& shard_id) {
    return ReadAll(Iterator(name, shard_id, IteratorType::kTrimHorizon));
  }

  StreamInfo Describe(const std::string& name) {
    auto info = svc().DescribeStream(name);
    EXPECT_TRUE(IsOk(info));
    return info ? *info : StreamInfo{};
  }

  std::vector<ShardInfo> OpenShards(const std::string& name) {
    std::vector<ShardInfo> open;
    for (const auto& shard : Describe(name).shards) {
      if (!shard.ending_sequence_number) open.push_back(shard);
    }
    std::sort(open.begin(), open.end(), [](const ShardInfo& a, const ShardInfo& b) {
      return a.starting_hash_key < b.starting_hash_key;
    });
    return open;
  }

  TempDir dir_;
  VirtualClock clock_{kStartMs};
  bool throttling_ = false;
  int max_shards_ = 500;
  LogOptions log_options_;
  std::unique_ptr<StreamService> service_;
};

// The uniform ranges of a new stream with `count` shards, computed independently of the
// service: h = floor(2^128 / count).
inline std::vector<std::pair<HashKey, HashKey>> ExpectedUniformRanges(int count) {
  // 2^128 / n == (2^128 - 1) / n unless n divides 2^128 (a power of two).
  HashKey n = static_cast<HashKey>(count);
  bool power_of_two = (count & (count - 1)) == 0;
  HashKey width = power_of_two
                      ? (count == 1 ? kMaxHashKey : (static_cast<HashKey>(1) << 127) / (n / 2))
                      : kMaxHashKey / n;
  std::vector<std::pair<HashKey, HashKey>> ranges;
  for (int i = 0; i < count; ++i) {
    HashKey start = width * static_cast<HashKey>(i);
    HashKey end = i == count - 1 ? kMaxHashKey : start + width - 1;
    ranges.emplace_back(start, end);
  }
  return ranges;
}

}  // namespace sf::engine::stream_test
