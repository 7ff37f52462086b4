#include "engine/mapping/shard_consumer.h"

#include <algorithm>
#include <chrono>
#include <future>

namespace sf::engine::mapping {

namespace {

using Kind = BatchVerdict::Kind;
using SteadyClock = std::chrono::steady_clock;

constexpr int64_t kIdleWaitMs = 1000;    // a safety net: records wake the consumer at once
constexpr int64_t kWindowPollMs = 100;   // how often an open tumbling window checks its end
constexpr int64_t kTroubleWaitMs = 500;  // after an error reading the stream or the store
constexpr int kGetRecordsLimit = 10000;  // Kinesis's largest GetRecords

int64_t BackoffMs(int attempts) {
  return std::min<int64_t>(2000, int64_t{50} << std::min(attempts, 6));
}

// FNV-1a: a stable hash of the partition key, for lanes.
uint64_t KeyHash(std::string_view key) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : key) hash = (hash ^ c) * 1099511628211ULL;
  return hash;
}

}  // namespace

ShardConsumer::ShardConsumer(MappingConfig config, std::string shard_id,
                             std::vector<std::string> parents, const ConsumerEnv& env,
                             std::shared_ptr<Wakeup> wakeup, std::shared_ptr<MappingStats> stats)
    : config_(std::move(config)),
      shard_id_(std::move(shard_id)),
      parents_(std::move(parents)),
      env_(env),
      wakeup_(std::move(wakeup)),
      stats_(std::move(stats)) {
  source_.stream_arn = config_.stream_arn;
  source_.shard_id = shard_id_;
  source_.region = env_.region;
}

ShardConsumer::~ShardConsumer() {
  RequestStop();
  if (thread_.joinable()) thread_.join();
}

void ShardConsumer::Start() {
  thread_ = std::thread([this] { Run(); });
}

void ShardConsumer::RequestStop() {
  stop_.store(true, std::memory_order_release);
  wakeup_->Notify();
}

void ShardConsumer::Pause(int64_t ms) {
  if (ms <= 0 || stopping()) return;
  wakeup_->Wait(wakeup_->generation(), ms);
}

void ShardConsumer::Run() {
  if (TakeLease() && !checkpoint_.ended && WaitForParents() && OpenIterator()) {
    auto stream = env_.streams->DescribeStream(config_.stream_name);
    int64_t retention_ms = stream ? int64_t{stream->retention_hours} * 3600 * 1000 : 0;
    max_age_ms_ = config_.maximum_record_age_seconds > 0
                      ? int64_t{config_.maximum_record_age_seconds} * 1000
                      : retention_ms;
    std::optional<SteadyClock::time_point> first_buffered;
    const size_t lanes = config_.tumbling_window_seconds > 0
                             ? 1
                             : static_cast<size_t>(config_.parallelization_factor);
    const size_t want = static_cast<size_t>(config_.batch_size) * lanes;
    while (!stopping()) {
      uint64_t seen = wakeup_->generation();
      if (!closed_ && buffer_.size() < want && buffered_bytes_ < kMaxEventBytes * lanes) {
        size_t before = buffer_.size();
        if (!Fetch(want - buffer_.size())) break;
        if (before == 0 && !buffer_.empty()) first_buffered = SteadyClock::now();
      }
      if (buffer_.empty()) {
        if (closed_) {
          if (checkpoint_.window_start_ms != 0 && !CloseWindow(false)) break;
          if (Checkpoint(checkpoint_.sequence, true)) ended_ = true;
          break;
        }
        bool window_open = checkpoint_.window_start_ms != 0;
        if (window_open &&
            env_.clock->NowMs() >=
                checkpoint_.window_start_ms + int64_t{config_.tumbling_window_seconds} * 1000) {
          if (!CloseWindow(false)) break;
          continue;
        }
        wakeup_->Wait(seen, window_open ? kWindowPollMs : kIdleWaitMs);
        continue;
      }
      bool full = buffer_.size() >= want || buffered_bytes_ >= kMaxEventBytes;
      if (config_.batching_window_seconds > 0 && !full && !closed_) {
        auto deadline = *first_buffered + std::chrono::seconds(config_.batching_window_seconds);
        auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
        if (left.count() > 0) {
          wakeup_->Wait(seen, left.count());
          continue;
        }
      }
      if (!Round()) break;
      first_buffered = buffer_.empty() ? std::nullopt : std::optional(SteadyClock::now());
    }
  }
  finished_ = true;
}

bool ShardConsumer::TakeLease() {
  while (!stopping()) {
    auto lease = env_.store->TakeLease(config_.uuid, shard_id_);
    if (lease) {
      checkpoint_ = std::move(*lease);
      return true;
    }
    if (env_.logger) {
      env_.logger->Error("mapping " + config_.uuid + " " + shard_id_ +
                         ": cannot take the lease: " + lease.error().message);
    }
    Pause(kTroubleWaitMs);
  }
  return false;
}

bool ShardConsumer::WaitForParents() {
  if (parents_.empty()) return true;
  while (!stopping()) {
    auto checkpoints = env_.store->Checkpoints(config_.uuid);
    auto info = env_.streams->DescribeStream(config_.stream_name);
    if (checkpoints && info) {
      bool ready = true;
      for (const std::string& parent : parents_) {
        auto found = checkpoints->find(parent);
        if (found != checkpoints->end() && found->second.ended) continue;
        // A parent whose records have all expired has nothing left to process.
        auto last = env_.streams->LastSequenceNumber(config_.stream_name, parent);
        bool parent_exists = std::any_of(info->shards.begin(), info->shards.end(),
                                         [&](const ShardInfo& s) { return s.shard_id == parent; });
        if (!parent_exists || (last && !last->has_value())) continue;
        ready = false;
      }
      if (ready) return true;
    }
    Pause(kTroubleWaitMs);
  }
  return false;
}

bool ShardConsumer::OpenIterator() {
  while (!stopping()) {
    ApiResult<std::string> iterator;
    const std::string& name = config_.stream_name;
    if (checkpoint_.sequence == kFromShardStart) {
      iterator = env_.streams->GetShardIterator(name, shard_id_, IteratorType::kTrimHorizon,
                                                std::nullopt, std::nullopt);
    } else if (!checkpoint_.sequence.empty()) {
      iterator = env_.streams->GetShardIterator(name, shard_id_, IteratorType::kAfterSequence,
                                                checkpoint_.sequence, std::nullopt);
    } else if (!parents_.empty() || config_.starting_position == StartingPosition::kTrimHorizon) {
      iterator = env_.streams->GetShardIterator(name, shard_id_, IteratorType::kTrimHorizon,
                                                std::nullopt, std::nullopt);
    } else if (config_.starting_position == StartingPosition::kLatest) {
      iterator = env_.streams->GetShardIterator(name, shard_id_, IteratorType::kLatest,
                                                std::nullopt, std::nullopt);
    } else {
      iterator = env_.streams->GetShardIterator(name, shard_id_, IteratorType::kAtTimestamp,
                                                std::nullopt, config_.starting_timestamp);
    }
    if (iterator) {
      iterator_ = std::move(*iterator);
      last_read_ = checkpoint_.sequence == kFromShardStart ? "" : checkpoint_.sequence;
      return true;
    }
    if (iterator.error().type == "ResourceNotFoundException") return false;  // the stream went
    if (env_.logger) {
      env_.logger->Error("mapping " + config_.uuid + " " + shard_id_ + ": " +
                         iterator.error().message);
    }
    Pause(kTroubleWaitMs);
  }
  return false;
}

bool ShardConsumer::Fetch(size_t want) {
  if (!iterator_) return true;
  auto outcome = env_.streams->GetRecords(
      *iterator_, static_cast<int>(std::min<size_t>(want, kGetRecordsLimit)));
  if (!outcome) {
    const std::string& type = outcome.error().type;
    if (type == "ExpiredIteratorException" || type == "InvalidArgumentException") {
      // Iterators live five minutes on the engine clock: take a new one where reading stopped.
      auto fresh = last_read_.empty()
                       ? std::optional<ApiResult<std::string>>()
                       : std::optional(env_.streams->GetShardIterator(
                             config_.stream_name, shard_id_, IteratorType::kAfterSequence,
                             last_read_, std::nullopt));
      if (!fresh) return OpenIterator();  // nothing read yet: from the checkpoint again
      if (*fresh) {
        iterator_ = std::move(**fresh);
        return true;
      }
      return false;
    }
    if (type == "ResourceNotFoundException") return false;  // the stream was deleted
    if (type != "ProvisionedThroughputExceededException" && env_.logger) {
      env_.logger->Error("mapping " + config_.uuid + " " + shard_id_ + ": " +
                         outcome.error().message);
    }
    Pause(type == "ProvisionedThroughputExceededException" ? 200 : kTroubleWaitMs);
    return true;
  }
  for (RecordOut& record : outcome->records) {
    buffered_bytes_ += RecordEventBytes(source_, record);
    last_read_ = record.sequence_number;
    buffer_.push_back(std::move(record));
  }
  iterator_ = std::move(outcome->next_iterator);
  if (!iterator_) closed_ = true;
  return true;
}

int64_t ShardConsumer::WindowOf(int64_t arrival_ms) const {
  int64_t width = int64_t{config_.tumbling_window_seconds} * 1000;
  return arrival_ms - arrival_ms % width;
}

bool ShardConsumer::Round() {
  const bool tumbling = config_.tumbling_window_seconds > 0;
  const size_t lanes = tumbling ? 1 : static_cast<size_t>(config_.parallelization_factor);
  size_t take = std::min(buffer_.size(), static_cast<size_t>(config_.batch_size) * lanes);
  if (tumbling) {
    int64_t window = WindowOf(buffer_.front().arrival_ms);
    if (checkpoint_.window_start_ms != 0 && window > checkpoint_.window_start_ms) {
      return CloseWindow(false);  // the next round opens the new window
    }
    if (checkpoint_.window_start_ms == 0) {
      checkpoint_.window_start_ms = window;
      checkpoint_.window_state = "{}";
    }
    size_t same = 0;
    while (same < take && WindowOf(buffer_[same].arrival_ms) == window) ++same;
    take = same;
  }
  // The round's records, as one contiguous run (the deque is not contiguous).
  std::vector<RecordOut> round(std::make_move_iterator(buffer_.begin()),
                               std::make_move_iterator(buffer_.begin() + take));
  bool done = true;
  if (lanes == 1) {
    done = ProcessLane(round);
  } else {
    std::vector<std::vector<RecordOut>> by_lane(lanes);
    for (RecordOut& record : round) {
      by_lane[KeyHash(record.partition_key) % lanes].push_back(record);
    }
    std::vector<std::future<bool>> running;
    for (auto& lane : by_lane) {
      if (lane.empty()) continue;
      running.push_back(
          std::async(std::launch::async, [this, &lane] { return ProcessLane(lane); }));
    }
    for (auto& lane : running) done = lane.get() && done;
  }
  if (!done) {
    // Stopped: put the round back so nothing is lost from this consumer's view (the next
    // consumer starts from the checkpoint anyway).
    for (size_t i = 0; i < take; ++i) buffer_[i] = std::move(round[i]);
    return false;
  }
  std::string last = round.back().sequence_number;
  // The buffer's front `take` entries were moved into `round`: count what leaves from there.
  for (size_t i = 0; i < take; ++i) {
    buffered_bytes_ -= std::min(buffered_bytes_, RecordEventBytes(source_, round[i]));
    buffer_.pop_front();
  }
  if (!Checkpoint(last, false)) return false;
  if (tumbling && checkpoint_.window_state.size() > kMaxWindowStateBytes) {
    return CloseWindow(true);
  }
  return true;
}

bool ShardConsumer::ProcessLane(std::span<const RecordOut> records) {
  size_t begin = 0;
  while (begin < records.size()) {
    size_t end = begin;
    size_t bytes = 64;
    while (end < records.size() && end - begin < static_cast<size_t>(config_.batch_size)) {
      size_t more = RecordEventBytes(source_, records[end]);
      if (end > begin && bytes + more > kMaxEventBytes) break;
      bytes += more;
      ++end;
    }
    if (!ProcessBatch(records.subspan(begin, end - begin))) return false;
    begin = end;
  }
  return true;
}

bool ShardConsumer::ProcessBatch(std::span<const RecordOut> records) {
  const bool tumbling = config_.tumbling_window_seconds > 0;
  std::deque<Work> work{Work{records}};
  while (!work.empty()) {
    if (stopping()) return false;
    Work& current = work.front();
    // Records past their age are not sent (oldest first: arrival times never go back).
    if (max_age_ms_ > 0) {
      int64_t now = env_.clock->NowMs();
      size_t expired = 0;
      while (expired < current.records.size() &&
             now - current.records[expired].arrival_ms > max_age_ms_) {
        ++expired;
      }
      if (expired > 0) {
        Discard(current.records.first(expired), DiscardCondition::kRecordAgeExceeded,
                current.invokes, "", "");
        current.records = current.records.subspan(expired);
        if (current.records.empty()) {
          work.pop_front();
          continue;
        }
      }
    }
    auto spec = ResolveSpec();
    if (!spec) return false;
    EventSource source = source_;
    source.role_arn = spec->role;
    std::string payload;
    if (tumbling) {
      TumblingWindow window;
      {
        std::lock_guard lock(window_mu_);
        window.start_ms = checkpoint_.window_start_ms;
        window.state = checkpoint_.window_state;
      }
      window.end_ms = window.start_ms + int64_t{config_.tumbling_window_seconds} * 1000;
      payload = KinesisEvent(source, current.records, &window);
    } else {
      payload = KinesisEvent(source, current.records, nullptr);
    }
    stats_->iterator_age_ms.store(env_.clock->NowMs() - current.records.back().arrival_ms);
    auto result = Invoke(*spec, payload);
    if (!result) return false;
    ++current.invokes;
    BatchVerdict verdict =
        Judge(*result, current.records, config_.report_batch_item_failures, tumbling);
    if (verdict.kind == Kind::kThrottled) {
      Pause(BackoffMs(current.attempts));
      continue;
    }
    if (verdict.state) {
      std::lock_guard lock(window_mu_);
      checkpoint_.window_state = *verdict.state;
    }
    if (verdict.kind == Kind::kSuccess) {
      stats_->records_delivered.fetch_add(current.records.size());
      stats_->problem = false;
      work.pop_front();
      continue;
    }
    stats_->problem = true;
    std::span<const RecordOut> failed = current.records;
    if (verdict.kind == Kind::kPartial) {
      stats_->records_delivered.fetch_add(verdict.first_failed);
      failed = current.records.subspan(verdict.first_failed);
    } else {
      stats_->failed_invocations.fetch_add(1);
    }
    std::string where =
        shard_id_ + " " + failed.front().sequence_number + ".." + failed.back().sequence_number;
    if (config_.bisect_on_error && failed.size() > 1) {
      LogToFunction("batch of " + std::to_string(failed.size()) + " records (" + where +
                    ") failed: " + verdict.reason + "; bisecting");
      Work first{failed.first(failed.size() / 2), current.attempts, current.invokes};
      Work second{failed.subspan(failed.size() / 2), current.attempts, current.invokes};
      work.pop_front();
      work.push_front(second);
      work.push_front(first);
      continue;
    }
    current.records = failed;
    ++current.attempts;
    int limit = config_.maximum_retry_attempts;
    if (limit >= 0 && current.attempts > limit) {
      LogToFunction("batch of " + std::to_string(failed.size()) + " records (" + where +
                    ") failed: " + verdict.reason + "; retries exhausted (" +
                    std::to_string(limit) + "), records discarded");
      Discard(failed, DiscardCondition::kRetryAttemptsExhausted, current.invokes,
              result->request_id, verdict.function_error);
      work.pop_front();
      continue;
    }
    LogToFunction("batch of " + std::to_string(failed.size()) + " records (" + where +
                  ") failed: " + verdict.reason + "; retry " + std::to_string(current.attempts) +
                  (limit >= 0 ? " of " + std::to_string(limit) : ""));
    Pause(BackoffMs(current.attempts));
  }
  return true;
}

bool ShardConsumer::CloseWindow(bool terminated_early) {
  TumblingWindow window;
  window.start_ms = checkpoint_.window_start_ms;
  window.end_ms = window.start_ms + int64_t{config_.tumbling_window_seconds} * 1000;
  window.state = checkpoint_.window_state;
  window.final_invoke = true;
  window.terminated_early = terminated_early;
  int attempts = 0;
  for (;;) {
    auto spec = ResolveSpec();
    if (!spec) return false;
    EventSource source = source_;
    source.role_arn = spec->role;
    auto result = Invoke(*spec, KinesisEvent(source, {}, &window));
    if (!result) return false;
    BatchVerdict verdict = Judge(*result, {}, false, false);
    if (verdict.kind == Kind::kSuccess) break;
    if (verdict.kind == Kind::kThrottled) {
      Pause(BackoffMs(attempts));
      continue;
    }
    ++attempts;
    int limit = config_.maximum_retry_attempts;
    LogToFunction("final invocation of window " + IsoMillis(window.start_ms) +
                  " failed: " + verdict.reason);
    if (limit >= 0 && attempts > limit) break;  // the window's records are already processed
    Pause(BackoffMs(attempts));
    if (stopping()) return false;
  }
  checkpoint_.window_start_ms = 0;
  checkpoint_.window_state.clear();
  return Checkpoint(checkpoint_.sequence, false);
}

std::optional<function::FunctionSpec> ShardConsumer::ResolveSpec() {
  while (!stopping()) {
    auto spec = env_.spec(config_.function_name);
    if (spec) return std::move(*spec);
    if (env_.logger) {
      env_.logger->Error("mapping " + config_.uuid + ": function " + config_.function_name + ": " +
                         spec.error().message);
    }
    stats_->problem = true;
    Pause(kTroubleWaitMs);
  }
  return std::nullopt;
}

std::optional<function::InvokeResult> ShardConsumer::Invoke(const function::FunctionSpec& spec,
                                                            const std::string& payload) {
  struct Slot {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<function::InvokeResult> result;
  };
  auto slot = std::make_shared<Slot>();
  stats_->invocations.fetch_add(1);
  stats_->processed = true;
  env_.runtime->Invoke(spec, payload, [slot](function::InvokeResult result) {
    {
      std::lock_guard lock(slot->mu);
      slot->result = std::move(result);
    }
    slot->cv.notify_all();
  });
  std::unique_lock lock(slot->mu);
  while (!slot->result) {
    if (stopping()) return std::nullopt;
    slot->cv.wait_for(lock, std::chrono::milliseconds(100));
  }
  return std::move(slot->result);
}

void ShardConsumer::Discard(std::span<const RecordOut> records, DiscardCondition condition,
                            int invokes, const std::string& request_id,
                            const std::string& function_error) {
  stats_->records_discarded.fetch_add(records.size());
  if (records.empty()) return;
  std::string where =
      shard_id_ + " " + records.front().sequence_number + ".." + records.back().sequence_number;
  if (condition == DiscardCondition::kRecordAgeExceeded) {
    LogToFunction(std::to_string(records.size()) + " records (" + where +
                  ") are older than the mapping's maximum record age: discarded");
  }
  if (config_.on_failure_destination.empty()) return;
  FailureRecord failure;
  failure.request_id = request_id;
  if (auto spec = env_.spec(config_.function_name)) failure.function_arn = spec->arn;
  failure.condition = condition;
  failure.invoke_count = invokes;
  failure.function_error = function_error;
  failure.now_ms = env_.clock->NowMs();
  std::string record = OnFailureRecord(failure, source_, records);
  // The destination may be briefly unavailable: keep trying, since the records are given up
  // only once their pointer is safe.
  int attempts = 0;
  while (!stopping()) {
    auto sent = env_.send_failure(config_.on_failure_destination, config_.uuid, shard_id_, record);
    if (sent) return;
    LogToFunction("cannot send the on-failure record to " + config_.on_failure_destination + ": " +
                  sent.error().message);
    Pause(BackoffMs(++attempts));
  }
}

bool ShardConsumer::Checkpoint(const std::string& sequence, bool ended) {
  ShardCheckpoint next = checkpoint_;
  next.sequence = sequence;
  next.ended = ended;
  while (!stopping()) {
    auto saved = env_.store->Save(config_.uuid, next);
    if (saved && *saved) {
      checkpoint_ = std::move(next);
      return true;
    }
    if (saved) return false;  // another consumer holds the lease now: this one is stale
    if (env_.logger) {
      env_.logger->Error("mapping " + config_.uuid + " " + shard_id_ +
                         ": cannot checkpoint: " + saved.error().message);
    }
    Pause(kTroubleWaitMs);
  }
  return false;
}

void ShardConsumer::LogToFunction(const std::string& line) {
  if (env_.function_log) {
    env_.function_log(config_.function_name,
                      "[streamform] event source mapping " + config_.uuid + ": " + line);
  }
}

}  // namespace sf::engine::mapping
