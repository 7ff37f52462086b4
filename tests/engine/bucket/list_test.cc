// ListObjectsV2 against a brute-force model over a few thousand keys.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "engine/bucket/object_index.h"

namespace sf::engine {
namespace {

// The model: every key > start, with the prefix, rolled up at the first delimiter after it.
struct Item {
  std::string value;
  bool is_prefix;
};

std::vector<Item> Model(const std::set<std::string>& keys, const ListRequest& request) {
  std::vector<Item> items;
  for (const std::string& key : keys) {
    if (key <= request.start_after || key.rfind(request.prefix, 0) != 0) continue;
    size_t cut = request.delimiter.empty() ? std::string::npos
                                           : key.find(request.delimiter, request.prefix.size());
    if (cut == std::string::npos) {
      items.push_back({key, false});
    } else {
      std::string common = key.substr(0, cut + request.delimiter.size());
      if (items.empty() || !items.back().is_prefix || items.back().value != common) {
        items.push_back({common, true});
      }
    }
  }
  return items;
}

// All pages of List, concatenated.
std::vector<Item> ListAll(const ObjectIndex& index, ListRequest request, int* pages) {
  std::vector<Item> items;
  *pages = 0;
  while (true) {
    auto page = index.List(request);
    EXPECT_TRUE(page.has_value());
    ++*pages;
    EXPECT_EQ(page->key_count,
              static_cast<int>(page->contents.size() + page->common_prefixes.size()));
    EXPECT_LE(page->key_count, request.max_keys);
    // Within a page contents and prefixes are each sorted; merge them for comparison.
    std::vector<Item> merged;
    for (const auto& object : page->contents) merged.push_back({object.key, false});
    for (const auto& prefix : page->common_prefixes) merged.push_back({prefix, true});
    std::sort(merged.begin(), merged.end(),
              [](const Item& a, const Item& b) { return a.value < b.value; });
    items.insert(items.end(), merged.begin(), merged.end());
    if (!page->is_truncated) break;
    EXPECT_EQ(page->key_count, request.max_keys);
    request.continuation_token = page->next_continuation_token;
    if (*pages > 10000) break;
  }
  return items;
}

TEST(ListTest, MatchesBruteForceModel) {
  std::mt19937 random(42);
  const std::vector<std::string> parts = {"a",        "b",    "ab", "/", "//", "x/y",
                                          "\xc3\xa9", "\xff", "-",  ".", "z"};
  std::set<std::string> keys;
  ObjectIndex index;
  while (keys.size() < 3000) {
    std::string key;
    int n = 1 + static_cast<int>(random() % 5);
    for (int i = 0; i < n; ++i) key += parts[random() % parts.size()];
    keys.insert(key);
    index.Put(key, ObjectIndexEntry{key.size(), "\"e\"", 0});
  }
  std::vector<ListRequest> requests;
  for (const char* prefix : {"", "a", "a/", "ab", "\xc3", "zzz"}) {
    for (const char* delimiter : {"", "/", "b", "\xff"}) {
      for (const char* start_after : {"", "a/", "b", "\xc3\xa9/"}) {
        for (int max_keys : {1, 7, 1000}) {
          requests.push_back({prefix, delimiter, start_after, std::nullopt, max_keys});
        }
      }
    }
  }
  for (const ListRequest& request : requests) {
    int pages = 0;
    auto got = ListAll(index, request, &pages);
    auto want = Model(keys, request);
    ASSERT_EQ(got.size(), want.size())
        << "prefix=" << request.prefix << " delimiter=" << request.delimiter
        << " start_after=" << request.start_after << " max=" << request.max_keys;
    for (size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(got[i].value, want[i].value) << i;
      ASSERT_EQ(got[i].is_prefix, want[i].is_prefix) << i;
    }
    int expected_pages =
        std::max<int>(1, static_cast<int>((want.size() + request.max_keys - 1) / request.max_keys));
    EXPECT_EQ(pages, expected_pages);
  }
}

TEST(ListTest, DefaultsAndEdges) {
  ObjectIndex index;
  for (int i = 0; i < 2500; ++i) index.Put("k" + std::to_string(10000 + i), {1, "\"e\"", 0});
  auto page = index.List({});
  EXPECT_EQ(page->key_count, 1000);
  EXPECT_TRUE(page->is_truncated);
  EXPECT_FALSE(page->next_continuation_token.empty());
  ListRequest zero;
  zero.max_keys = 0;
  EXPECT_EQ(index.List(zero)->key_count, 0);
  ListRequest bad;
  bad.continuation_token = "not base64!";
  EXPECT_EQ(index.List(bad).error().code, StoreErrorCode::kInvalidArgument);
  EXPECT_EQ(index.Put("k10000", {5, "\"f\"", 0}), std::optional<uint64_t>(1));
  EXPECT_EQ(index.Erase("k10000"), std::optional<uint64_t>(5));
  EXPECT_EQ(index.Erase("k10000"), std::nullopt);
  EXPECT_EQ(index.size(), 2499u);
}

}  // namespace
}  // namespace sf::engine
