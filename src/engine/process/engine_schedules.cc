// Engine: schedules -- the functions' resource-based policies, the EventBridge rule store and
// API, the scheduler on the engine's clock and its deliveries to functions, and their series in
// /metrics.

#include "engine/api/lambda/lambda_route.h"
#include "engine/process/engine.h"

namespace sf::engine {

namespace {

// The principal EventBridge invokes functions as.
constexpr char kEventsPrincipal[] = "events.amazonaws.com";

}  // namespace

Status Engine::OpenPolicies() {
  auto policies = function::PolicyStore::Open(options_.data_dir);
  if (!policies) return tl::unexpected(policies.error());
  policies_ = std::move(*policies);
  return {};
}

Status Engine::OpenSchedules() {
  auto rules = schedule::RuleStore::Open(options_.data_dir + "/events.db", *clock_, options_.region,
                                         options_.account);
  if (!rules) return tl::unexpected(rules.error());
  rules_ = std::move(*rules);
  events_ =
      std::make_unique<events::EventsApi>(*rules_, *blocking_, options_.region, options_.account);
  schedule::SchedulerOptions scheduler_options;
  scheduler_options.clock = clock_.get();
  scheduler_options.virtual_clock = virtual_clock_ != nullptr;
  scheduler_options.region = options_.region;
  scheduler_options.account = options_.account;
  scheduler_options.logger = &logger_;
  scheduler_options.deliver = [this](const schedule::Rule& rule, const schedule::Target& target,
                                     std::string payload) {
    return DeliverScheduled(rule, target, std::move(payload));
  };
  scheduler_ = std::make_unique<schedule::Scheduler>(*rules_, std::move(scheduler_options));
  rules_->SetListener([scheduler = scheduler_.get()] { scheduler->Wake(); });
  return {};
}

bool Engine::DeliverScheduled(const schedule::Rule& rule, const schedule::Target& target,
                              std::string payload) {
  auto refuse = [&](std::string_view why, std::string detail) {
    logger_.Warn("scheduled invocation not delivered", {{"rule", rule.settings.name},
                                                        {"target", target.id},
                                                        {"arn", target.arn},
                                                        {"reason", std::string(why)},
                                                        {"detail", std::move(detail)}});
    return false;
  };
  std::string functions_prefix =
      "arn:aws:lambda:" + options_.region + ":" + options_.account + ":function:";
  if (target.arn.rfind(functions_prefix, 0) != 0) {
    return refuse("target", "the engine delivers only to this engine's Lambda functions");
  }
  auto call = lambda::ParseFunctionName(target.arn);
  if (!call) return refuse("target", call.error().message);
  if (!call->qualifier.empty() && call->qualifier != "$LATEST") {
    return refuse("target", "functions have only $LATEST; no version or alias " + call->qualifier);
  }
  if (auto spec = lambda_->LatestSpec(call->function); !spec) {
    return refuse("function", spec.error().message);
  }
  if (!policies_->AllowsServiceInvoke(call->function, kEventsPrincipal, rule.arn,
                                      options_.account)) {
    return refuse("permission", "the resource-based policy of " + call->function +
                                    " does not allow events.amazonaws.com to invoke it for " +
                                    rule.arn + " (add one with lambda add-permission)");
  }
  if (payload.size() > lambda::kMaxAsyncPayloadBytes) {
    return refuse("payload", "the event is larger than Lambda's 256 KB for asynchronous calls");
  }
  // An asynchronous invocation, as EventBridge makes it: Lambda's event queue runs it, retries
  // it and logs what it drops.
  auto queued = event_queue_->Enqueue(call->function, std::move(payload));
  if (!queued) return refuse("queue", queued.error().message);
  return true;
}

void Engine::AppendScheduleMetrics(std::string& out) const {
  auto counters = scheduler_->Counters();
  struct Series {
    const char* name;
    const char* help;
    uint64_t schedule::RuleCounters::*field;
  };
  const Series series[] = {
      {"streamform_events_triggered_rules_total", "TriggeredRules: scheduled occurrences fired",
       &schedule::RuleCounters::triggered},
      {"streamform_events_invocations_total", "Invocations: deliveries to targets accepted",
       &schedule::RuleCounters::invocations},
      {"streamform_events_failed_invocations_total",
       "FailedInvocations: deliveries refused (no permission, no such function, not a function)",
       &schedule::RuleCounters::failed_invocations},
      {"streamform_events_catch_up_capped_total",
       "clock moves after which occurrences past the catch-up cap were skipped",
       &schedule::RuleCounters::catch_up_capped},
  };
  for (const Series& s : series) {
    out += std::string("# HELP ") + s.name + " " + s.help + "\n# TYPE " + s.name + " counter\n";
    for (const auto& [rule, values] : counters) {
      out += std::string(s.name) + "{rule=\"" + rule + "\"} " + std::to_string(values.*(s.field)) +
             "\n";
    }
  }
}

}  // namespace sf::engine
