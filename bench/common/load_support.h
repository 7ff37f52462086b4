// Small pieces the benchmark tools share: clocks and rounding, random payloads, --endpoint
// parsing, CPU and memory readings from /proc, latency percentiles as JSON.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sf::bench {

using SteadyClock = std::chrono::steady_clock;

// Seconds of the steady clock since `start`.
double SecondsSince(SteadyClock::time_point start);

// `value` rounded to `digits` decimal places (half away from zero).
double Round(double value, int digits);

// Milliseconds since the Unix epoch (the system clock: what a request signature carries).
int64_t WallMs();

// `size` pseudo-random bytes from a mt19937_64 seeded with `seed`: the same bytes for the same
// seed, and nothing along the way can compress them.
std::string RandomBytes(uint64_t seed, size_t size);

// ---------------------------------------------------------------------------------------------
// --endpoint

struct HostPort {
  std::string host;  // without the brackets of an IPv6 literal
  uint16_t port = 0;
};

// Parses the value of --endpoint: host:port, [v6]:port or http://host:port, trailing slashes
// ignored. nullopt with `error` set ("--endpoint needs host:port", "bad port in --endpoint X")
// when there is no port or it is not 1..65535.
std::optional<HostPort> ParseEndpoint(const std::string& endpoint, std::string& error);

// ---------------------------------------------------------------------------------------------
// /proc readings

// utime + stime of all threads of process `pid`, in seconds; -1 if it cannot be read.
double ProcessCpuSeconds(int64_t pid);

struct ProcessMemory {
  int64_t rss_kib = -1;  // VmRSS; -1 if it cannot be read
  int64_t hwm_kib = -1;  // VmHWM (peak RSS); -1 if it cannot be read
};

// VmRSS and VmHWM of process `pid` (all -1 for pid <= 0 or when it cannot be read).
ProcessMemory ReadProcessMemory(int64_t pid);

// User + system CPU seconds of this process (getrusage).
double SelfCpuSeconds();

// Busy CPU seconds of the whole machine (all processes), from /proc/stat.
double MachineBusySeconds();

// Seconds the threads of `pid` spent runnable but waiting for a CPU (schedstat), summed; 0 for
// pid <= 0.
double RunqueueWaitSeconds(int64_t pid);

// CPU use over a phase, from construction to Report(): this process's ("client_cpu_cores") and
// the whole machine's ("machine_busy_cores"), as cores busy on average. With a server pid (> 0)
// also the server's ("server_cpu_cores") and everyone else's on this shared machine
// ("other_processes_cpu_cores"); with `runqueue_wait` too, how many of the server's threads
// waited for a CPU on average ("server_runqueue_wait_threads"). Values rounded to 3 places.
class CpuMeter {
 public:
  explicit CpuMeter(int64_t server_pid, bool runqueue_wait = false);
  nlohmann::json Report() const;

 private:
  int64_t pid_;
  bool runqueue_wait_;
  double server_start_;
  double client_start_;
  double machine_start_;
  double wait_start_;
  SteadyClock::time_point start_ = SteadyClock::now();
};

// ---------------------------------------------------------------------------------------------
// The measured window of a load run

// Where a run's workers are; they read it (relaxed) between requests and count what they do
// in kMeasure as measured.
enum Phase : int { kWarmup = 0, kMeasure = 1, kStop = 2 };

struct MeasuredWindow {
  double elapsed_s = 0;  // from the switch to kMeasure to the switch to kStop
  nlohmann::json per_second = nlohmann::json::array();  // progress() gained in each whole second
  nlohmann::json cpu;  // CpuMeter(watch_pid, runqueue_wait).Report() over the window
};

// With the workers already running in kWarmup: waits `warmup_s`, switches `phase` to kMeasure,
// then once a second samples `progress()` (a counter of all phases) and calls `each_second` (if
// any), and after `duration_s` switches `phase` to kStop. The caller joins the workers.
MeasuredWindow MeasureWindow(std::atomic<int>& phase, double warmup_s, double duration_s,
                             int64_t watch_pid, bool runqueue_wait,
                             const std::function<uint64_t()>& progress,
                             const std::function<void()>& each_second = nullptr);

// ---------------------------------------------------------------------------------------------
// Percentiles

// The nearest-rank `percent` percentile (0 < percent <= 100) of `sorted`, which must be sorted
// ascending and not empty.
template <typename T>
T NearestRank(const std::vector<T>& sorted, double percent) {
  size_t rank =
      static_cast<size_t>(std::ceil(percent / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

// Latencies given in microseconds, summarized in milliseconds: {"p50", "p90", "p99", "max",
// "mean", "samples"} (an empty object for no samples). Sorts `micros` in place. With `digits`
// the millisecond values are rounded to that many places.
nlohmann::json LatencyMs(std::vector<float>& micros, std::optional<int> digits);

}  // namespace sf::bench
