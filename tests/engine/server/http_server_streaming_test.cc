// Streamed request bodies: the classify hook, BodySink delivery, limits, backpressure, early
// answers, and how an upload ends (Finish, Write's answer, Abort).

#include <gtest/gtest.h>

#include <cstdio>
#include <future>
#include <iterator>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "streaming_fixture.h"

namespace sf::engine::testing {
namespace {

constexpr size_t kBig = (64u << 20) + 12345;  // over 64 MiB, not a multiple of anything

TEST(HttpServerStreamingTest, ContentLengthUploadReachesTheSinkInOrder) {
  UploadServer s;
  std::string body = Pattern(kBig);
  TestClient client(s.server->port());
  ASSERT_TRUE(client.Send(UploadHead(body.size())));
  ASSERT_TRUE(client.Send(body));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200);
  EXPECT_EQ(response->body(), Receipt(body.size(), Hash(body)));
  SinkLog::Totals totals = s.log->totals();
  EXPECT_LE(totals.largest_slice, kReadBuffer);
  EXPECT_EQ(totals.finishes, 1);
  EXPECT_EQ(totals.aborts, 0);
  EXPECT_TRUE(totals.head.body.empty());
  EXPECT_EQ(totals.head.path, "/upload");
  EXPECT_TRUE(totals.head.remote_address.starts_with("127.0.0.1:"));

  // Keep-alive carries on, and a buffered request on the same connection is still buffered.
  auto next = client.RoundTrip(MakeRequest("POST", "/echo", "after"));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body(), "after");
  ServerStats stats = s.server->stats();
  EXPECT_EQ(stats.connections_accepted, 1u);
  EXPECT_EQ(stats.requests, 2u);  // the upload counts when Finish is called
  EXPECT_GT(stats.bytes_in, body.size());
  EXPECT_EQ(s.classified.load(), 2);
}

TEST(HttpServerStreamingTest, ChunkedUploadReachesTheSinkInOrderWithTrailers) {
  UploadServer s;
  std::string body = Pattern(kBig, 2);
  TestClient client(s.server->port());
  ASSERT_TRUE(client.Send("PUT /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
  const size_t sizes[] = {1, 100, kReadBuffer + 7, 200000, 3000, 2 * kReadBuffer};
  for (size_t at = 0, i = 0; at < body.size(); ++i) {
    size_t n = std::min(sizes[i % std::size(sizes)], body.size() - at);
    char size_line[32];
    snprintf(size_line, sizeof(size_line), "%zx\r\n", n);
    ASSERT_TRUE(client.Send(size_line + body.substr(at, n) + "\r\n"));
    at += n;
  }
  ASSERT_TRUE(client.Send("0\r\nX-Trailer: t\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), Receipt(body.size(), Hash(body)));
  SinkLog::Totals totals = s.log->totals();
  EXPECT_LE(totals.largest_slice, kReadBuffer);
  ASSERT_NE(totals.head.Header("x-trailer"), nullptr);
  EXPECT_EQ(*totals.head.Header("x-trailer"), "t");
  ASSERT_TRUE(client.RoundTrip(MakeRequest("GET", "/", "")));  // keep-alive
}

TEST(HttpServerStreamingTest, EmptyStreamedBodyFinishesAtOnce) {
  UploadServer s;
  TestClient client(s.server->port());
  auto response = client.RoundTrip(UploadHead(0));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), Receipt(0, Hash("")));
  EXPECT_EQ(s.log->totals().finishes, 1);
}

TEST(HttpServerStreamingTest, SlowSinkHoldsBackTheClient) {
  // The sink takes a millisecond per slice; at no point may the server have read more than one
  // read buffer past what the sink has taken.
  UploadServer s(1ull << 30, [](uint64_t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return std::nullopt;
  });
  std::string body = Pattern(4u << 20, 3);
  std::string head = UploadHead(body.size());
  TestClient client(s.server->port());
  auto sender = std::async(std::launch::async, [&] { return client.Send(head + body); });
  uint64_t worst = 0;
  while (sender.wait_for(std::chrono::milliseconds(2)) != std::future_status::ready) {
    uint64_t read = s.server->stats().bytes_in;
    std::atomic_thread_fence(std::memory_order_seq_cst);
    uint64_t taken = s.log->bytes();
    if (read > taken + head.size()) worst = std::max(worst, read - taken - head.size());
  }
  ASSERT_TRUE(sender.get());
  EXPECT_LE(worst, 2 * kReadBuffer);  // one read buffer; twice, as the sampling is unsynchronised
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), Receipt(body.size(), Hash(body)));
}

TEST(HttpServerStreamingTest, WriteAnswerStopsTheUploadAndCloses) {
  UploadServer s(1ull << 30, [](uint64_t so_far) -> std::optional<HttpResponse> {
    if (so_far < (1u << 20)) return std::nullopt;
    return HttpResponse{403, {{"X-Why", "quota"}}, "no more"};
  });
  TestClient client(s.server->port());
  // 2 MiB of a declared 8: the server stops after 1 MiB and drains the rest while closing.
  ASSERT_TRUE(client.Send(UploadHead(8u << 20) + Pattern(2u << 20)));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 403);
  EXPECT_EQ(response->body(), "no more");
  EXPECT_EQ((*response)["Connection"], "close");
  EXPECT_TRUE(client.ClosedWithin());
  client.Close();
  WaitForStats(*s.server, [](const ServerStats& stats) { return stats.connections_open == 0; });
  SinkLog::Totals totals = s.log->totals();
  EXPECT_EQ(totals.finishes, 0);
  EXPECT_EQ(totals.aborts, 0);
  EXPECT_GE(totals.bytes, 1u << 20);
  EXPECT_EQ(s.server->stats().requests, 0u);
}

TEST(HttpServerStreamingTest, OversizedContentLengthIs413WithoutContinue) {
  UploadServer s(1000);
  TestClient client(s.server->port());
  ASSERT_TRUE(client.Send(UploadHead(1001, "Expect: 100-continue\r\n")));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 413);
  EXPECT_TRUE(client.ClosedWithin());
  EXPECT_TRUE(Eventually([&] { return s.log->totals().aborts == 1; }));
  ServerStats stats = s.server->stats();
  EXPECT_EQ(stats.responses_1xx, 0u);
  EXPECT_EQ(stats.refused_body_too_large, 1u);
  EXPECT_EQ(s.log->totals().bytes, 0u);
}

TEST(HttpServerStreamingTest, StreamedLimitAboveTheBufferedOneIsHonoured) {
  HttpServerOptions options;
  options.max_body_bytes = 1024;
  UploadServer s(1u << 20, {}, {}, options);
  TestClient client(s.server->port());
  std::string body = Pattern(100000);
  ASSERT_TRUE(client.Send(UploadHead(body.size(), "Expect: 100-continue\r\n")));
  auto interim = client.Read();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->result_int(), 100);
  ASSERT_TRUE(client.Send(body));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), Receipt(body.size(), Hash(body)));
}

TEST(HttpServerStreamingTest, ChunkedBodyCrossingTheStreamedLimitIs413AndAborts) {
  UploadServer s(1000);
  TestClient client(s.server->port());
  std::string chunk(600, 'c');
  ASSERT_TRUE(
      client.Send("PUT /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n" +
                  chunk + "\r\n258\r\n" + chunk + "\r\n"));  // 0x258 = 600; 1200 > 1000
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 413);
  EXPECT_TRUE(client.ClosedWithin());
  EXPECT_TRUE(Eventually([&] { return s.log->totals().aborts == 1; }));
  SinkLog::Totals totals = s.log->totals();
  EXPECT_EQ(totals.bytes, 600u);  // the crossing chunk's data is never delivered
  EXPECT_EQ(totals.finishes, 0);
}

TEST(HttpServerStreamingTest, AnswerIsSentWithoutContinueAndCloses) {
  HttpServerOptions options;
  options.classify = [](const HttpRequest& head) {
    BodyPlan plan;
    if (head.path == "/missing") plan.answer = HttpResponse{404, {}, "NoSuchBucket"};
    return plan;
  };
  auto server = StartServer(Echo, options);
  {
    TestClient client(server->port());
    ASSERT_TRUE(client.Send(UploadHead(1u << 30, "Expect: 100-continue\r\n", "/missing")));
    auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 404);
    EXPECT_EQ(response->body(), "NoSuchBucket");
    EXPECT_EQ((*response)["Connection"], "close");
    EXPECT_TRUE(client.ClosedWithin());
  }
  {  // without a body the connection carries on
    TestClient client(server->port());
    auto response = client.RoundTrip(MakeRequest("GET", "/missing", ""));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 404);
    EXPECT_TRUE(response->keep_alive());
    auto next = client.RoundTrip(MakeRequest("POST", "/echo", "still here"));
    ASSERT_TRUE(next);
    EXPECT_EQ(next->body(), "still here");
  }
  ServerStats stats = server->stats();
  EXPECT_EQ(stats.responses_1xx, 0u);
  EXPECT_EQ(stats.requests, 1u);  // answers are not requests handed on
  EXPECT_EQ(stats.responses_4xx, 2u);
}

// botocore expects 100 Continue even for an empty body (and misreads the connection without
// it), so an empty-bodied request with Expect: 100-continue gets the 100, then its answer, and
// the connection carries on, both for a handled request and for a classify answer.
TEST(HttpServerStreamingTest, EmptyBodyWithExpectGetsContinueThenTheAnswer) {
  HttpServerOptions options;
  options.classify = [](const HttpRequest& head) {
    BodyPlan plan;
    if (head.path == "/missing") plan.answer = HttpResponse{404, {}, "NoSuchBucket"};
    return plan;
  };
  auto server = StartServer(Echo, options);
  TestClient client(server->port());
  for (const char* path : {"/echo", "/missing", "/echo"}) {
    ASSERT_TRUE(client.Send(std::string("PUT ") + path +
                            " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                            "Expect: 100-continue\r\n\r\n"));
    auto interim = client.Read();
    ASSERT_TRUE(interim) << path;
    EXPECT_EQ(interim->result_int(), 100) << path;
    auto response = client.Read();
    ASSERT_TRUE(response) << path;
    EXPECT_EQ(response->result_int(), std::string(path) == "/missing" ? 404 : 200) << path;
    EXPECT_TRUE(response->keep_alive()) << path;
  }
  EXPECT_EQ(server->stats().responses_1xx, 3u);
}

TEST(HttpServerStreamingTest, ClientDisconnectMidBodyAbortsOnce) {
  UploadServer s;
  {
    TestClient client(s.server->port());
    ASSERT_TRUE(client.Send(UploadHead(10u << 20) + Pattern(300000)));
    ASSERT_TRUE(Eventually([&] { return s.log->bytes() == 300000; }));
  }
  WaitForStats(*s.server, [](const ServerStats& stats) { return stats.connections_open == 0; });
  SinkLog::Totals totals = s.log->totals();
  EXPECT_EQ(totals.aborts, 1);
  EXPECT_EQ(totals.finishes, 0);
}

TEST(HttpServerStreamingTest, StalledUploadIs408AndAbortsButProgressIsNotTimed) {
  HttpServerOptions options;
  options.read_timeout = std::chrono::milliseconds(500);
  UploadServer s(1ull << 30, {}, {}, options);
  {  // 8 slices 100 ms apart: longer in total than read_timeout, never idle for it
    TestClient client(s.server->port());
    ASSERT_TRUE(client.Send(UploadHead(8000)));
    for (int i = 0; i < 8; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      ASSERT_TRUE(client.Send(std::string(1000, 'p')));
    }
    auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 200);
  }
  TestClient client(s.server->port());
  ASSERT_TRUE(client.Send(UploadHead(8000) + std::string(1000, 's')));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 408);
  EXPECT_TRUE(client.ClosedWithin());
  EXPECT_TRUE(Eventually([&] { return s.log->totals().aborts == 1; }));
  EXPECT_EQ(s.log->totals().finishes, 1);  // the first upload's
}

TEST(HttpServerStreamingTest, MalformedChunkingAborts) {
  UploadServer s;
  TestClient client(s.server->port());
  ASSERT_TRUE(client.Send(
      "PUT /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXX\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 400);
  EXPECT_TRUE(Eventually([&] { return s.log->totals().aborts == 1; }));
  EXPECT_EQ(s.log->totals().finishes, 0);
}

TEST(HttpServerStreamingTest, OverlongChunkFramingIs400) {
  UploadServer s;
  for (const char* target : {"/upload", "/echo"}) {
    TestClient client(s.server->port());
    ASSERT_TRUE(client.Send(std::string("PUT ") + target +
                            " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "1;ext=" +
                            std::string(40000, 'e')));  // a chunk-size line that never ends
    auto response = client.Read();
    ASSERT_TRUE(response) << target;
    EXPECT_EQ(response->result_int(), 400) << target;
  }
}

TEST(HttpServerStreamingTest, ThrowingHookOrSinkIs500) {
  HttpServerOptions options;
  auto log = std::make_shared<SinkLog>();
  options.classify = [log](const HttpRequest& head) {
    if (head.path == "/bad-hook") throw std::runtime_error("no route");
    BodyPlan plan;
    plan.max_body_bytes = 1000;
    plan.sink = std::make_unique<RecordingSink>(
        log, [](uint64_t) -> std::optional<HttpResponse> { throw std::runtime_error("full"); },
        RecordingSink::OnFinish());
    return plan;
  };
  auto server = StartServer(Echo, options);
  TestClient hook(server->port());
  auto refused = hook.RoundTrip(MakeRequest("GET", "/bad-hook", ""));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->result_int(), 500);
  EXPECT_NE(refused->body().find("no route"), std::string::npos);
  TestClient sink(server->port());
  auto failed = sink.RoundTrip(UploadHead(10) + "0123456789");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->result_int(), 500);
  EXPECT_NE(failed->body().find("full"), std::string::npos);
  EXPECT_TRUE(sink.ClosedWithin());
  EXPECT_TRUE(Eventually([&] { return log->totals().aborts == 1; }));
  EXPECT_EQ(log->totals().finishes, 0);
}

TEST(HttpServerStreamingTest, FinishMayRespondFromAnotherThread) {
  std::vector<std::jthread> threads;
  std::mutex mu;
  UploadServer s(1ull << 30, {}, [&](HttpRequest&& head, Respond respond) {
    std::lock_guard<std::mutex> lock(mu);
    threads.emplace_back([respond, path = head.path] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      respond({201, {}, "stored " + path});
    });
  });
  TestClient client(s.server->port());
  for (int i = 0; i < 3; ++i) {
    std::string body = Pattern(100000, static_cast<uint64_t>(i));
    auto response =
        client.RoundTrip(UploadHead(body.size(), "", "/upload/" + std::to_string(i)) + body);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 201);
    EXPECT_EQ(response->body(), "stored /upload/" + std::to_string(i));
  }
  s.server->Stop();
  std::lock_guard<std::mutex> lock(mu);
  threads.clear();  // joins
}

TEST(HttpServerStreamingTest, StopDuringUploadAbortsTheSinkOnce) {
  UploadServer s;
  TestClient client(s.server->port());
  ASSERT_TRUE(client.Send(UploadHead(64u << 20) + Pattern(1u << 20)));
  ASSERT_TRUE(Eventually([&] { return s.log->bytes() == (1u << 20); }));
  auto stopped = std::async(std::launch::async, [&] { s.server->Stop(std::chrono::seconds(5)); });
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 503);
  EXPECT_EQ((*response)["Connection"], "close");
  client.Close();
  stopped.get();
  SinkLog::Totals totals = s.log->totals();
  EXPECT_EQ(totals.aborts, 1);
  EXPECT_EQ(totals.finishes, 0);
}

TEST(HttpServerStreamingTest, StopRacingUploadsEndsEachSinkExactlyOnce) {
  // Uploads that may or may not be complete when Stop comes: each sink gets Finish or Abort.
  UploadServer s;
  std::vector<std::unique_ptr<TestClient>> clients;
  std::string body = Pattern(200000, 4);
  for (int i = 0; i < 8; ++i) {
    clients.push_back(std::make_unique<TestClient>(s.server->port()));
    size_t sent = body.size() * static_cast<size_t>(i) / 7;  // the last ones are complete
    ASSERT_TRUE(clients.back()->Send(UploadHead(body.size()) + body.substr(0, sent)));
  }
  ASSERT_TRUE(Eventually([&] { return s.classified.load() == 8; }));
  auto stopped = std::async(std::launch::async, [&] { s.server->Stop(std::chrono::seconds(5)); });
  for (auto& client : clients) {
    client->ReadUntilClosed();
    client->Close();
  }
  stopped.get();
  SinkLog::Totals totals = s.log->totals();
  EXPECT_EQ(totals.finishes + totals.aborts, 8);
  EXPECT_GE(totals.aborts, 7);  // only the complete one may have been finished
}

TEST(HttpServerStreamingTest, BufferedPlanBehavesAsWithoutTheHook) {
  HttpServerOptions options;
  options.max_body_bytes = 1024;
  UploadServer s(1ull << 30, {}, {}, options);  // nothing here goes to /upload
  TestClient client(s.server->port());
  auto echoed = client.RoundTrip(MakeRequest("POST", "/echo", std::string(1024, 'a')));
  ASSERT_TRUE(echoed);
  EXPECT_EQ(echoed->body(), std::string(1024, 'a'));
  ASSERT_TRUE(client.Send(UploadHead(5, "Expect: 100-continue\r\n", "/echo")));
  auto interim = client.Read();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->result_int(), 100);
  ASSERT_TRUE(client.Send("12345"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "12345");

  // The buffered limit holds although the parser allows streamed bodies up to 5 GiB.
  TestClient big(s.server->port());
  ASSERT_TRUE(big.Send(UploadHead(1025, "Expect: 100-continue\r\n", "/echo")));
  auto refused = big.Read();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->result_int(), 413);
  TestClient chunked(s.server->port());
  ASSERT_TRUE(
      chunked.Send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "258\r\n" +
                   std::string(600, 'c') + "\r\n258\r\n" + std::string(600, 'c') + "\r\n"));
  auto refused_chunked = chunked.Read();
  ASSERT_TRUE(refused_chunked);
  EXPECT_EQ(refused_chunked->result_int(), 413);
  EXPECT_EQ(s.log->ends(), 0);
  EXPECT_EQ(s.server->stats().refused_body_too_large, 2u);
}

}  // namespace
}  // namespace sf::engine::testing
