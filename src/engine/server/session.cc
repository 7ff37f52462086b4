#include "engine/server/session.h"

#include <exception>
#include <utility>

#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>

#include "engine/server/response_head.h"
#include "engine/server/response_slot.h"

namespace sf::engine {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

// Bytes asked of each read: big enough that a ~90 KB JSON body arrives in two reads.
constexpr size_t kReadChunk = 64 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

std::string FormatEndpoint(const asio::ip::tcp::socket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  auto address = endpoint.address();
  std::string text = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return text + ":" + std::to_string(endpoint.port());
}

}  // namespace

Session::Session(ServerCore& core, IoWorker& worker, asio::ip::tcp::socket socket)
    : core_(core),
      worker_(worker),
      counters_(worker.counters),
      socket_(std::move(socket)),
      watchdog_(worker.context) {}

Session::~Session() { core_.registry.Remove(this); }

void Session::Start() {
  Bump(counters_.accepted);
  ErrorCode ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  remote_address_ = FormatEndpoint(socket_);
  parser_.emplace(core_.options.max_header_bytes, core_.options.max_body_bytes);
  deadline_ = Clock::now() + core_.options.idle_timeout;
  ArmWatchdog();
  if (core_.stopping.load()) {
    Close();
    return;
  }
  Read();
}

void Session::BeginShutdown() {
  if (phase_ == Phase::kIdle) Close();
}

void Session::Close() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  Bump(counters_.closed);
  ErrorCode ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  watchdog_.cancel();
}

void Session::Read() {
  if (read_pending_ || phase_ == Phase::kClosed) return;
  read_pending_ = true;
  socket_.async_read_some(
      buffer_.prepare(kReadChunk),
      [self = shared_from_this()](const ErrorCode& ec, size_t bytes) { self->OnRead(ec, bytes); });
}

void Session::OnRead(const ErrorCode& ec, size_t bytes) {
  read_pending_ = false;
  if (phase_ == Phase::kClosed) return;
  if (ec) {  // EOF, reset, or cancelled: nothing more can arrive
    Close();
    return;
  }
  Bump(counters_.bytes_in, bytes);
  buffer_.commit(bytes);
  switch (phase_) {
    case Phase::kIdle:
      phase_ = Phase::kReading;
      SetDeadline(core_.options.read_timeout);
      ParseBuffered();
      return;
    case Phase::kReading:
      ParseBuffered();
      return;
    case Phase::kLingering:
      buffer_.clear();
      Read();
      return;
    default:  // kRefusing: a read left over from before the refusal; discard
      buffer_.clear();
      return;
  }
}

// Feeds buffered input to the parser until it needs more (read), fails (refuse), or completes a
// request (dispatch). Called only in kReading with no read pending.
void Session::ParseBuffered() {
  for (;;) {
    if (buffer_.size() == 0) {
      Read();
      return;
    }
    ErrorCode ec;
    size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == http::error::need_more) {
      Read();
      return;
    }
    if (ec) {
      RefuseParseError(ec);
      return;
    }
    if (parser_->is_done()) {
      Dispatch();
      return;
    }
    if (parser_->is_header_done() && !header_done_ && OnHeaderDone()) return;
    if (used == 0) {
      Read();
      return;
    }
  }
}

// Acts on a complete header whose body is still to come. True if it took over control flow.
bool Session::OnHeaderDone() {
  header_done_ = true;
  parser_->eager(true);  // from here on, put() consumes all the body bytes it is given
  // A client waiting for 100 Continue has sent no body byte yet; the body limit was already
  // enforced by the parser (an oversized Content-Length never gets here).
  if (parser_->expects_continue() && buffer_.size() == 0) {
    WriteContinue();
    return true;
  }
  return false;
}

void Session::WriteContinue() {
  Bump(counters_.responses_by_class[1]);
  write_pending_ = true;
  asio::async_write(socket_, asio::buffer(kContinue.data(), kContinue.size()),
                    [self = shared_from_this()](const ErrorCode& ec, size_t bytes) {
                      self->OnContinueWritten(ec, bytes);
                    });
}

void Session::OnContinueWritten(const ErrorCode& ec, size_t bytes) {
  write_pending_ = false;
  if (phase_ == Phase::kClosed) return;
  if (ec) {
    Close();
    return;
  }
  Bump(counters_.bytes_out, bytes);
  Read();
}

void Session::Dispatch() {
  HttpRequest request = parser_->Take();
  request.remote_address = remote_address_;
  keep_alive_ = parser_->keep_alive();
  http10_ = request.version < 11;
  head_request_ = request.method == "HEAD";
  phase_ = Phase::kHandling;
  SetDeadline(core_.options.idle_timeout);
  Bump(counters_.requests);
  auto slot = std::make_shared<ResponseSlot>(core_.gate, weak_from_this(), ++seq_);
  try {
    core_.handler(std::move(request), MakeRespond(slot));
  } catch (const std::exception& e) {
    slot->Deliver(PlainResponse(500, std::string("handler failed: ") + e.what()));
  } catch (...) {
    slot->Deliver(PlainResponse(500, "handler failed"));
  }
  // The response may already be on its way (written inline); touch nothing of the session here.
}

// After a response: parse the next (possibly pipelined) request, or wait for one.
void Session::NextRequest() {
  response_ = HttpResponse();
  header_done_ = false;
  parser_.emplace(core_.options.max_header_bytes, core_.options.max_body_bytes);
  if (buffer_.size() > 0) {
    phase_ = Phase::kReading;
    SetDeadline(core_.options.read_timeout);
    ParseBuffered();
    return;
  }
  phase_ = Phase::kIdle;
  if (core_.stopping.load()) {
    Close();
    return;
  }
  SetDeadline(core_.options.idle_timeout);
  Read();
}

}  // namespace sf::engine
