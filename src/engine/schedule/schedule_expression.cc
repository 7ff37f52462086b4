#include "engine/schedule/schedule_expression.h"

#include <charconv>

namespace sf::engine::schedule {

namespace {

constexpr int64_t kMinuteMs = 60000;

tl::unexpected<ApiError> Invalid() {
  return ApiFail("ValidationException", kInvalidScheduleMessage);
}

// "<N> <unit>" -> the period in ms; 0 when not a valid rate.
int64_t RatePeriod(std::string_view body) {
  size_t space = body.find(' ');
  if (space == std::string_view::npos || space == 0) return 0;
  size_t unit_at = body.find_first_not_of(' ', space);
  if (unit_at == std::string_view::npos) return 0;
  std::string_view digits = body.substr(0, space);
  std::string_view unit = body.substr(unit_at);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size() || value < 1 ||
      value > 1'000'000'000) {
    return 0;
  }
  struct Unit {
    std::string_view singular, plural;
    int64_t ms;
  };
  static constexpr Unit kUnits[] = {{"minute", "minutes", kMinuteMs},
                                    {"hour", "hours", 60 * kMinuteMs},
                                    {"day", "days", 24 * 60 * kMinuteMs}};
  for (const Unit& u : kUnits) {
    if ((value == 1 && unit == u.singular) || (value > 1 && unit == u.plural)) return value * u.ms;
  }
  return 0;
}

}  // namespace

ApiResult<ScheduleExpression> ScheduleExpression::Parse(std::string_view text) {
  if (text.empty() || text.back() != ')') return Invalid();
  ScheduleExpression expression;
  if (text.substr(0, 5) == "rate(") {
    expression.period_ms_ = RatePeriod(text.substr(5, text.size() - 6));
    if (expression.period_ms_ == 0) return Invalid();
    return expression;
  }
  if (text.substr(0, 5) == "cron(") {
    expression.cron_ = CronExpression::Parse(text.substr(5, text.size() - 6));
    if (!expression.cron_) return Invalid();
    return expression;
  }
  return Invalid();
}

std::optional<int64_t> ScheduleExpression::NextAfter(int64_t after_ms, int64_t anchor_ms) const {
  if (cron_) return cron_->NextAfter(after_ms);
  if (after_ms < anchor_ms) return anchor_ms + period_ms_;
  int64_t periods = (after_ms - anchor_ms) / period_ms_ + 1;
  return anchor_ms + periods * period_ms_;
}

}  // namespace sf::engine::schedule
