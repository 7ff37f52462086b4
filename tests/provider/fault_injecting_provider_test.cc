#include "provider/fault_injecting_provider.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "local_engine.h"
#include "provider/fake/fake_provider.h"
#include "provider/local/s3_bucket_provider.h"

namespace sf::provider {
namespace {

FaultPlan Plan(const std::string& spec) {
  auto plan = ParseFaultPlan(spec);
  EXPECT_TRUE(plan) << plan.error().message;
  return plan ? *plan : FaultPlan{};
}

CreateRequest CreateOf(const std::string& logical_id, const std::string& id) {
  CreateRequest request;
  request.context.stack_name = "stack";
  request.context.logical_id = logical_id;
  request.physical_id = id;
  request.properties = Value::Map();
  return request;
}

DeleteRequest DeleteOf(const std::string& logical_id, const std::string& id) {
  DeleteRequest request;
  request.context.logical_id = logical_id;
  request.physical_id = id;
  return request;
}

class FaultInjectionTest : public ::testing::Test {
 protected:
  // The wrapper over a fake the test can still inspect.
  std::unique_ptr<FaultInjectingProvider> Wrap(const std::string& spec,
                                               FakeProviderOptions options = {}) {
    auto fake = std::make_unique<FakeProvider>(options);
    fake_ = fake.get();
    return std::make_unique<FaultInjectingProvider>(std::move(fake), Plan(spec));
  }
  FakeProvider* fake_ = nullptr;
};

TEST_F(FaultInjectionTest, FailBeforeHasNoSideEffect) {
  auto provider = Wrap("create:Bucket2:fail-before");
  auto created = provider->Create(CreateOf("Bucket2", "b2"));
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, ErrorCode::kIo);
  EXPECT_TRUE(created.error().message.starts_with("injected failure")) << created.error().message;
  EXPECT_NE(created.error().message.find("Bucket2"), std::string::npos);
  EXPECT_EQ(fake_->calls(FakeOperation::kCreate), 0);
  EXPECT_FALSE(fake_->LiveProperties("b2"));
  EXPECT_TRUE(provider->Create(CreateOf("Bucket1", "b1"))) << "other logical ids pass";
}

TEST_F(FaultInjectionTest, FailAfterPerformsTheCallThenFails) {
  auto provider = Wrap("create:Bucket2:fail-after");
  auto created = provider->Create(CreateOf("Bucket2", "b2"));
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, ErrorCode::kIo);
  EXPECT_NE(created.error().message.find("injected failure after create of Bucket2"),
            std::string::npos)
      << created.error().message;
  EXPECT_TRUE(fake_->LiveProperties("b2")) << "the side effect happened";
}

TEST_F(FaultInjectionTest, NthCallOnlyFaultsThatCall) {
  auto provider = Wrap("delete:Stream:2:fail-before");
  ASSERT_TRUE(provider->Create(CreateOf("Stream", "s")));
  EXPECT_TRUE(provider->Delete(DeleteOf("Stream", "s")));
  EXPECT_TRUE(provider->Delete(DeleteOf("Other", "s"))) << "another logical id does not count";
  auto second = provider->Delete(DeleteOf("Stream", "s"));
  ASSERT_FALSE(second);
  EXPECT_TRUE(provider->Delete(DeleteOf("Stream", "s")));
  EXPECT_EQ(fake_->calls(FakeOperation::kDelete), 3);
}

TEST_F(FaultInjectionTest, DelaySlowsTheCall) {
  auto provider = Wrap("update:*:delay=200ms");
  ASSERT_TRUE(provider->Create(CreateOf("A", "a")));
  UpdateRequest update;
  update.context.logical_id = "A";
  update.physical_id = "a";
  update.before = Value::Map();
  update.after = Value::Map({{"X", Value::Number("1")}});
  auto start = std::chrono::steady_clock::now();
  auto updated = provider->Update(update);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_GE(elapsed, std::chrono::milliseconds(200));
  EXPECT_EQ(updated->properties.Find("X")->text(), "1");
}

TEST_F(FaultInjectionTest, HangBlocksUntilReleased) {
  ResetHungFaults();
  auto provider = Wrap("create:A:hang");
  Result<LiveState> result = Fail(ErrorCode::kInternal, "not run");
  std::thread caller([&] { result = provider->Create(CreateOf("A", "a")); });
  for (int i = 0; i < 200 && HungFaultCalls() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(HungFaultCalls(), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(fake_->calls(FakeOperation::kCreate), 0) << "still hung";
  ReleaseHungFaults();
  caller.join();
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(HungFaultCalls(), 0);
  EXPECT_TRUE(fake_->LiveProperties("a"));
  EXPECT_TRUE(provider->Create(CreateOf("A", "a2"))) << "released: later hangs pass";
  ResetHungFaults();
}

TEST_F(FaultInjectionTest, ReadAndDataHeldMatchOnlyTheAnyLogicalId) {
  auto provider = Wrap("read:A:fail-before;read:*:2:fail-before");
  ASSERT_TRUE(provider->Create(CreateOf("A", "a")));
  std::vector<std::string> ids = {"a", "b"};
  auto first = provider->Read(ids);
  ASSERT_TRUE(first[0] && first[1]);
  auto second = provider->Read(ids);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_FALSE(second[0]);
  EXPECT_FALSE(second[1]);
  EXPECT_TRUE(provider->DataHeld("a")) << "the 3rd read";
}

TEST_F(FaultInjectionTest, EmptyCountsAsDeleteAndPlanningHooksForward) {
  FakeProviderOptions options;
  options.holds_data = true;
  options.type_name = "Test::Bucket";
  auto provider = Wrap("delete:*:1:fail-before", options);
  EXPECT_EQ(provider->type_name(), "Test::Bucket");
  EXPECT_EQ(provider->name_property(), "Name");
  ASSERT_TRUE(provider->Create(CreateOf("A", "a")));
  EXPECT_FALSE(provider->Empty("a"));
  EXPECT_TRUE(provider->Delete(DeleteOf("A", "a")));
  auto steps = provider->PlanUpdate(Value::Map(), Value::Map({{"X", Value::Number("1")}}));
  ASSERT_TRUE(steps);
  EXPECT_EQ(steps->size(), 1u);
  EXPECT_EQ(provider->PredictAttributes("a", Value::Map()).count("Arn"), 1u);
}

TEST(WrapWithFaultsTest, WrapsEveryProviderWithOneSharedSchedule) {
  ProviderRegistry registry;
  FakeProviderOptions streams, buckets;
  streams.type_name = "AWS::Kinesis::Stream";
  buckets.type_name = "AWS::S3::Bucket";
  registry.Register(std::make_unique<FakeProvider>(streams));
  registry.Register(std::make_unique<FakeProvider>(buckets));
  WrapWithFaults(registry, Plan("create:*:2:fail-before"));
  EXPECT_EQ(registry.TypeNames(),
            (std::vector<std::string>{"AWS::Kinesis::Stream", "AWS::S3::Bucket"}));
  Provider* stream = registry.Find("AWS::Kinesis::Stream");
  Provider* bucket = registry.Find("AWS::S3::Bucket");
  ASSERT_NE(dynamic_cast<FaultInjectingProvider*>(stream), nullptr);
  ASSERT_NE(dynamic_cast<FaultInjectingProvider*>(bucket), nullptr);
  EXPECT_TRUE(stream->Create(CreateOf("S", "s")));
  EXPECT_FALSE(bucket->Create(CreateOf("B", "b"))) << "the 2nd create of any type";
  EXPECT_TRUE(bucket->Create(CreateOf("B", "b")));
  EXPECT_EQ(registry.Find("Nope"), nullptr);
  WrapWithFaults(registry, FaultPlan{});  // an empty plan changes nothing
  EXPECT_EQ(registry.Find("AWS::S3::Bucket"), bucket);
}

// crash-after, on a real side effect: a forked child creates a bucket on the engine through
// the fault wrapper and dies with 137; the parent then finds the bucket.
TEST(CrashAfterTest, PerformsTheCallThenExits137) {
  testing::LocalEngine engine;
  ASSERT_TRUE(engine.running());
  const std::string bucket = "crash-after-bucket";
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto plan = ParseFaultPlan("create:Bucket:crash-after");
    FaultInjectingProvider provider(std::make_unique<S3BucketProvider>(
                                        engine.endpoint(), engine.credentials(), engine.region()),
                                    *plan);
    auto created = provider.Create(CreateOf("Bucket", bucket));
    ::_exit(created ? 1 : 2);  // not reached when the fault works
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 137);
  S3BucketProvider provider(engine.endpoint(), engine.credentials(), engine.region());
  auto states = provider.Read(std::vector<std::string>{bucket});
  ASSERT_TRUE(states[0]) << states[0].error().message;
  EXPECT_TRUE(states[0]->exists) << "the call ran before the crash";
}

}  // namespace
}  // namespace sf::provider
