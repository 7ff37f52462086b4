// Request/response basics: framing, keep-alive, pipelining, chunked bodies, 100-continue.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "server_fixture.h"

namespace sf::engine::testing {
namespace {

TEST(HttpRequestTest, HeaderLookupIsCaseInsensitiveAndFirstWins) {
  HttpRequest request;
  request.headers = {
      {"Content-Type", "application/json"}, {"X-Amz-Target", "a"}, {"x-amz-target", "b"}};
  ASSERT_NE(request.Header("content-type"), nullptr);
  EXPECT_EQ(*request.Header("CONTENT-TYPE"), "application/json");
  EXPECT_EQ(*request.Header("X-AMZ-TARGET"), "a");
  EXPECT_EQ(request.Header("Content-Length"), nullptr);
  EXPECT_EQ(request.Header("Content-Typ"), nullptr);
}

TEST(HttpServerTest, SimpleRequestResponse) {
  HttpRequest seen;
  auto server = StartServer([&](HttpRequest&& request, Respond respond) {
    seen = request;
    Echo(std::move(request), std::move(respond));
  });
  TestClient client(server->port());
  auto response = client.RoundTrip(MakeRequest("POST", "/a/b%20c?x=1&y=%2F", "{\"k\":1}",
                                               "Content-Type: application/x-amz-json-1.1\r\n"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200);
  EXPECT_EQ(response->body(), "{\"k\":1}");
  EXPECT_EQ((*response)["Content-Length"], "7");
  EXPECT_EQ((*response)["Server"], "streamform");
  EXPECT_TRUE(std::string((*response)["Date"]).ends_with(" GMT"));
  EXPECT_TRUE(response->keep_alive());
  EXPECT_EQ((*response)["X-Content-Type"], "application/x-amz-json-1.1");
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.target, "/a/b%20c?x=1&y=%2F");
  EXPECT_EQ(seen.path, "/a/b%20c");
  EXPECT_EQ(seen.query, "x=1&y=%2F");
  EXPECT_EQ(seen.version, 11);
  ASSERT_FALSE(seen.headers.empty());
  EXPECT_EQ(seen.headers[0].first, "Host");
  EXPECT_TRUE(seen.remote_address.starts_with("127.0.0.1:")) << seen.remote_address;
}

TEST(HttpServerTest, HandlerFramingHeadersAreReplaced) {
  auto server = StartServer([](HttpRequest&&, Respond respond) {
    respond(HttpResponse{201,
                         {{"content-length", "999"},
                          {"Server", "other"},
                          {"X-A", "1"},
                          {"X-Bad", "a\r\nInjected: yes"}},
                         "abc"});
  });
  TestClient client(server->port());
  auto response = client.RoundTrip(MakeRequest("GET", "/", ""));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 201);
  EXPECT_EQ(response->body(), "abc");
  EXPECT_EQ((*response)["Server"], "streamform");
  EXPECT_EQ((*response)["X-A"], "1");
  EXPECT_EQ(response->count("Injected"), 0u);
  EXPECT_EQ(response->count("X-Bad"), 0u);
}

TEST(HttpServerTest, KeepAliveReusesOneConnection) {
  auto server = StartServer(Echo);
  TestClient client(server->port());
  for (int i = 0; i < 5; ++i) {
    std::string body = "request " + std::to_string(i);
    auto response = client.RoundTrip(MakeRequest("POST", "/", body));
    ASSERT_TRUE(response) << i;
    EXPECT_EQ(response->body(), body);
    EXPECT_TRUE(response->keep_alive());
  }
  auto stats = server->stats();
  EXPECT_EQ(stats.connections_accepted, 1u);
  EXPECT_EQ(stats.requests, 5u);
}

TEST(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  // The first request is answered last-in-time by a slow thread; order must still hold.
  std::vector<std::jthread> workers;
  auto server = StartServer([&](HttpRequest&& request, Respond respond) {
    if (request.path == "/1") {
      workers.emplace_back([respond, request = std::move(request)]() mutable {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        Echo(std::move(request), respond);
      });
      return;
    }
    Echo(std::move(request), std::move(respond));
  });
  TestClient client(server->port());
  ASSERT_TRUE(client.Send(MakeRequest("POST", "/1", "one") + MakeRequest("GET", "/2", "") +
                          MakeRequest("POST", "/3", "three")));
  for (const char* expected : {"/1", "/2", "/3"}) {
    auto response = client.Read();
    ASSERT_TRUE(response) << expected;
    EXPECT_EQ((*response)["X-Path"], expected);
  }
  server->Stop();
  workers.clear();  // joins
}

TEST(HttpServerTest, RequestArrivingInPiecesIsParsedOnce) {
  HttpRequest seen;
  auto server = StartServer([&](HttpRequest&& request, Respond respond) {
    seen = request;
    Echo(std::move(request), std::move(respond));
  });
  TestClient client(server->port());
  std::string request = MakeRequest("POST", "/pieces", "0123456789", "X-One: 1\r\nX-Two: 2\r\n");
  for (size_t at = 0; at < request.size(); at += 7) {
    ASSERT_TRUE(client.Send(request.substr(at, 7)));
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "0123456789");
  EXPECT_EQ(seen.headers.size(), 4u);  // Host, Content-Length, X-One, X-Two: none twice
  ASSERT_NE(seen.Header("x-two"), nullptr);
  EXPECT_EQ(*seen.Header("x-two"), "2");
}

TEST(HttpServerTest, ChunkedRequestBody) {
  auto server = StartServer(Echo);
  TestClient client(server->port());
  auto response = client.RoundTrip(
      "POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n1;ext=1\r\n,\r\n6\r\n world\r\n0\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200);
  EXPECT_EQ(response->body(), "hello, world");
  // The connection stays usable after a chunked body.
  auto second = client.RoundTrip(MakeRequest("POST", "/", "next"));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body(), "next");
}

TEST(HttpServerTest, ExpectContinueGets100BeforeTheBody) {
  auto server = StartServer(Echo);
  TestClient client(server->port());
  ASSERT_TRUE(client.Send(
      "PUT /obj HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = client.Read();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->result_int(), 100);
  ASSERT_TRUE(client.Send("12345"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200);
  EXPECT_EQ(response->body(), "12345");
  EXPECT_EQ(server->stats().responses_1xx, 1u);
}

TEST(HttpServerTest, LargeBodyRoundTrip) {
  auto server = StartServer(Echo);
  TestClient client(server->port());
  std::string body(90 * 1024, 'x');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 26);
  for (int i = 0; i < 3; ++i) {
    auto response = client.RoundTrip(MakeRequest("POST", "/", body));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body(), body);
  }
}

TEST(HttpServerTest, HeadResponseKeepsLengthButSendsNoBody) {
  auto server = StartServer([](HttpRequest&&, Respond respond) {
    respond(HttpResponse{200, {{"Content-Length", "1234"}}, ""});
  });
  TestClient client(server->port());
  ASSERT_TRUE(client.Send(MakeRequest("HEAD", "/obj", "")));
  auto response = client.Read(5s, /*head=*/true);
  ASSERT_TRUE(response);
  EXPECT_EQ((*response)["Content-Length"], "1234");
  // No body bytes followed: the next response parses cleanly.
  auto next = client.RoundTrip(MakeRequest("GET", "/", ""));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->result_int(), 200);
}

TEST(HttpServerTest, NoContentHasNoContentLength) {
  auto server = StartServer([](HttpRequest&&, Respond respond) { respond({204, {}, ""}); });
  TestClient client(server->port());
  auto response = client.RoundTrip(MakeRequest("DELETE", "/obj", ""));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 204);
  EXPECT_EQ(response->count("Content-Length"), 0u);
}

TEST(HttpServerTest, ConnectionCloseIsHonoured) {
  auto server = StartServer(Echo);
  TestClient client(server->port());
  auto response = client.RoundTrip(MakeRequest("GET", "/", "", "Connection: close\r\n"));
  ASSERT_TRUE(response);
  EXPECT_EQ((*response)["Connection"], "close");
  EXPECT_TRUE(client.ClosedWithin());
}

TEST(HttpServerTest, Http10ClosesUnlessKeepAliveRequested) {
  auto server = StartServer(Echo);
  TestClient keep(server->port());
  auto kept = keep.RoundTrip("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  ASSERT_TRUE(kept);
  EXPECT_EQ((*kept)["Connection"], "keep-alive");
  ASSERT_TRUE(keep.RoundTrip("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  TestClient once(server->port());
  auto response = once.RoundTrip("GET /c HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ((*response)["Connection"], "close");
  EXPECT_TRUE(once.ClosedWithin());
}

TEST(HttpServerTest, StatsCountTraffic) {
  auto server = StartServer([](HttpRequest&& request, Respond respond) {
    respond({request.path == "/missing" ? 404 : 200, {}, "ok"});
  });
  {
    TestClient client(server->port());
    ASSERT_TRUE(client.RoundTrip(MakeRequest("POST", "/", "body")));
    ASSERT_TRUE(client.RoundTrip(MakeRequest("GET", "/missing", "")));
    EXPECT_EQ(server->stats().connections_open, 1u);
  }
  ServerStats stats = WaitForStats(*server, [](const ServerStats& s) {
    return s.connections_open == 0 && s.bytes_out > 2 * 60u;
  });
  EXPECT_EQ(stats.connections_accepted, 1u);
  EXPECT_EQ(stats.connections_open, 0u);  // the server saw the client go and closed its side
  EXPECT_EQ(stats.requests, 2u);
  EXPECT_EQ(stats.responses_2xx, 1u);
  EXPECT_EQ(stats.responses_4xx, 1u);
  EXPECT_EQ(stats.responses_5xx, 0u);
  EXPECT_GT(stats.bytes_in, 2 * 40u);
  EXPECT_GT(stats.bytes_out, 2 * 60u);
}

}  // namespace
}  // namespace sf::engine::testing
