// s3_load: a native PutObject/GetObject load generator for S3-compatible endpoints (streamform's
// engine, s3rver, ...), path-style. See README.md next to this file.
//
//   s3_load put --endpoint 127.0.0.1:4566 --credentials DATA/credentials.json --bucket bench
//               --create-bucket --concurrency 4 --warmup 1 --duration 5
//   s3_load get --endpoint 127.0.0.1:4566 --access-key S3RVER --secret-key S3RVER --objects 32
//
// Every request is SigV4-signed with sf::auth::Signer (service "s3"). The payload hash is the
// body's SHA-256 computed for each request (--payload sha256, what the AWS CLI and boto3 send
// over plain http) or UNSIGNED-PAYLOAD (--payload unsigned); that client-side cost is reported.
// One JSON line on stdout; progress on stderr.
//
// The same shape as bench/kinesis/kinesis_load.cc: blocking POSIX sockets, one thread per
// keep-alive HTTP/1.1 connection with one request in flight, bodies prepared once and sent
// with the head in one sendmsg, read buffers reused. So that the figures cannot come from a
// server that answers without storing: every PUT body is unique (its first bytes name the key),
// and a sample of GET bodies is hashed and compared with the SHA-256 of what was PUT.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "auth/crypto.h"
#include "auth/signer.h"
#include "auth/sigv4_types.h"
#include "common/http_connection.h"
#include "common/load_support.h"

namespace {

using sf::bench::CpuMeter;
using sf::bench::HttpConnection;
using sf::bench::kMeasure;
using sf::bench::kStop;
using sf::bench::kWarmup;
using sf::bench::LatencyMs;
using sf::bench::Round;
using sf::bench::SecondsSince;
using sf::bench::SteadyClock;
using sf::bench::WallMs;
using Json = nlohmann::json;
using Response = sf::bench::HttpResponse;

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "s3_load: %s\n", message.c_str());
  std::exit(2);
}

void Log(const std::string& message) { std::fprintf(stderr, "s3_load: %s\n", message.c_str()); }

float MicrosBetween(SteadyClock::time_point from, SteadyClock::time_point to) {
  return std::chrono::duration<float, std::micro>(to - from).count();
}

// ---------------------------------------------------------------------------------------------
// Options

struct Options {
  std::string mode;
  std::string endpoint = "127.0.0.1:4566";
  std::string host;
  uint16_t port = 0;
  std::string bucket = "s3-load";
  std::string prefix;  // of every key written; default s3_load/<mode>-c<C>-<pid>
  std::string credentials_file;
  std::string access_key;
  std::string secret_key;
  std::string region = "us-east-1";
  std::string payload = "sha256";
  std::string label;
  size_t object_bytes = 1 << 20;
  int concurrency = 1;
  double duration_s = 5;
  double warmup_s = 1;
  int objects = 32;       // get: objects uploaded first, then read at random
  int verify_every = 16;  // get: hash one body in this many (and each worker's first)
  bool create_bucket = false;
  int64_t watch_pid = 0;
  uint64_t seed = 42;
  double io_timeout_s = 60;
};

// A keep-alive connection to the endpoint takes all of HTTP/1.1 that S3 servers answer with.
HttpConnection::Options HttpOptions(const Options& options) {
  return {options.host, options.port, options.io_timeout_s, 64 * 1024,
          HttpConnection::Framing::kFull};
}

// ---------------------------------------------------------------------------------------------
// Signed S3 requests

class S3Client {
 public:
  explicit S3Client(const Options& options)
      : options_(options),
        signer_(sf::auth::Credentials{options.access_key, options.secret_key, std::nullopt},
                options.region, "s3"),
        host_((options.host.find(':') != std::string::npos ? "[" + options.host + "]"
                                                           : options.host) +
              ":" + std::to_string(options.port)) {}

  // The head (request line, headers, blank line) of a request signed now. `path` must already
  // be in its wire form (the keys used here need no percent-encoding).
  std::string Head(std::string_view method, const std::string& path,
                   std::optional<size_t> content_length, std::string_view payload_hash) const {
    sf::auth::HttpRequest request;
    request.method = std::string(method);
    request.path = path;
    request.headers.push_back({"Host", host_});
    if (content_length)
      request.headers.push_back({"Content-Length", std::to_string(*content_length)});
    auto signed_parts = signer_.Sign(&request, payload_hash, WallMs());
    if (!signed_parts) Die("signing failed: " + signed_parts.error().message);
    std::string head;
    head.reserve(512);
    head += method;
    head += ' ';
    head += path;
    head += " HTTP/1.1\r\n";
    for (const auto& header : request.headers) {
      head += header.name;
      head += ": ";
      head += header.value;
      head += "\r\n";
    }
    head += "\r\n";
    return head;
  }

  std::string ObjectPath(std::string_view key) const {
    return "/" + options_.bucket + "/" + std::string(key);
  }

  // What --payload asks for: the body's hex SHA-256, or UNSIGNED-PAYLOAD.
  std::string PayloadHash(std::string_view body) const {
    if (options_.payload == "unsigned") return std::string(sf::auth::kUnsignedPayload);
    return sf::auth::Sha256Hex(body);
  }

 private:
  const Options& options_;
  sf::auth::Signer signer_;
  std::string host_;
};

std::string Snippet(std::string_view body) {
  std::string out(body.substr(0, 400));
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

// Creates the bucket; one that already exists (and is ours) is fine.
void CreateBucket(const Options& options, const S3Client& client) {
  HttpConnection connection(HttpOptions(options));
  Response response;
  std::string error;
  std::string head = client.Head("PUT", "/" + options.bucket, 0, sf::auth::kEmptySha256);
  if (!connection.RoundTrip(head, "", response, error))
    Die("CreateBucket " + options.bucket + " on " + options.endpoint + ": " + error);
  bool exists = response.status == 409 &&
                (response.body.find("BucketAlreadyOwnedByYou") != std::string_view::npos ||
                 response.body.find("BucketAlreadyExists") != std::string_view::npos);
  if (response.status != 200 && !exists) {
    Die("CreateBucket " + options.bucket + ": HTTP " + std::to_string(response.status) + " " +
        Snippet(response.body));
  }
  Log("bucket " + options.bucket + (exists ? " already exists" : " created"));
}

// Writes "<key>\n" over the first bytes of `body`, making every object distinct.
void Stamp(std::string& body, const std::string& key) {
  std::string text = key + "\n";
  std::memcpy(body.data(), text.data(), std::min(text.size(), body.size()));
}

// ---------------------------------------------------------------------------------------------
// Workers

struct alignas(64) Worker {
  std::atomic<uint64_t> ops{0};  // successful, all phases (for the per-second series)
  uint64_t measured_ops = 0;
  uint64_t measured_bytes = 0;
  std::vector<float> latency_us;  // send to last byte received, measured phase
  std::vector<float> prepare_us;  // payload hash + signing, measured phase
  std::map<int, uint64_t> errors_by_status;
  uint64_t io_errors = 0;
  uint64_t reconnects = 0;
  uint64_t verified = 0;
  uint64_t mismatches = 0;
  std::string first_error;

  void Error(const std::string& what) {
    if (first_error.empty()) first_error = what;
  }
};

struct Run {
  const Options& options;
  const S3Client& client;
  std::atomic<int>& phase;
  std::vector<std::string> expected_sha256;  // get: raw digest of each object "obj-<i>"
};

// Counts a failed round trip; returns false when the worker should give up.
bool CountFailure(Worker& worker, bool transported, const Response& response,
                  const std::string& error, std::string_view what) {
  if (!transported) {
    ++worker.io_errors;
    worker.Error(std::string(what) + ": " + error);
    if (worker.io_errors > 10) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return true;
  }
  ++worker.errors_by_status[response.status];
  worker.Error(std::string(what) + ": HTTP " + std::to_string(response.status) + " " +
               Snippet(response.body));
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  uint64_t total = 0;
  for (const auto& [status, count] : worker.errors_by_status) total += count;
  return total <= 1000;
}

void PutLoop(const Run& run, Worker& worker, size_t index) {
  const Options& options = run.options;
  HttpConnection connection(HttpOptions(options));
  Response response;
  std::string error;
  std::string body = sf::bench::RandomBytes(options.seed * 1000 + index, options.object_bytes);
  worker.latency_us.reserve(1 << 14);
  worker.prepare_us.reserve(1 << 14);
  for (uint64_t seq = 0; run.phase.load(std::memory_order_relaxed) != kStop; ++seq) {
    std::string key = options.prefix + "/" + std::to_string(index) + "/" + std::to_string(seq);
    Stamp(body, key);
    auto start = SteadyClock::now();
    std::string head = run.client.Head("PUT", run.client.ObjectPath(key), body.size(),
                                       run.client.PayloadHash(body));
    auto sending = SteadyClock::now();
    bool transported = connection.RoundTrip(head, body, response, error);
    auto done = SteadyClock::now();
    if (!transported || response.status != 200) {
      if (!CountFailure(worker, transported, response, error, "PUT " + key)) break;
      continue;
    }
    worker.ops.fetch_add(1, std::memory_order_relaxed);
    if (run.phase.load(std::memory_order_relaxed) == kMeasure) {
      ++worker.measured_ops;
      worker.measured_bytes += body.size();
      worker.latency_us.push_back(MicrosBetween(sending, done));
      worker.prepare_us.push_back(MicrosBetween(start, sending));
    }
  }
  worker.reconnects = connection.reconnects();
}

void GetLoop(const Run& run, Worker& worker, size_t index) {
  const Options& options = run.options;
  HttpConnection connection(HttpOptions(options));
  Response response;
  std::string error;
  std::mt19937_64 rng(options.seed * 7919 + index);
  std::string_view hash =
      options.payload == "unsigned" ? sf::auth::kUnsignedPayload : sf::auth::kEmptySha256;
  worker.latency_us.reserve(1 << 14);
  worker.prepare_us.reserve(1 << 14);
  for (uint64_t n = 0; run.phase.load(std::memory_order_relaxed) != kStop; ++n) {
    size_t object = rng() % run.expected_sha256.size();
    std::string key = options.prefix + "/obj-" + std::to_string(object);
    auto start = SteadyClock::now();
    std::string head = run.client.Head("GET", run.client.ObjectPath(key), std::nullopt, hash);
    auto sending = SteadyClock::now();
    bool transported = connection.RoundTrip(head, "", response, error);
    auto done = SteadyClock::now();
    if (!transported || response.status != 200) {
      if (!CountFailure(worker, transported, response, error, "GET " + key)) break;
      continue;
    }
    if (response.body.size() != options.object_bytes) {
      ++worker.mismatches;
      worker.Error("GET " + key + ": " + std::to_string(response.body.size()) + " bytes, not " +
                   std::to_string(options.object_bytes));
      continue;
    }
    if (n % static_cast<uint64_t>(options.verify_every) == 0) {
      ++worker.verified;
      if (sf::auth::Sha256Raw(response.body) != run.expected_sha256[object]) {
        ++worker.mismatches;
        worker.Error("GET " + key + ": the body's SHA-256 differs from what was PUT");
      }
    }
    worker.ops.fetch_add(1, std::memory_order_relaxed);
    if (run.phase.load(std::memory_order_relaxed) == kMeasure) {
      ++worker.measured_ops;
      worker.measured_bytes += response.body.size();
      worker.latency_us.push_back(MicrosBetween(sending, done));
      worker.prepare_us.push_back(MicrosBetween(start, sending));
    }
  }
  worker.reconnects = connection.reconnects();
}

// get: uploads objects "obj-0".."obj-<n-1>" (distinct random bodies) and returns their digests.
std::vector<std::string> Preload(const Options& options, const S3Client& client) {
  std::vector<std::string> digests(static_cast<size_t>(options.objects));
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::string first_error;
  std::mutex error_lock;
  auto upload = [&] {
    HttpConnection connection(HttpOptions(options));
    Response response;
    std::string error;
    for (size_t i; (i = next.fetch_add(1)) < digests.size() && !failed;) {
      std::string key = options.prefix + "/obj-" + std::to_string(i);
      std::string body = sf::bench::RandomBytes(options.seed * 1'000'003 + i, options.object_bytes);
      Stamp(body, key);
      digests[i] = sf::auth::Sha256Raw(body);
      std::string head =
          client.Head("PUT", client.ObjectPath(key), body.size(), client.PayloadHash(body));
      bool transported = connection.RoundTrip(head, body, response, error);
      if (!transported || response.status != 200) {
        std::lock_guard lock(error_lock);
        if (!failed.exchange(true)) {
          first_error = "PUT " + key + ": " +
                        (transported ? "HTTP " + std::to_string(response.status) + " " +
                                           Snippet(response.body)
                                     : error);
        }
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < std::min(options.concurrency, 4); ++i) threads.emplace_back(upload);
  for (auto& t : threads) t.join();
  if (failed) Die("uploading the objects to read failed: " + first_error);
  Log("uploaded " + std::to_string(digests.size()) + " objects of " +
      std::to_string(options.object_bytes) + " bytes");
  return digests;
}

// ---------------------------------------------------------------------------------------------
// The measured run (put or get)

int RunMode(const Options& options) {
  S3Client client(options);
  if (options.create_bucket) CreateBucket(options, client);
  std::atomic<int> phase{kWarmup};
  Run run{options, client, phase, {}};
  if (options.mode == "get") run.expected_sha256 = Preload(options, client);

  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < options.concurrency; ++i) workers.push_back(std::make_unique<Worker>());
  std::vector<std::thread> threads;
  auto loop = options.mode == "put" ? PutLoop : GetLoop;
  for (size_t i = 0; i < workers.size(); ++i)
    threads.emplace_back(loop, std::cref(run), std::ref(*workers[i]), i);
  auto total_ops = [&] {
    uint64_t sum = 0;
    for (auto& w : workers) sum += w->ops.load(std::memory_order_relaxed);
    return sum;
  };

  sf::bench::MeasuredWindow window =
      sf::bench::MeasureWindow(phase, options.warmup_s, options.duration_s, options.watch_pid,
                               /*runqueue_wait=*/false, total_ops);
  for (auto& t : threads) t.join();

  uint64_t ops = 0, bytes = 0, io_errors = 0, reconnects = 0, verified = 0, mismatches = 0;
  std::map<int, uint64_t> errors_by_status;
  std::vector<float> latency, prepare;
  std::string first_error;
  for (auto& w : workers) {
    ops += w->measured_ops;
    bytes += w->measured_bytes;
    io_errors += w->io_errors;
    reconnects += w->reconnects;
    verified += w->verified;
    mismatches += w->mismatches;
    for (const auto& [status, count] : w->errors_by_status) errors_by_status[status] += count;
    latency.insert(latency.end(), w->latency_us.begin(), w->latency_us.end());
    prepare.insert(prepare.end(), w->prepare_us.begin(), w->prepare_us.end());
    if (first_error.empty()) first_error = w->first_error;
  }
  uint64_t error_responses = 0;
  Json errors = Json::object();
  for (const auto& [status, count] : errors_by_status) {
    errors[std::to_string(status)] = count;
    error_responses += count;
  }

  Json out;
  out["mode"] = options.mode;
  if (!options.label.empty()) out["label"] = options.label;
  out["endpoint"] = options.endpoint;
  out["bucket"] = options.bucket;
  out["object_bytes"] = options.object_bytes;
  out["concurrency"] = options.concurrency;
  out["payload"] = options.payload;
  out["duration_s"] = Round(window.elapsed_s, 3);
  out["ops"] = ops;
  out["ops_per_s"] = Round(static_cast<double>(ops) / window.elapsed_s, 1);
  out["mib_per_s"] = Round(static_cast<double>(bytes) / window.elapsed_s / (1024.0 * 1024.0), 1);
  out["latency_ms"] = LatencyMs(latency, 3);
  out["prepare_ms"] = LatencyMs(prepare, 3);
  out["ops_each_second"] = window.per_second;
  out["errors_by_status"] = errors;
  out["io_errors"] = io_errors;
  out["reconnects"] = reconnects;
  if (options.mode == "get") {
    out["objects"] = options.objects;
    out["verified_gets"] = verified;
    out["verify_mismatches"] = mismatches;
  }
  if (!first_error.empty()) out["first_error"] = first_error;
  out.update(window.cpu);
  if (options.watch_pid > 0) {
    int64_t hwm = sf::bench::ReadProcessMemory(options.watch_pid).hwm_kib;
    if (hwm >= 0) out["server_vmhwm_mib"] = Round(static_cast<double>(hwm) / 1024.0, 1);
  }
  bool ok = ops > 0 && error_responses == 0 && io_errors == 0 && mismatches == 0 &&
            (options.mode == "put" || verified > 0);
  out["ok"] = ok;
  std::printf("%s\n", out.dump().c_str());
  return ok ? 0 : 1;
}

void ReadCredentialsFile(Options& options, bool region_given) {
  std::ifstream file(options.credentials_file);
  if (!file) Die("cannot read " + options.credentials_file);
  Json parsed = Json::parse(file, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object())
    Die(options.credentials_file + " is not a JSON object");
  auto member = [&](const char* name) -> std::string {
    auto it = parsed.find(name);
    return it != parsed.end() && it->is_string() ? it->get<std::string>() : "";
  };
  if (options.access_key.empty()) options.access_key = member("accessKeyId");
  if (options.secret_key.empty()) options.secret_key = member("secretAccessKey");
  if (!region_given && !member("region").empty()) options.region = member("region");
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"S3 load generator: signed PutObject / GetObject at a given concurrency"};
  app.add_option("mode", options.mode, "put | get")
      ->required()
      ->check(CLI::IsMember({"put", "get"}));
  app.add_option("--endpoint", options.endpoint, "host:port (or http://host:port)")
      ->capture_default_str();
  app.add_option("--bucket", options.bucket, "bucket (path-style)")->capture_default_str();
  app.add_flag("--create-bucket", options.create_bucket,
               "create the bucket first (signed CreateBucket; an existing one is fine)");
  app.add_option("--prefix", options.prefix, "key prefix (default s3_load/<mode>-c<C>-<pid>)");
  app.add_option("--credentials", options.credentials_file,
                 "a JSON file with accessKeyId, secretAccessKey, region (the engine's "
                 "<data dir>/credentials.json)");
  app.add_option("--access-key", options.access_key, "access key id (overrides --credentials)");
  app.add_option("--secret-key", options.secret_key, "secret key (overrides --credentials)");
  auto* region =
      app.add_option("--region", options.region, "signing region")->capture_default_str();
  app.add_option("--payload", options.payload,
                 "x-amz-content-sha256: the body's SHA-256 per request, or UNSIGNED-PAYLOAD")
      ->capture_default_str()
      ->check(CLI::IsMember({"sha256", "unsigned"}));
  app.add_option("--object-size", options.object_bytes, "bytes per object")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1} << 30));
  app.add_option("--concurrency", options.concurrency, "threads, one keep-alive connection each")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  app.add_option("--duration", options.duration_s, "measured seconds")->capture_default_str();
  app.add_option("--warmup", options.warmup_s, "seconds of load before measuring")
      ->capture_default_str();
  app.add_option("--objects", options.objects, "get: objects uploaded first, then read at random")
      ->capture_default_str()
      ->check(CLI::Range(1, 1'000'000));
  app.add_option("--verify-every", options.verify_every,
                 "get: compare the SHA-256 of one body in this many with what was PUT")
      ->capture_default_str()
      ->check(CLI::Range(1, 1'000'000));
  app.add_option("--label", options.label, "copied into the JSON (e.g. streamform)");
  app.add_option("--watch-pid", options.watch_pid, "the server's pid: report its CPU and VmHWM");
  app.add_option("--seed", options.seed, "random seed")->capture_default_str();
  app.add_option("--io-timeout", options.io_timeout_s, "seconds to wait on a socket")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  if (!options.credentials_file.empty()) ReadCredentialsFile(options, region->count() > 0);
  if (options.access_key.empty() || options.secret_key.empty())
    Die("no credentials: give --credentials FILE or --access-key and --secret-key");
  if (options.prefix.empty()) {
    options.prefix = "s3_load/" + options.mode + "-c" + std::to_string(options.concurrency) + "-" +
                     std::to_string(getpid());
  }
  std::string error;
  auto endpoint = sf::bench::ParseEndpoint(options.endpoint, error);
  if (!endpoint) Die(error);
  options.host = endpoint->host;
  options.port = endpoint->port;
  return RunMode(options);
}
