// Round-trip latency of small requests over one keep-alive connection, throughput of small and
// ~90 KB (Kinesis PutRecords-sized) requests over several connections, and streamed 256 MiB
// uploads (into a BodySink) and downloads (from a BodySource), against an in-process server whose
// handler, sink and source do no work of their own. The client is a minimal blocking POSIX
// client so that the figures are mostly the server's (and the kernel's loopback).
//
//   ./build/tests/engine/server/engine_server_bench

#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/server/http_server.h"

namespace sf::engine {
namespace {

constexpr std::string_view kSmallReply =
    R"({"SequenceNumber":"1","ShardId":"shardId-000000000000"})";

// One server for the whole run: 2 I/O threads, like the engine's default.
HttpServer& Server() {
  static HttpServer* server = [] {
    auto* s = new HttpServer(HttpServerOptions(), [](HttpRequest&&, Respond respond) {
      HttpResponse response;
      response.headers.emplace_back("Content-Type", "application/x-amz-json-1.1");
      response.body = kSmallReply;
      respond(std::move(response));
    });
    if (!s->Start()) std::abort();
    return s;
  }();
  return *server;
}

std::string Request(size_t body_size) {
  std::string body(body_size, 'x');
  std::string request =
      "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n"
      "X-Amz-Target: Kinesis_20131202.PutRecord\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n";
  return request + body;
}

// The streamed body of the upload and download benchmarks.
constexpr uint64_t kStreamBytes = 256ull << 20;

// Takes every slice and answers 200 once the body is complete.
class DiscardingSink : public BodySink {
 public:
  std::optional<HttpResponse> Write(std::string_view slice) override {
    bytes_ += slice.size();
    return std::nullopt;
  }
  void Finish(HttpRequest&&, Respond respond) override {
    respond({bytes_ == kStreamBytes ? 200 : 500, {}, ""});
  }
  void Abort() override {}

 private:
  uint64_t bytes_ = 0;
};

// kStreamBytes of one repeated 1 MiB block, copied piece by piece as a page-cache read would be.
class BlockSource : public BodySource {
 public:
  uint64_t size() const override { return kStreamBytes; }
  Status Next(size_t max_bytes, std::string* piece) override {
    size_t n = static_cast<size_t>(std::min<uint64_t>(
        {max_bytes, kStreamBytes - offset_, Block().size() - offset_ % Block().size()}));
    piece->assign(Block(), static_cast<size_t>(offset_ % Block().size()), n);
    offset_ += n;
    return {};
  }
  static const std::string& Block() {
    static const std::string block(1 << 20, 'b');
    return block;
  }

 private:
  uint64_t offset_ = 0;
};

// A second server for the streaming benchmarks: PUTs stream into a DiscardingSink, GETs are
// answered from a BlockSource.
HttpServer& StreamingServer() {
  static HttpServer* server = [] {
    HttpServerOptions options;
    options.classify = [](const HttpRequest& head) {
      BodyPlan plan;
      if (head.method == "PUT") {
        plan.sink = std::make_unique<DiscardingSink>();
        plan.max_body_bytes = kStreamBytes;
      }
      return plan;
    };
    auto* s = new HttpServer(options, [](HttpRequest&&, Respond respond) {
      HttpResponse response;
      response.source = std::make_shared<BlockSource>();
      respond(std::move(response));
    });
    if (!s->Start()) std::abort();
    return s;
  }();
  return *server;
}

// A blocking keep-alive connection that sends a request and reads one response.
class Connection {
 public:
  explicit Connection(uint16_t port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) std::abort();
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    buffer_.reserve(64 * 1024);
  }
  ~Connection() { close(fd_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Returns false on any error.
  bool RoundTrip(std::string_view request) { return Send(request) && ReadResponse(); }

  // Sends a PUT of kStreamBytes (one block over and over) and reads the response.
  bool Upload() {
    std::string head = "PUT /object HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
                       std::to_string(kStreamBytes) + "\r\n\r\n";
    if (!Send(head)) return false;
    const std::string& block = BlockSource::Block();
    for (uint64_t sent = 0; sent < kStreamBytes; sent += block.size()) {
      if (!Send(block)) return false;
    }
    return ReadResponse();
  }

  // Sends a GET and reads the response, discarding the body as it arrives.
  bool Download() {
    if (!Send("GET /object HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")) return false;
    size_t length;
    if (!ReadHead(&length)) return false;
    std::vector<char> sink(1 << 20);
    size_t got = std::min(length, buffer_.size());
    buffer_.erase(0, got);
    while (got < length) {
      ssize_t n = recv(fd_, sink.data(), std::min(sink.size(), length - got), 0);
      if (n <= 0) return false;
      got += static_cast<size_t>(n);
    }
    return true;
  }

 private:
  bool Send(std::string_view bytes) {
    for (size_t sent = 0; sent < bytes.size();) {
      ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  // Reads a 200's head into *length (its Content-Length) and drops it from buffer_.
  bool ReadHead(size_t* length) {
    size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return false;
    }
    size_t at = buffer_.find("Content-Length: ");
    if (at == std::string::npos || at > header_end) return false;
    *length = std::strtoul(buffer_.c_str() + at + 16, nullptr, 10);
    if (buffer_.compare(9, 3, "200") != 0) return false;
    buffer_.erase(0, header_end + 4);
    return true;
  }

  bool ReadResponse() {
    size_t length;
    if (!ReadHead(&length)) return false;
    while (buffer_.size() < length) {
      if (!Fill()) return false;
    }
    buffer_.erase(0, length);
    return true;
  }

  bool Fill() {
    char chunk[16 * 1024];
    ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_;
  std::string buffer_;
};

double Percentile(std::vector<double>& samples, double p) {
  if (samples.empty()) return 0;
  size_t index = static_cast<size_t>(p * static_cast<double>(samples.size() - 1));
  std::nth_element(samples.begin(), samples.begin() + static_cast<long>(index), samples.end());
  return samples[index];
}

// Sequential small requests on one connection: per-request latency, p50 and p99.
void BM_SmallRequestLatency(benchmark::State& state) {
  Connection connection(Server().port());
  std::string request = Request(static_cast<size_t>(state.range(0)));
  for (int i = 0; i < 1000; ++i) connection.RoundTrip(request);  // warm up
  std::vector<double> micros;
  micros.reserve(1 << 20);
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    if (!connection.RoundTrip(request)) state.SkipWithError("round trip failed");
    auto took = std::chrono::steady_clock::now() - start;
    micros.push_back(std::chrono::duration<double, std::micro>(took).count());
  }
  state.counters["p50_us"] = Percentile(micros, 0.50);
  state.counters["p99_us"] = Percentile(micros, 0.99);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SmallRequestLatency)->Arg(100)->UseRealTime()->MinTime(2.0);

// Each benchmark thread drives its own keep-alive connection; items_per_second is requests/s
// summed over the connections, bytes_per_second the request bytes.
void BM_Throughput(benchmark::State& state) {
  Connection connection(Server().port());
  std::string request = Request(static_cast<size_t>(state.range(0)));
  for (int i = 0; i < 100; ++i) connection.RoundTrip(request);  // warm up
  for (auto _ : state) {
    if (!connection.RoundTrip(request)) state.SkipWithError("round trip failed");
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(request.size()));
}
BENCHMARK(BM_Throughput)
    ->Arg(100)
    ->Arg(90 * 1024)
    ->Threads(1)
    ->Threads(4)
    ->Threads(8)
    ->UseRealTime()
    ->MinTime(2.0);

// One connection streaming kStreamBytes per iteration; bytes_per_second is the body rate.
void BM_StreamedUpload(benchmark::State& state) {
  Connection connection(StreamingServer().port());
  for (auto _ : state) {
    if (!connection.Upload()) state.SkipWithError("upload failed");
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kStreamBytes));
}
BENCHMARK(BM_StreamedUpload)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_StreamedDownload(benchmark::State& state) {
  Connection connection(StreamingServer().port());
  for (auto _ : state) {
    if (!connection.Download()) state.SkipWithError("download failed");
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kStreamBytes));
}
BENCHMARK(BM_StreamedDownload)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(3.0);

}  // namespace
}  // namespace sf::engine

BENCHMARK_MAIN();
