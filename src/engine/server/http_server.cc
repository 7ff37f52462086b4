#include "engine/server/http_server.h"

#include <algorithm>
#include <future>
#include <optional>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "engine/server/server_core.h"
#include "engine/server/session.h"

namespace sf::engine {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// After a failed accept (e.g. out of file descriptors), wait this long before trying again.
constexpr std::chrono::milliseconds kAcceptRetry{50};

// Runs `work` on `context`'s thread and waits for it. Must not be called from that thread.
void RunOn(asio::io_context& context, const std::function<void()>& work) {
  std::promise<void> done;
  asio::post(context, [&] {
    work();
    done.set_value();
  });
  done.get_future().wait();
}

// The body of an I/O thread. Handler exceptions never get here (Session catches them); anything
// else that escapes an operation loses that operation's session (its socket closes as its last
// reference drops) but not the thread.
void RunWorker(asio::io_context& context) {
  for (;;) {
    try {
      context.run();
      return;
    } catch (...) {
    }
  }
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, Handler handler) : core_(std::move(options), std::move(handler)) {
    int threads = std::max(1, core_.options.io_threads);
    for (int i = 0; i < threads; ++i) workers_.push_back(std::make_unique<IoWorker>());
  }
  ~Impl() { Stop(std::chrono::seconds(10)); }

  Status Start();
  uint16_t port() const { return port_.load(); }
  void Stop(std::chrono::milliseconds grace);
  ServerStats stats() const;

 private:
  using WorkGuard = asio::executor_work_guard<asio::io_context::executor_type>;

  Status Listen();
  void Accept();
  void OnAccept(const boost::system::error_code& ec, tcp::socket socket, IoWorker& worker);
  void ForceClose();

  // Declaration order is destruction order in reverse: the acceptor and the workers (whose
  // io_contexts may still hold sessions) go before the core the sessions point into.
  ServerCore core_;
  std::vector<std::unique_ptr<IoWorker>> workers_;  // fixed at construction
  std::vector<WorkGuard> guards_;
  std::optional<tcp::acceptor> acceptor_;  // on workers_[0]
  std::optional<asio::steady_timer> accept_retry_;
  size_t next_worker_ = 0;  // touched only on workers_[0]'s thread
  std::atomic<uint16_t> port_{0};
  std::mutex lifecycle_mu_;  // serialises Start and Stop
  bool started_ = false;
  bool stopped_ = false;
};

Status HttpServer::Impl::Start() {
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  if (started_) return Fail(ErrorCode::kInvalidArgument, "the HTTP server was already started");
  if (auto listening = Listen(); !listening) {
    acceptor_.reset();
    return listening;
  }
  started_ = true;
  accept_retry_.emplace(workers_[0]->context);
  Accept();
  for (auto& worker : workers_) {
    guards_.push_back(asio::make_work_guard(worker->context));
    worker->thread = std::thread([context = &worker->context] { RunWorker(*context); });
  }
  return {};
}

Status HttpServer::Impl::Listen() {
  const auto& options = core_.options;
  std::string where = options.address + ":" + std::to_string(options.port);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options.address, ec);
  if (ec) return Fail(ErrorCode::kInvalidArgument, "bad listen address '" + options.address + "'");
  tcp::endpoint endpoint(address, options.port);
  acceptor_.emplace(workers_[0]->context);
  auto failed = [&](const char* step) {
    return Fail(ErrorCode::kIo,
                std::string("cannot listen on ") + where + ": " + step + ": " + ec.message());
  };
  if (acceptor_->open(endpoint.protocol(), ec)) return failed("open");
  // Lets a restarted engine rebind while old connections sit in TIME_WAIT; on Linux a port with
  // a live listener still fails to bind.
  if (acceptor_->set_option(tcp::acceptor::reuse_address(true), ec)) return failed("setsockopt");
  if (acceptor_->bind(endpoint, ec)) return failed("bind");
  if (acceptor_->listen(asio::socket_base::max_listen_connections, ec)) return failed("listen");
  port_.store(acceptor_->local_endpoint(ec).port());
  return {};
}

// Accepts the next connection straight onto the next worker's io_context (round robin).
void HttpServer::Impl::Accept() {
  IoWorker& worker = *workers_[next_worker_];
  next_worker_ = (next_worker_ + 1) % workers_.size();
  acceptor_->async_accept(worker.context,
                          [this, &worker](const boost::system::error_code& ec, tcp::socket s) {
                            OnAccept(ec, std::move(s), worker);
                          });
}

void HttpServer::Impl::OnAccept(const boost::system::error_code& ec, tcp::socket socket,
                                IoWorker& worker) {
  if (!acceptor_->is_open() || core_.stopping.load()) return;
  if (ec) {  // e.g. EMFILE: back off rather than spin
    accept_retry_->expires_after(kAcceptRetry);
    accept_retry_->async_wait([this](const boost::system::error_code& wait_ec) {
      if (!wait_ec && acceptor_->is_open()) Accept();
    });
    return;
  }
  auto session = std::make_shared<Session>(core_, worker, std::move(socket));
  core_.registry.Add(session);
  asio::post(worker.context, [session] { session->Start(); });
  Accept();
}

void HttpServer::Impl::Stop(std::chrono::milliseconds grace) {
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  if (!started_ || stopped_) return;
  stopped_ = true;
  core_.stopping.store(true);
  RunOn(workers_[0]->context, [this] {
    boost::system::error_code ignored;
    acceptor_->close(ignored);
    accept_retry_->cancel();
  });
  for (auto& session : core_.registry.Snapshot()) {
    asio::post(session->executor(), [session] { session->BeginShutdown(); });
  }
  core_.registry.WaitEmpty(grace);
  ForceClose();
  guards_.clear();
  for (auto& worker : workers_) worker->thread.join();
}

// Past the grace period: no response may be posted any more, and every session closes.
void HttpServer::Impl::ForceClose() {
  {
    std::lock_guard<std::mutex> lock(core_.gate->mu);
    core_.gate->open = false;
  }
  for (auto& session : core_.registry.Snapshot()) {
    asio::post(session->executor(), [session] { session->Close(); });
  }
}

ServerStats HttpServer::Impl::stats() const {
  ServerStats stats;
  for (const auto& worker : workers_) AddCounters(worker->counters, &stats);
  return stats;
}

HttpServer::HttpServer(HttpServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() = default;

Status HttpServer::Start() { return impl_->Start(); }

uint16_t HttpServer::port() const { return impl_->port(); }

void HttpServer::Stop(std::chrono::milliseconds grace) { impl_->Stop(grace); }

ServerStats HttpServer::stats() const { return impl_->stats(); }

}  // namespace sf::engine
