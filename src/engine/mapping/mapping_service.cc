#include "engine/mapping/mapping_service.h"

#include <algorithm>

#include "engine/function/store/function_store.h"

namespace sf::engine::mapping {

namespace {

constexpr auto kSuperviseEvery = std::chrono::seconds(1);

ApiError NotFound(const std::string& uuid) {
  return ApiError{"ResourceNotFoundException",
                  "The resource you requested does not exist. (Service: Lambda, Status Code: 404, "
                  "Request ID: " +
                      function::NewUuid() + ") UUID: " + uuid,
                  404};
}

}  // namespace

Result<std::unique_ptr<MappingService>> MappingService::Open(MappingServiceOptions options) {
  auto store = MappingStore::Open(options.data_dir);
  if (!store) return tl::unexpected(store.error());
  std::unique_ptr<MappingService> service(new MappingService(std::move(options)));
  service->store_ = std::move(*store);
  service->options_.env.store = service->store_.get();
  auto configs = service->store_->LoadAll();
  if (!configs) return tl::unexpected(configs.error());
  {
    std::lock_guard lock(service->mu_);
    for (MappingConfig& config : *configs) {
      auto running = std::make_unique<Running>();
      running->config = std::move(config);
      std::string uuid = running->config.uuid;
      service->mappings_.emplace(std::move(uuid), std::move(running));
    }
    service->IndexWakeups();
  }
  return service;
}

void MappingService::Start() {
  std::lock_guard lock(supervisor_mu_);
  if (stopping_ || supervisor_.joinable()) return;
  supervisor_ = std::thread([this] { Supervise(); });
}

MappingService::~MappingService() { Stop(); }

void MappingService::Stop() {
  {
    std::lock_guard lock(supervisor_mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  supervisor_cv_.notify_all();
  if (supervisor_.joinable()) supervisor_.join();  // Start and Stop run on one thread
  std::lock_guard lock(mu_);
  for (auto& [uuid, running] : mappings_) {
    for (auto& [shard, consumer] : running->consumers) consumer->RequestStop();
  }
  for (auto& [uuid, running] : mappings_) running->consumers.clear();  // joins
}

void MappingService::Poke() {
  {
    std::lock_guard lock(supervisor_mu_);
    poked_ = true;
  }
  supervisor_cv_.notify_all();
}

void MappingService::Supervise() {
  std::unique_lock wait(supervisor_mu_);
  while (!stopping_) {
    poked_ = false;
    wait.unlock();
    {
      std::lock_guard lock(mu_);
      for (auto& [uuid, running] : mappings_) Reconcile(*running);
    }
    wait.lock();
    supervisor_cv_.wait_for(wait, kSuperviseEvery, [&] { return stopping_ || poked_; });
  }
}

void MappingService::Reconcile(Running& running) {
  // Reap consumers that finished (their shard ended, or the stream went away).
  bool any_ended = false;
  for (auto it = running.consumers.begin(); it != running.consumers.end();) {
    if (it->second->finished()) {
      any_ended = any_ended || it->second->ended();
      it = running.consumers.erase(it);
    } else {
      ++it;
    }
  }
  if (any_ended) running.wakeup->Notify();  // children waiting on their parents look again
  if (!running.config.enabled) return;
  auto stream = options_.env.streams->DescribeStream(running.config.stream_name);
  if (!stream || stream->arn != running.config.stream_arn) return;
  auto checkpoints = store_->Checkpoints(running.config.uuid);
  if (!checkpoints) return;
  for (const ShardInfo& shard : stream->shards) {
    if (running.consumers.count(shard.shard_id) > 0) continue;
    auto found = checkpoints->find(shard.shard_id);
    if (found != checkpoints->end() && found->second.ended) continue;
    std::vector<std::string> parents;
    if (shard.parent) parents.push_back(*shard.parent);
    if (shard.adjacent_parent) parents.push_back(*shard.adjacent_parent);
    auto consumer =
        std::make_unique<ShardConsumer>(running.config, shard.shard_id, std::move(parents),
                                        options_.env, running.wakeup, running.stats);
    consumer->Start();
    running.consumers.emplace(shard.shard_id, std::move(consumer));
  }
}

void MappingService::StopConsumers(Running& running) {
  for (auto& [shard, consumer] : running.consumers) consumer->RequestStop();
  running.consumers.clear();  // joins
}

void MappingService::IndexWakeups() {
  std::unordered_map<std::string, std::vector<std::shared_ptr<Wakeup>>> index;
  for (const auto& [uuid, running] : mappings_) {
    if (running->config.enabled) index[running->config.stream_name].push_back(running->wakeup);
  }
  std::unique_lock lock(wakeups_mu_);
  wakeups_ = std::move(index);
}

void MappingService::OnRecords(const std::string& stream_name) {
  std::shared_lock lock(wakeups_mu_);
  auto found = wakeups_.find(stream_name);
  if (found == wakeups_.end()) return;
  for (const auto& wakeup : found->second) wakeup->Notify();
}

std::string MappingService::FunctionArn(const std::string& name) const {
  return "arn:aws:lambda:" + options_.env.region + ":" + options_.account + ":function:" + name;
}

MappingView MappingService::View(const Running& running, const std::string& state) const {
  MappingView view;
  view.config = running.config;
  view.function_arn = FunctionArn(running.config.function_name);
  view.state = !state.empty() ? state : running.config.enabled ? "Enabled" : "Disabled";
  if (!running.stats->processed) {
    view.last_processing_result = "No records processed";
  } else if (running.stats->problem) {
    view.last_processing_result = "PROBLEM: Function call failed";
  } else {
    view.last_processing_result = "OK";
  }
  return view;
}

ApiResult<MappingView> MappingService::Create(MappingConfig draft) {
  if (auto valid = Validate(draft); !valid) return tl::unexpected(valid.error());
  if (auto spec = options_.env.spec(draft.function_name); !spec) {
    return tl::unexpected(spec.error());
  }
  auto stream = options_.env.streams->DescribeStream(draft.stream_name);
  if (!stream || stream->arn != draft.stream_arn) {
    return ApiFail("InvalidParameterValueException", "Stream not found: " + draft.stream_arn);
  }
  std::lock_guard lock(mu_);
  for (const auto& [uuid, running] : mappings_) {
    const MappingConfig& other = running->config;
    if (other.stream_arn == draft.stream_arn && other.function_name == draft.function_name) {
      return ApiFail("ResourceConflictException",
                     "An event source mapping with Kinesis arn \" " + draft.stream_arn +
                         " \" and function \" " + draft.function_name +
                         " \" already exists. Please update or delete the existing mapping "
                         "with UUID " +
                         uuid,
                     409);
    }
  }
  draft.uuid = function::NewUuid();
  draft.last_modified_ms = options_.env.clock->NowMs();
  if (draft.starting_position == StartingPosition::kLatest) {
    // LATEST means the records put after this call returns: pin each shard's position now.
    std::map<std::string, std::string> positions;
    for (const ShardInfo& shard : stream->shards) {
      if (shard.ending_sequence_number) continue;  // closed shards hold only older records
      auto last = options_.env.streams->LastSequenceNumber(draft.stream_name, shard.shard_id);
      if (!last) return tl::unexpected(last.error());
      positions[shard.shard_id] = last->value_or(kFromShardStart);
    }
    if (auto seeded = store_->Seed(draft.uuid, positions); !seeded) {
      return ApiFail("ServiceException", seeded.error().message, 500);
    }
    // Closed shards' records all came before this call: mark them ended.
    for (const ShardInfo& shard : stream->shards) {
      if (!shard.ending_sequence_number) continue;
      auto lease = store_->TakeLease(draft.uuid, shard.shard_id);
      if (!lease) return ApiFail("ServiceException", lease.error().message, 500);
      lease->ended = true;
      if (auto saved = store_->Save(draft.uuid, *lease); !saved) {
        return ApiFail("ServiceException", saved.error().message, 500);
      }
    }
  }
  if (auto put = store_->Put(draft); !put) {
    return ApiFail("ServiceException", put.error().message, 500);
  }
  auto running = std::make_unique<Running>();
  running->config = draft;
  Reconcile(*running);
  MappingView view = View(*running, "Creating");
  mappings_.emplace(draft.uuid, std::move(running));
  IndexWakeups();
  return view;
}

ApiResult<MappingView> MappingService::Get(const std::string& uuid) const {
  std::lock_guard lock(mu_);
  auto found = mappings_.find(uuid);
  if (found == mappings_.end()) return tl::unexpected(NotFound(uuid));
  return View(*found->second, "");
}

std::vector<MappingView> MappingService::List(const std::optional<std::string>& function_name,
                                              const std::optional<std::string>& stream_arn) const {
  std::lock_guard lock(mu_);
  std::vector<MappingView> views;
  for (const auto& [uuid, running] : mappings_) {
    if (function_name && running->config.function_name != *function_name) continue;
    if (stream_arn && running->config.stream_arn != *stream_arn) continue;
    views.push_back(View(*running, ""));
  }
  return views;
}

ApiResult<MappingView> MappingService::Update(const std::string& uuid,
                                              const MappingChange& change) {
  if (change.function_name) {
    if (auto spec = options_.env.spec(*change.function_name); !spec) {
      return tl::unexpected(spec.error());
    }
  }
  std::lock_guard lock(mu_);
  auto found = mappings_.find(uuid);
  if (found == mappings_.end()) return tl::unexpected(NotFound(uuid));
  Running& running = *found->second;
  MappingConfig next = running.config;
  ApplyChange(change, next);
  if (auto valid = Validate(next); !valid) return tl::unexpected(valid.error());
  next.last_modified_ms = options_.env.clock->NowMs();
  if (auto put = store_->Put(next); !put) {
    return ApiFail("ServiceException", put.error().message, 500);
  }
  std::string state = "Updating";
  if (next.enabled != running.config.enabled) state = next.enabled ? "Enabling" : "Disabling";
  // The consumers restart with the new settings; each takes its shard's lease again and
  // resumes at the checkpoint (a batch in flight is sent again: at least once).
  StopConsumers(running);
  running.config = std::move(next);
  Reconcile(running);
  IndexWakeups();
  return View(running, state);
}

ApiResult<MappingView> MappingService::Delete(const std::string& uuid) {
  std::lock_guard lock(mu_);
  auto found = mappings_.find(uuid);
  if (found == mappings_.end()) return tl::unexpected(NotFound(uuid));
  StopConsumers(*found->second);
  if (auto removed = store_->Remove(uuid); !removed) {
    return ApiFail("ServiceException", removed.error().message, 500);
  }
  MappingView view = View(*found->second, "Deleting");
  mappings_.erase(found);
  IndexWakeups();
  return view;
}

std::vector<MappingMetrics> MappingService::Metrics() const {
  std::lock_guard lock(mu_);
  std::vector<MappingMetrics> metrics;
  for (const auto& [uuid, running] : mappings_) {
    const MappingStats& stats = *running->stats;
    metrics.push_back({uuid, running->config.function_name, running->config.stream_name,
                       stats.invocations.load(), stats.failed_invocations.load(),
                       stats.records_delivered.load(), stats.records_discarded.load(),
                       stats.iterator_age_ms.load()});
  }
  return metrics;
}

}  // namespace sf::engine::mapping
