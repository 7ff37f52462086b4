// IndexCache's bounds and SegmentIndex's sizing.

#include "engine/log/index_cache.h"

#include <gtest/gtest.h>

#include <memory>

namespace sf::engine {
namespace {

// An index of `entries` entries (one frame of 100 bytes each, interval 100), compacted.
std::shared_ptr<const SegmentIndex> IndexOf(uint64_t first, size_t entries) {
  SegmentIndex index(first, 100);
  for (size_t i = 0; i < entries; ++i) index.Add(first + i, 0, 100);
  index.Compact();
  return std::make_shared<const SegmentIndex>(std::move(index));
}

TEST(IndexCacheTest, EvictsTheLeastRecentlyUsedBeyondTheCount) {
  IndexCache cache(2, SIZE_MAX);
  cache.Put(0, IndexOf(0, 4));
  cache.Put(10, IndexOf(10, 4));
  EXPECT_NE(cache.Get(0), nullptr);  // 0 is now the most recently used
  cache.Put(20, IndexOf(20, 4));
  EXPECT_EQ(cache.count(), 2u);
  EXPECT_EQ(cache.Get(10), nullptr);
  EXPECT_NE(cache.Get(0), nullptr);
  EXPECT_NE(cache.Get(20), nullptr);
}

TEST(IndexCacheTest, EvictsBeyondTheBytesAndKeepsNoIndexLargerThanThem) {
  size_t one = IndexOf(0, 10)->memory_bytes();
  IndexCache cache(100, 2 * one);
  cache.Put(0, IndexOf(0, 10));
  cache.Put(10, IndexOf(10, 10));
  EXPECT_EQ(cache.bytes(), 2 * one);
  cache.Put(20, IndexOf(20, 10));
  EXPECT_EQ(cache.count(), 2u);
  EXPECT_EQ(cache.bytes(), 2 * one);
  EXPECT_EQ(cache.Get(0), nullptr);
  cache.Put(30, IndexOf(30, 1000));
  EXPECT_EQ(cache.count(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(IndexCacheTest, AnEvictedIndexLivesOnWhileHeld) {
  IndexCache cache(1, SIZE_MAX);
  cache.Put(0, IndexOf(0, 3));
  std::shared_ptr<const SegmentIndex> held = cache.Get(0);
  cache.Put(10, IndexOf(10, 3));
  cache.Erase(10);
  EXPECT_EQ(cache.count(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
  EXPECT_EQ(held->entries().size(), 3u);
  EXPECT_EQ(held->FloorBySequence(2).offset, 200u);
}

TEST(SegmentIndexSizingTest, ExpectedEntriesCapTheGrowthAndCompactFits) {
  SegmentIndex index(0, 100);
  index.ExpectEntries(1000);
  for (uint64_t i = 0; i < 1000; ++i) index.Add(i, 0, 100);
  EXPECT_EQ(index.memory_bytes(), sizeof(SegmentIndex) + 1000 * sizeof(IndexEntry));
  SegmentIndex grown(0, 100);
  for (uint64_t i = 0; i < 1000; ++i) grown.Add(i, 0, 100);
  grown.Compact();
  EXPECT_EQ(grown.memory_bytes(), sizeof(SegmentIndex) + 1000 * sizeof(IndexEntry));
  auto parsed = SegmentIndex::Parse(grown.Serialize(), 100);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->memory_bytes(), grown.memory_bytes());
  EXPECT_EQ(parsed->summary(), grown.summary());
}

}  // namespace
}  // namespace sf::engine
