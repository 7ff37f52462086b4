// The contracts of provider.h, checked against every provider: the fake providers (as a
// stream and as a bucket) and the engine-backed ones on an in-process engine.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>

#include "local_engine.h"
#include "provider/fake/fake_provider.h"
#include "provider/fan_out.h"
#include "provider/local/kinesis_stream_provider.h"
#include "provider/local/s3_bucket_provider.h"

namespace sf::provider {
namespace {

enum class Kind { kStream, kBucket };

// One provider under test, with what the tests need to know about its type.
struct Backend {
  Kind kind = Kind::kStream;
  std::unique_ptr<testing::LocalEngine> engine;  // local backends only
  std::unique_ptr<Provider> provider;
  // Puts `objects` objects (and, where the backend can, one open multipart upload) in a bucket.
  std::function<void(const std::string& bucket, int objects)> seed;
};

struct Target {
  std::string label;
  std::function<std::unique_ptr<Backend>()> make;
};

std::unique_ptr<Backend> FakeStream() {
  auto backend = std::make_unique<Backend>();
  FakeProviderOptions options;
  options.type_name = "AWS::Kinesis::Stream";
  options.name_property = "Name";
  options.create_only = {"Name", "StreamModeDetails"};
  backend->provider = std::make_unique<FakeProvider>(options);
  return backend;
}

std::unique_ptr<Backend> FakeBucket() {
  auto backend = std::make_unique<Backend>();
  backend->kind = Kind::kBucket;
  FakeProviderOptions options;
  options.type_name = "AWS::S3::Bucket";
  options.name_property = "BucketName";
  options.create_only = {"BucketName"};
  options.names = NameRules{63, true};
  options.holds_data = true;
  auto fake = std::make_unique<FakeProvider>(options);
  FakeProvider* raw = fake.get();
  backend->provider = std::move(fake);
  backend->seed = [raw](const std::string& bucket, int objects) {
    DataFacts facts;
    facts.objects = objects;
    facts.bytes = objects * 5;
    facts.open_uploads = 1;
    ASSERT_TRUE(raw->SetData(bucket, facts));
  };
  return backend;
}

std::unique_ptr<Backend> LocalStream() {
  auto backend = std::make_unique<Backend>();
  backend->engine = std::make_unique<testing::LocalEngine>();
  const auto& engine = *backend->engine;
  backend->provider = std::make_unique<KinesisStreamProvider>(
      engine.endpoint(), engine.credentials(), engine.region());
  return backend;
}

std::unique_ptr<Backend> LocalBucket() {
  auto backend = std::make_unique<Backend>();
  backend->kind = Kind::kBucket;
  backend->engine = std::make_unique<testing::LocalEngine>();
  const testing::LocalEngine* engine = backend->engine.get();
  backend->provider = std::make_unique<S3BucketProvider>(engine->endpoint(), engine->credentials(),
                                                         engine->region());
  backend->seed = [engine](const std::string& bucket, int objects) {
    auto s3 = engine->Client("s3");
    for (int i = 0; i < objects; ++i) {
      auto put = s3.Send("PUT", "/" + bucket + "/object-" + std::to_string(i), "", "hello");
      ASSERT_TRUE(put) << put.error().message;
      ASSERT_EQ(put->status, 200) << put->body;
    }
    auto upload = s3.Send("POST", "/" + bucket + "/pending", "uploads=", "");
    ASSERT_TRUE(upload) << upload.error().message;
    ASSERT_EQ(upload->status, 200) << upload->body;
  };
  return backend;
}

class ConformanceTest : public ::testing::TestWithParam<Target> {
 protected:
  void SetUp() override {
    backend_ = GetParam().make();
    if (backend_->engine) {
      ASSERT_TRUE(backend_->engine->running());
    }
  }
  Provider& provider() { return *backend_->provider; }
  Kind kind() const { return backend_->kind; }
  const std::string& name_property() { return provider().name_property(); }

  std::string NewId() { return provider().GenerateName("conf-stack", "Thing"); }

  // Properties for a new resource named `id`.
  Value Properties(const std::string& id) {
    Value tags = Value::List(
        {Value::Map({{"Key", Value::String("team")}, {"Value", Value::String("data")}})});
    if (kind() == Kind::kBucket)
      return Value::Map({{"BucketName", Value::String(id)}, {"Tags", tags}});
    return Value::Map({{"Name", Value::String(id)},
                       {"ShardCount", Value::Number("2")},
                       {"RetentionPeriodHours", Value::Number("48")},
                       {"Tags", tags}});
  }

  Result<LiveState> Create(const std::string& id, const Value& properties) {
    CreateRequest request;
    request.context = {"conf-stack", "Thing", nullptr};
    request.physical_id = id;
    request.properties = properties;
    return provider().Create(request);
  }

  Status Delete(const std::string& id) {
    DeleteRequest request;
    request.context = {"conf-stack", "Thing", nullptr};
    request.physical_id = id;
    return provider().Delete(request);
  }

  LiveState ReadOne(const std::string& id) {
    auto results = provider().Read(std::span<const std::string>(&id, 1));
    EXPECT_EQ(results.size(), 1u);
    EXPECT_TRUE(results[0]) << results[0].error().message;
    return results[0] ? *results[0] : LiveState{};
  }

  // Every property the state claims to observe has the value `expected` gives it, and an
  // observed property `expected` leaves out is absent (except those the backend defaults).
  static void ExpectObserved(const LiveState& state, const Value& expected) {
    for (const std::string& name : state.observed) {
      const Value* want = expected.Find(name);
      const Value* got = state.properties.Find(name);
      if (want == nullptr) continue;  // not set: the backend's default shows
      ASSERT_NE(got, nullptr) << name;
      EXPECT_EQ(got->ToJson(), want->ToJson()) << name;
    }
    for (const auto& [name, value] : state.properties.members()) {
      EXPECT_NE(std::find(state.observed.begin(), state.observed.end(), name), state.observed.end())
          << name << " is reported but not listed as observed";
    }
  }

  std::unique_ptr<Backend> backend_;
};

TEST_P(ConformanceTest, ReadOfAnAbsentResourceIsAStateNotAnError) {
  std::string id = NewId();
  LiveState state = ReadOne(id);
  EXPECT_FALSE(state.exists);
  EXPECT_EQ(state.physical_id, id);
}

TEST_P(ConformanceTest, CreateReturnsWhatReadObserves) {
  std::string id = NewId();
  Value properties = Properties(id);
  auto created = Create(id, properties);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_TRUE(created->exists);
  EXPECT_EQ(created->physical_id, id);
  ExpectObserved(*created, properties);
  LiveState read = ReadOne(id);
  ASSERT_TRUE(read.exists);
  EXPECT_EQ(read.properties, created->properties);
  EXPECT_EQ(read.observed, created->observed);
  EXPECT_EQ(read.created_ms, created->created_ms);
  EXPECT_EQ(read.incarnation, created->incarnation);
  EXPECT_FALSE(read.incarnation.empty());
  EXPECT_GT(read.created_ms, 0);
  ASSERT_EQ(read.properties.Find(name_property())->text(), id);
  // What can be predicted is what the resource got.
  for (const auto& [name, value] : provider().PredictAttributes(id, properties)) {
    ASSERT_EQ(read.attributes.count(name), 1u) << name;
    EXPECT_EQ(read.attributes.at(name), value) << name;
  }
  EXPECT_EQ(read.attributes.count("Arn"), 1u);
}

TEST_P(ConformanceTest, CreateOfATakenIdIsRefused) {
  std::string id = NewId();
  ASSERT_TRUE(Create(id, Properties(id)));
  auto again = Create(id, Properties(id));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(again.error().message.find("already exists"), std::string::npos)
      << again.error().message;
}

TEST_P(ConformanceTest, UpdateStepsReachTheTargetOneStepAtATime) {
  std::string id = NewId();
  Value before = Properties(id);
  ASSERT_TRUE(Create(id, before));
  Value after = before;
  after.Set(
      "Tags",
      Value::List({Value::Map({{"Key", Value::String("owner")}, {"Value", Value::String("ops")}}),
                   Value::Map({{"Key", Value::String("zone")}, {"Value", Value::String("b")}})}));
  if (kind() == Kind::kStream) {
    after.Set("ShardCount", Value::Number("10"));
    after.Set("RetentionPeriodHours", Value::Number("72"));
  }
  auto steps = provider().PlanUpdate(before, after);
  ASSERT_TRUE(steps) << steps.error().message;
  ASSERT_FALSE(steps->empty());
  Value current = before;
  for (const UpdateStep& step : *steps) {
    EXPECT_FALSE(step.description.empty());
    UpdateRequest request;
    request.context = {"conf-stack", "Thing", nullptr};
    request.physical_id = id;
    request.before = current;
    request.after = step.properties;
    auto updated = provider().Update(request);
    ASSERT_TRUE(updated) << step.description << ": " << updated.error().message;
    ExpectObserved(*updated, step.properties);
    ExpectObserved(ReadOne(id), step.properties);
    current = step.properties;
  }
  EXPECT_EQ(current, after);
  // And back: tags removed entirely, retention decreased.
  Value reverted = after;
  std::erase_if(reverted.members(), [](const Value::Member& m) { return m.first == "Tags"; });
  if (kind() == Kind::kStream) reverted.Set("RetentionPeriodHours", Value::Number("24"));
  auto back = provider().PlanUpdate(after, reverted);
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(back->size(), 1u);
  UpdateRequest request;
  request.physical_id = id;
  request.before = after;
  request.after = back->front().properties;
  auto updated = provider().Update(request);
  ASSERT_TRUE(updated) << updated.error().message;
  LiveState read = ReadOne(id);
  ExpectObserved(read, reverted);
  EXPECT_EQ(read.properties.Find("Tags"), nullptr) << "no tags left: Tags is absent";
  EXPECT_EQ(provider().PlanUpdate(reverted, reverted)->size(), 0u);
}

TEST_P(ConformanceTest, ChangingTheNameCannotBeDoneInPlace) {
  std::string id = NewId();
  Value before = Properties(id);
  Value after = before;
  after.Set(name_property(), Value::String(NewId()));
  auto steps = provider().PlanUpdate(before, after);
  ASSERT_FALSE(steps);
  EXPECT_EQ(steps.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(steps.error().message.starts_with("cannot update in place: "))
      << steps.error().message;
}

TEST_P(ConformanceTest, DeleteRemovesAndDeletingTheAbsentSucceeds) {
  std::string id = NewId();
  ASSERT_TRUE(Create(id, Properties(id)));
  ASSERT_TRUE(ReadOne(id).exists);
  auto deleted = Delete(id);
  ASSERT_TRUE(deleted) << deleted.error().message;
  EXPECT_FALSE(ReadOne(id).exists);
  auto again = Delete(id);
  EXPECT_TRUE(again) << again.error().message;
  auto never = Delete(NewId());
  EXPECT_TRUE(never) << never.error().message;
}

TEST_P(ConformanceTest, DataHeldAndEmpty) {
  std::string id = NewId();
  ASSERT_TRUE(Create(id, Properties(id)));
  if (kind() == Kind::kStream) {
    auto facts = provider().DataHeld(id);
    ASSERT_TRUE(facts) << facts.error().message;
    EXPECT_FALSE(facts->known);  // no honest count of retained records
    auto emptied = provider().Empty(id);
    ASSERT_FALSE(emptied);
    EXPECT_EQ(emptied.error().code, ErrorCode::kInvalidArgument);
    return;
  }
  auto empty = provider().DataHeld(id);
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_TRUE(empty->known);
  EXPECT_TRUE(empty->empty());
  backend_->seed(id, 3);
  auto held = provider().DataHeld(id);
  ASSERT_TRUE(held) << held.error().message;
  EXPECT_TRUE(held->known);
  EXPECT_EQ(held->objects, 3);
  EXPECT_EQ(held->bytes, 15);
  EXPECT_EQ(held->open_uploads, 1);
  EXPECT_FALSE(held->at_least);
  auto refused = Delete(id);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find(id), std::string::npos) << refused.error().message;
  EXPECT_TRUE(ReadOne(id).exists);
  auto emptied = provider().Empty(id);
  ASSERT_TRUE(emptied) << emptied.error().message;
  auto after = provider().DataHeld(id);
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_TRUE(after->empty());
  ASSERT_TRUE(Delete(id));
  EXPECT_FALSE(ReadOne(id).exists);
  EXPECT_FALSE(provider().DataHeld(id));
  EXPECT_TRUE(provider().Empty(id)) << "emptying an absent bucket has nothing to do";
}

TEST_P(ConformanceTest, ReadsTwoHundredResourcesInOneBatch) {
  constexpr size_t kCount = 200;
  std::vector<std::string> ids(kCount);
  for (auto& id : ids) id = NewId();
  std::vector<Status> created(kCount);
  ForEachParallel(kCount, 8, 1, [&](size_t i) {
    Value properties = Properties(ids[i]);
    if (kind() == Kind::kStream) properties.Set("ShardCount", Value::Number("1"));
    auto state = Create(ids[i], properties);
    created[i] = state ? Status{} : Status(tl::unexpected(state.error()));
  });
  for (const auto& status : created) ASSERT_TRUE(status) << status.error().message;
  ids.push_back(NewId());  // and one that does not exist
  auto start = std::chrono::steady_clock::now();
  auto results = provider().Read(ids);
  auto elapsed =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
  std::cout << "[ timing ] " << GetParam().label << ": Read of " << ids.size() << " resources in "
            << elapsed.count() << " ms\n";
  start = std::chrono::steady_clock::now();
  auto again = provider().Read(ids);  // the clients' connections are open now
  elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
  std::cout << "[ timing ] " << GetParam().label << ": again in " << elapsed.count() << " ms\n";
  ASSERT_EQ(again.size(), ids.size());
  ASSERT_EQ(results.size(), ids.size());
  for (size_t i = 0; i < kCount; ++i) {
    ASSERT_TRUE(results[i]) << results[i].error().message;
    EXPECT_TRUE(results[i]->exists) << ids[i];
    EXPECT_EQ(results[i]->physical_id, ids[i]);
  }
  ASSERT_TRUE(results.back());
  EXPECT_FALSE(results.back()->exists);
  EXPECT_LT(elapsed.count(), 1000.0);
}

INSTANTIATE_TEST_SUITE_P(Providers, ConformanceTest,
                         ::testing::Values(Target{"FakeStream", FakeStream},
                                           Target{"FakeBucket", FakeBucket},
                                           Target{"LocalStream", LocalStream},
                                           Target{"LocalBucket", LocalBucket}),
                         [](const auto& param_info) { return param_info.param.label; });

}  // namespace
}  // namespace sf::provider
