#pragma once
// Internal to the server: one accepted connection. It reads a request, asks the classify hook
// what to do with its body (buffer it for the Handler, stream it into a BodySink, or answer at
// once), writes the response (streaming a BodySource piece by piece), and only then parses the
// next request (so pipelined requests are answered in order); it enforces the limits and
// timeouts of HttpServerOptions.
//
// Threading: a session lives on one IoWorker; every member function runs on that worker's
// thread (ResponseSlot posts there), so the session needs no strand and no lock.
// Lifetime: owned by shared_ptr. Pending socket operations and the watchdog timer hold it; the
// watchdog is armed for the session's whole life, which keeps it alive while a handler works.
// Nothing outside the worker holds it strongly for longer than a post.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "engine/server/http_server.h"
#include "engine/server/request_parser.h"
#include "engine/server/server_core.h"

namespace sf::engine {

class Session : public std::enable_shared_from_this<Session> {
 public:
  using Executor = boost::asio::io_context::executor_type;

  // `socket` must belong to `worker`'s io_context. `core` and `worker` must outlive the session.
  Session(ServerCore& core, IoWorker& worker, boost::asio::ip::tcp::socket socket);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  Executor executor() { return worker_.context.get_executor(); }

  void Start();
  // The server is stopping: close now if idle, else after the response in progress.
  void BeginShutdown();
  // Closes the socket now; pending operations end and release the session.
  void Close();
  // The response to request number `seq`; ignored unless that request is still awaiting one.
  void OnResponse(uint64_t seq, HttpResponse response);

 private:
  enum class Phase {
    kIdle,       // no byte of the next request yet (idle_timeout)
    kReading,    // a request is arriving (read_timeout from its first byte; for a streamed
                 // body, from each read)
    kHandling,   // the handler or sink has it; awaiting Respond (idle_timeout)
    kWriting,    // writing the response (idle_timeout, per piece of a streamed body)
    kRefusing,   // writing a last answer while the body is unread or still arriving (a
                 // refusal, a BodyPlan answer, a sink's Write answer); the connection will close
    kLingering,  // sent our last byte; draining input until EOF so the client sees the response
    kClosed,
  };
  using Clock = std::chrono::steady_clock;
  using ErrorCode = boost::system::error_code;

  // Reading (session.cc).
  void Read();
  void OnRead(const ErrorCode& ec, size_t bytes);
  void ParseBuffered();
  void WriteContinue();
  bool ContinueBeforeEmptyBody();
  void OnContinueWritten(const ErrorCode& ec, size_t bytes);
  void Dispatch();
  void NextRequest();
  void NewParser();
  void NoteHead(const HttpRequest& head);

  // The header phase and streamed request bodies (session_body.cc).
  bool OnHeaderDone();
  BodyPlan Classify(const HttpRequest& head);
  void Answer(HttpResponse response);
  bool DeliverSlice();
  void AbortSink();

  // Writing and deadlines (session_write.cc).
  void WriteResponse(HttpResponse response);
  void AnswerAndClose(HttpResponse response);
  void Refuse(int status, std::string_view text);
  void RefuseParseError(const ErrorCode& ec);
  void StartWrite(HttpResponse response);
  Status PullPiece();
  void WriteBuffers(std::string_view head, std::string_view body);
  void OnWritten(const ErrorCode& ec, size_t bytes);
  void SendFile();
  void OnResponseWritten();
  void StartLinger();
  void SetDeadline(Clock::duration from_now);
  void ArmWatchdog();
  void OnWatchdog();
  void OnDeadline();

  ServerCore& core_;
  IoWorker& worker_;
  WorkerCounters& counters_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer watchdog_;
  Clock::time_point deadline_;
  boost::beast::flat_buffer buffer_;  // unparsed input; reused across requests
  std::optional<RequestParser> parser_;
  std::string remote_address_;
  Phase phase_ = Phase::kIdle;
  bool read_pending_ = false;
  bool write_pending_ = false;
  bool header_done_ = false;  // the current request's header has been acted on

  // The current request's streamed body (BodyPlan::sink). `sink_open_`: the body is still
  // arriving, so the sink is owed a Finish or an Abort. After Finish (or a Write answer) the
  // sink is kept until the next request or the session's end, as Finish may have handed
  // `respond` elsewhere; after Abort it is dropped at once.
  std::unique_ptr<BodySink> sink_;
  bool sink_open_ = false;

  // The request being answered.
  uint64_t seq_ = 0;
  bool keep_alive_ = false;
  bool http10_ = false;
  bool head_request_ = false;
  bool close_after_write_ = false;
  HttpResponse response_;                       // owns the body (or its source) while it is written
  std::optional<HttpResponse> after_continue_;  // an answer waiting for its 100 Continue
  std::string head_;          // serialized status line and headers; capacity reused
  uint64_t source_left_ = 0;  // bytes of response_.source still to be pulled (or sent from a file)
  int send_fd_ = -1;          // response_.source's file when sent with sendfile, else -1
  int64_t send_offset_ = 0;   // where in send_fd_ the next byte comes from
  std::string piece_;         // the piece of response_.source being written
};

}  // namespace sf::engine
