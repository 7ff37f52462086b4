// DeliveryService: sealing due buffers, writing their objects, retrying, and the thread.

#include <algorithm>
#include <chrono>

#include "engine/delivery/compression.h"
#include "engine/delivery/delivery_service.h"
#include "engine/delivery/stream_state.h"

namespace sf::engine::delivery {

namespace {

// The thread never sleeps less, so a buffer that cannot even be sealed (the disk) does not spin
// it; a put that makes something due wakes it at once.
constexpr int64_t kMinSleepMs = 10;

// A sealed buffer to write: taken under the stream's lock, written outside it.
struct Job {
  uint64_t sequence = 0;
  std::string path;
  std::string intent;
};

}  // namespace

void DeliveryService::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void DeliveryService::Stop() {
  {
    std::lock_guard lock(wake_mu_);
    stopping_ = true;
  }
  wake_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeliveryService::Wake() {
  {
    std::lock_guard lock(wake_mu_);
    woken_ = true;
  }
  wake_cv_.notify_all();
}

int64_t DeliveryService::SleepMs() const {
  if (options_.virtual_clock) return options_.max_sleep_ms;
  std::vector<std::shared_ptr<StreamState>> states;
  {
    std::shared_lock lock(map_mu_);
    for (const auto& [name, state] : streams_) states.push_back(state);
  }
  int64_t now = options_.clock->NowMs();
  int64_t sleep = options_.max_sleep_ms;
  for (const auto& state : states) {
    std::lock_guard lock(state->mu);
    const SegmentSummary& active = state->log->active();
    if (active.records > 0) {
      int64_t due = active.oldest_ms + state->definition.destination.buffering.interval_s * 1000;
      sleep = std::min(sleep, due - now);
    }
    for (const SealedSegment& segment : state->log->sealed()) {
      auto retry = state->retries.find(segment.summary.sequence);
      sleep = std::min(sleep, retry == state->retries.end() ? 0 : retry->second.next_ms - now);
    }
  }
  return std::max<int64_t>(sleep, kMinSleepMs);
}

void DeliveryService::Loop() {
  std::unique_lock lock(wake_mu_);
  while (!stopping_) {
    lock.unlock();
    int64_t sleep = SleepMs();
    lock.lock();
    wake_cv_.wait_for(lock, std::chrono::milliseconds(sleep), [&] { return stopping_ || woken_; });
    woken_ = false;
    if (stopping_) break;
    lock.unlock();
    FlushDue();
    lock.lock();
  }
}

size_t DeliveryService::FlushDue() {
  std::lock_guard flushing(flush_mu_);
  std::vector<std::shared_ptr<StreamState>> states;
  {
    std::shared_lock lock(map_mu_);
    for (const auto& [name, state] : streams_) states.push_back(state);
  }
  size_t written = 0;
  for (const auto& state : states) written += DeliverStream(*state, false, nullptr, nullptr);
  return written;
}

ApiResult<FlushReport> DeliveryService::FlushNow(const std::string& name) {
  std::lock_guard flushing(flush_mu_);
  auto state = Find(name);
  if (!state) return NotFound(name);
  FlushReport report;
  std::string failure;
  DeliverStream(*state, true, &report, &failure);
  if (!failure.empty()) return ApiFail("ServiceUnavailableException", failure, 503);
  return report;
}

size_t DeliveryService::DeliverStream(StreamState& stream, bool force, FlushReport* report,
                                      std::string* failure) {
  std::vector<Job> jobs;
  std::string name, role_arn;
  int64_t now = options_.clock->NowMs();
  {
    std::lock_guard lock(stream.mu);
    if (stream.deleted) return 0;
    name = stream.definition.name;
    role_arn = stream.definition.destination.role_arn;
    const SegmentSummary& active = stream.log->active();
    int64_t interval_ms = stream.definition.destination.buffering.interval_s * 1000;
    bool due = force || now >= active.oldest_ms + interval_ms || active.bytes >= stream.max_bytes();
    if (active.records > 0 && due) {
      if (auto sealed = stream.log->Seal(stream.Namer()); !sealed && options_.logger != nullptr) {
        options_.logger->Error("cannot seal a delivery buffer",
                               {{"delivery_stream", name}, {"error", sealed.error().message}});
      }
    }
    for (const SealedSegment& segment : stream.log->sealed()) {
      uint64_t sequence = segment.summary.sequence;
      auto retry = stream.retries.find(sequence);
      if (!force && retry != stream.retries.end() && retry->second.next_ms > now) continue;
      jobs.push_back({sequence, stream.log->SegmentPath(sequence), segment.intent});
    }
  }
  size_t written = 0;
  for (const Job& job : jobs) {
    auto object = WriteObject(job.path, job.intent, role_arn);
    std::lock_guard lock(stream.mu);
    if (stream.deleted) return written;
    StreamCounters& counters = stream.counters;
    counters.last_put_succeeded = object.has_value();
    if (!object) {
      ++counters.failed_puts;
      Retry& retry = stream.retries[job.sequence];
      int64_t backoff = options_.retry_initial_ms << std::min(retry.attempts, 20);
      retry.next_ms = now + std::min(backoff, options_.retry_max_ms);
      ++retry.attempts;
      if (options_.logger != nullptr) {
        options_.logger->Warn("delivery to S3 failed; the records stay buffered and are retried",
                              {{"delivery_stream", name},
                               {"attempts", std::to_string(retry.attempts)},
                               {"retry_in_ms", std::to_string(retry.next_ms - now)},
                               {"error", object.error()}});
      }
      if (failure != nullptr && failure->empty()) *failure = object.error();
      continue;
    }
    ++written;
    ++counters.delivered_objects;
    counters.delivered_records += object->records;
    counters.delivered_bytes += object->bytes;
    stream.retries.erase(job.sequence);
    if (auto removed = stream.log->Remove(job.sequence); !removed && options_.logger != nullptr) {
      options_.logger->Error("cannot remove a delivered buffer (it would be written again)",
                             {{"delivery_stream", name}, {"error", removed.error().message}});
    }
    if (report != nullptr) {
      report->records += object->records;
      report->bytes += object->bytes;
      report->keys.insert(report->keys.end(), object->keys.begin(), object->keys.end());
    }
  }
  return written;
}

tl::expected<FlushReport, std::string> DeliveryService::WriteObject(const std::string& path,
                                                                    const std::string& intent,
                                                                    const std::string& role_arn) {
  auto target = ParseIntent(intent);
  if (!target) return tl::unexpected(target.error());
  if (options_.authorize_write) {
    if (auto denied = options_.authorize_write(role_arn, target->bucket, target->key)) {
      return tl::unexpected("s3://" + target->bucket + "/" + target->key + ": " + *denied);
    }
  }
  auto segment = ReadSegment(path);
  if (!segment) return tl::unexpected(segment.error().message);
  if (segment->dropped_bytes > 0 && options_.logger != nullptr) {
    options_.logger->Error(
        "a delivery buffer is damaged; its readable records are delivered",
        {{"path", path}, {"dropped_bytes", std::to_string(segment->dropped_bytes)}});
  }
  FlushReport written;
  written.records = segment->records;
  written.bytes = segment->data.size();
  written.keys.push_back(target->key);
  auto body = Compress(target->compression, std::move(segment->data));
  if (!body) return tl::unexpected(body.error().message);
  ObjectMetadata metadata;
  metadata.content_type = "application/octet-stream";
  auto put = options_.objects->PutObject(target->bucket, target->key, metadata, *body);
  if (!put) {
    return tl::unexpected("s3://" + target->bucket + "/" + target->key + ": " +
                          put.error().message);
  }
  return written;
}

}  // namespace sf::engine::delivery
