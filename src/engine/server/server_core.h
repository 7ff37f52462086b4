#pragma once
// Internal to the server: the state shared by the acceptor, the sessions and the Respond
// callbacks. Not part of the API.

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "engine/server/http_server.h"

namespace sf::engine {

class Session;

// Counters of one worker. Single writer: only the worker's own thread changes them (every
// session runs on its worker's thread), so an increment is a relaxed load and store rather than
// a locked read-modify-write. Any thread may read them.
struct WorkerCounters {
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> closed{0};
  std::atomic<uint64_t> requests{0};
  std::array<std::atomic<uint64_t>, 6> responses_by_class{};  // index: status / 100
  std::atomic<uint64_t> bytes_in{0};
  std::atomic<uint64_t> bytes_out{0};
  std::atomic<uint64_t> refused_malformed{0};
  std::atomic<uint64_t> refused_timeout{0};
  std::atomic<uint64_t> refused_body_too_large{0};
  std::atomic<uint64_t> refused_header_too_large{0};
  std::atomic<uint64_t> handler_timeouts{0};
};

// Adds `n` to a single-writer counter; call only from the counter's owning thread.
inline void Bump(std::atomic<uint64_t>& counter, uint64_t n = 1) {
  counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

// Adds `counters` into `stats`.
void AddCounters(const WorkerCounters& counters, ServerStats* stats);

// One io_context run by exactly one thread. Connections are spread over the workers and each
// stays on its worker, so a session needs no strand and no locks.
struct IoWorker {
  IoWorker() : context(1) {}
  boost::asio::io_context context;
  WorkerCounters counters;
  std::thread thread;
};

// Guards posting into the workers from outside threads. While `open`, holding `mu` guarantees
// the io_contexts are alive; Stop() clears `open` (under `mu`) before it destroys them. Shared
// with every Respond callback, which may outlive the server.
struct ResponseGate {
  std::mutex mu;
  bool open = true;
};

// The live sessions, so Stop() can reach them. Thread-safe.
class SessionRegistry {
 public:
  void Add(const std::shared_ptr<Session>& session);
  void Remove(const Session* session);  // from ~Session
  std::vector<std::shared_ptr<Session>> Snapshot();
  // Waits until no session is left or `timeout` passes; true if none is left.
  bool WaitEmpty(std::chrono::milliseconds timeout);

 private:
  std::mutex mu_;
  std::condition_variable empty_;
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions_;
};

// Outlives every session: HttpServer destroys the workers (and with them any session still
// referenced by a pending operation) before the core.
struct ServerCore {
  ServerCore(HttpServerOptions options_in, Handler handler_in)
      : options(std::move(options_in)), handler(std::move(handler_in)) {}

  const HttpServerOptions options;
  const Handler handler;
  const std::shared_ptr<ResponseGate> gate = std::make_shared<ResponseGate>();
  std::atomic<bool> stopping{false};  // set once by Stop(); sessions then close when done
  SessionRegistry registry;
};

}  // namespace sf::engine
