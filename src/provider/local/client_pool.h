#pragma once
// A pool of blocking, single-threaded clients (KinesisClient, S3Client) shared by the threads
// of one provider: a caller leases a client, uses it alone, and the lease returns it, so each
// keep-alive connection is reused and there are never more clients than concurrent callers.
// Clients are made on demand by the factory and kept until the pool goes. Thread-safe.

#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "provider/fan_out.h"
#include "provider/provider.h"

namespace sf::provider {

template <class Client>
class ClientPool {
 public:
  using Factory = std::function<std::unique_ptr<Client>()>;

  class Lease {
   public:
    Lease(ClientPool& pool, std::unique_ptr<Client> client)
        : pool_(&pool), client_(std::move(client)) {}
    ~Lease() {
      if (client_) pool_->Return(std::move(client_));
    }
    Lease(Lease&&) = default;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    Client& operator*() const { return *client_; }
    Client* operator->() const { return client_.get(); }

   private:
    ClientPool* pool_;
    std::unique_ptr<Client> client_;
  };

  explicit ClientPool(Factory factory) : factory_(std::move(factory)) {}

  Lease Acquire() {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        auto client = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(client));
      }
    }
    return Lease(*this, factory_());
  }

 private:
  void Return(std::unique_ptr<Client> client) {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(client));
  }

  Factory factory_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Client>> idle_;  // guarded by mu_
};

// Reads each id with `read_one(client, id)` on up to 8 threads, each with a leased client: how
// the per-resource local providers answer Provider::Read. One result per id, in order.
template <class Client, class ReadOne>
std::vector<Result<LiveState>> ReadEach(ClientPool<Client>& pool, std::span<const std::string> ids,
                                        ReadOne read_one) {
  std::vector<Result<LiveState>> results(ids.size(), LiveState{});
  ForEachParallel(ids.size(), /*max_threads=*/8, /*min_per_thread=*/4, [&](size_t i) {
    auto client = pool.Acquire();
    results[i] = read_one(*client, ids[i]);
  });
  return results;
}

}  // namespace sf::provider
