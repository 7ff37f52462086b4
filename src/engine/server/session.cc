#include "engine/server/session.h"

#include <algorithm>
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

Session::~Session() {
  AbortSink();  // only if the session went without Close (its io_context was destroyed)
  core_.registry.Remove(this);
}

void Session::Start() {
  Bump(counters_.accepted);
  ErrorCode ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  remote_address_ = FormatEndpoint(socket_);
  NewParser();
  deadline_ = Clock::now() + core_.options.idle_timeout;
  ArmWatchdog();
  if (core_.stopping.load()) {
    Close();
    return;
  }
  Read();
}

void Session::BeginShutdown() {
  if (phase_ == Phase::kIdle) {
    Close();
  } else if (phase_ == Phase::kReading && sink_open_) {
    // An upload can take far longer than the grace: cut it short. A buffered request is bounded
    // by read_timeout and finishes.
    if (write_pending_) {  // a 100 Continue is on its way: no room for an answer
      Close();
    } else {
      Refuse(503, "the server is stopping");
    }
  }
}

void Session::Close() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  Bump(counters_.closed);
  AbortSink();
  ErrorCode ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  watchdog_.cancel();
}

void Session::Read() {
  if (read_pending_ || phase_ == Phase::kClosed) return;
  read_pending_ = true;
  // A streamed body is bounded by progress, not in total: read_timeout for each read, counted
  // from when the server asks (a sink that took long to Write does not count against it).
  if (phase_ == Phase::kReading && sink_open_) SetDeadline(core_.options.read_timeout);
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
// request (dispatch); a streamed body goes to the sink one slice per put(). Called only in
// kReading with no read pending.
void Session::ParseBuffered() {
  for (;;) {
    if (buffer_.size() == 0) {
      Read();
      return;
    }
    ErrorCode ec;
    size_t used = parser_->put(buffer_.data(), ec);
    if (sink_open_ && !DeliverSlice()) return;  // the sink answered; the upload ends here
    buffer_.consume(used);
    if (ec == http::error::need_more) {
      // Past the header only a chunk-size line or the trailers can be incomplete; neither may
      // hold the connection's memory hostage.
      if (header_done_ && buffer_.size() > core_.options.max_header_bytes) {
        Bump(counters_.refused_malformed);
        Refuse(400, "malformed request: chunk header or trailers too long");
        return;
      }
      Read();
      return;
    }
    if (ec) {
      RefuseParseError(ec);
      return;
    }
    if (parser_->is_header_done() && !header_done_ && OnHeaderDone()) return;
    if (parser_->is_done()) {
      Dispatch();
      return;
    }
    if (used == 0) {
      Read();
      return;
    }
  }
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
  if (after_continue_) {  // an answer to an empty-bodied request, held back for the 100
    HttpResponse answer = std::move(*after_continue_);
    after_continue_.reset();
    WriteResponse(std::move(answer));
    return;
  }
  if (parser_->is_done()) {  // an empty body: the request is complete
    Dispatch();
    return;
  }
  Read();
}

// Hands a complete request to its sink's Finish, or else to the handler.
void Session::Dispatch() {
  HttpRequest request = parser_->Take();
  NoteHead(request);  // again: chunked trailers may have changed keep-alive
  phase_ = Phase::kHandling;
  SetDeadline(core_.options.idle_timeout);
  Bump(counters_.requests);
  auto slot = std::make_shared<ResponseSlot>(core_.gate, weak_from_this(), ++seq_);
  bool streamed = std::exchange(sink_open_, false);
  try {
    if (streamed) {
      sink_->Finish(std::move(request), MakeRespond(slot));
    } else {
      core_.handler(std::move(request), MakeRespond(slot));
    }
  } catch (...) {
    slot->Deliver(ExceptionResponse("handler failed", std::current_exception()));
  }
  // The response may already be on its way (written inline); touch nothing of the session here.
}

// After a response: parse the next (possibly pipelined) request, or wait for one.
void Session::NextRequest() {
  header_done_ = false;
  sink_.reset();
  NewParser();
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

// Built for the largest body any request may have; OnHeaderDone lowers it per request.
void Session::NewParser() {
  const HttpServerOptions& options = core_.options;
  parser_.emplace(options.max_header_bytes,
                  std::max<uint64_t>(options.max_body_bytes, options.max_streamed_body_bytes));
}

// What the response to `head` depends on. Valid once the parser has the header.
void Session::NoteHead(const HttpRequest& head) {
  keep_alive_ = parser_->keep_alive();
  http10_ = head.version < 11;
  head_request_ = head.method == "HEAD";
}

}  // namespace sf::engine
