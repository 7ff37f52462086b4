#include "provider/local/s3_bucket_provider.h"

#include <gtest/gtest.h>

#include <regex>

#include "client/s3_client.h"
#include "local_engine.h"
#include "provider/fan_out.h"

namespace sf::provider {
namespace {

TEST(S3BucketPlanTest, NamesAttributesAndSteps) {
  S3BucketProvider provider("http://127.0.0.1:1", {}, "eu-west-1");
  std::string name = provider.GenerateName("Shop-Dev_Data", "RawEvents");
  EXPECT_TRUE(std::regex_match(name, std::regex("shop-dev-data-rawevents-[a-z0-9]{12}"))) << name;
  std::string longest = provider.GenerateName(std::string(100, 'S'), std::string(100, 'L'));
  EXPECT_EQ(longest.size(), 63u);
  auto attributes = provider.PredictAttributes("b", Value::Map());
  EXPECT_EQ(attributes.at("Arn").text(), "arn:aws:s3:::b");
  EXPECT_EQ(attributes.at("DomainName").text(), "b.s3.amazonaws.com");
  EXPECT_EQ(attributes.at("RegionalDomainName").text(), "b.s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(attributes.at("DualStackDomainName").text(), "b.s3.dualstack.eu-west-1.amazonaws.com");
  Value before = Value::Map({{"BucketName", Value::String("b")}});
  Value tagged = before;
  tagged.Set("Tags", Value::List());
  auto steps = provider.PlanUpdate(before, tagged);
  ASSERT_TRUE(steps);
  ASSERT_EQ(steps->size(), 1u);
  Value renamed = Value::Map({{"BucketName", Value::String("c")}});
  EXPECT_FALSE(provider.PlanUpdate(before, renamed));
}

TEST(S3BucketProviderTest, EmptiesMoreThanOneDeleteObjectsBatch) {
  testing::LocalEngine engine;
  ASSERT_TRUE(engine.running());
  S3BucketProvider provider(engine.endpoint(), engine.credentials(), engine.region());
  CreateRequest create;
  create.physical_id = "many-objects";
  ASSERT_TRUE(provider.Create(create));
  constexpr size_t kObjects = 1010;
  ForEachParallel(kObjects, 16, 1, [&](size_t i) {
    auto s3 = engine.Client("s3");
    // Keys that need encoding in a listing: a space, a plus, a non-ASCII letter.
    auto put = s3.Send("PUT", "/many-objects/dir/a%20b%2B%C3%A9-" + std::to_string(i), "", "xy");
    ASSERT_TRUE(put && put->status == 200);
  });
  auto held = provider.DataHeld("many-objects");
  ASSERT_TRUE(held) << held.error().message;
  EXPECT_EQ(held->objects, static_cast<int64_t>(kObjects));
  EXPECT_EQ(held->bytes, static_cast<int64_t>(2 * kObjects));
  EXPECT_FALSE(held->at_least);
  client::S3Client s3(engine.endpoint(), engine.credentials(), engine.region());
  auto page = s3.ListObjectsV2("many-objects", "", 5);
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->objects.front().key.substr(0, 11), "dir/a b+\xC3\xA9-");
  // 1,001 keys go in two DeleteObjects batches; only the last one exists.
  std::vector<std::string> keys;
  for (int i = 0; i < 1000; ++i) keys.push_back("missing-" + std::to_string(i));
  keys.push_back(page->objects.front().key);
  auto refused = s3.DeleteObjects("many-objects", keys);
  ASSERT_TRUE(refused) << refused.error().message;
  EXPECT_TRUE(refused->empty());
  held = provider.DataHeld("many-objects");
  ASSERT_TRUE(held);
  EXPECT_EQ(held->objects, static_cast<int64_t>(kObjects - 1));
  // Emptying takes two listing pages.
  ASSERT_TRUE(provider.Empty("many-objects"));
  held = provider.DataHeld("many-objects");
  ASSERT_TRUE(held);
  EXPECT_TRUE(held->empty());
  DeleteRequest remove;
  remove.physical_id = "many-objects";
  EXPECT_TRUE(provider.Delete(remove));
}

TEST(S3BucketProviderTest, ReadAgreesWithHeadBucketAndListBuckets) {
  testing::LocalEngine engine;
  ASSERT_TRUE(engine.running());
  S3BucketProvider provider(engine.endpoint(), engine.credentials(), engine.region());
  client::S3Client s3(engine.endpoint(), engine.credentials(), engine.region());
  ASSERT_TRUE(s3.CreateBucket("made-out-of-band"));
  std::vector<std::string> ids = {"made-out-of-band", "never-made"};
  auto read = provider.Read(ids);
  ASSERT_TRUE(read[0] && read[1]);
  EXPECT_EQ(read[0]->exists, *s3.HeadBucket("made-out-of-band"));
  EXPECT_EQ(read[1]->exists, *s3.HeadBucket("never-made"));
  auto buckets = s3.ListBuckets();
  ASSERT_TRUE(buckets);
  ASSERT_EQ(buckets->size(), 1u);
  EXPECT_EQ(read[0]->created_ms, buckets->front().creation_ms);
  EXPECT_GT(read[0]->created_ms, 1'600'000'000'000);
  auto taken = s3.CreateBucket("made-out-of-band");
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, "BucketAlreadyOwnedByYou");
  auto missing = s3.DeleteBucket("never-made");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "NoSuchBucket");
  EXPECT_EQ(missing.error().http_status, 404);
}

}  // namespace
}  // namespace sf::provider
