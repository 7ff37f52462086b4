// disk_write: the write bandwidth of the file system under a directory (the S3 benchmark's data
// dir), so that PutObject MiB/s can be read against what the disk gives. See README.md.
//
//   disk_write --dir /tmp/x --sequential-mib 1024 --objects 256 --object-kib 1024
//
// Three measurements, each in a fresh subdirectory that is removed afterwards, with random
// bytes (nothing to compress):
//   sequential      one file written in 1 MiB writes, then one fdatasync; MiB/s includes it.
//   object          per object: write a temporary file, fsync it, rename it to its final
//                   name: the least a store must do before acknowledging a durable PUT.
//   object_dirsync  the same plus an fsync of the directory after each rename, so that the
//                   new name itself survives a crash.
// One JSON line on stdout.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "common/load_support.h"

namespace {

using sf::bench::NearestRank;
using sf::bench::RandomBytes;
using sf::bench::Round;
using sf::bench::SecondsSince;
using sf::bench::SteadyClock;
using Json = nlohmann::json;

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "disk_write: %s: %s\n", message.c_str(), std::strerror(errno));
  std::exit(2);
}

constexpr double kMiB = 1024.0 * 1024.0;

void WriteAll(int fd, const std::string& data, const std::string& path) {
  const char* at = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t wrote = ::write(fd, at, left);
    if (wrote < 0) {
      if (errno == EINTR) continue;
      Die("write " + path);
    }
    at += wrote;
    left -= static_cast<size_t>(wrote);
  }
}

Json Sequential(const std::string& dir, size_t total_mib, const std::string& block) {
  std::string path = dir + "/sequential";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) Die("open " + path);
  size_t blocks = total_mib * (1 << 20) / block.size();
  auto start = SteadyClock::now();
  for (size_t i = 0; i < blocks; ++i) WriteAll(fd, block, path);
  double written_s = SecondsSince(start);
  if (::fdatasync(fd) != 0) Die("fdatasync " + path);
  double total_s = SecondsSince(start);
  ::close(fd);
  ::unlink(path.c_str());
  double mib = static_cast<double>(blocks * block.size()) / kMiB;
  return {{"mib", Round(mib, 1)},
          {"write_size_kib", block.size() / 1024},
          {"seconds", Round(total_s, 3)},
          {"mib_per_s", Round(mib / total_s, 1)},
          {"fdatasync_s", Round(total_s - written_s, 3)},
          {"page_cache_mib_per_s", Round(mib / written_s, 1)}};
}

Json Objects(const std::string& dir, size_t count, const std::string& body, bool dir_sync) {
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) Die("open " + dir);
  std::vector<double> per_object_ms;
  per_object_ms.reserve(count);
  auto start = SteadyClock::now();
  for (size_t i = 0; i < count; ++i) {
    auto object_start = SteadyClock::now();
    std::string temp = dir + "/obj-" + std::to_string(i) + ".tmp";
    std::string final_path = dir + "/obj-" + std::to_string(i);
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) Die("open " + temp);
    WriteAll(fd, body, temp);
    if (::fsync(fd) != 0) Die("fsync " + temp);
    ::close(fd);
    if (::rename(temp.c_str(), final_path.c_str()) != 0) Die("rename " + temp);
    if (dir_sync && ::fsync(dir_fd) != 0) Die("fsync " + dir);
    per_object_ms.push_back(SecondsSince(object_start) * 1000.0);
  }
  double total_s = SecondsSince(start);
  ::close(dir_fd);
  std::sort(per_object_ms.begin(), per_object_ms.end());
  auto at = [&](double percent) { return Round(NearestRank(per_object_ms, percent), 3); };
  double mib = static_cast<double>(count * body.size()) / kMiB;
  return {{"objects", count},
          {"object_kib", body.size() / 1024},
          {"directory_fsync", dir_sync},
          {"seconds", Round(total_s, 3)},
          {"mib_per_s", Round(mib / total_s, 1)},
          {"objects_per_s", Round(static_cast<double>(count) / total_s, 1)},
          {"per_object_ms",
           {{"p50", at(50)}, {"p99", at(99)}, {"max", Round(per_object_ms.back(), 3)}}}};
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = ".";
  std::string label;
  size_t sequential_mib = 1024;
  size_t objects = 256;
  size_t object_kib = 1024;
  CLI::App app{"Sequential and per-object (fsync + rename) write bandwidth of a file system"};
  app.add_option("--dir", dir, "a directory on the file system to measure")->capture_default_str();
  app.add_option("--sequential-mib", sequential_mib, "MiB written to one file (0: skip)")
      ->capture_default_str();
  app.add_option("--objects", objects, "files written one by one (0: skip)")->capture_default_str();
  app.add_option("--object-kib", object_kib, "KiB per file")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1} << 20));
  app.add_option("--label", label, "copied into the JSON");
  CLI11_PARSE(app, argc, argv);

  std::string work = dir + "/disk_write." + std::to_string(getpid());
  if (::mkdir(work.c_str(), 0755) != 0) Die("mkdir " + work);
  std::string block = RandomBytes(1, object_kib * 1024);
  Json out;
  out["mode"] = "disk-write";
  if (!label.empty()) out["label"] = label;
  out["dir"] = dir;
  if (sequential_mib > 0)
    out["sequential"] = Sequential(work, sequential_mib, RandomBytes(2, 1 << 20));
  for (bool dir_sync : {false, true}) {
    if (objects == 0) break;
    std::string sub = work + (dir_sync ? "/dirsync" : "/plain");
    if (::mkdir(sub.c_str(), 0755) != 0) Die("mkdir " + sub);
    out[dir_sync ? "object_dirsync" : "object"] = Objects(sub, objects, block, dir_sync);
    std::filesystem::remove_all(sub);
  }
  std::filesystem::remove_all(work);
  out["ok"] = true;
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
