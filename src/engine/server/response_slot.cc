#include "engine/server/response_slot.h"

#include <mutex>

#include <boost/asio/post.hpp>

#include "engine/server/response_head.h"
#include "engine/server/session.h"

namespace sf::engine {

ResponseSlot::~ResponseSlot() {
  if (delivered_.exchange(true)) return;
  // Never inline: a destructor can run deep inside the session's own code.
  Send(PlainResponse(500, "the handler dropped the request without responding"), false);
}

void ResponseSlot::Deliver(HttpResponse response) {
  if (delivered_.exchange(true)) return;
  Send(std::move(response), true);
}

void ResponseSlot::Send(HttpResponse response, bool allow_inline) {
  std::shared_ptr<Session> session;
  {
    std::lock_guard<std::mutex> lock(gate_->mu);
    if (!gate_->open) return;
    session = session_.lock();
    if (!session) return;
    if (!allow_inline || !session->executor().running_in_this_thread()) {
      // The posted function owns the only strong reference taken here, so the session is never
      // destroyed on this (foreign) thread.
      auto executor = session->executor();
      boost::asio::post(executor,
                        [s = std::move(session), seq = seq_, r = std::move(response)]() mutable {
                          s->OnResponse(seq, std::move(r));
                        });
      return;
    }
  }
  // On the session's own thread, which is running its io_context: no gate needed any more.
  session->OnResponse(seq_, std::move(response));
}

Respond MakeRespond(std::shared_ptr<ResponseSlot> slot) {
  return [slot = std::move(slot)](HttpResponse response) { slot->Deliver(std::move(response)); };
}

}  // namespace sf::engine
