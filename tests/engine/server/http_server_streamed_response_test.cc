// Streamed response bodies: HttpResponse::source pulled piece by piece, and what happens when a
// source fails, ends short or produces too much.

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "streaming_fixture.h"

namespace sf::engine::testing {
namespace {

// A server answering every request with a StringSource over `data`, shaped by `setup` (a 204
// for /empty, whose source must never be pulled).
struct SourceServer {
  explicit SourceServer(std::shared_ptr<const std::string> data_in,
                        std::function<void(StringSource&)> setup = {})
      : data(std::move(data_in)) {
    server = StartServer([this, setup](HttpRequest&& request, Respond respond) {
      auto source = std::make_shared<StringSource>(data);
      if (setup) setup(*source);
      {
        std::lock_guard<std::mutex> lock(mu);
        last_source = source;
      }
      HttpResponse response;
      response.status = request.path == "/empty" ? 204 : 200;
      response.headers.emplace_back("Content-Type", "application/octet-stream");
      response.source = std::move(source);
      respond(std::move(response));
    });
  }
  // How many times the latest response's source was pulled.
  int pulls() {
    std::lock_guard<std::mutex> lock(mu);
    return last_source->pulls.load();
  }

  std::shared_ptr<const std::string> data;
  std::mutex mu;
  std::shared_ptr<StringSource> last_source;
  std::unique_ptr<HttpServer> server;
};

TEST(HttpServerStreamedResponseTest, LargeBodyArrivesWholeAndTheConnectionCarriesOn) {
  auto data = std::make_shared<const std::string>(Pattern((64u << 20) + 777, 5));
  SourceServer s(data);
  TestClient client(s.server->port());
  auto response = client.RoundTrip(MakeRequest("GET", "/object", ""));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200);
  EXPECT_EQ((*response)["Content-Length"], std::to_string(data->size()));
  ASSERT_EQ(response->body().size(), data->size());
  EXPECT_EQ(Hash(response->body()), Hash(*data));
  EXPECT_GT(s.pulls(), 1);

  auto again = client.RoundTrip(MakeRequest("GET", "/object", ""));  // keep-alive
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body().size(), data->size());
  ServerStats stats = WaitForStats(
      *s.server, [&](const ServerStats& st) { return st.bytes_out > 2 * data->size(); });
  EXPECT_GT(stats.bytes_out, 2 * data->size());
  EXPECT_EQ(stats.responses_2xx, 2u);
}

TEST(HttpServerStreamedResponseTest, HeadKeepsTheLengthAndNeverPulls) {
  auto data = std::make_shared<const std::string>(Pattern(1u << 20));
  SourceServer s(data);
  TestClient client(s.server->port());
  ASSERT_TRUE(client.Send(MakeRequest("HEAD", "/object", "")));
  auto response = client.Read(5s, /*head=*/true);
  ASSERT_TRUE(response);
  EXPECT_EQ((*response)["Content-Length"], std::to_string(data->size()));
  EXPECT_EQ(s.pulls(), 0);
  auto next = client.RoundTrip(MakeRequest("GET", "/empty", ""));  // no stray body bytes before it
  ASSERT_TRUE(next);
  EXPECT_EQ(next->result_int(), 204);
  EXPECT_EQ(next->count("Content-Length"), 0u);
  EXPECT_EQ(s.pulls(), 0);  // nor for a 204
}

TEST(HttpServerStreamedResponseTest, SourceFailingMidwayClosesWithAShortBody) {
  auto data = std::make_shared<const std::string>(Pattern(4u << 20));
  SourceServer s(data, [](StringSource& source) { source.fail_at = 1u << 20; });
  TestClient client(s.server->port());
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/object", "")));
  auto bytes = client.ReadUntilClosed();
  ASSERT_TRUE(bytes);
  size_t head_end = bytes->find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos);
  EXPECT_TRUE(bytes->starts_with("HTTP/1.1 200 OK\r\n"));
  EXPECT_NE(bytes->find("Content-Length: " + std::to_string(data->size())), std::string::npos);
  EXPECT_LE(bytes->size() - head_end - 4, 1u << 20);  // never more than the source produced
}

TEST(HttpServerStreamedResponseTest, SourceEndingShortClosesWithAShortBody) {
  auto data = std::make_shared<const std::string>(Pattern(1000));
  SourceServer s(data, [](StringSource& source) { source.claimed_ = 5000; });
  TestClient client(s.server->port());
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/object", "")));
  auto bytes = client.ReadUntilClosed();
  ASSERT_TRUE(bytes);
  EXPECT_NE(bytes->find("Content-Length: 5000\r\n"), std::string::npos);
  EXPECT_TRUE(bytes->ends_with("\r\n\r\n" + *data));
}

TEST(HttpServerStreamedResponseTest, SourceFailingAtOnceIsA500) {
  auto data = std::make_shared<const std::string>(Pattern(1000));
  SourceServer s(data, [](StringSource& source) { source.fail_at = 0; });
  TestClient client(s.server->port());
  auto response = client.RoundTrip(MakeRequest("GET", "/object", ""));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 500);
  EXPECT_NE(response->body().find("the disk went away"), std::string::npos);
  EXPECT_TRUE(client.RoundTrip(MakeRequest("GET", "/empty", "")));  // still usable
}

TEST(HttpServerStreamedResponseTest, SourceProducingTooMuchIsCutAtContentLength) {
  auto data = std::make_shared<const std::string>(Pattern(600000));
  SourceServer s(data, [](StringSource& source) {
    source.claimed_ = 500000;
    source.piece_bytes = 300000;  // ignores max_bytes
  });
  TestClient client(s.server->port());
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/object", "")));
  auto bytes = client.ReadUntilClosed();
  ASSERT_TRUE(bytes);
  EXPECT_TRUE(bytes->ends_with("\r\n\r\n" + data->substr(0, 500000)));
}

TEST(HttpServerStreamedResponseTest, StopLetsAStreamedResponseFinish) {
  auto data = std::make_shared<const std::string>(Pattern(32u << 20, 6));
  SourceServer s(data);
  TestClient client(s.server->port());
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/object", "")));
  ASSERT_TRUE(Eventually([&] { return s.server->stats().responses_2xx == 1; }));
  auto stopped = std::async(std::launch::async, [&] { s.server->Stop(std::chrono::seconds(5)); });
  auto response = client.Read();  // the client reads only now: the server waited for it
  ASSERT_TRUE(response);
  EXPECT_EQ(Hash(response->body()), Hash(*data));
  EXPECT_TRUE(client.ClosedWithin());
  stopped.get();
}

}  // namespace
}  // namespace sf::engine::testing

namespace sf::engine::testing {
namespace {

// A source backed by a file: the server must send it with sendfile and never pull.
class FileSource : public BodySource {
 public:
  FileSource(int fd, uint64_t offset, uint64_t size) : fd_(fd), offset_(offset), size_(size) {}
  uint64_t size() const override { return size_; }
  Status Next(size_t, std::string*) override {
    pulled = true;
    return Fail(sf::ErrorCode::kInternal, "a file source must not be pulled");
  }
  FileSpan file_span() const override { return {fd_, offset_}; }
  std::atomic<bool> pulled{false};

 private:
  int fd_;
  uint64_t offset_, size_;
};

TEST(HttpServerStreamedResponseTest, FileBackedBodyIsSentWithSendfile) {
  std::string data = Pattern((48u << 20) + 333, 9);
  char path[] = "/tmp/sf_sendfile_XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::unlink(path);
  ASSERT_EQ(::write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  constexpr uint64_t kOffset = 1000;
  std::mutex mu;
  std::vector<std::shared_ptr<FileSource>> sources;
  auto server = StartServer([&](HttpRequest&& request, Respond respond) {
    // /short claims 10 bytes more than the file holds: the client gets a short body and a close.
    bool short_file = request.path == "/short";
    auto source = short_file ? std::make_shared<FileSource>(fd, 0, data.size() + 10)
                             : std::make_shared<FileSource>(fd, kOffset, data.size() - kOffset);
    {
      std::lock_guard<std::mutex> lock(mu);
      sources.push_back(source);
    }
    HttpResponse response;
    response.source = std::move(source);
    respond(std::move(response));
  });
  TestClient client(server->port());
  for (int i = 0; i < 2; ++i) {  // twice: keep-alive after a sendfile body
    auto response = client.RoundTrip(MakeRequest("GET", "/file", ""));
    ASSERT_TRUE(response);
    ASSERT_EQ(response->body().size(), data.size() - kOffset);
    EXPECT_EQ(Hash(response->body()), Hash(std::string_view(data).substr(kOffset)));
  }
  TestClient head_client(server->port());
  ASSERT_TRUE(head_client.Send(MakeRequest("HEAD", "/file", "")));
  auto head = head_client.Read(5s, /*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ((*head)["Content-Length"], std::to_string(data.size() - kOffset));

  TestClient short_client(server->port());
  ASSERT_TRUE(short_client.Send(MakeRequest("GET", "/short", "")));
  auto rest = short_client.ReadUntilClosed();
  ASSERT_TRUE(rest);  // the head and every byte the file has, then the close
  size_t body_at = rest->find("\r\n\r\n");
  ASSERT_NE(body_at, std::string::npos);
  EXPECT_EQ(rest->size() - body_at - 4, data.size());  // all the file had, 10 short of the length
  server->Stop();
  for (const auto& source : sources) EXPECT_FALSE(source->pulled);
  ::close(fd);
}

}  // namespace
}  // namespace sf::engine::testing
