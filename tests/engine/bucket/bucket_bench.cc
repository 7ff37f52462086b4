// The object store's hot paths: PutObject and GetObject of 1 MiB objects from 1, 4 and 16
// threads, beside a raw sequential write + fdatasync of the same bytes (the disk's ceiling).
// Figures are bytes/s as MiB/s. Run: engine_bucket_bench --benchmark_min_time=1

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "engine/bucket/object_store.h"

namespace sf::engine {
namespace {

constexpr size_t kObjectBytes = 1 << 20;
constexpr int kKeysPerThread = 32;

struct Fixture {
  Fixture() {
    root =
        (std::filesystem::temp_directory_path() / ("sf-bucket-bench-" + std::to_string(getpid())))
            .string();
    std::filesystem::remove_all(root);
    store = std::move(*ObjectStore::Open(root, StoreOptions{}));
    (void)store->CreateBucket("bench");
    body.assign(kObjectBytes, 'x');
    for (size_t i = 0; i < body.size(); i += 4096) body[i] = static_cast<char>(i / 4096);
  }
  ~Fixture() { std::filesystem::remove_all(root); }
  std::string root;
  std::unique_ptr<ObjectStore> store;
  std::string body;
};

Fixture& Shared() {
  static Fixture fixture;  // destroyed at exit, removing its directory
  return fixture;
}

std::string Key(int thread, int i) {
  return "obj/" + std::to_string(thread) + "/" + std::to_string(i % kKeysPerThread);
}

void BM_PutObject(benchmark::State& state) {
  Fixture& f = Shared();
  int i = 0;
  for (auto _ : state) {
    auto put = f.store->PutObject("bench", Key(state.thread_index(), i++), {}, f.body);
    if (!put) state.SkipWithError(put.error().message.c_str());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kObjectBytes));
}

void BM_GetObject(benchmark::State& state) {
  Fixture& f = Shared();
  if (state.thread_index() == 0) {
    for (int t = 0; t < state.threads(); ++t) {
      for (int i = 0; i < kKeysPerThread; ++i) {
        (void)f.store->PutObject("bench", Key(t, i), {}, f.body);
      }
    }
  }
  std::string piece;
  int i = 0;
  for (auto _ : state) {
    auto reader = f.store->GetObject("bench", Key(state.thread_index(), i++));
    if (!reader) {
      state.SkipWithError(reader.error().message.c_str());
      break;
    }
    do {
      (void)(*reader)->Next(1 << 20, &piece);
    } while (!piece.empty());
    benchmark::DoNotOptimize(piece.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kObjectBytes));
}

// The same bytes written straight to a new file, fdatasync'd, renamed: no store around it.
void BM_RawWriteFsync(benchmark::State& state) {
  Fixture& f = Shared();
  std::string dir = f.root + "/raw";
  std::filesystem::create_directories(dir);
  int i = 0;
  for (auto _ : state) {
    std::string path = dir + "/" + std::to_string(state.thread_index()) + "-" +
                       std::to_string(i++ % kKeysPerThread);
    int fd = ::open((path + ".tmp").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (::write(fd, f.body.data(), f.body.size()) != static_cast<ssize_t>(f.body.size()) ||
        ::fdatasync(fd) != 0) {
      state.SkipWithError("write failed");
    }
    ::close(fd);
    ::rename((path + ".tmp").c_str(), path.c_str());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kObjectBytes));
}

BENCHMARK(BM_RawWriteFsync)->Threads(1)->Threads(4)->Threads(16)->UseRealTime();
BENCHMARK(BM_PutObject)->Threads(1)->Threads(4)->Threads(16)->UseRealTime();
BENCHMARK(BM_GetObject)->Threads(1)->Threads(4)->Threads(16)->UseRealTime();

}  // namespace
}  // namespace sf::engine

BENCHMARK_MAIN();
