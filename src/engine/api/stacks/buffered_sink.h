#pragma once
// A request body the server would not buffer itself: the server buffers at most
// HttpServerOptions::max_body_bytes (8 MiB, sized for Kinesis), while a stack record carries
// its template text and may be larger. This plan gathers the body (up to `max_body_bytes`;
// larger ones get the server's 413 before being read) and then hands the complete request to
// `next`, exactly as the server hands a buffered request to its Handler.

#include <cstdint>

#include "engine/server/http_server.h"

namespace sf::engine {

BodyPlan BufferedBodyPlan(uint64_t max_body_bytes, Handler next);

}  // namespace sf::engine
