// Responding later and from other threads, handler failures, graceful stop, start failures,
// and many connections at once.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server_fixture.h"

namespace sf::engine::testing {
namespace {

using Clock = std::chrono::steady_clock;

TEST(HttpServerAsyncTest, RespondFromAnotherThreadAfterTheHandlerReturned) {
  std::atomic<bool> handler_returned{false};
  std::vector<std::jthread> threads;
  auto server = StartServer([&](HttpRequest&& request, Respond respond) {
    threads.emplace_back([&handler_returned, respond, body = std::move(request.body)] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      respond({200, {{"X-Handler-Returned", handler_returned.load() ? "yes" : "no"}}, body});
    });
    handler_returned = true;
  });
  TestClient client(server->port());
  for (int i = 0; i < 3; ++i) {
    auto response = client.RoundTrip(MakeRequest("POST", "/", "later " + std::to_string(i)));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body(), "later " + std::to_string(i));
    EXPECT_EQ((*response)["X-Handler-Returned"], "yes");
  }
  server->Stop();
  threads.clear();  // joins
}

TEST(HttpServerAsyncTest, DroppedRespondIs500) {
  auto server = StartServer([](HttpRequest&&, Respond) {});
  TestClient client(server->port());
  auto response = client.RoundTrip(MakeRequest("GET", "/", ""));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 500);
  EXPECT_TRUE(response->keep_alive());  // the connection survives
  ASSERT_TRUE(client.RoundTrip(MakeRequest("GET", "/", "")));
  EXPECT_EQ(server->stats().responses_5xx, 2u);
}

TEST(HttpServerAsyncTest, ThrowingHandlerIs500) {
  auto server = StartServer([](HttpRequest&&, Respond) { throw std::runtime_error("boom"); });
  TestClient client(server->port());
  auto response = client.RoundTrip(MakeRequest("GET", "/", ""));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 500);
  EXPECT_NE(response->body().find("boom"), std::string::npos);
}

TEST(HttpServerAsyncTest, SecondRespondAndInvalidStatusAreHarmless) {
  auto server = StartServer([](HttpRequest&& request, Respond respond) {
    if (request.path == "/bad") {
      respond({42, {}, ""});
      return;
    }
    respond({200, {}, "first"});
    respond({201, {}, "second"});
  });
  TestClient client(server->port());
  auto response = client.RoundTrip(MakeRequest("GET", "/", ""));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "first");
  auto bad = client.RoundTrip(MakeRequest("GET", "/bad", ""));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->result_int(), 500);
  auto again = client.RoundTrip(MakeRequest("GET", "/", ""));  // no stray "second"
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body(), "first");
}

TEST(HttpServerAsyncTest, HandlerThatNeverRespondsTimesOutTheConnection) {
  std::mutex mu;
  std::vector<Respond> kept;
  auto server = StartServer(
      [&](HttpRequest&&, Respond respond) {
        std::lock_guard<std::mutex> lock(mu);
        kept.push_back(std::move(respond));
      },
      QuickOptions());
  TestClient client(server->port());
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/", "")));
  EXPECT_TRUE(client.ClosedWithin(5s));
  EXPECT_EQ(server->stats().handler_timeouts, 1u);
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(kept.size(), 1u);
  kept[0]({200, {}, "too late"});  // the connection is gone: nothing happens
  server.reset();
  kept.clear();  // and after the server is gone, dropping it is harmless too
}

TEST(HttpServerLifecycleTest, GracefulStopFinishesInFlightRequestThenRefusesConnections) {
  std::promise<void> handler_started;
  std::vector<std::jthread> threads;
  auto server = StartServer([&](HttpRequest&& request, Respond respond) {
    threads.emplace_back([respond, body = std::move(request.body)] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      respond({200, {}, body});
    });
    handler_started.set_value();
  });
  uint16_t port = server->port();
  TestClient idle(port);
  ASSERT_TRUE(idle.RoundTrip(MakeRequest("GET", "/warm", "")));  // then idle, kept alive
  threads.back().join();
  threads.clear();
  handler_started = std::promise<void>();

  TestClient busy(port);
  ASSERT_TRUE(busy.Send(MakeRequest("POST", "/slow", "in flight")));
  handler_started.get_future().wait();
  auto reader = std::async(std::launch::async, [&busy] {
    auto response = busy.Read(5s);
    busy.Close();  // as a real client does after "Connection: close"
    return response;
  });
  auto start = Clock::now();
  server->Stop(std::chrono::seconds(5));
  auto stop_took = Clock::now() - start;
  auto response = reader.get();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200);
  EXPECT_EQ(response->body(), "in flight");
  EXPECT_EQ((*response)["Connection"], "close");
  EXPECT_LT(stop_took, std::chrono::seconds(4));  // finished well before the grace ran out
  EXPECT_TRUE(idle.ClosedWithin(1s));
  EXPECT_FALSE(CanConnect(port));
  threads.clear();  // joins
}

TEST(HttpServerLifecycleTest, StopAfterGraceClosesStuckRequests) {
  std::mutex mu;
  std::vector<Respond> kept;
  auto server = StartServer([&](HttpRequest&&, Respond respond) {
    std::lock_guard<std::mutex> lock(mu);
    kept.push_back(std::move(respond));
  });
  TestClient client(server->port());
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/stuck", "")));
  for (int i = 0; i < 500 && server->stats().requests == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  server->Stop(std::chrono::milliseconds(100));
  EXPECT_TRUE(client.ClosedWithin(1s));
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(kept.size(), 1u);
  kept[0]({200, {}, "after stop"});  // dropped without harm
}

TEST(HttpServerLifecycleTest, StartOnATakenPortFailsClearly) {
  auto first = StartServer(Echo);
  HttpServerOptions options;
  options.port = first->port();
  HttpServer second(options, Echo);
  auto started = second.Start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::kIo);
  EXPECT_NE(started.error().message.find(std::to_string(first->port())), std::string::npos)
      << started.error().message;
  EXPECT_NE(started.error().message.find("in use"), std::string::npos) << started.error().message;
  EXPECT_EQ(second.port(), 0);
  second.Stop();  // harmless on a server that never started
}

TEST(HttpServerLifecycleTest, BadAddressAndDoubleStartFail) {
  HttpServerOptions options;
  options.address = "not-an-address";
  HttpServer bad(options, Echo);
  auto started = bad.Start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::kInvalidArgument);

  auto server = StartServer(Echo);
  auto again = server->Start();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kInvalidArgument);
}

TEST(HttpServerLifecycleTest, ManyConcurrentConnectionsAreAllAnswered) {
  auto server = StartServer(Echo);
  constexpr int kClients = 50;
  constexpr int kRequests = 20;
  std::atomic<int> answered{0};
  std::vector<std::jthread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      TestClient client(server->port());
      for (int r = 0; r < kRequests; ++r) {
        std::string body = std::to_string(c) + "/" + std::to_string(r);
        auto response = client.RoundTrip(MakeRequest("POST", "/", body));
        if (response && response->result_int() == 200 && response->body() == body) ++answered;
      }
    });
  }
  clients.clear();  // joins
  EXPECT_EQ(answered.load(), kClients * kRequests);
  auto stats = server->stats();
  EXPECT_EQ(stats.connections_accepted, static_cast<uint64_t>(kClients));
  EXPECT_EQ(stats.requests, static_cast<uint64_t>(kClients * kRequests));
  EXPECT_EQ(stats.responses_2xx, static_cast<uint64_t>(kClients * kRequests));
}

}  // namespace
}  // namespace sf::engine::testing
