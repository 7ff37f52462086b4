// Requests the server refuses by itself (none reaches the handler), and timeouts.

#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "server_fixture.h"

namespace sf::engine::testing {
namespace {

// A server whose handler counts the requests it sees.
struct CountingServer {
  explicit CountingServer(HttpServerOptions options = HttpServerOptions()) {
    server = StartServer(
        [this](HttpRequest&& request, Respond respond) {
          ++handled;
          Echo(std::move(request), std::move(respond));
        },
        std::move(options));
  }
  std::atomic<int> handled{0};
  std::unique_ptr<HttpServer> server;
};

HttpServerOptions SmallBodies() {
  HttpServerOptions options;
  options.max_body_bytes = 1024;
  return options;
}

TEST(HttpServerLimitsTest, OversizedContentLengthIs413WithoutReadingTheBody) {
  CountingServer s(SmallBodies());
  TestClient client(s.server->port());
  // Only the header: the server must answer without waiting for the gigabyte.
  ASSERT_TRUE(client.Send("PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 413);
  EXPECT_EQ((*response)["Connection"], "close");
  EXPECT_TRUE(client.ClosedWithin());
  EXPECT_EQ(s.handled.load(), 0);
  EXPECT_EQ(s.server->stats().refused_body_too_large, 1u);
}

TEST(HttpServerLimitsTest, RefusalHookWordsTheRefusal) {
  HttpServerOptions options = SmallBodies();
  options.refusal = [](int status, std::string_view reason, const HttpRequest&) {
    HttpResponse response;
    response.status = 200;  // the server keeps its own status regardless
    response.headers = {{"Content-Type", "application/json"}};
    response.body =
        "{\"status\":" + std::to_string(status) + ",\"reason\":\"" + std::string(reason) + "\"}";
    return response;
  };
  CountingServer s(options);
  TestClient client(s.server->port());
  ASSERT_TRUE(client.Send("PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 413);
  EXPECT_EQ((*response)["Content-Type"], "application/json");
  EXPECT_EQ(response->body(), "{\"status\":413,\"reason\":\"request body too large\"}");
  EXPECT_TRUE(client.ClosedWithin());
  EXPECT_EQ(s.handled.load(), 0);
}

TEST(HttpServerLimitsTest, ExpectContinueWithOversizedBodyIs413Not100) {
  CountingServer s(SmallBodies());
  TestClient client(s.server->port());
  ASSERT_TRUE(client.Send(
      "PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\nExpect: 100-continue\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 413);
  EXPECT_TRUE(client.ClosedWithin());
  EXPECT_EQ(s.server->stats().responses_1xx, 0u);
}

TEST(HttpServerLimitsTest, BodyAtTheLimitIsAccepted) {
  CountingServer s(SmallBodies());
  TestClient client(s.server->port());
  auto response = client.RoundTrip(MakeRequest("POST", "/", std::string(1024, 'a')));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200);
  EXPECT_EQ(response->body().size(), 1024u);
}

TEST(HttpServerLimitsTest, ChunkedBodyGrowingPastTheLimitIs413) {
  CountingServer s(SmallBodies());
  TestClient client(s.server->port());
  std::string chunk(600, 'c');
  ASSERT_TRUE(
      client.Send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "258\r\n" +
                  chunk + "\r\n"));                      // 0x258 = 600
  ASSERT_TRUE(client.Send("258\r\n" + chunk + "\r\n"));  // 1200 > 1024
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 413);
  EXPECT_TRUE(client.ClosedWithin());
  EXPECT_EQ(s.handled.load(), 0);
}

TEST(HttpServerLimitsTest, HugeHeadersAre431) {
  HttpServerOptions options;
  options.max_header_bytes = 4096;
  CountingServer s(options);
  TestClient client(s.server->port());
  ASSERT_TRUE(
      client.Send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8192, 'h') + "\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 431);
  EXPECT_TRUE(client.ClosedWithin());
  EXPECT_EQ(s.handled.load(), 0);
  EXPECT_EQ(s.server->stats().refused_header_too_large, 1u);
}

TEST(HttpServerLimitsTest, HeadersJustUnderTheLimitAreAccepted) {
  HttpServerOptions options;
  options.max_header_bytes = 4096;
  CountingServer s(options);
  TestClient client(s.server->port());
  auto response =
      client.RoundTrip(MakeRequest("GET", "/", "", "X-Big: " + std::string(3800, 'h') + "\r\n"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200);
}

TEST(HttpServerLimitsTest, GarbageIs400) {
  CountingServer s;
  for (const char* garbage :
       {"this is not http\r\n\r\n", "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n", "GET / HTTP/9.9\r\n\r\n"}) {
    TestClient client(s.server->port());
    ASSERT_TRUE(client.Send(garbage));
    auto response = client.Read();
    ASSERT_TRUE(response) << garbage;
    EXPECT_EQ(response->result_int(), 400) << garbage;
    EXPECT_TRUE(client.ClosedWithin()) << garbage;
  }
  EXPECT_EQ(s.handled.load(), 0);
  EXPECT_EQ(s.server->stats().refused_malformed, 4u);
}

TEST(HttpServerLimitsTest, IncompleteRequestIs408) {
  CountingServer s(QuickOptions());
  TestClient client(s.server->port());
  ASSERT_TRUE(client.Send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"));
  auto response = client.Read(5s);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 408);
  EXPECT_TRUE(client.ClosedWithin());
  EXPECT_EQ(s.handled.load(), 0);
  EXPECT_EQ(s.server->stats().refused_timeout, 1u);
}

TEST(HttpServerLimitsTest, TrickledHeaderIs408) {
  CountingServer s(QuickOptions());
  TestClient client(s.server->port());
  ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\n"));
  ASSERT_TRUE(client.Send("Host: x\r\n"));  // never finished
  auto response = client.Read(5s);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 408);
}

TEST(HttpServerLimitsTest, IdleKeepAliveConnectionCloses) {
  CountingServer s(QuickOptions());
  TestClient client(s.server->port());
  ASSERT_TRUE(client.RoundTrip(MakeRequest("GET", "/", "")));
  EXPECT_TRUE(client.ClosedWithin(5s));
  EXPECT_EQ(s.server->stats().refused_timeout, 0u);  // idle is not a refusal
}

TEST(HttpServerLimitsTest, SilentConnectionClosesWithout408) {
  CountingServer s(QuickOptions());
  TestClient client(s.server->port());
  EXPECT_TRUE(client.ClosedWithin(5s));
  EXPECT_EQ(s.server->stats().refused_timeout, 0u);
}

}  // namespace
}  // namespace sf::engine::testing
