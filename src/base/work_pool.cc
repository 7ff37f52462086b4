#include "base/work_pool.h"

#include <pthread.h>

#include <utility>

namespace sf {

WorkPool::WorkPool(int threads, std::string name) {
  if (threads < 1) threads = 1;
  name.resize(std::min<size_t>(name.size(), 15));
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] { Run(); });
    pthread_setname_np(threads_.back().native_handle(), name.c_str());
  }
}

WorkPool::~WorkPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& thread : threads_) thread.join();
}

void WorkPool::Submit(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      jobs_.push_back(std::move(job));
      cv_.notify_one();
      return;
    }
  }
  job();
}

size_t WorkPool::queued() const {
  std::lock_guard lock(mu_);
  return jobs_.size();
}

void WorkPool::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // stopping, and everything queued has run
    std::function<void()> job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();
    lock.lock();
  }
}

}  // namespace sf
