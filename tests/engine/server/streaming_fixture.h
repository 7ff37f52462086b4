#pragma once
// Shared by the streaming tests: deterministic bodies and their hashes, a BodySink that records
// what it is given, and a BodySource over a string that can be told to misbehave.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "engine/server/http_server.h"
#include "server_fixture.h"

namespace sf::engine::testing {

// The server's read buffer: no slice handed to a sink may be larger.
constexpr size_t kReadBuffer = 64 * 1024;

// `size` pseudo-random bytes, the same for the same seed.
inline std::string Pattern(size_t size, uint64_t seed = 1) {
  std::string bytes(size, '\0');
  uint64_t state = seed * 0x9e3779b97f4a7c15ull + 1;
  for (size_t i = 0; i < size; ++i) {
    if (i % 8 == 0) {  // xorshift64
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
    }
    bytes[i] = static_cast<char>(state >> (8 * (i % 8)));
  }
  return bytes;
}

// FNV-1a, fed slice by slice: the hash of the concatenation, whatever the slicing.
class Fnv {
 public:
  void Add(std::string_view bytes) {
    for (char c : bytes) hash_ = (hash_ ^ static_cast<uint8_t>(c)) * 0x100000001b3ull;
  }
  uint64_t value() const { return hash_; }

 private:
  uint64_t hash_ = 0xcbf29ce484222325ull;
};

inline uint64_t Hash(std::string_view bytes) {
  Fnv fnv;
  fnv.Add(bytes);
  return fnv.value();
}

// True once `done` holds; false if it still does not after 5 s.
inline bool Eventually(const std::function<bool()>& done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

// Everything the sinks of one test were told. Thread-safe.
class SinkLog {
 public:
  struct Totals {
    uint64_t bytes = 0;
    uint64_t hash = 0;
    size_t largest_slice = 0;
    int finishes = 0;
    int aborts = 0;
    HttpRequest head;  // as given to the last Finish
  };

  void Write(std::string_view slice) {
    std::lock_guard<std::mutex> lock(mu_);
    fnv_.Add(slice);
    totals_.bytes += slice.size();
    totals_.largest_slice = std::max(totals_.largest_slice, slice.size());
  }
  void Finish(const HttpRequest& head) {
    std::lock_guard<std::mutex> lock(mu_);
    ++totals_.finishes;
    totals_.head = head;
  }
  void Abort() {
    std::lock_guard<std::mutex> lock(mu_);
    ++totals_.aborts;
  }
  Totals totals() {
    std::lock_guard<std::mutex> lock(mu_);
    Totals copy = totals_;
    copy.hash = fnv_.value();
    return copy;
  }
  uint64_t bytes() { return totals().bytes; }
  int ends() {
    Totals t = totals();
    return t.finishes + t.aborts;
  }

 private:
  std::mutex mu_;
  Fnv fnv_;
  Totals totals_;
};

// The body a RecordingSink answers with by default: "<bytes> <hash>".
inline std::string Receipt(uint64_t bytes, uint64_t hash) {
  return std::to_string(bytes) + " " + std::to_string(hash);
}

// Records into a SinkLog. By default Write takes everything and Finish answers 200 with the
// Receipt; `on_write` (given the bytes so far, this slice included) may answer instead, and
// `on_finish` replaces Finish's answer.
class RecordingSink : public BodySink {
 public:
  using OnWrite = std::function<std::optional<HttpResponse>(uint64_t bytes_so_far)>;
  using OnFinish = std::function<void(HttpRequest&&, Respond)>;

  RecordingSink(std::shared_ptr<SinkLog> log, OnWrite on_write, OnFinish on_finish)
      : log_(std::move(log)), on_write_(std::move(on_write)), on_finish_(std::move(on_finish)) {}

  // The slice is logged after on_write_ ran, so a slow on_write_ shows as bytes not yet taken.
  std::optional<HttpResponse> Write(std::string_view slice) override {
    std::optional<HttpResponse> answer;
    if (on_write_) answer = on_write_(log_->bytes() + slice.size());
    log_->Write(slice);
    return answer;
  }
  void Finish(HttpRequest&& head, Respond respond) override {
    log_->Finish(head);
    if (on_finish_) {
      on_finish_(std::move(head), std::move(respond));
      return;
    }
    SinkLog::Totals totals = log_->totals();
    respond({200, {}, Receipt(totals.bytes, totals.hash)});
  }
  void Abort() override { log_->Abort(); }

 private:
  std::shared_ptr<SinkLog> log_;
  OnWrite on_write_;
  OnFinish on_finish_;
};

// A server that streams requests for paths starting with /upload into RecordingSinks (at most
// `max_body` bytes) and buffers everything else for Echo.
struct UploadServer {
  explicit UploadServer(uint64_t max_body = 1ull << 30, RecordingSink::OnWrite on_write = {},
                        RecordingSink::OnFinish on_finish = {},
                        HttpServerOptions options = HttpServerOptions()) {
    options.classify = [this, max_body, on_write, on_finish](const HttpRequest& head) {
      ++classified;
      BodyPlan plan;
      if (head.path.starts_with("/upload")) {
        plan.sink = std::make_unique<RecordingSink>(log, on_write, on_finish);
        plan.max_body_bytes = max_body;
      }
      return plan;
    };
    server = StartServer(Echo, std::move(options));
  }
  std::shared_ptr<SinkLog> log = std::make_shared<SinkLog>();
  std::atomic<int> classified{0};
  std::unique_ptr<HttpServer> server;
};

// The head of a streamed upload to `target` with a Content-Length of `length`.
inline std::string UploadHead(uint64_t length, std::string_view extra = "",
                              std::string_view target = "/upload") {
  return "PUT " + std::string(target) +
         " HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(length) + "\r\n" +
         std::string(extra) + "\r\n";
}

// Serves `data` (shared, so a test can keep it). Misbehaves on request: `claimed` is what
// size() says (default: data.size()), `fail_at` makes Next fail once that many bytes were
// produced, `piece_bytes` makes every piece that long whatever max_bytes says.
class StringSource : public BodySource {
 public:
  explicit StringSource(std::shared_ptr<const std::string> data) : data_(std::move(data)) {
    claimed_ = data_->size();
  }
  uint64_t size() const override { return claimed_; }
  Status Next(size_t max_bytes, std::string* piece) override {
    ++pulls;
    if (offset_ >= fail_at) return Fail(ErrorCode::kIo, "the disk went away");
    size_t want = piece_bytes != 0 ? piece_bytes : max_bytes;
    size_t n = std::min(want, data_->size() - offset_);
    piece->assign(*data_, offset_, n);
    offset_ += n;
    return {};
  }

  uint64_t claimed_;
  size_t fail_at = SIZE_MAX;
  size_t piece_bytes = 0;
  std::atomic<int> pulls{0};

 private:
  std::shared_ptr<const std::string> data_;
  size_t offset_ = 0;
};

}  // namespace sf::engine::testing
