#pragma once
// Helpers for the shard log tests: a temporary directory per test and record builders.

#include "../../support/temp_dir.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "engine/log/shard_log.h"

namespace sf::engine::testing_util {

// A fresh directory for one test (named "shard_log_<test>_<pid>_<n>").
class TempDir : public testing_support::TempDir {
 public:
  TempDir() : testing_support::TempDir("shard_log") {}
};

// Owns the strings that AppendRecords view.
struct Batch {
  std::vector<std::string> keys;
  std::vector<std::string> data;
  std::vector<AppendRecord> records;
};

// `count` records: key "k<i>", data "d<i>" padded to `data_bytes`, arrival `arrival(i)`.
template <class ArrivalFn>
Batch MakeBatch(uint64_t first_label, size_t count, size_t data_bytes, ArrivalFn arrival) {
  Batch batch;
  batch.keys.reserve(count);
  batch.data.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    uint64_t label = first_label + i;
    batch.keys.push_back("k" + std::to_string(label));
    std::string data = "d" + std::to_string(label);
    if (data.size() < data_bytes) data.resize(data_bytes, '.');
    batch.data.push_back(std::move(data));
  }
  for (size_t i = 0; i < count; ++i) {
    batch.records.push_back({batch.keys[i], batch.data[i], arrival(first_label + i)});
  }
  return batch;
}

inline Batch MakeBatch(uint64_t first_label, size_t count, size_t data_bytes = 10,
                       int64_t arrival_ms = 1000) {
  return MakeBatch(first_label, count, data_bytes, [=](uint64_t) { return arrival_ms; });
}

inline LogOptions VisibleOptions() {
  LogOptions options;
  options.visible_after_sync = false;
  return options;
}

inline std::unique_ptr<ShardLog> OpenOrDie(const std::string& dir, const LogOptions& options) {
  auto log = ShardLog::Open(dir, options);
  EXPECT_TRUE(log.has_value()) << (log ? "" : log.error().message);
  return log ? std::move(*log) : nullptr;
}

// Every visible record, read in small steps.
inline std::vector<LogRecord> ReadAll(const ShardLog& log, size_t step = 7) {
  std::vector<LogRecord> all;
  uint64_t from = 0;
  for (;;) {
    auto read = log.Read(from, step, SIZE_MAX);
    EXPECT_TRUE(read.has_value());
    if (!read || read->records.empty()) return all;
    for (auto& record : read->records) all.push_back(std::move(record));
    from = read->next_sequence;
  }
}

inline uint64_t FileSize(const std::string& path) { return std::filesystem::file_size(path); }

inline void AppendBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << bytes;
}

// Flips one byte of `path` at `offset`.
inline void CorruptByte(const std::string& path, uint64_t offset) {
  std::fstream file(path, std::ios::binary | std::ios::in | std::ios::out);
  file.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  file.get(c);
  file.seekp(static_cast<std::streamoff>(offset));
  file.put(static_cast<char>(c ^ 0x5A));
}

inline std::string SegmentName(uint64_t first, const std::string& extension = ".log") {
  return SegmentFileName(first, extension);
}

// The segment files in `dir`, sorted.
inline std::vector<std::string> LogFiles(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".log") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace sf::engine::testing_util
