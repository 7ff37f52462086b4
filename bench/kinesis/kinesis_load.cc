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
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
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

namespace {

using SteadyClock = std::chrono::steady_clock;
using Json = nlohmann::json;

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "kinesis_load: %s\n", message.c_str());
  std::exit(2);
}

void Log(const std::string& message) {
  std::fprintf(stderr, "kinesis_load: %s\n", message.c_str());
}

double SecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
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

double Round(double value, int digits) {
  double scale = std::pow(10.0, digits);
  return std::round(value * scale) / scale;
}

// ---------------------------------------------------------------------------------------------
// /proc readings of the server under test

struct ProcSample {
  int64_t rss_kib = -1;
  int64_t hwm_kib = -1;
  double cpu_s = -1;  // utime + stime, all threads
};

ProcSample ReadProc(int64_t pid) {
  ProcSample sample;
  if (pid <= 0) return sample;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) sample.rss_kib = std::atoll(line.c_str() + 6);
    if (line.rfind("VmHWM:", 0) == 0) sample.hwm_kib = std::atoll(line.c_str() + 6);
  }
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  size_t paren = text.rfind(')');
  if (paren != std::string::npos) {
    std::istringstream fields(text.substr(paren + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && (fields >> field); ++i) {
      if (i == 14 || i == 15) ticks += std::atof(field.c_str());  // utime, stime
    }
    sample.cpu_s = ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  return sample;
}

double SelfCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Seconds the server's threads spent runnable but waiting for a CPU (schedstat), summed.
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

// Busy CPU seconds of the whole machine (all processes), from /proc/stat.
double MachineBusySeconds() {
  std::ifstream stat("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  return (user + nice + system + irq + softirq + steal) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// CPU use over a phase: the server's, the load generator's, and everyone else's on this
// machine (it is shared), plus how long the server's threads waited for a CPU.
struct CpuMeter {
  int64_t pid;
  double server_start;
  double client_start;
  double machine_start;
  double wait_start;
  SteadyClock::time_point start = SteadyClock::now();
  explicit CpuMeter(int64_t server_pid)
      : pid(server_pid),
        server_start(ReadProc(server_pid).cpu_s),
        client_start(SelfCpuSeconds()),
        machine_start(MachineBusySeconds()),
        wait_start(RunqueueWaitSeconds(server_pid)) {}
  Json Report() const {
    double wall = SecondsSince(start);
    Json out;
    double client = (SelfCpuSeconds() - client_start) / wall;
    double machine = (MachineBusySeconds() - machine_start) / wall;
    out["client_cpu_cores"] = Round(client, 3);
    out["machine_busy_cores"] = Round(machine, 3);
    if (pid > 0) {
      double server = (ReadProc(pid).cpu_s - server_start) / wall;
      out["server_cpu_cores"] = Round(server, 3);
      out["other_processes_cpu_cores"] = Round(std::max(0.0, machine - server - client), 3);
      out["server_runqueue_wait_threads"] =
          Round((RunqueueWaitSeconds(pid) - wait_start) / wall, 3);
    }
    return out;
  }
};

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

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

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

struct Response {
  int status = 0;
  std::string_view body;  // valid until the next RoundTrip
};

class Connection {
 public:
  Connection(const Options& options) : options_(options), signer_(options) {
    buffer_.resize(256 * 1024);
  }
  ~Connection() { Close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Signs and sends one request, reads its response. On an I/O error, reconnects once and
  // retries (keep-alive connections may be closed by the server between requests).
  bool RoundTrip(const Payload& payload, Response& response, std::string& error) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (fd_ < 0 && !Connect(error)) return false;
      signer_.Head(payload, head_);
      if (SendAll(head_, payload.body, error) && ReadResponse(response, error)) return true;
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
    for (addrinfo* ai = result; ai != nullptr; ai = ai->ai_next) {
      int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
      if (fd < 0) continue;
      if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
        fd_ = fd;
        break;
      }
      error = std::string("connect: ") + std::strerror(errno);
      ::close(fd);
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
    have_ = 0;
    return true;
  }

  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    have_ = 0;
  }

  // Sends the head and the body in one sendmsg where the socket takes them (no copy).
  bool SendAll(std::string_view head, std::string_view body, std::string& error) {
    while (!head.empty() || !body.empty()) {
      iovec parts[2];
      int count = 0;
      if (!head.empty()) parts[count++] = {const_cast<char*>(head.data()), head.size()};
      if (!body.empty()) parts[count++] = {const_cast<char*>(body.data()), body.size()};
      msghdr message{};
      message.msg_iov = parts;
      message.msg_iovlen = static_cast<size_t>(count);
      ssize_t sent = ::sendmsg(fd_, &message, MSG_NOSIGNAL);
      if (sent < 0) {
        if (errno == EINTR) continue;
        error = std::string("send: ") + std::strerror(errno);
        return false;
      }
      size_t done = static_cast<size_t>(sent);
      size_t from_head = std::min(done, head.size());
      head.remove_prefix(from_head);
      body.remove_prefix(done - from_head);
    }
    return true;
  }

  // Reads more bytes into buffer_[have_..]; grows the buffer when full.
  bool Fill(std::string& error) {
    if (have_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
    while (true) {
      ssize_t got = ::recv(fd_, buffer_.data() + have_, buffer_.size() - have_, 0);
      if (got > 0) {
        have_ += static_cast<size_t>(got);
        return true;
      }
      if (got == 0) {
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
    // Drop the previous response's bytes, keeping anything after it.
    if (consumed_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + consumed_, have_ - consumed_);
      have_ -= consumed_;
      consumed_ = 0;
    }
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
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      if (name == "content-length")
        content_length = std::strtoull(std::string(value).c_str(), nullptr, 10);
      if (name == "transfer-encoding" && value.find("chunked") != std::string_view::npos)
        chunked = true;
    }
    if (chunked) return ReadChunked(head_end, response, error);
    if (!content_length) {
      error = "response without Content-Length or chunked encoding";
      return false;
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
      if (size == 0) {
        // No trailers expected: the final CRLF follows.
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
  RequestSigner signer_;
  std::string head_;
  int fd_ = -1;
  std::vector<char> buffer_;
  size_t have_ = 0;
  size_t consumed_ = 0;
  std::string chunked_body_;
  uint64_t reconnects_ = 0;
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

Json Percentiles(std::vector<float>& micros) {
  Json out = Json::object();
  if (micros.empty()) return out;
  std::sort(micros.begin(), micros.end());
  auto at = [&](double p) {
    size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(micros.size())));
    return static_cast<double>(micros[std::min(micros.size() - 1, rank == 0 ? 0 : rank - 1)]) /
           1000.0;
  };
  double sum = 0;
  for (float v : micros) sum += v;
  out["p50"] = at(50);
  out["p90"] = at(90);
  out["p99"] = at(99);
  out["p99_9"] = at(99.9);
  out["max"] = static_cast<double>(micros.back()) / 1000.0;
  out["mean"] = sum / static_cast<double>(micros.size()) / 1000.0;
  out["samples"] = micros.size();
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

enum Phase : int { kWarmup = 0, kMeasure = 1, kStop = 2 };

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
  ProcSample sample = ReadProc(options.watch_pid);
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
  std::this_thread::sleep_for(std::chrono::duration<double>(options.warmup_s));
  phase.store(kMeasure);
  auto start = SteadyClock::now();
  CpuMeter cpu(options.watch_pid);
  Json per_second = Json::array();
  Json rss_per_second = Json::array();
  uint64_t last = total_records();
  auto end = start + std::chrono::duration_cast<SteadyClock::duration>(
                         std::chrono::duration<double>(options.duration_s));
  for (auto tick = start + std::chrono::seconds(1); tick <= end; tick += std::chrono::seconds(1)) {
    std::this_thread::sleep_until(tick);
    uint64_t now = total_records();
    per_second.push_back(now - last);
    last = now;
    if (options.watch_pid > 0) {
      rss_per_second.push_back(
          Round(static_cast<double>(ReadProc(options.watch_pid).rss_kib) / 1024.0, 1));
    }
  }
  std::this_thread::sleep_until(end);
  phase.store(kStop);
  double elapsed = SecondsSince(start);
  Json cpu_report = cpu.Report();
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
  out.update(cpu_report);
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
    CpuMeter cpu(options.watch_pid);
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
  CpuMeter cpu(options.watch_pid);
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
  if (options.connections < 1 || options.shards < 1 || options.variants < 1)
    Die("counts must be positive");

  if (options.mode == "fsync-probe") return FsyncProbeMode(options);
  RequestSigner(options).SelfCheck();
  if (options.mode == "put-records") return PutRecordsMode(options);
  if (options.mode == "get-records") return GetRecordsMode(options);
  return PutRecordLatencyMode(options);
}
