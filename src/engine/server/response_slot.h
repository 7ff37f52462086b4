#pragma once
// Internal to the server: the state behind one Respond callback.

#include <atomic>
#include <cstdint>
#include <memory>

#include "engine/server/http_server.h"
#include "engine/server/server_core.h"

namespace sf::engine {

class Session;

// Delivers exactly one response to the session that asked for it. The first Deliver() wins and
// later calls are ignored; if the slot is destroyed with nothing delivered, a 500 is delivered.
// Thread-safe. Holds the session weakly and posts to it only while the server's gate is open,
// so a slot may outlive the connection and the server.
class ResponseSlot {
 public:
  ResponseSlot(std::shared_ptr<ResponseGate> gate, std::weak_ptr<Session> session, uint64_t seq)
      : gate_(std::move(gate)), session_(std::move(session)), seq_(seq) {}
  ~ResponseSlot();
  ResponseSlot(const ResponseSlot&) = delete;
  ResponseSlot& operator=(const ResponseSlot&) = delete;

  // Runs the write inline when called on the session's own thread, else posts it there.
  void Deliver(HttpResponse response);

 private:
  void Send(HttpResponse response, bool allow_inline);

  const std::shared_ptr<ResponseGate> gate_;
  const std::weak_ptr<Session> session_;
  const uint64_t seq_;  // the request's number on its connection, to reject stale deliveries
  std::atomic<bool> delivered_{false};
};

// A Respond callback sharing `slot`.
Respond MakeRespond(std::shared_ptr<ResponseSlot> slot);

}  // namespace sf::engine
