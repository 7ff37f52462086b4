#pragma once
// The HTTP/1.1 server the engine's AWS-compatible APIs sit on (Kinesis JSON 1.1 first; S3 REST,
// Firehose and Lambda later), on one loopback port. See README.md in this directory for the
// contract, the limits and their status codes, the threading model and shutdown.
//
// This header is deliberately free of Boost: the API layer includes it without paying for Asio.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace sf::engine {

// Header fields in the order they were sent (or are to be sent), names as written.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// One complete request, owned by the handler once delivered.
struct HttpRequest {
  std::string method;          // "POST", exactly as sent
  std::string target;          // raw target: path plus query, undecoded
  std::string path;            // target before the first '?'
  std::string query;           // after the first '?', undecoded; empty if there is none
  int version = 11;            // 10 for HTTP/1.0, 11 for HTTP/1.1
  HttpHeaders headers;         // in order, names as sent (chunked trailers appended)
  std::string body;            // de-chunked if it arrived chunked
  std::string remote_address;  // "ip:port" of the peer

  // The value of the first field named `name` (ASCII case-insensitive); nullptr if absent. The
  // pointer is valid until `headers` is modified.
  const std::string* Header(std::string_view name) const;
};

// The body of a streamed response (S3 GetObject): the server writes the head with
// Content-Length = size(), then pulls the body piece by piece, each time the previous piece has
// been written, so an object of any size holds one piece in memory. Called on the connection's
// I/O thread only (reads from the page cache are fine; nothing that waits on a lock held long).
class BodySource {
 public:
  virtual ~BodySource() = default;
  // The exact number of bytes Next() will produce in total.
  virtual uint64_t size() const = 0;
  // Replaces *piece with the next at most `max_bytes` bytes (at least one while bytes remain).
  // An error after the head was sent cannot be reported to the client any more: the server
  // closes the connection, so the client sees a short body and fails.
  virtual Status Next(size_t max_bytes, std::string* piece) = 0;

  // Zero copy: when the body is exactly size() bytes of a regular file starting at `offset`
  // (the file must not shrink while it is sent), the server sends it with sendfile(2) straight
  // from the page cache and never calls Next. The descriptor stays the source's: it must stay
  // open until the source is destroyed. fd -1 (the default): the body is pulled with Next.
  struct FileSpan {
    int fd = -1;
    uint64_t offset = 0;
  };
  virtual FileSpan file_span() const { return {}; }
};

// A response as the handler builds it. The server adds Content-Length, Date, Server and (when
// it closes) Connection; handler-set values of those, and Transfer-Encoding, are dropped. One
// exception: for a HEAD request a handler-set Content-Length is kept (the body is never sent).
// A `Connection: close` header from the handler closes the connection after the response.
struct HttpResponse {
  int status = 200;  // 200-599; anything else is answered as 500
  HttpHeaders headers;
  std::string body;
  // When set, the body comes from here instead of `body` (which must then be empty);
  // Content-Length is source->size(). Ignored (never pulled) for HEAD requests and for 1xx, 204
  // and 304 answers.
  std::shared_ptr<BodySource> source = nullptr;
};

// Sends the response to the request it was made for. Copyable; call it once (later calls are
// ignored). Thread-safe: it may be called from any thread, during or after the handler (so a
// handler can wait for a group commit without blocking an I/O thread). If every copy is
// destroyed without a call, the client gets a 500. Calling it after the connection closed or the
// server stopped is harmless; it does nothing. It holds no strong reference to the server.
using Respond = std::function<void(HttpResponse)>;

// Called once per complete request on an I/O thread, so it must not block: do quick work
// inline, or hand the request off and call `respond` later. The next request on the same
// connection is not read until this one's response is written (responses stay in order). A
// handler that throws gets a 500 sent for it.
using Handler = std::function<void(HttpRequest&& request, Respond respond)>;

// Receives the body of a streamed request (S3 PutObject, UploadPart) instead of it being
// buffered into HttpRequest::body. Created by the classify hook for one request; every call
// happens on that connection's I/O thread, in this order: Write* then exactly one of Finish or
// Abort. The sink is destroyed after that (possibly later, if it handed `respond` elsewhere):
// the server keeps it until the response to its request is written or the connection closes,
// and destroys it on the I/O thread; work handed elsewhere by Finish must not rely on it.
// Exceptions (not expected: see base/result.h) are caught: a throwing Write or Finish gets a 500
// like a throwing Handler (after a Write, the sink is then aborted); one from Abort is dropped.
class BodySink {
 public:
  virtual ~BodySink() = default;
  // One slice of the body, in order, after HTTP framing (Content-Length or chunked) is removed:
  // never empty, at most one socket read (64 KiB). The bytes are only valid during the call. The
  // server reads the next slice from the socket only after Write returns, so a sink that is slow to
  // take data slows the client through TCP and memory stays at one read buffer per connection.
  // Returning a response stops the upload: the server sends it and closes the connection (the rest
  // of the body is never read), and neither Finish nor Abort follows.
  virtual std::optional<HttpResponse> Write(std::string_view slice) = 0;
  // The body is complete; `head` is the request (body empty, chunked trailers appended to its
  // headers). Answer through `respond` exactly as a Handler does, from any thread.
  virtual void Finish(HttpRequest&& head, Respond respond) = 0;
  // The request ended without a complete body: the client disconnected, the read timed out
  // (408), the framing was malformed (400), the body grew past the plan's limit (413), or the
  // server is stopping (503). The server has answered if it still could. Discard what was
  // written.
  virtual void Abort() = 0;
};

// What to do with a request's body, decided from its head (see HttpServerOptions::classify).
struct BodyPlan {
  // Answer now without reading the body: no 100 Continue is sent, and unless the request has
  // no body the connection closes after this response (lingering, so the client reads it).
  // Wins over `sink` if both are set (the sink then gets Abort and nothing else).
  std::optional<HttpResponse> answer;
  // Stream the body into this sink; its Finish answers the request. The Handler is not called.
  std::unique_ptr<BodySink> sink;
  // The largest body the sink accepts (Content-Length above it -> 413 before any body byte is
  // read; a chunked body crossing it -> 413 at that chunk, then Abort). Only for `sink`; 0
  // accepts only empty bodies. Capped by the larger of HttpServerOptions::max_streamed_body_bytes
  // and max_body_bytes (the parser's limit).
  uint64_t max_body_bytes = 0;
  // Neither answer nor sink: buffer the body (max_body_bytes of the options) and call the
  // Handler, as for every request when there is no classify hook.
  bool buffered() const { return !answer && !sink; }
};

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0: pick a free port; see HttpServer::port()
  int io_threads = 2;
  size_t max_header_bytes = 16 * 1024;      // request line + fields; more -> 431
  size_t max_body_bytes = 8 * 1024 * 1024;  // bigger bodies -> 413, refused before being read
  // From a request's first byte until it is complete; exceeded -> 408 and close. A streamed
  // body is bounded by progress instead: from its header on, each read of the socket must
  // bring a byte within read_timeout (a 5 GiB upload may take minutes).
  std::chrono::milliseconds read_timeout{30000};
  // A keep-alive connection with no request in progress closes after this long; it also bounds
  // how long a handler (or a sink's Finish) may take to respond, and how long a response may
  // take to be written (a streamed response: each piece).
  std::chrono::milliseconds idle_timeout{60000};
  // How the server words its own refusals (400, 408, 413, 431, and 503 for an upload cut short
  // by Stop), given the status, a short reason and as much of the request as was parsed (the
  // method and target once the request line was read, the header fields read so far: enough to
  // answer in the protocol of the API called); the status and closing the connection stay the
  // server's. Plain text when unset. Called on an I/O thread; must not block.
  std::function<HttpResponse(int status, std::string_view reason, const HttpRequest& partial)>
      refusal;
  // Called once per request when its head is complete, before any body byte is read and before
  // 100 Continue is sent; `head.body` is empty (`remote_address` is set). Returns how the body
  // is handled (BodyPlan). Unset: every request is buffered. Runs on the connection's I/O
  // thread (so concurrently for connections on different threads, like the Handler); must not
  // block. Requests refused for their header (400, 431, or a Content-Length over the larger of
  // max_body_bytes and max_streamed_body_bytes) never reach it; a hook that throws gets its
  // request a 500 answer.
  std::function<BodyPlan(const HttpRequest& head)> classify;
  // The largest body any streamed plan may allow (Beast needs its parser's limit up front).
  uint64_t max_streamed_body_bytes = 5ull << 30;  // S3's single PutObject limit, 5 GiB
};

// Counters for /metrics. Monotonic except connections_open. Read without a lock, so counters
// taken together may be a few operations apart.
struct ServerStats {
  uint64_t connections_accepted = 0;
  uint64_t connections_open = 0;
  uint64_t requests = 0;       // complete requests handed to the handler or a sink's Finish
  uint64_t responses_1xx = 0;  // 100 Continue
  uint64_t responses_2xx = 0;  // responses_* count every final response written: refusals and
                               // BodyPlan answers too
  uint64_t responses_3xx = 0;
  uint64_t responses_4xx = 0;
  uint64_t responses_5xx = 0;
  uint64_t bytes_in = 0;                  // bytes read from sockets (streamed bodies too)
  uint64_t bytes_out = 0;                 // bytes written to sockets (streamed bodies too)
  uint64_t refused_malformed = 0;         // 400
  uint64_t refused_timeout = 0;           // 408
  uint64_t refused_body_too_large = 0;    // 413
  uint64_t refused_header_too_large = 0;  // 431
  uint64_t handler_timeouts = 0;          // connections closed waiting idle_timeout for a response
};

// Thread-safe: every member may be called from any thread except an I/O thread of this server
// (i.e. not from inside a handler), as Stop() joins them.
class HttpServer {
 public:
  HttpServer(HttpServerOptions options, Handler handler);
  ~HttpServer();  // Stop()s with the default grace
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the I/O threads. Fails (kIo, naming the address and the reason,
  // e.g. "Address already in use") if the address cannot be bound; kInvalidArgument if the
  // address does not parse or the server was already started. A server starts at most once.
  [[nodiscard]] Status Start();

  // The bound port (useful with options.port == 0); 0 before a successful Start().
  uint16_t port() const;

  // Graceful stop: stops accepting, closes idle keep-alive connections, lets requests in flight
  // finish and their responses be written (each with `Connection: close`), waits at most
  // `grace` for that, then closes whatever is left and joins the I/O threads. Responses delivered
  // after that are dropped. Idempotent; a no-op if never started.
  void Stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

  ServerStats stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sf::engine
