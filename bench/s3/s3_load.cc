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

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
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
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "auth/crypto.h"
#include "auth/signer.h"
#include "auth/sigv4_types.h"

namespace {

using SteadyClock = std::chrono::steady_clock;
using Json = nlohmann::json;

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "s3_load: %s\n", message.c_str());
  std::exit(2);
}

void Log(const std::string& message) { std::fprintf(stderr, "s3_load: %s\n", message.c_str()); }

double SecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

float MicrosBetween(SteadyClock::time_point from, SteadyClock::time_point to) {
  return std::chrono::duration<float, std::micro>(to - from).count();
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

// ---------------------------------------------------------------------------------------------
// CPU over the measured window: the server's (--watch-pid), this process's, the whole machine's.

double ProcessCpuSeconds(int64_t pid) {
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

int64_t VmHwmKib(int64_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atoll(line.c_str() + 6);
  }
  return -1;
}

struct CpuMeter {
  int64_t pid;
  double server_start = 0;
  double client_start = SelfCpuSeconds();
  double machine_start = MachineBusySeconds();
  SteadyClock::time_point start = SteadyClock::now();
  explicit CpuMeter(int64_t server_pid)
      : pid(server_pid), server_start(pid > 0 ? ProcessCpuSeconds(pid) : 0) {}
  Json Report() const {
    double wall = SecondsSince(start);
    double client = (SelfCpuSeconds() - client_start) / wall;
    double machine = (MachineBusySeconds() - machine_start) / wall;
    Json out = {{"client_cpu_cores", Round(client, 3)}, {"machine_busy_cores", Round(machine, 3)}};
    if (pid > 0) {
      double server = (ProcessCpuSeconds(pid) - server_start) / wall;
      out["server_cpu_cores"] = Round(server, 3);
      out["other_processes_cpu_cores"] = Round(std::max(0.0, machine - server - client), 3);
    }
    return out;
  }
};

Json Percentiles(std::vector<float>& micros) {
  Json out = Json::object();
  if (micros.empty()) return out;
  std::sort(micros.begin(), micros.end());
  auto at = [&](double p) {
    size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(micros.size())));
    return Round(micros[std::min(micros.size() - 1, rank == 0 ? 0 : rank - 1)] / 1000.0, 3);
  };
  double sum = 0;
  for (float v : micros) sum += v;
  out["p50"] = at(50);
  out["p90"] = at(90);
  out["p99"] = at(99);
  out["max"] = Round(micros.back() / 1000.0, 3);
  out["mean"] = Round(sum / static_cast<double>(micros.size()) / 1000.0, 3);
  out["samples"] = micros.size();
  return out;
}

// ---------------------------------------------------------------------------------------------
// HTTP/1.1 over one keep-alive connection, one request in flight.

struct Response {
  int status = 0;
  std::string_view body;  // valid until the next RoundTrip
};

class Connection {
 public:
  explicit Connection(const Options& options) : options_(options) { buffer_.resize(64 * 1024); }
  ~Connection() { Close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends head + body and reads the response. A server may answer an error early and close
  // before reading the whole body: the answer is still read. A keep-alive connection the server
  // closed between requests is reopened once.
  bool RoundTrip(std::string_view head, std::string_view body, Response& response,
                 std::string& error) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (fd_ < 0 && !Connect(error)) return false;
      bool sent = SendAll(head, body, error);
      std::string read_error;
      if (ReadResponse(response, read_error)) {
        if (close_after_) Close();
        return true;
      }
      if (sent) error = read_error;
      Close();
      ++reconnects_;
    }
    return false;
  }

  uint64_t reconnects() const { return reconnects_; }

 private:
  bool Connect(std::string& error) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* result = nullptr;
    int rc =
        getaddrinfo(options_.host.c_str(), std::to_string(options_.port).c_str(), &hints, &result);
    if (rc != 0) {
      error = std::string("getaddrinfo: ") + gai_strerror(rc);
      return false;
    }
    for (addrinfo* ai = result; ai != nullptr && fd_ < 0; ai = ai->ai_next) {
      int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
      if (fd < 0) continue;
      if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
        fd_ = fd;
      } else {
        error = std::string("connect: ") + std::strerror(errno);
        ::close(fd);
      }
    }
    freeaddrinfo(result);
    if (fd_ < 0) return false;
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    timeval timeout{};
    timeout.tv_sec = static_cast<time_t>(options_.io_timeout_s);
    timeout.tv_usec =
        static_cast<suseconds_t>((options_.io_timeout_s - std::floor(options_.io_timeout_s)) * 1e6);
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
    have_ = consumed_ = 0;
    return true;
  }

  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    have_ = consumed_ = 0;
  }

  bool SendAll(std::string_view head, std::string_view body, std::string& error) {
    iovec parts[2] = {{const_cast<char*>(head.data()), head.size()},
                      {const_cast<char*>(body.data()), body.size()}};
    size_t first = 0;
    while (first < 2) {
      msghdr message{};
      message.msg_iov = parts + first;
      message.msg_iovlen = 2 - first;
      ssize_t sent = ::sendmsg(fd_, &message, MSG_NOSIGNAL);
      if (sent < 0) {
        if (errno == EINTR) continue;
        error = std::string("send: ") + std::strerror(errno);
        return false;
      }
      size_t left = static_cast<size_t>(sent);
      while (first < 2 && left >= parts[first].iov_len) left -= parts[first++].iov_len;
      if (first < 2) {
        parts[first].iov_base = static_cast<char*>(parts[first].iov_base) + left;
        parts[first].iov_len -= left;
      }
    }
    return true;
  }

  // Reads more bytes into buffer_[have_..]. At EOF returns false with eof_ set.
  bool Fill(std::string& error) {
    if (have_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
    while (true) {
      ssize_t got = ::recv(fd_, buffer_.data() + have_, buffer_.size() - have_, 0);
      if (got > 0) {
        have_ += static_cast<size_t>(got);
        return true;
      }
      if (got == 0) {
        eof_ = true;
        error = "connection closed by server";
        return false;
      }
      if (errno == EINTR) continue;
      error = errno == EAGAIN || errno == EWOULDBLOCK
                  ? "timed out waiting for a response"
                  : std::string("recv: ") + std::strerror(errno);
      return false;
    }
  }

  bool ReadResponse(Response& response, std::string& error) {
    if (fd_ < 0) {
      error = "not connected";
      return false;
    }
    while (true) {
      if (!ReadOne(response, error)) return false;
      if (response.status >= 200) return true;  // 1xx (100 Continue): the real one follows
    }
  }

  bool ReadOne(Response& response, std::string& error) {
    if (consumed_ > 0) {  // drop the previous response, keep anything after it
      std::memmove(buffer_.data(), buffer_.data() + consumed_, have_ - consumed_);
      have_ -= consumed_;
      consumed_ = 0;
    }
    eof_ = false;
    size_t head_end = 0;
    size_t scanned = 0;
    while (true) {
      std::string_view seen(buffer_.data(), have_);
      size_t at = seen.find("\r\n\r\n", scanned > 3 ? scanned - 3 : 0);
      if (at != std::string_view::npos) {
        head_end = at + 4;
        break;
      }
      scanned = have_;
      if (!Fill(error)) return false;
    }
    std::string_view head(buffer_.data(), head_end);
    if (head.size() < 12 || head.substr(0, 5) != "HTTP/") {
      error = "malformed response head";
      return false;
    }
    response.status = std::atoi(std::string(head.substr(9, 3)).c_str());
    std::optional<size_t> content_length;
    bool chunked = false;
    close_after_ = head.substr(0, 8) == "HTTP/1.0";
    size_t line_start = head.find("\r\n") + 2;
    while (line_start < head.size()) {
      size_t line_end = head.find("\r\n", line_start);
      std::string_view line = head.substr(line_start, line_end - line_start);
      line_start = line_end + 2;
      size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      std::string name(line.substr(0, colon));
      std::transform(name.begin(), name.end(), name.begin(),
                     [](char c) { return static_cast<char>(std::tolower(c)); });
      std::string value(line.substr(colon + 1));
      value.erase(0, value.find_first_not_of(' '));
      std::transform(value.begin(), value.end(), value.begin(),
                     [](char c) { return static_cast<char>(std::tolower(c)); });
      if (name == "content-length") content_length = std::strtoull(value.c_str(), nullptr, 10);
      if (name == "transfer-encoding" && value.find("chunked") != std::string::npos) chunked = true;
      if (name == "connection" && value.find("close") != std::string::npos) close_after_ = true;
      if (name == "connection" && value.find("keep-alive") != std::string::npos)
        close_after_ = false;
    }
    if (response.status < 200 || response.status == 204 || response.status == 304) {
      content_length = 0;
    }
    if (chunked) return ReadChunked(head_end, response, error);
    if (!content_length) {  // the body runs to the end of the connection
      while (Fill(error)) {
      }
      if (!eof_) return false;
      close_after_ = true;
      content_length = have_ - head_end;
    }
    size_t total = head_end + *content_length;
    if (buffer_.size() < total) buffer_.resize(total);
    while (have_ < total) {
      if (!Fill(error)) return false;
    }
    response.body = std::string_view(buffer_.data() + head_end, *content_length);
    consumed_ = total;
    return true;
  }

  bool ReadChunked(size_t pos, Response& response, std::string& error) {
    chunked_body_.clear();
    while (true) {
      size_t line_end;
      while ((line_end = std::string_view(buffer_.data(), have_).find("\r\n", pos)) ==
             std::string_view::npos) {
        if (!Fill(error)) return false;
      }
      size_t size =
          std::strtoull(std::string(buffer_.data() + pos, line_end - pos).c_str(), nullptr, 16);
      size_t data_start = line_end + 2;
      if (size == 0) {  // no trailers expected: the final CRLF follows
        while (have_ < data_start + 2) {
          if (!Fill(error)) return false;
        }
        consumed_ = data_start + 2;
        response.body = chunked_body_;
        return true;
      }
      while (have_ < data_start + size + 2) {
        if (!Fill(error)) return false;
      }
      chunked_body_.append(buffer_.data() + data_start, size);
      pos = data_start + size + 2;
    }
  }

  const Options& options_;
  int fd_ = -1;
  std::vector<char> buffer_;
  size_t have_ = 0;
  size_t consumed_ = 0;
  bool eof_ = false;
  bool close_after_ = false;
  std::string chunked_body_;
  uint64_t reconnects_ = 0;
};

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
  Connection connection(options);
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

// Random bytes, so that nothing along the way can compress them.
std::string RandomBody(uint64_t seed, size_t size) {
  std::mt19937_64 rng(seed);
  std::string body(size, '\0');
  for (size_t i = 0; i < size; i += 8) {
    uint64_t word = rng();
    std::memcpy(body.data() + i, &word, std::min<size_t>(8, size - i));
  }
  return body;
}

// Writes "<key>\n" over the first bytes of `body`, making every object distinct.
void Stamp(std::string& body, const std::string& key) {
  std::string text = key + "\n";
  std::memcpy(body.data(), text.data(), std::min(text.size(), body.size()));
}

// ---------------------------------------------------------------------------------------------
// Workers

enum Phase : int { kWarmup = 0, kMeasure = 1, kStop = 2 };

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
  Connection connection(options);
  Response response;
  std::string error;
  std::string body = RandomBody(options.seed * 1000 + index, options.object_bytes);
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
  Connection connection(options);
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
    Connection connection(options);
    Response response;
    std::string error;
    for (size_t i; (i = next.fetch_add(1)) < digests.size() && !failed;) {
      std::string key = options.prefix + "/obj-" + std::to_string(i);
      std::string body = RandomBody(options.seed * 1'000'003 + i, options.object_bytes);
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

  std::this_thread::sleep_for(std::chrono::duration<double>(options.warmup_s));
  phase.store(kMeasure);
  auto start = SteadyClock::now();
  CpuMeter cpu(options.watch_pid);
  Json per_second = Json::array();
  uint64_t last = total_ops();
  auto end = start + std::chrono::duration_cast<SteadyClock::duration>(
                         std::chrono::duration<double>(options.duration_s));
  for (auto tick = start + std::chrono::seconds(1); tick <= end; tick += std::chrono::seconds(1)) {
    std::this_thread::sleep_until(tick);
    uint64_t now = total_ops();
    per_second.push_back(now - last);
    last = now;
  }
  std::this_thread::sleep_until(end);
  phase.store(kStop);
  double elapsed = SecondsSince(start);
  Json cpu_report = cpu.Report();
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
  out["duration_s"] = Round(elapsed, 3);
  out["ops"] = ops;
  out["ops_per_s"] = Round(static_cast<double>(ops) / elapsed, 1);
  out["mib_per_s"] = Round(static_cast<double>(bytes) / elapsed / (1024.0 * 1024.0), 1);
  out["latency_ms"] = Percentiles(latency);
  out["prepare_ms"] = Percentiles(prepare);
  out["ops_each_second"] = per_second;
  out["errors_by_status"] = errors;
  out["io_errors"] = io_errors;
  out["reconnects"] = reconnects;
  if (options.mode == "get") {
    out["objects"] = options.objects;
    out["verified_gets"] = verified;
    out["verify_mismatches"] = mismatches;
  }
  if (!first_error.empty()) out["first_error"] = first_error;
  out.update(cpu_report);
  if (options.watch_pid > 0) {
    int64_t hwm = VmHwmKib(options.watch_pid);
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
  std::string endpoint = options.endpoint;
  if (endpoint.rfind("http://", 0) == 0) endpoint = endpoint.substr(7);
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  size_t colon = endpoint.rfind(':');
  if (colon == std::string::npos) Die("--endpoint needs host:port");
  options.host = endpoint.substr(0, colon);
  if (options.host.size() > 2 && options.host.front() == '[')
    options.host = options.host.substr(1, options.host.size() - 2);
  int port = std::atoi(endpoint.c_str() + colon + 1);
  if (port <= 0 || port > 65535) Die("bad port in --endpoint " + options.endpoint);
  options.port = static_cast<uint16_t>(port);
  return RunMode(options);
}
