#pragma once
// Shared by the server tests: a started server on a free loopback port and an echo handler.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>

#include "engine/server/http_server.h"
#include "test_client.h"

namespace sf::engine::testing {

// Answers 200 with the request body, and X-Method / X-Path / X-Query / X-Content-Type headers.
inline void Echo(HttpRequest&& request, Respond respond) {
  HttpResponse response;
  response.headers.emplace_back("X-Method", request.method);
  response.headers.emplace_back("X-Path", request.path);
  response.headers.emplace_back("X-Query", request.query);
  if (const std::string* type = request.Header("content-type")) {
    response.headers.emplace_back("X-Content-Type", *type);
  }
  response.body = std::move(request.body);
  respond(std::move(response));
}

// Options with short timeouts so timeout tests finish quickly.
inline HttpServerOptions QuickOptions() {
  HttpServerOptions options;
  options.read_timeout = std::chrono::milliseconds(300);
  options.idle_timeout = std::chrono::milliseconds(300);
  return options;
}

// A started server; fails the test if it cannot start.
inline std::unique_ptr<HttpServer> StartServer(Handler handler,
                                               HttpServerOptions options = HttpServerOptions()) {
  auto server = std::make_unique<HttpServer>(std::move(options), std::move(handler));
  auto started = server->Start();
  EXPECT_TRUE(started) << (started ? "" : started.error().message);
  EXPECT_NE(server->port(), 0);
  return server;
}

// Polls `server`'s stats until `done` holds or 5 s pass; returns the last stats. Counters that
// finish after the client already has its bytes (bytes_out, connections_open) need this.
template <class Predicate>
ServerStats WaitForStats(const HttpServer& server, Predicate done) {
  ServerStats stats = server.stats();
  for (int i = 0; i < 500 && !done(stats); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    stats = server.stats();
  }
  return stats;
}

}  // namespace sf::engine::testing
