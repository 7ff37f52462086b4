// kinesis_load: a native load generator for Kinesis-compatible endpoints (streamform's engine,
// kinesalite, ...). See README.md next to this file.
//
//   kinesis_load put-records        --endpoint 127.0.0.1:4560 --shards 4 --connections 8 --duration
//   10 kinesis_load get-records        --endpoint 127.0.0.1:4560 --shards 4 --records 1000000
//   kinesis_load put-record-latency --endpoint 127.0.0.1:4560 --duration 5
//   kinesis_load fsync-probe        --dir /tmp --duration 1   (the machine's fdatasync cost)
//
// Each mode prints one JSON line on stdout; progress goes to stderr.
//
// Built so that it is not the bottleneck: plain blocking POSIX sockets, one thread per
// keep-alive connection with one request in flight, JSON bodies (and their SHA-256) precomputed,
// read buffers reused, and responses scanned for the few fields that matter rather than parsed.
// It reports its own CPU time next to the engine's so that can be checked.
//
// Every request is SigV4-signed when it is sent, as an SDK signs it: with the engine's
// credentials (--data-dir: its credentials.json; or --access-key/--secret-key), else with dummy
// ones (kinesalite checks only that a signature is there). The signing key is derived once a
// day; each request costs one SHA-256 of its canonical request and one HMAC.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "auth/amz_time.h"
#include "auth/canonical.h"
#include "auth/crypto.h"
#include "auth/key_file.h"
#include "auth/signer.h"
#include "common/http_connection.h"
#include "common/load_support.h"

namespace {

using sf::bench::CpuMeter;
using sf::bench::HttpConnection;
using sf::bench::kMeasure;
using sf::bench::kStop;
using sf::bench::kWarmup;
using sf::bench::Round;
using sf::bench::SecondsSince;
using sf::bench::SteadyClock;
using sf::bench::WallMs;
using Json = nlohmann::json;
using Response = sf::bench::HttpResponse;

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "kinesis_load: %s\n", message.c_str());
  std::exit(2);
}

void Log(const std::string& message) {
  std::fprintf(stderr, "kinesis_load: %s\n", message.c_str());
}

// ---------------------------------------------------------------------------------------------
// Options

struct Options {
  std::string mode;
  std::string endpoint = "127.0.0.1:4560";
  std::string host;
  uint16_t port = 0;
  std::string stream;
  std::string label;
  int shards = 4;
  int connections = 8;
  double duration_s = 10;
  double warmup_s = 2;
  size_t record_bytes = 100;
  int batch = 500;
  int64_t records = 1'000'000;  // get-records: how many to load
  int limit = 10000;            // get-records: GetRecords Limit
  int passes = 3;               // get-records: read everything this many times
  int variants = 32;            // distinct precomputed request bodies
  int64_t watch_pid = 0;        // the server's pid: report its CPU and memory
  uint64_t seed = 42;
  double io_timeout_s = 60;
  bool reuse_stream = false;
  std::string dir = ".";  // fsync-probe: where to write
  // Signing: --data-dir (the engine's credentials.json) or the keys; dummy keys otherwise.
  std::string data_dir;
  std::string access_key = "AKIDEXAMPLE";
  std::string secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  std::string region = "us-east-1";
};

// ---------------------------------------------------------------------------------------------
// Small helpers

std::string Base64(const unsigned char* data, size_t size) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((size + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8) | uint32_t{data[i + 2]};
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (size - i == 1) {
    uint32_t v = uint32_t{data[i]} << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (size - i == 2) {
    uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string RandomData(std::mt19937_64& rng, size_t size) {
  std::vector<unsigned char> bytes(size);
  for (auto& b : bytes) b = static_cast<unsigned char>(rng() & 0xff);
  return Base64(bytes.data(), bytes.size());
}

std::string RandomKey(std::mt19937_64& rng) {
  char text[24];
  std::snprintf(text, sizeof(text), "pk-%016llx", static_cast<unsigned long long>(rng()));
  return text;
}

// Finds `"key"` followed by optional spaces and a colon; returns the position after the colon.
std::optional<size_t> FindMember(std::string_view body, std::string_view key, size_t from = 0) {
  std::string quoted;
  quoted.reserve(key.size() + 2);
  quoted += '"';
  quoted += key;
  quoted += '"';
  while (true) {
    const void* hit = memmem(body.data() + from, body.size() - from, quoted.data(), quoted.size());
    if (hit == nullptr) return std::nullopt;
    size_t at = static_cast<size_t>(static_cast<const char*>(hit) - body.data()) + quoted.size();
    while (at < body.size() &&
           (body[at] == ' ' || body[at] == '\n' || body[at] == '\t' || body[at] == '\r'))
      ++at;
    if (at < body.size() && body[at] == ':') return at + 1;
    from = at;
  }
}

std::optional<int64_t> FindInt(std::string_view body, std::string_view key) {
  auto at = FindMember(body, key);
  if (!at) return std::nullopt;
  size_t i = *at;
  while (i < body.size() && body[i] == ' ') ++i;
  bool negative = i < body.size() && body[i] == '-';
  if (negative) ++i;
  if (i >= body.size() || body[i] < '0' || body[i] > '9') return std::nullopt;
  int64_t value = 0;
  while (i < body.size() && body[i] >= '0' && body[i] <= '9')
    value = value * 10 + (body[i++] - '0');
  return negative ? -value : value;
}

// A string member, with the escapes a server may use in base64-like text undone. nullopt if
// absent or null.
std::optional<std::string> FindString(std::string_view body, std::string_view key) {
  auto at = FindMember(body, key);
  if (!at) return std::nullopt;
  size_t i = *at;
  while (i < body.size() && body[i] == ' ') ++i;
  if (i >= body.size() || body[i] != '"') return std::nullopt;
  std::string out;
  for (++i; i < body.size() && body[i] != '"'; ++i) {
    if (body[i] == '\\' && i + 1 < body.size()) ++i;
    out += body[i];
  }
  return out;
}

size_t CountOccurrences(std::string_view body, std::string_view needle) {
  size_t count = 0;
  const char* at = body.data();
  const char* end = body.data() + body.size();
  while (at < end) {
    const void* hit = memmem(at, static_cast<size_t>(end - at), needle.data(), needle.size());
    if (hit == nullptr) break;
    ++count;
    at = static_cast<const char*>(hit) + needle.size();
  }
  return count;
}

// ---------------------------------------------------------------------------------------------
// Requests and their SigV4 signatures

// One Kinesis call's body, with the hex SHA-256 the signature covers (hashed once: PutRecords
// bodies are sent many times).
struct Payload {
  std::string operation;  // "PutRecords"
  std::string body;
  std::string sha256;
};

Payload MakePayload(std::string operation, std::string body) {
  std::string hash = sf::auth::PayloadHash(body);
  return {std::move(operation), std::move(body), std::move(hash)};
}

constexpr char kContentType[] = "application/x-amz-json-1.1";
constexpr char kTargetPrefix[] = "Kinesis_20131202.";
constexpr char kSignedHeaders[] = "content-type;host;x-amz-date;x-amz-target";

// Writes the heads of signed requests. One per connection (not thread-safe). The X-Amz-Date is
// formatted once a second and the signing key derived once a day; per request it builds the
// canonical request of the four signed headers (the same bytes sf::auth::CanonicalRequest gives,
// checked by SelfCheck) and computes SHA-256 and one HMAC.
class RequestSigner {
 public:
  explicit RequestSigner(const Options& options)
      : options_(options), host_(options.host + ":" + std::to_string(options.port)) {}

  // The request line and headers (through the blank line) of `payload`, signed now.
  void Head(const Payload& payload, std::string& out) { Head(payload, WallMs(), out); }

  void Head(const Payload& payload, int64_t now_ms, std::string& out) {
    Refresh(now_ms);
    canonical_.clear();
    canonical_ += "POST\n/\n\ncontent-type:";
    canonical_ += kContentType;
    canonical_ += "\nhost:";
    canonical_ += host_;
    canonical_ += "\nx-amz-date:";
    canonical_ += amz_date_;
    canonical_ += "\nx-amz-target:";
    canonical_ += kTargetPrefix;
    canonical_ += payload.operation;
    canonical_ += "\n\n";
    canonical_ += kSignedHeaders;
    canonical_ += '\n';
    canonical_ += payload.sha256;
    const std::string signature =
        sf::auth::ComputeSignature(key_, sf::auth::StringToSign(amz_date_, scope_, canonical_));
    out.clear();
    out += "POST / HTTP/1.1\r\nHost: ";
    out += host_;
    out += "\r\nContent-Type: ";
    out += kContentType;
    out += "\r\nX-Amz-Target: ";
    out += kTargetPrefix;
    out += payload.operation;
    out += "\r\nX-Amz-Date: ";
    out += amz_date_;
    out += "\r\nAuthorization: ";
    out += authorization_prefix_;
    out += signature;
    out += "\r\nContent-Length: ";
    out += std::to_string(payload.body.size());
    out += "\r\n\r\n";
  }

  // Dies unless this signer's Authorization header is the one sf::auth::Signer computes.
  void SelfCheck() {
    Payload payload = MakePayload("ListStreams", "{}");
    const int64_t now = WallMs();
    std::string head;
    Head(payload, now, head);
    sf::auth::HttpRequest request;
    request.method = "POST";
    request.headers = {{"Host", host_},
                       {"Content-Type", kContentType},
                       {"X-Amz-Target", std::string(kTargetPrefix) + payload.operation}};
    sf::auth::Signer signer({options_.access_key, options_.secret_key, std::nullopt},
                            options_.region, "kinesis");
    if (!signer.Sign(&request, payload.sha256, now)) Die("cannot sign");
    std::string expected = "Authorization: " + std::string(*request.FindHeader("authorization"));
    if (head.find(expected + "\r\n") == std::string::npos) {
      Die("the request signer disagrees with sf::auth::Signer:\n" + head + "\nexpected " +
          expected);
    }
  }

 private:
  void Refresh(int64_t now_ms) {
    const int64_t second = now_ms / 1000;
    if (second == second_) return;
    second_ = second;
    amz_date_ = sf::auth::FormatAmzDate(now_ms);
    std::string day = amz_date_.substr(0, 8);
    if (day == day_) return;
    day_ = day;
    key_ = sf::auth::DeriveSigningKey(options_.secret_key, day_, options_.region, "kinesis");
    scope_ = sf::auth::CredentialScope(day_, options_.region, "kinesis");
    authorization_prefix_ = "AWS4-HMAC-SHA256 Credential=" + options_.access_key + "/" + scope_ +
                            ", SignedHeaders=" + kSignedHeaders + ", Signature=";
  }

  const Options& options_;
  std::string host_;
  int64_t second_ = -1;
  std::string amz_date_;
  std::string day_;
  std::string key_;
  std::string scope_;
  std::string authorization_prefix_;
  std::string canonical_;
};

// ---------------------------------------------------------------------------------------------
// HTTP/1.1 over one keep-alive connection, one request in flight.

// Signs every request as it is sent (again when it is retried); bodies framed by Content-Length
// or chunked encoding, as Kinesis servers answer.
class Connection {
 public:
  explicit Connection(const Options& options)
      : http_({options.host, options.port, options.io_timeout_s, 256 * 1024,
               HttpConnection::Framing::kLengthOrChunked}),
        signer_(options) {}

  // Signs and sends one request, reads its response. On an I/O error, reconnects once and
  // retries (keep-alive connections may be closed by the server between requests).
  bool RoundTrip(const Payload& payload, Response& response, std::string& error) {
    auto head = [&]() -> std::string_view {
      signer_.Head(payload, head_);
      return head_;
    };
    return http_.RoundTrip(head, payload.body, response, error);
  }

  uint64_t reconnects() const { return http_.reconnects(); }

 private:
  HttpConnection http_;
  RequestSigner signer_;
  std::string head_;
};

// A control-plane call: dies on transport errors, returns the status and a parsed body.
std::pair<int, Json> Call(Connection& connection, const Options& options,
                          std::string_view operation, const Json& body) {
  Response response;
  std::string error;
  if (!connection.RoundTrip(MakePayload(std::string(operation), body.dump()), response, error)) {
    Die(std::string(operation) + " on " + options.endpoint + ": " + error);
  }
  Json parsed = Json::parse(response.body, nullptr, false);
  if (parsed.is_discarded()) parsed = Json{{"raw", std::string(response.body.substr(0, 300))}};
  return {response.status, parsed};
}

std::string ErrorType(const Json& body) {
  if (body.contains("__type") && body["__type"].is_string()) {
    std::string type = body["__type"];
    size_t hash = type.rfind('#');
    return hash == std::string::npos ? type : type.substr(hash + 1);
  }
  return "";
}

// Creates the stream (or reuses it with --reuse-stream), waits for ACTIVE, returns its shard ids.
std::vector<std::string> EnsureStream(const Options& options) {
  Connection connection(options);
  auto [status, body] = Call(connection, options, "CreateStream",
                             Json{{"StreamName", options.stream}, {"ShardCount", options.shards}});
  if (status != 200) {
    if (!(options.reuse_stream && ErrorType(body) == "ResourceInUseException")) {
      Die("CreateStream " + options.stream + ": HTTP " + std::to_string(status) + " " +
          body.dump());
    }
  }
  auto deadline = SteadyClock::now() + std::chrono::seconds(30);
  while (true) {
    auto [described_status, described] =
        Call(connection, options, "DescribeStreamSummary", Json{{"StreamName", options.stream}});
    if (described_status == 200 &&
        described.value("StreamDescriptionSummary", Json::object()).value("StreamStatus", "") ==
            "ACTIVE") {
      break;
    }
    if (SteadyClock::now() > deadline)
      Die("stream " + options.stream + " not ACTIVE after 30 s: " + described.dump());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::vector<std::string> shard_ids;
  Json request{{"StreamName", options.stream}, {"MaxResults", 1000}};
  while (true) {
    auto [listed_status, listed] = Call(connection, options, "ListShards", request);
    if (listed_status != 200)
      Die("ListShards: HTTP " + std::to_string(listed_status) + " " + listed.dump());
    for (const auto& shard : listed.value("Shards", Json::array()))
      shard_ids.push_back(shard.value("ShardId", ""));
    if (!listed.contains("NextToken") || !listed["NextToken"].is_string()) break;
    request = Json{{"NextToken", listed["NextToken"]}, {"MaxResults", 1000}};
  }
  return shard_ids;
}

// ---------------------------------------------------------------------------------------------
// Statistics

// LatencyMs (unrounded) plus "p99_9" and "over_1ms_fraction".
Json Percentiles(std::vector<float>& micros) {
  Json out = sf::bench::LatencyMs(micros, std::nullopt);
  if (micros.empty()) return out;
  out["p99_9"] = static_cast<double>(sf::bench::NearestRank(micros, 99.9)) / 1000.0;
  // Share of samples over 1 ms: makes a bimodal distribution (e.g. slow fsyncs) visible.
  size_t slow =
      static_cast<size_t>(micros.end() - std::upper_bound(micros.begin(), micros.end(), 1000.0f));
  out["over_1ms_fraction"] =
      Round(static_cast<double>(slow) / static_cast<double>(micros.size()), 4);
  return out;
}

// ---------------------------------------------------------------------------------------------
// PutRecords workers (put-records, and the load phase of get-records)

// Precomputed PutRecords requests: `variants` bodies of `batch` records with random keys and data.
std::vector<Payload> PutRecordsRequests(const Options& options) {
  std::mt19937_64 rng(options.seed);
  std::vector<Payload> requests;
  for (int v = 0; v < options.variants; ++v) {
    std::string body;
    body.reserve(static_cast<size_t>(options.batch) * (options.record_bytes * 4 / 3 + 60) + 100);
    body += "{\"StreamName\":\"" + options.stream + "\",\"Records\":[";
    for (int i = 0; i < options.batch; ++i) {
      if (i > 0) body += ',';
      body += "{\"Data\":\"" + RandomData(rng, options.record_bytes) + "\",\"PartitionKey\":\"" +
              RandomKey(rng) + "\"}";
    }
    body += "]}";
    requests.push_back(MakePayload("PutRecords", std::move(body)));
  }
  return requests;
}

struct alignas(64) PutWorker {
  std::atomic<uint64_t> records{0};   // acknowledged, all phases
  std::atomic<uint64_t> requests{0};  // answered 200, all phases
  uint64_t measured_records = 0;
  uint64_t measured_requests = 0;
  uint64_t failed_records = 0;   // FailedRecordCount, summed
  uint64_t error_responses = 0;  // non-200 answers
  uint64_t io_errors = 0;
  uint64_t reconnects = 0;
  std::string first_error;
  std::vector<float> latencies_us;  // measured phase only
};

struct PutRun {
  const Options& options;
  const std::vector<Payload>& requests;
  std::atomic<int>& phase;
  std::atomic<int64_t>* batches_left;  // load phase: stop when this runs out
};

void PutLoop(const PutRun& run, PutWorker& worker, size_t index) {
  Connection connection(run.options);
  Response response;
  std::string error;
  worker.latencies_us.reserve(1 << 16);
  size_t next = index * 7;
  while (run.phase.load(std::memory_order_relaxed) != kStop) {
    if (run.batches_left != nullptr && run.batches_left->fetch_sub(1) <= 0) break;
    const Payload& request = run.requests[next++ % run.requests.size()];
    auto start = SteadyClock::now();
    bool ok = connection.RoundTrip(request, response, error);
    auto micros = std::chrono::duration<float, std::micro>(SteadyClock::now() - start).count();
    if (!ok) {
      ++worker.io_errors;
      if (worker.first_error.empty()) worker.first_error = error;
      if (worker.io_errors > 10) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    if (response.status != 200) {
      ++worker.error_responses;
      if (worker.first_error.empty()) {
        worker.first_error = "HTTP " + std::to_string(response.status) + " " +
                             std::string(response.body.substr(0, 300));
      }
      if (run.batches_left != nullptr) run.batches_left->fetch_add(1);  // retry the batch
      if (worker.error_responses > 1000) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    auto failed = FindInt(response.body, "FailedRecordCount");
    uint64_t failed_count =
        failed ? static_cast<uint64_t>(*failed) : static_cast<uint64_t>(run.options.batch);
    if (!failed && worker.first_error.empty())
      worker.first_error = "no FailedRecordCount in " + std::string(response.body.substr(0, 200));
    uint64_t acked = static_cast<uint64_t>(run.options.batch) -
                     std::min<uint64_t>(failed_count, static_cast<uint64_t>(run.options.batch));
    worker.failed_records += failed_count;
    worker.records.fetch_add(acked, std::memory_order_relaxed);
    worker.requests.fetch_add(1, std::memory_order_relaxed);
    if (run.phase.load(std::memory_order_relaxed) == kMeasure) {
      worker.measured_records += acked;
      ++worker.measured_requests;
      worker.latencies_us.push_back(micros);
    }
  }
  worker.reconnects = connection.reconnects();
}

struct PutTotals {
  uint64_t records = 0, requests = 0, failed = 0, errors = 0, io_errors = 0, reconnects = 0;
  std::vector<float> latencies_us;
  std::string first_error;
};

PutTotals Sum(std::vector<std::unique_ptr<PutWorker>>& workers) {
  PutTotals totals;
  for (auto& w : workers) {
    totals.records += w->measured_records;
    totals.requests += w->measured_requests;
    totals.failed += w->failed_records;
    totals.errors += w->error_responses;
    totals.io_errors += w->io_errors;
    totals.reconnects += w->reconnects;
    totals.latencies_us.insert(totals.latencies_us.end(), w->latencies_us.begin(),
                               w->latencies_us.end());
    if (totals.first_error.empty()) totals.first_error = w->first_error;
  }
  return totals;
}

Json Common(const Options& options) {
  Json out;
  out["mode"] = options.mode;
  if (!options.label.empty()) out["label"] = options.label;
  out["endpoint"] = options.endpoint;
  out["stream"] = options.stream;
  out["shards"] = options.shards;
  out["record_bytes"] = options.record_bytes;
  return out;
}

void AddServerMemory(Json& out, const Options& options) {
  if (options.watch_pid <= 0) return;
  sf::bench::ProcessMemory sample = sf::bench::ReadProcessMemory(options.watch_pid);
  out["server_vmrss_mib"] = Round(static_cast<double>(sample.rss_kib) / 1024.0, 1);
  out["server_vmhwm_mib"] = Round(static_cast<double>(sample.hwm_kib) / 1024.0, 1);
}

// ---------------------------------------------------------------------------------------------
// Modes

int PutRecordsMode(const Options& options) {
  EnsureStream(options);
  auto requests = PutRecordsRequests(options);
  std::atomic<int> phase{kWarmup};
  PutRun run{options, requests, phase, nullptr};
  std::vector<std::unique_ptr<PutWorker>> workers;
  for (int i = 0; i < options.connections; ++i) workers.push_back(std::make_unique<PutWorker>());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < workers.size(); ++i)
    threads.emplace_back(PutLoop, std::cref(run), std::ref(*workers[i]), i);

  auto total_records = [&] {
    uint64_t sum = 0;
    for (auto& w : workers) sum += w->records.load(std::memory_order_relaxed);
    return sum;
  };
  Json rss_per_second = Json::array();
  auto sample_rss = [&] {
    if (options.watch_pid > 0) {
      rss_per_second.push_back(Round(
          static_cast<double>(sf::bench::ReadProcessMemory(options.watch_pid).rss_kib) / 1024.0,
          1));
    }
  };
  sf::bench::MeasuredWindow window =
      sf::bench::MeasureWindow(phase, options.warmup_s, options.duration_s, options.watch_pid,
                               /*runqueue_wait=*/true, total_records, sample_rss);
  const double elapsed = window.elapsed_s;
  const Json& per_second = window.per_second;
  for (auto& t : threads) t.join();
  PutTotals totals = Sum(workers);

  Json out = Common(options);
  out["connections"] = options.connections;
  out["batch"] = options.batch;
  out["duration_s"] = Round(elapsed, 3);
  out["records"] = totals.records;
  out["records_per_s"] = std::llround(static_cast<double>(totals.records) / elapsed);
  out["requests_per_s"] = Round(static_cast<double>(totals.requests) / elapsed, 1);
  out["payload_mib_per_s"] = Round(
      static_cast<double>(totals.records * options.record_bytes) / elapsed / (1024.0 * 1024.0), 1);
  out["request_latency_ms"] = Percentiles(totals.latencies_us);
  out["records_per_s_each_second"] = per_second;
  out["failed_records"] = totals.failed;
  out["error_responses"] = totals.errors;
  out["io_errors"] = totals.io_errors;
  out["reconnects"] = totals.reconnects;
  if (!totals.first_error.empty()) out["first_error"] = totals.first_error;
  out.update(window.cpu);
  if (options.watch_pid > 0) {
    out["server_vmrss_mib_each_second"] = rss_per_second;
    // How RSS grows with the data written: ~0 when memory is bounded by configuration, a
    // constant when something is kept per byte (or record) stored.
    uint64_t after_first = 0;
    for (size_t i = 1; i < per_second.size(); ++i) after_first += per_second[i].get<uint64_t>();
    double gib =
        static_cast<double>(after_first * options.record_bytes) / (1024.0 * 1024.0 * 1024.0);
    if (rss_per_second.size() >= 2 && gib > 0) {
      double growth = rss_per_second.back().get<double>() - rss_per_second.front().get<double>();
      out["server_rss_growth_mib_per_gib_payload"] = Round(growth / gib, 2);
    }
  }
  AddServerMemory(out, options);
  bool ok = totals.records > 0 && totals.failed == 0 && totals.errors == 0 && totals.io_errors == 0;
  out["ok"] = ok;
  std::printf("%s\n", out.dump().c_str());
  return ok ? 0 : 1;
}

struct ShardReader {
  uint64_t records = 0;
  uint64_t calls = 0;
  uint64_t bytes = 0;
  std::string error;
};

void ReadShard(const Options& options, const std::string& shard_id, ShardReader& reader) {
  Connection connection(options);
  auto [status, body] = Call(connection, options, "GetShardIterator",
                             Json{{"StreamName", options.stream},
                                  {"ShardId", shard_id},
                                  {"ShardIteratorType", "TRIM_HORIZON"}});
  if (status != 200 || !body.contains("ShardIterator")) {
    reader.error =
        "GetShardIterator " + shard_id + ": HTTP " + std::to_string(status) + " " + body.dump();
    return;
  }
  std::string iterator = body["ShardIterator"];
  Payload request;
  request.operation = "GetRecords";
  Response response;
  std::string error;
  int empty_in_a_row = 0;
  while (true) {
    request.body =
        "{\"ShardIterator\":\"" + iterator + "\",\"Limit\":" + std::to_string(options.limit) + "}";
    request.sha256 = sf::auth::PayloadHash(request.body);
    if (!connection.RoundTrip(request, response, error)) {
      reader.error = "GetRecords " + shard_id + ": " + error;
      return;
    }
    if (response.status != 200) {
      reader.error = "GetRecords " + shard_id + ": HTTP " + std::to_string(response.status) + " " +
                     std::string(response.body.substr(0, 300));
      return;
    }
    ++reader.calls;
    reader.bytes += response.body.size();
    size_t count = CountOccurrences(response.body, "\"SequenceNumber\"");
    reader.records += count;
    auto next = FindString(response.body, "NextShardIterator");
    if (!next) return;  // closed shard, read to its end
    iterator = std::move(*next);
    if (count == 0) {
      auto behind = FindInt(response.body, "MillisBehindLatest");
      if (!behind || *behind == 0 || ++empty_in_a_row >= 5) return;
    } else {
      empty_in_a_row = 0;
    }
  }
}

int GetRecordsMode(const Options& options) {
  std::vector<std::string> shard_ids = EnsureStream(options);
  if (shard_ids.empty()) Die("the stream has no shards");
  // Load R records with PutRecords (the same workers as put-records).
  auto requests = PutRecordsRequests(options);
  std::atomic<int> phase{kMeasure};
  std::atomic<int64_t> batches_left{(options.records + options.batch - 1) / options.batch};
  PutRun run{options, requests, phase, &batches_left};
  std::vector<std::unique_ptr<PutWorker>> workers;
  for (int i = 0; i < options.connections; ++i) workers.push_back(std::make_unique<PutWorker>());
  auto load_start = SteadyClock::now();
  {
    std::vector<std::thread> threads;
    for (size_t i = 0; i < workers.size(); ++i)
      threads.emplace_back(PutLoop, std::cref(run), std::ref(*workers[i]), i);
    for (auto& t : threads) t.join();
  }
  double load_s = SecondsSince(load_start);
  PutTotals loaded = Sum(workers);
  Log("loaded " + std::to_string(loaded.records) + " records in " + std::to_string(load_s) + " s");
  if (loaded.io_errors > 0 || loaded.failed > 0) Die("loading failed: " + loaded.first_error);

  Json passes = Json::array();
  std::vector<double> rates;
  uint64_t read_records = 0;
  uint64_t calls = 0;
  uint64_t bytes = 0;
  std::string first_error;
  for (int pass = 0; pass < options.passes; ++pass) {
    std::vector<ShardReader> readers(shard_ids.size());
    CpuMeter cpu(options.watch_pid, /*runqueue_wait=*/true);
    auto start = SteadyClock::now();
    std::vector<std::thread> threads;
    for (size_t i = 0; i < shard_ids.size(); ++i) {
      threads.emplace_back(ReadShard, std::cref(options), std::cref(shard_ids[i]),
                           std::ref(readers[i]));
    }
    for (auto& t : threads) t.join();
    double elapsed = SecondsSince(start);
    Json pass_cpu = cpu.Report();
    read_records = calls = bytes = 0;
    for (const auto& r : readers) {
      read_records += r.records;
      calls += r.calls;
      bytes += r.bytes;
      if (first_error.empty()) first_error = r.error;
    }
    double rate = static_cast<double>(read_records) / elapsed;
    rates.push_back(rate);
    Json p = {
        {"records", read_records},
        {"seconds", Round(elapsed, 3)},
        {"records_per_s", std::llround(rate)},
        {"get_records_calls", calls},
        {"response_mib_per_s", Round(static_cast<double>(bytes) / elapsed / (1024.0 * 1024.0), 1)}};
    p.update(pass_cpu);
    passes.push_back(p);
    Log("pass " + std::to_string(pass + 1) + ": " + std::to_string(read_records) + " records in " +
        std::to_string(elapsed) + " s");
  }
  std::vector<double> sorted = rates;
  std::sort(sorted.begin(), sorted.end());
  double median = sorted[sorted.size() / 2];

  Json out = Common(options);
  out["load_connections"] = options.connections;
  out["readers"] = shard_ids.size();  // one per shard, one GetRecords in flight each
  out["limit"] = options.limit;
  out["records_loaded"] = loaded.records;
  out["load_records_per_s"] = std::llround(static_cast<double>(loaded.records) / load_s);
  out["records_read"] = read_records;
  out["records_per_s"] = std::llround(median);
  out["passes"] = passes;
  if (!first_error.empty()) out["first_error"] = first_error;
  AddServerMemory(out, options);
  bool ok = first_error.empty() && read_records == loaded.records;
  out["ok"] = ok;
  std::printf("%s\n", out.dump().c_str());
  return ok ? 0 : 1;
}

int PutRecordLatencyMode(const Options& options) {
  EnsureStream(options);
  std::mt19937_64 rng(options.seed);
  std::vector<Payload> requests;
  for (int i = 0; i < std::max(options.variants, 256); ++i) {
    std::string body = "{\"StreamName\":\"" + options.stream + "\",\"Data\":\"" +
                       RandomData(rng, options.record_bytes) + "\",\"PartitionKey\":\"" +
                       RandomKey(rng) + "\"}";
    requests.push_back(MakePayload("PutRecord", std::move(body)));
  }
  Connection connection(options);
  Response response;
  std::string error;
  std::vector<float> latencies;
  latencies.reserve(1 << 20);
  uint64_t errors = 0;
  std::string first_error;
  size_t next = 0;
  auto run = [&](double seconds, bool record) {
    auto end = SteadyClock::now() + std::chrono::duration_cast<SteadyClock::duration>(
                                        std::chrono::duration<double>(seconds));
    while (true) {
      auto start = SteadyClock::now();
      if (start >= end) break;
      bool ok = connection.RoundTrip(requests[next++ % requests.size()], response, error);
      float micros = std::chrono::duration<float, std::micro>(SteadyClock::now() - start).count();
      if (!ok || response.status != 200 ||
          response.body.find("\"SequenceNumber\"") == std::string_view::npos) {
        ++errors;
        if (first_error.empty()) {
          first_error = ok ? "HTTP " + std::to_string(response.status) + " " +
                                 std::string(response.body.substr(0, 300))
                           : error;
        }
        if (!ok && errors > 10) Die("PutRecord: " + error);
        continue;
      }
      if (record) latencies.push_back(micros);
    }
  };
  run(options.warmup_s, false);
  CpuMeter cpu(options.watch_pid, /*runqueue_wait=*/true);
  auto start = SteadyClock::now();
  run(options.duration_s, true);
  double elapsed = SecondsSince(start);
  Json cpu_report = cpu.Report();
  size_t count = latencies.size();

  Json out = Common(options);
  out["connections"] = 1;
  out["duration_s"] = Round(elapsed, 3);
  out["requests"] = count;
  out["requests_per_s"] = Round(static_cast<double>(count) / elapsed, 1);
  out["latency_ms"] = Percentiles(latencies);
  out["error_responses"] = errors;
  if (!first_error.empty()) out["first_error"] = first_error;
  out.update(cpu_report);
  AddServerMemory(out, options);
  bool ok = count > 0 && errors == 0;
  out["ok"] = ok;
  std::printf("%s\n", out.dump().c_str());
  return ok ? 0 : 1;
}

// Not a Kinesis call: what fdatasync costs on this machine, for reading the figures above.
// Appends 145-byte frames (a 100-byte record's frame) to a new file and syncs after each.
int FsyncProbeMode(const Options& options) {
  std::string path = options.dir + "/kinesis_load_fsync_probe." + std::to_string(getpid());
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) Die("cannot create " + path + ": " + std::strerror(errno));
  std::string frame(145, 'x');
  std::vector<float> latencies;
  off_t offset = 0;
  auto end = SteadyClock::now() + std::chrono::duration_cast<SteadyClock::duration>(
                                      std::chrono::duration<double>(options.duration_s));
  while (SteadyClock::now() < end) {
    if (::pwrite(fd, frame.data(), frame.size(), offset) != static_cast<ssize_t>(frame.size()))
      Die("pwrite failed");
    offset += static_cast<off_t>(frame.size());
    auto start = SteadyClock::now();
    if (::fdatasync(fd) != 0) Die("fdatasync failed");
    latencies.push_back(
        std::chrono::duration<float, std::micro>(SteadyClock::now() - start).count());
  }
  ::close(fd);
  ::unlink(path.c_str());
  Json out;
  out["mode"] = options.mode;
  if (!options.label.empty()) out["label"] = options.label;
  out["dir"] = options.dir;
  out["fdatasync_ms"] = Percentiles(latencies);
  out["ok"] = true;
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"Kinesis load generator: put-records, get-records, put-record-latency"};
  app.add_option("mode", options.mode,
                 "put-records | get-records | put-record-latency | fsync-probe")
      ->required()
      ->check(CLI::IsMember({"put-records", "get-records", "put-record-latency", "fsync-probe"}));
  app.add_option("--endpoint", options.endpoint, "host:port (or http://host:port)")
      ->capture_default_str();
  app.add_option("--stream", options.stream, "stream name (default: bench-<mode>)");
  app.add_option("--label", options.label, "a label copied into the JSON (e.g. streamform-fsync)");
  app.add_option("--shards", options.shards, "shards of the stream created")->capture_default_str();
  app.add_option("--connections", options.connections,
                 "keep-alive connections, one request in flight each")
      ->capture_default_str();
  app.add_option("--duration", options.duration_s, "measured seconds")->capture_default_str();
  app.add_option("--warmup", options.warmup_s, "seconds of load before measuring")
      ->capture_default_str();
  app.add_option("--record-size", options.record_bytes, "bytes of data per record")
      ->capture_default_str();
  app.add_option("--batch", options.batch, "records per PutRecords")
      ->capture_default_str()
      ->check(CLI::Range(1, 500));
  app.add_option("--records", options.records, "get-records: records loaded, then read")
      ->capture_default_str();
  app.add_option("--limit", options.limit, "get-records: GetRecords Limit")->capture_default_str();
  app.add_option("--passes", options.passes,
                 "get-records: full read passes (the median is reported)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  app.add_option("--variants", options.variants, "distinct precomputed request bodies")
      ->capture_default_str();
  app.add_option("--watch-pid", options.watch_pid,
                 "the server's pid: report its CPU share and VmRSS/VmHWM");
  app.add_option("--seed", options.seed, "random seed")->capture_default_str();
  app.add_option("--io-timeout", options.io_timeout_s, "seconds to wait on a socket")
      ->capture_default_str();
  app.add_option("--dir", options.dir, "fsync-probe: directory to write in")->capture_default_str();
  app.add_flag("--reuse-stream", options.reuse_stream, "use the stream if it already exists");
  app.add_option("--data-dir", options.data_dir,
                 "sign with the credentials.json of the engine in this data dir");
  app.add_option("--access-key", options.access_key, "sign with this access key id");
  app.add_option("--secret-key", options.secret_key, "sign with this secret access key");
  app.add_option("--region", options.region, "the region of the signatures")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (!options.data_dir.empty()) {
    auto credentials = sf::auth::LoadEngineCredentials(options.data_dir);
    if (!credentials) Die(credentials.error().message);
    options.access_key = credentials->credentials.access_key;
    options.secret_key = credentials->credentials.secret_key;
    options.region = credentials->region;
  }

  if (options.stream.empty()) options.stream = "bench-" + options.mode;
  std::string error;
  auto endpoint = sf::bench::ParseEndpoint(options.endpoint, error);
  if (!endpoint) Die(error);
  options.host = endpoint->host;
  options.port = endpoint->port;
  if (options.connections < 1 || options.shards < 1 || options.variants < 1)
    Die("counts must be positive");

  if (options.mode == "fsync-probe") return FsyncProbeMode(options);
  RequestSigner(options).SelfCheck();
  if (options.mode == "put-records") return PutRecordsMode(options);
  if (options.mode == "get-records") return GetRecordsMode(options);
  return PutRecordLatencyMode(options);
}
