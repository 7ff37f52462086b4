#pragma once
// Internal to the server: the wire form of a response's status line and header block.

#include <exception>
#include <string>
#include <string_view>

#include "engine/server/http_server.h"

namespace sf::engine {

// How the connection frames this response.
struct ResponseFraming {
  bool close = false;              // the connection closes after it: "Connection: close"
  bool keep_alive_header = false;  // an HTTP/1.0 client asked for keep-alive: echo it
  bool head_request = false;       // answering HEAD: headers only
};

// Replaces `*out` with the status line and headers of `response`, including Content-Length
// (not for 1xx, 204, 304: source->size() with a source, else for HEAD a handler-set one if any,
// else the body's size), Date, Server and Connection as `framing` says; handler-set framing fields
// are dropped (see HttpResponse), as are fields whose name or value holds CR or LF. Returns
// whether the body must follow (false for HEAD, 1xx, 204, 304). `response.status` must be within
// 100-999.
bool SerializeResponseHead(const HttpResponse& response, const ResponseFraming& framing,
                           std::string* out);

// The current time as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), cached per thread for
// the second. The view is valid until the calling thread's next call.
std::string_view HttpDate();

// True if `name` equals `lower_name` ignoring ASCII case; `lower_name` must be lower case.
bool EqualsLower(std::string_view name, std::string_view lower_name);

// A small text/plain response for a status the server produces itself (400, 408, 413, 431,
// 500).
HttpResponse PlainResponse(int status, std::string_view text);

// Describes an exception that escaped code the server calls (a handler, the classify hook, a
// sink, a source): "`what`: <the exception's what()>", or just `what` if it is no std::exception.
std::string ExceptionText(std::string_view what, std::exception_ptr error);

// A 500 carrying ExceptionText(what, error).
HttpResponse ExceptionResponse(std::string_view what, std::exception_ptr error);

}  // namespace sf::engine
