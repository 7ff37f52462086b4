#pragma once
// The EventBridge API (botocore's events model, 2015-10-07) over JSON 1.1: `POST /` with
// `X-Amz-Target: AWSEvents.<Operation>`, signed for service "events". Rules and targets on the
// default event bus, over the RuleStore (engine/schedule/rule_store.h):
//
//   PutRule, DescribeRule, DeleteRule, ListRules (NamePrefix, Limit, NextToken), EnableRule,
//   DisableRule, PutTargets, RemoveTargets, ListTargetsByRule (Limit, NextToken),
//   TagResource, UntagResource, ListTagsForResource
//
// Errors are {"__type": "<Name>", "message": "..."} with EventBridge's status and wording:
// ValidationException ("1 validation error detected: ..." for the model's constraints,
// "Parameter ScheduleExpression is not valid.", "Parameter(s) EventPattern or
// ScheduleExpression must be specified.", "Rule can't be deleted since it has targets.",
// "Input for target <Id> is not a valid JSON text."), ResourceNotFoundException ("Rule <name>
// does not exist on EventBus default.", "Event bus <name> does not exist." for any bus but
// the default), InvalidEventPatternException (an EventPattern that is not a JSON object),
// LimitExceededException (a sixth target), InternalException (the disk).
//
// EventPattern is validated as a JSON object and stored, but never matched: the engine has no
// event bus that events are put on (no PutEvents), so only scheduled rules fire.
//
// Authorization: a role session is held to its policies for events:<Operation> on the rule's
// ARN (arn:aws:events:<region>:<account>:rule/<name>; a TagResource's ResourceARN as given),
// ListRules on arn:aws:events:<region>:<account>:rule/*; a refusal is 400
// AccessDeniedException with IAM's sentence. A request too malformed to name its rule is not
// authorized: the operation refuses it and does nothing.
//
// Threading: Handle runs on an I/O thread and returns at once; the operation runs on the work
// pool (the store commits to SQLite). Thread-safe; the store and the pool must outlive it.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/work_pool.h"
#include "engine/api/json_request.h"
#include "engine/iam/principal.h"
#include "engine/schedule/rule_store.h"
#include "engine/server/http_server.h"

namespace sf::engine::events {

inline constexpr std::string_view kTargetPrefix = "AWSEvents.";

class EventsApi {
 public:
  EventsApi(schedule::RuleStore& rules, WorkPool& pool, std::string region, std::string account)
      : rules_(rules), pool_(pool), region_(std::move(region)), account_(std::move(account)) {}

  // `operation` is the part of X-Amz-Target after kTargetPrefix; `principal` signed `request`
  // (for service "events").
  void Handle(std::string operation, HttpRequest&& request, Respond respond,
              iam::Principal principal);

  static HttpResponse ErrorResponse(const ApiError& error);

 private:
  using Operation = ApiResult<std::string> (EventsApi::*)(JsonRequest&);

  ApiResult<std::string> Dispatch(std::string_view operation, std::string_view body,
                                  const iam::Principal& principal);
  // nullopt when `principal` may perform `operation` as `request` asks; else the refusal.
  std::optional<ApiError> Authorize(std::string_view operation, JsonRequest& request,
                                    const iam::Principal& principal) const;
  // events_rules_api.cc
  ApiResult<std::string> PutRule(JsonRequest& request);
  ApiResult<std::string> DescribeRule(JsonRequest& request);
  ApiResult<std::string> DeleteRule(JsonRequest& request);
  ApiResult<std::string> ListRules(JsonRequest& request);
  ApiResult<std::string> EnableRule(JsonRequest& request);
  ApiResult<std::string> DisableRule(JsonRequest& request);
  ApiResult<std::string> SetState(JsonRequest& request, bool enabled);
  // events_targets_api.cc
  ApiResult<std::string> PutTargets(JsonRequest& request);
  ApiResult<std::string> RemoveTargets(JsonRequest& request);
  ApiResult<std::string> ListTargetsByRule(JsonRequest& request);
  ApiResult<std::string> TagResource(JsonRequest& request);
  ApiResult<std::string> UntagResource(JsonRequest& request);
  ApiResult<std::string> ListTagsForResource(JsonRequest& request);

  // The rule name member `member` ("Name", "Rule"): required, 1-64 of [.-_A-Za-z0-9]. Records
  // violations; "" when invalid.
  std::string RuleName(JsonRequest& request, std::string_view member);
  // EventBusName, when given, must name the default bus (by name or ARN).
  ApiResult<void> CheckEventBus(JsonRequest& request);
  // The rule a ResourceARN names; ResourceNotFoundException for anything else.
  ApiResult<std::string> RuleFromArn(JsonRequest& request);

  schedule::RuleStore& rules_;
  WorkPool& pool_;
  const std::string region_;
  const std::string account_;
};

}  // namespace sf::engine::events
