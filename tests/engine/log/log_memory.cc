// engine_log_memory: how the shard log's resident memory grows with the log. Appends
// `total_mib` (default 2048) of 100-byte records in 500-record batches to a log with small
// segments and prints VmRSS every `step_mib` (default 256) of log written; then reopens the log
// and reads it all forward, printing VmRSS again. Not a test: it measures, it does not judge.
//
//   ./build/tests/engine/log/engine_log_memory [total_mib] [segment_mib] [step_mib]
//
// The log lives under $TMPDIR (default /tmp) and is deleted at the end.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "engine/log/shard_log.h"

namespace sf::engine {
namespace {

constexpr size_t kBatch = 500;
constexpr size_t kKeyBytes = 16;
constexpr size_t kDataBytes = 100;
constexpr uint64_t kMiB = uint64_t{1} << 20;

// VmRSS of this process in KiB, from /proc/self/status.
uint64_t RssKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

void Report(const char* what, uint64_t log_mib, const ShardLog* log) {
  std::printf("%-8s log_mib=%6llu  rss_kib=%7llu", what, static_cast<unsigned long long>(log_mib),
              static_cast<unsigned long long>(RssKib()));
  if (log != nullptr) {
    std::printf("  segments=%zu", log->segment_count());
  }
  std::printf("\n");
  std::fflush(stdout);
}

int Run(uint64_t total_mib, uint64_t segment_mib, uint64_t step_mib) {
  std::string directory =
      (std::filesystem::temp_directory_path() / ("engine_log_memory_" + std::to_string(::getpid())))
          .string();
  std::filesystem::remove_all(directory);
  LogOptions options;
  options.segment_bytes = segment_mib * kMiB;
  options.visible_after_sync = false;
  std::string storage(kBatch * (kKeyBytes + kDataBytes), 'x');
  std::vector<AppendRecord> batch;
  for (size_t i = 0; i < kBatch; ++i) {
    const char* key = storage.data() + i * (kKeyBytes + kDataBytes);
    batch.push_back({{key, kKeyBytes}, {key + kKeyBytes, kDataBytes}, 0});
  }
  {
    auto log = ShardLog::Open(directory, options);
    if (!log) return std::fprintf(stderr, "open: %s\n", log.error().message.c_str()), 1;
    Report("empty", 0, log->get());
    uint64_t next_report = step_mib;
    for (int64_t now = 1; (*log)->size_bytes() < total_mib * kMiB; ++now) {
      for (auto& record : batch) record.arrival_ms = now;
      if (auto appended = (*log)->Append(batch); !appended) {
        return std::fprintf(stderr, "append: %s\n", appended.error().message.c_str()), 1;
      }
      if ((*log)->size_bytes() >= next_report * kMiB) {
        Report("append", next_report, log->get());
        next_report += step_mib;
      }
    }
  }
  {
    auto log = ShardLog::Open(directory, options);
    if (!log) return std::fprintf(stderr, "reopen: %s\n", log.error().message.c_str()), 1;
    Report("reopen", (*log)->size_bytes() / kMiB, log->get());
    uint64_t from = 0;
    for (;;) {
      auto read = (*log)->Read(from, 10'000, size_t{4} << 20);
      if (!read) return std::fprintf(stderr, "read: %s\n", read.error().message.c_str()), 1;
      if (read->records.empty()) break;
      from = read->next_sequence;
    }
    Report("read-all", (*log)->size_bytes() / kMiB, log->get());
  }
  std::filesystem::remove_all(directory);
  return 0;
}

}  // namespace
}  // namespace sf::engine

int main(int argc, char** argv) {
  uint64_t total_mib = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2048;
  uint64_t segment_mib = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 16;
  uint64_t step_mib = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 256;
  return sf::engine::Run(total_mib, segment_mib == 0 ? 1 : segment_mib,
                         step_mib == 0 ? 256 : step_mib);
}
