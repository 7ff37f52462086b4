#pragma once
// What a scheduled rule sends its targets: EventBridge's "Scheduled Event",
//
//   {"version":"0","id":"<uuid>","detail-type":"Scheduled Event","source":"aws.events",
//    "account":"<account>","time":"2026-11-22T10:00:00Z","region":"<region>",
//    "resources":["<rule arn>"],"detail":{}}
//
// (members in that order, `time` the occurrence's, to the second, UTC), or what the target asks
// for instead: its Input (constant JSON, sent as given), or the part of the event its InputPath
// selects. InputPath is the JSONPath subset EventBridge users write: "$" and then ".name" or
// "[n]" steps ("$.detail", "$.resources[0]"). A path that selects nothing sends null.
//
// Pure functions; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/schedule/rule_store.h"

namespace sf::engine::schedule {

// "2026-11-22T10:00:00Z" for ms since the epoch (the seconds, truncated).
std::string EventTime(int64_t ms);

std::string ScheduledEventJson(const std::string& id, const std::string& account,
                               const std::string& region, int64_t time_ms,
                               const std::string& rule_arn);

// True when `path` is an InputPath the engine evaluates (see above).
bool IsValidInputPath(std::string_view path);

// The payload `target` receives for `event` (a JSON document).
std::string TargetPayload(const Target& target, const std::string& event);

}  // namespace sf::engine::schedule
