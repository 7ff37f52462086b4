#include "provider/fake/fake_provider.h"

#include <gtest/gtest.h>

#include <thread>

namespace sf::provider {
namespace {

CreateRequest CreateOf(const std::string& id, Value properties = Value::Map()) {
  CreateRequest request;
  request.physical_id = id;
  request.properties = std::move(properties);
  return request;
}

TEST(FakeProviderTest, CountsCallsPerOperation) {
  FakeProvider fake(FakeProviderOptions{});
  ASSERT_TRUE(fake.Create(CreateOf("a")));
  ASSERT_TRUE(fake.Create(CreateOf("b")));
  std::vector<std::string> ids = {"a", "b", "c"};
  auto read = fake.Read(ids);  // one batch is one call
  EXPECT_TRUE(read[0]->exists && read[1]->exists && !read[2]->exists);
  UpdateRequest update;
  update.physical_id = "a";
  update.after = Value::Map({{"X", Value::Number("1")}});
  ASSERT_TRUE(fake.Update(update));
  DeleteRequest remove;
  remove.physical_id = "b";
  ASSERT_TRUE(fake.Delete(remove));
  EXPECT_TRUE(fake.DataHeld("a"));
  EXPECT_FALSE(fake.Empty("a")) << "holds nothing to empty";
  EXPECT_EQ(fake.calls(FakeOperation::kCreate), 2);
  EXPECT_EQ(fake.calls(FakeOperation::kRead), 1);
  EXPECT_EQ(fake.calls(FakeOperation::kUpdate), 1);
  EXPECT_EQ(fake.calls(FakeOperation::kDelete), 1);
  EXPECT_EQ(fake.calls(FakeOperation::kDataHeld), 1);
  EXPECT_EQ(fake.calls(FakeOperation::kEmpty), 1);
  EXPECT_EQ(fake.max_concurrent(), 1);
  EXPECT_EQ(fake.size(), 1u);
}

TEST(FakeProviderTest, RecordsTheHighWaterMarkOfConcurrentCalls) {
  FakeProviderOptions options;
  options.delay = std::chrono::milliseconds(150);
  FakeProvider fake(options);
  std::vector<std::thread> callers;
  for (int i = 0; i < 4; ++i)
    callers.emplace_back([&fake, i] { (void)fake.Create(CreateOf("r" + std::to_string(i))); });
  for (auto& caller : callers) caller.join();
  EXPECT_EQ(fake.max_concurrent(), 4);
  fake.set_delay(std::chrono::milliseconds(0));
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(fake.Create(CreateOf("fast")));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
}

TEST(FakeProviderTest, DriftChangesWhatReadSees) {
  FakeProvider fake(FakeProviderOptions{});
  auto created = fake.Create(CreateOf("s", Value::Map({{"ShardCount", Value::Number("2")}})));
  ASSERT_TRUE(created);
  EXPECT_EQ(created->properties.Find("Name")->text(), "s") << "the name property is the id";
  ASSERT_TRUE(fake.SetLiveProperty("s", "ShardCount", Value::Number("4")));
  std::vector<std::string> ids = {"s"};
  EXPECT_EQ(fake.Read(ids)[0]->properties.Find("ShardCount")->text(), "4");
  ASSERT_TRUE(fake.RemoveLiveProperty("s", "ShardCount"));
  EXPECT_EQ(fake.Read(ids)[0]->properties.Find("ShardCount"), nullptr);
  EXPECT_FALSE(fake.SetLiveProperty("nope", "X", Value::Number("1")));
  ASSERT_TRUE(fake.RemoveLive("s"));
  EXPECT_FALSE(fake.Read(ids)[0]->exists);
  fake.SetLive("s", Value::Map({{"ShardCount", Value::Number("1")}}));
  auto recreated = fake.Read(ids)[0];
  ASSERT_TRUE(recreated->exists);
  EXPECT_NE(recreated->incarnation, created->incarnation) << "a recreated resource is new";
}

TEST(FakeProviderTest, UpdateOfAbsentAndCreateOnlyAreRefused) {
  FakeProviderOptions options;
  options.create_only = {"Mode"};
  FakeProvider fake(options);
  UpdateRequest update;
  update.physical_id = "x";
  update.after = Value::Map();
  auto absent = fake.Update(update);
  ASSERT_FALSE(absent);
  EXPECT_EQ(absent.error().code, ErrorCode::kNotFound);
  Value before = Value::Map({{"Mode", Value::String("A")}, {"Size", Value::Number("1")}});
  ASSERT_TRUE(fake.Create(CreateOf("x", before)));
  Value after = before;
  after.Set("Mode", Value::String("B"));
  auto planned = fake.PlanUpdate(before, after);
  ASSERT_FALSE(planned);
  EXPECT_EQ(planned.error().message, "cannot update in place: Mode can only be set at creation");
  update.after = after;
  EXPECT_FALSE(fake.Update(update));
  after = before;
  after.Set("Size", Value::Number("2"));
  planned = fake.PlanUpdate(before, after);
  ASSERT_TRUE(planned);
  ASSERT_EQ(planned->size(), 1u);
  EXPECT_EQ(planned->front().description, "Size changed");
  EXPECT_TRUE(fake.PlanUpdate(before, before)->empty());
}

TEST(FakeProviderTest, GeneratedNamesFollowTheRules) {
  FakeProviderOptions options;
  options.names = NameRules{63, true};
  FakeProvider fake(options);
  std::string name = fake.GenerateName(std::string(80, 'S'), "MyBucket");
  EXPECT_EQ(name.size(), 63u);
  EXPECT_EQ(name, [&] {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower;
  }());
  EXPECT_NE(name.find("-mybucket-"), std::string::npos) << name;
  EXPECT_NE(fake.GenerateName("s", "L"), fake.GenerateName("s", "L"));
}

}  // namespace
}  // namespace sf::provider
