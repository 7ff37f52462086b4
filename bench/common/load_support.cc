#include "common/load_support.h"

#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <thread>

namespace sf::bench {

double SecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

double Round(double value, int digits) {
  double scale = std::pow(10.0, digits);
  return std::round(value * scale) / scale;
}

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string RandomBytes(uint64_t seed, size_t size) {
  std::mt19937_64 rng(seed);
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; i += 8) {
    uint64_t word = rng();
    std::memcpy(bytes.data() + i, &word, std::min<size_t>(8, size - i));
  }
  return bytes;
}

std::optional<HostPort> ParseEndpoint(const std::string& endpoint, std::string& error) {
  std::string text = endpoint;
  if (text.rfind("http://", 0) == 0) text = text.substr(7);
  while (!text.empty() && text.back() == '/') text.pop_back();
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) {
    error = "--endpoint needs host:port";
    return std::nullopt;
  }
  HostPort out;
  out.host = text.substr(0, colon);
  if (out.host.size() > 2 && out.host.front() == '[')
    out.host = out.host.substr(1, out.host.size() - 2);
  int port = std::atoi(text.c_str() + colon + 1);
  if (port <= 0 || port > 65535) {
    error = "bad port in --endpoint " + endpoint;
    return std::nullopt;
  }
  out.port = static_cast<uint16_t>(port);
  return out;
}

double ProcessCpuSeconds(int64_t pid) {
  if (pid <= 0) return -1;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  size_t paren = text.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream fields(text.substr(paren + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && (fields >> field); ++i) {
    if (i == 14 || i == 15) ticks += std::atof(field.c_str());  // utime, stime
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

ProcessMemory ReadProcessMemory(int64_t pid) {
  ProcessMemory memory;
  if (pid <= 0) return memory;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) memory.rss_kib = std::atoll(line.c_str() + 6);
    if (line.rfind("VmHWM:", 0) == 0) memory.hwm_kib = std::atoll(line.c_str() + 6);
  }
  return memory;
}

double SelfCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double MachineBusySeconds() {
  std::ifstream stat("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  return (user + nice + system + irq + softirq + steal) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double RunqueueWaitSeconds(int64_t pid) {
  if (pid <= 0) return 0;
  double total = 0;
  std::error_code ec;
  for (const auto& task :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream stat(task.path() / "schedstat");
    double run_ns = 0, wait_ns = 0;
    if (stat >> run_ns >> wait_ns) total += wait_ns / 1e9;
  }
  return total;
}

CpuMeter::CpuMeter(int64_t server_pid, bool runqueue_wait)
    : pid_(server_pid),
      runqueue_wait_(runqueue_wait),
      server_start_(ProcessCpuSeconds(server_pid)),
      client_start_(SelfCpuSeconds()),
      machine_start_(MachineBusySeconds()),
      wait_start_(runqueue_wait ? RunqueueWaitSeconds(server_pid) : 0) {}

nlohmann::json CpuMeter::Report() const {
  double wall = SecondsSince(start_);
  nlohmann::json out;
  double client = (SelfCpuSeconds() - client_start_) / wall;
  double machine = (MachineBusySeconds() - machine_start_) / wall;
  out["client_cpu_cores"] = Round(client, 3);
  out["machine_busy_cores"] = Round(machine, 3);
  if (pid_ > 0) {
    double server = (ProcessCpuSeconds(pid_) - server_start_) / wall;
    out["server_cpu_cores"] = Round(server, 3);
    out["other_processes_cpu_cores"] = Round(std::max(0.0, machine - server - client), 3);
    if (runqueue_wait_) {
      out["server_runqueue_wait_threads"] =
          Round((RunqueueWaitSeconds(pid_) - wait_start_) / wall, 3);
    }
  }
  return out;
}

MeasuredWindow MeasureWindow(std::atomic<int>& phase, double warmup_s, double duration_s,
                             int64_t watch_pid, bool runqueue_wait,
                             const std::function<uint64_t()>& progress,
                             const std::function<void()>& each_second) {
  MeasuredWindow window;
  std::this_thread::sleep_for(std::chrono::duration<double>(warmup_s));
  phase.store(kMeasure);
  auto start = SteadyClock::now();
  CpuMeter cpu(watch_pid, runqueue_wait);
  uint64_t last = progress();
  auto end = start + std::chrono::duration_cast<SteadyClock::duration>(
                         std::chrono::duration<double>(duration_s));
  for (auto tick = start + std::chrono::seconds(1); tick <= end; tick += std::chrono::seconds(1)) {
    std::this_thread::sleep_until(tick);
    uint64_t now = progress();
    window.per_second.push_back(now - last);
    last = now;
    if (each_second) each_second();
  }
  std::this_thread::sleep_until(end);
  phase.store(kStop);
  window.elapsed_s = SecondsSince(start);
  window.cpu = cpu.Report();
  return window;
}

nlohmann::json LatencyMs(std::vector<float>& micros, std::optional<int> digits) {
  nlohmann::json out = nlohmann::json::object();
  if (micros.empty()) return out;
  std::sort(micros.begin(), micros.end());
  auto ms = [&](double value_us) {
    double value = value_us / 1000.0;
    return digits ? Round(value, *digits) : value;
  };
  double sum = 0;
  for (float v : micros) sum += v;
  out["p50"] = ms(NearestRank(micros, 50));
  out["p90"] = ms(NearestRank(micros, 90));
  out["p99"] = ms(NearestRank(micros, 99));
  out["max"] = ms(micros.back());
  out["mean"] = ms(sum / static_cast<double>(micros.size()));
  out["samples"] = micros.size();
  return out;
}

}  // namespace sf::bench
