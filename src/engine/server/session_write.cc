// Session: writing responses (streamed bodies included), refusals, lingering close and the
// deadline watchdog.

#include <sys/sendfile.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <exception>

#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>

#include "engine/server/response_head.h"
#include "engine/server/session.h"

namespace sf::engine {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

// How long a closing connection drains input so the client reads our last response instead of
// a reset (closing with unread input makes the kernel send RST).
constexpr std::chrono::milliseconds kMaxLinger{2000};

// The most of a BodySource pulled for one write (see README.md for how it was chosen).
constexpr uint64_t kPieceBytes = 256 * 1024;

bool AsksToClose(const HttpResponse& response) {
  for (const auto& [name, value] : response.headers) {
    if (EqualsLower(name, "connection") && EqualsLower(value, "close")) return true;
  }
  return false;
}

// `response`, or a 500 if its status is not a final one the server may send.
HttpResponse Checked(HttpResponse response) {
  if (response.status >= 200 && response.status <= 599) return response;
  return PlainResponse(500, "the handler produced an invalid status code");
}

}  // namespace

void Session::OnResponse(uint64_t seq, HttpResponse response) {
  if (phase_ != Phase::kHandling || seq != seq_) return;  // timed out, closed, or stale
  WriteResponse(std::move(response));
}

// Writes the answer to a complete request; the connection then carries on unless it must close.
void Session::WriteResponse(HttpResponse response) {
  response = Checked(std::move(response));
  phase_ = Phase::kWriting;
  SetDeadline(core_.options.idle_timeout);
  close_after_write_ = !keep_alive_ || core_.stopping.load() || AsksToClose(response);
  StartWrite(std::move(response));
}

// Writes the connection's last answer, given while the body is unread or still arriving (a
// refusal, a BodyPlan answer, a sink's answer), then closes. A sink still owed Finish or Abort
// is aborted.
void Session::AnswerAndClose(HttpResponse response) {
  phase_ = Phase::kRefusing;
  SetDeadline(std::min(core_.options.read_timeout, core_.options.idle_timeout));
  keep_alive_ = false;
  close_after_write_ = true;
  StartWrite(Checked(std::move(response)));
  AbortSink();
}

void Session::RefuseParseError(const ErrorCode& ec) {
  if (ec == http::error::header_limit) {
    Bump(counters_.refused_header_too_large);
    Refuse(431, "request header fields too large");
  } else if (ec == http::error::body_limit) {
    Bump(counters_.refused_body_too_large);
    Refuse(413, "request body too large");
  } else {
    Bump(counters_.refused_malformed);
    Refuse(400, "malformed request: " + ec.message());
  }
}

// Answers with a status of the server's own and closes; the handler never sees the request.
void Session::Refuse(int status, std::string_view text) {
  head_request_ = false;
  HttpResponse response = PlainResponse(status, text);
  if (core_.options.refusal) {
    static const HttpRequest kNothingParsed;
    response = core_.options.refusal(status, text, parser_ ? parser_->request() : kNothingParsed);
    response.status = status;
  }
  AnswerAndClose(std::move(response));
}

// Writes the head with the body, or with the first piece of a streamed body (OnWritten writes
// the rest).
void Session::StartWrite(HttpResponse response) {
  response_ = std::move(response);
  ResponseFraming framing;
  framing.close = close_after_write_;
  framing.keep_alive_header = http10_ && !close_after_write_;
  framing.head_request = head_request_;
  bool with_body = SerializeResponseHead(response_, framing, &head_);
  std::string_view body;
  source_left_ = with_body && response_.source ? response_.source->size() : 0;
  send_fd_ = -1;
  if (source_left_ > 0 && response_.source->file_span().fd >= 0) {
    BodySource::FileSpan span = response_.source->file_span();
    send_fd_ = span.fd;  // the head goes first; OnWritten then sends the file (SendFile)
    send_offset_ = static_cast<int64_t>(span.offset);
  } else if (source_left_ > 0) {
    if (Status pulled = PullPiece(); !pulled) {
      // Nothing is sent yet, so the failure can still be told.
      StartWrite(PlainResponse(500, pulled.error().message));
      return;
    }
    body = piece_;
  } else if (with_body && !response_.source) {
    body = response_.body;
  }
  // Counted when written rather than when done, so a client that has the response can rely on
  // it being counted.
  Bump(counters_.responses_by_class[static_cast<size_t>(response_.status / 100)]);
  WriteBuffers(head_, body);
}

// Replaces piece_ with the next piece of response_.source; never more than Content-Length has
// left (a source that overshoots is cut and the connection closes after it).
Status Session::PullPiece() {
  Status pulled;
  try {
    pulled = response_.source->Next(std::min(kPieceBytes, source_left_), &piece_);
  } catch (...) {
    return Fail(sf::ErrorCode::kInternal,
                ExceptionText("the response body source failed", std::current_exception()));
  }
  if (!pulled) return pulled;
  if (piece_.empty()) {
    return Fail(sf::ErrorCode::kInternal,
                "the response body source ended " + std::to_string(source_left_) + " bytes short");
  }
  if (piece_.size() > source_left_) {
    piece_.resize(static_cast<size_t>(source_left_));
    close_after_write_ = true;
  }
  source_left_ -= piece_.size();
  return {};
}

void Session::WriteBuffers(std::string_view head, std::string_view body) {
  std::array<asio::const_buffer, 2> buffers = {asio::buffer(head.data(), head.size()),
                                               asio::buffer(body.data(), body.size())};
  write_pending_ = true;
  asio::async_write(socket_, buffers,
                    [self = shared_from_this()](const ErrorCode& ec, size_t bytes) {
                      self->OnWritten(ec, bytes);
                    });
}

void Session::OnWritten(const ErrorCode& ec, size_t bytes) {
  write_pending_ = false;
  if (phase_ == Phase::kClosed) return;
  if (ec) {
    Close();
    return;
  }
  Bump(counters_.bytes_out, bytes);
  if (source_left_ > 0 && send_fd_ >= 0) {
    SendFile();
    return;
  }
  if (source_left_ > 0) {
    // The head is out: a failing source can only cut the body short, which the client detects
    // from Content-Length.
    if (!PullPiece()) {
      Close();
      return;
    }
    SetDeadline(core_.options.idle_timeout);  // the write deadline is per piece
    WriteBuffers({}, piece_);
    return;
  }
  OnResponseWritten();
}

// Sends the rest of a file-backed body with sendfile(2) on the non-blocking socket, a few pieces
// per turn so that one download does not starve the worker's other connections, waiting for
// the socket to drain in between. A file that ends short or fails closes the connection (the
// client sees a short body).
void Session::SendFile() {
  ErrorCode ec;
  socket_.native_non_blocking(true, ec);
  for (int round = 0; round < 4 && !ec; ++round) {
    size_t want = static_cast<size_t>(std::min(kPieceBytes, source_left_));
    off_t offset = static_cast<off_t>(send_offset_);
    ssize_t sent = ::sendfile(socket_.native_handle(), send_fd_, &offset, want);
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (sent <= 0) {
      Close();
      return;
    }
    send_offset_ = offset;
    source_left_ -= static_cast<uint64_t>(sent);
    Bump(counters_.bytes_out, static_cast<uint64_t>(sent));
    SetDeadline(core_.options.idle_timeout);  // the write deadline is per piece
    if (source_left_ == 0) {
      OnResponseWritten();
      return;
    }
  }
  if (ec) {
    Close();
    return;
  }
  write_pending_ = true;
  socket_.async_wait(asio::socket_base::wait_write,
                     [self = shared_from_this()](const ErrorCode& error) {
                       self->write_pending_ = false;
                       if (self->phase_ == Phase::kClosed) return;
                       if (error) {
                         self->Close();
                         return;
                       }
                       self->SendFile();
                     });
}

// The whole response is out: release it, then the next request or the lingering close.
void Session::OnResponseWritten() {
  send_fd_ = -1;
  response_ = HttpResponse();  // releases the body and its source
  piece_ = std::string();
  if (close_after_write_) {
    StartLinger();
  } else {
    NextRequest();
  }
}

void Session::StartLinger() {
  phase_ = Phase::kLingering;
  ErrorCode ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  SetDeadline(std::min<Clock::duration>(kMaxLinger, core_.options.read_timeout));
  buffer_.clear();
  Read();
}

void Session::SetDeadline(Clock::duration from_now) {
  deadline_ = Clock::now() + from_now;
  // The watchdog re-arms itself for a later deadline when it fires; only an earlier one needs
  // to wake it now. Most requests therefore cost no timer operation at all.
  if (deadline_ < watchdog_.expiry()) watchdog_.cancel();
}

void Session::ArmWatchdog() {
  watchdog_.expires_at(deadline_);
  watchdog_.async_wait([self = shared_from_this()](const ErrorCode&) { self->OnWatchdog(); });
}

void Session::OnWatchdog() {
  if (phase_ == Phase::kClosed) return;
  if (Clock::now() >= deadline_) OnDeadline();
  if (phase_ != Phase::kClosed) ArmWatchdog();
}

void Session::OnDeadline() {
  switch (phase_) {
    case Phase::kReading:
      if (write_pending_) {  // the client is not reading our 100 Continue either
        Close();
        return;
      }
      Bump(counters_.refused_timeout);
      Refuse(408, "request not received in time");
      return;
    case Phase::kHandling:
      Bump(counters_.handler_timeouts);
      Close();
      return;
    default:  // idle keep-alive, stalled writer, or a lingering close that ran its course
      Close();
      return;
  }
}

}  // namespace sf::engine
