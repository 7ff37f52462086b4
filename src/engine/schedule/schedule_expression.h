#pragma once
// A rule's ScheduleExpression, exactly as EventBridge accepts it:
//
//   rate(1 minute)  rate(N minutes)  rate(1 hour)  rate(N hours)  rate(1 day)  rate(N days)
//   cron(Minutes Hours Day-of-month Month Day-of-week Year)   (cron_expression.h, UTC)
//
// N is a positive whole number; the singular unit goes with 1 and only with 1. Anything else
// is refused with EventBridge's own ValidationException, "Parameter ScheduleExpression is not
// valid.".
//
// Occurrences. A cron expression names whole minutes. A rate names the points of a grid:
// anchor + k * period for k >= 1, where the anchor is the time the rule got the expression
// (EventBridge counts a rate from the rule's creation, so rate(5 minutes) first fires five
// minutes after PutRule).
//
// Plain data; thread-safe to share once parsed.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/api_error.h"
#include "engine/schedule/cron_expression.h"

namespace sf::engine::schedule {

inline constexpr char kInvalidScheduleMessage[] = "Parameter ScheduleExpression is not valid.";

class ScheduleExpression {
 public:
  // ValidationException (400) kInvalidScheduleMessage when EventBridge would refuse `text`.
  static ApiResult<ScheduleExpression> Parse(std::string_view text);

  // The first occurrence strictly after `after_ms`; `anchor_ms` is the rate grid's origin (not
  // used by cron). nullopt when there is none (a cron whose dates are all past 2199, or never
  // exist, such as February 30th).
  std::optional<int64_t> NextAfter(int64_t after_ms, int64_t anchor_ms) const;

  bool is_rate() const { return period_ms_ > 0; }
  int64_t period_ms() const { return period_ms_; }  // 0 for cron

 private:
  int64_t period_ms_ = 0;
  std::optional<CronExpression> cron_;
};

}  // namespace sf::engine::schedule
