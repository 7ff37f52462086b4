// Preconditions and ranges: the pure functions and through GetObject/HeadObject.

#include "engine/bucket/conditions.h"

#include <gtest/gtest.h>

#include "engine/bucket/object_store.h"
#include "test_util.h"

namespace sf::engine {
namespace {

using testing_util::OpenStore;
using testing_util::TempDir;

constexpr int64_t kModified = 1700000000500;  // 1700000000 s
const char kEtag[] = "\"abc\"";

ConditionOutcome Eval(const Conditions& c) { return EvaluateConditions(c, kEtag, kModified); }

TEST(ConditionsTest, SinglePreconditions) {
  EXPECT_EQ(Eval({}), ConditionOutcome::kProceed);
  EXPECT_EQ(Eval({.if_match = "\"abc\""}), ConditionOutcome::kProceed);
  EXPECT_EQ(Eval({.if_match = "abc"}), ConditionOutcome::kProceed);
  EXPECT_EQ(Eval({.if_match = "\"x\", \"abc\""}), ConditionOutcome::kProceed);
  EXPECT_EQ(Eval({.if_match = "*"}), ConditionOutcome::kProceed);
  EXPECT_EQ(Eval({.if_match = "\"x\""}), ConditionOutcome::kPreconditionFailed);
  EXPECT_EQ(Eval({.if_none_match = "\"abc\""}), ConditionOutcome::kNotModified);
  EXPECT_EQ(Eval({.if_none_match = "*"}), ConditionOutcome::kNotModified);
  EXPECT_EQ(Eval({.if_none_match = "\"x\""}), ConditionOutcome::kProceed);
  // Second granularity: modified at ...000.5 s counts as ...000 s.
  EXPECT_EQ(Eval({.if_modified_since_ms = 1700000000000}), ConditionOutcome::kNotModified);
  EXPECT_EQ(Eval({.if_modified_since_ms = 1699999999000}), ConditionOutcome::kProceed);
  EXPECT_EQ(Eval({.if_unmodified_since_ms = 1700000000000}), ConditionOutcome::kProceed);
  EXPECT_EQ(Eval({.if_unmodified_since_ms = 1699999999000}), ConditionOutcome::kPreconditionFailed);
}

TEST(ConditionsTest, S3Precedence) {
  // If-Match true + If-Unmodified-Since false -> 200.
  EXPECT_EQ(Eval({.if_match = kEtag, .if_unmodified_since_ms = 1600000000000}),
            ConditionOutcome::kProceed);
  // If-None-Match false + If-Modified-Since false -> 200.
  EXPECT_EQ(Eval({.if_none_match = "\"x\"", .if_modified_since_ms = 1800000000000}),
            ConditionOutcome::kProceed);
  // If-None-Match true -> 304 whatever If-Modified-Since says.
  EXPECT_EQ(Eval({.if_none_match = kEtag, .if_modified_since_ms = 1600000000000}),
            ConditionOutcome::kNotModified);
  // 412 wins over 304.
  EXPECT_EQ(Eval({.if_match = "\"x\"", .if_none_match = kEtag}),
            ConditionOutcome::kPreconditionFailed);
  EXPECT_EQ(Eval({.if_modified_since_ms = 1800000000000, .if_unmodified_since_ms = 1600000000000}),
            ConditionOutcome::kPreconditionFailed);
}

TEST(RangeTest, ParseAndResolve) {
  auto resolve = [](const char* header, uint64_t size) {
    auto spec = ParseRange(header);
    EXPECT_TRUE(spec.has_value()) << header;
    return ResolveRange(*spec, size);
  };
  EXPECT_EQ(resolve("bytes=0-4", 10)->last, 4u);
  EXPECT_EQ(resolve("bytes=2-100", 10)->last, 9u);
  EXPECT_EQ(resolve("bytes=7-", 10)->first, 7u);
  EXPECT_EQ(resolve("bytes=-3", 10)->first, 7u);
  EXPECT_EQ(resolve("bytes=-30", 10)->first, 0u);
  EXPECT_EQ(resolve("bytes=10-", 10).error().code, StoreErrorCode::kInvalidRange);
  EXPECT_EQ(resolve("bytes=-0", 10).error().code, StoreErrorCode::kInvalidRange);
  EXPECT_EQ(resolve("bytes=0-", 0).error().code, StoreErrorCode::kInvalidRange);
  for (const char* ignored : {"bytes=5-2", "bytes=a-b", "items=0-1", "bytes=0-1,3-4", "bytes=-"}) {
    EXPECT_FALSE(ParseRange(ignored).has_value()) << ignored;
  }
}

TEST(RangeTest, RangedAndConditionalGets) {
  TempDir dir;
  VirtualClock clock(kModified);
  auto store = OpenStore(dir.path(), &clock);
  ASSERT_TRUE(store->CreateBucket("bkt").has_value());
  auto put = store->PutObject("bkt", "k", {}, "0123456789");
  ASSERT_TRUE(put.has_value());
  auto get = [&](GetRequest request) { return store->GetObject("bkt", "k", request); };
  auto reader = get({{}, ParseRange("bytes=2-5")});
  ASSERT_TRUE(reader.has_value());
  EXPECT_TRUE((*reader)->ranged());
  EXPECT_EQ((*reader)->first(), 2u);
  EXPECT_EQ((*reader)->length(), 4u);
  EXPECT_EQ(*(*reader)->ReadAll(), "2345");
  EXPECT_EQ(*(*get({{}, ParseRange("bytes=-3")}))->ReadAll(), "789");
  EXPECT_EQ(*(*get({{}, ParseRange("bytes=8-")}))->ReadAll(), "89");
  EXPECT_EQ(get({{}, ParseRange("bytes=10-")}).error().code, StoreErrorCode::kInvalidRange);

  auto not_modified = get({{.if_none_match = put->etag}, std::nullopt});
  ASSERT_FALSE(not_modified.has_value());
  EXPECT_EQ(not_modified.error().code, StoreErrorCode::kNotModified);
  EXPECT_EQ(not_modified.error().etag, put->etag);
  EXPECT_EQ(HttpStatus(not_modified.error().code), 304);
  // Conditions are checked before the range: 412 wins over 416.
  EXPECT_EQ(get({{.if_match = "\"nope\""}, ParseRange("bytes=50-")}).error().code,
            StoreErrorCode::kPreconditionFailed);
  EXPECT_EQ(store->HeadObject("bkt", "k", {.if_modified_since_ms = kModified}).error().code,
            StoreErrorCode::kNotModified);
  EXPECT_TRUE(store->HeadObject("bkt", "k", {.if_match = put->etag}).has_value());
  char buffer[4];
  EXPECT_EQ(*(*get({}))->ReadAt(8, 4, buffer), 2u);
}

}  // namespace
}  // namespace sf::engine
