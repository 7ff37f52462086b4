// Event-source mappings end to end below the HTTP layer: a real StreamService, the real
// MappingService and consumers, and a scripted runtime standing in for the workers.

#include "mapping_test_util.h"

#include <atomic>
#include <map>
#include <set>

namespace sf::engine::mapping_test {
namespace {

std::vector<KeyData> Records(const std::string& key, int from, int to) {
  std::vector<KeyData> records;
  for (int i = from; i < to; ++i) records.push_back({key, std::to_string(i)});
  return records;
}

std::vector<std::string> Numbers(int from, int to) {
  std::vector<std::string> numbers;
  for (int i = from; i < to; ++i) numbers.push_back(std::to_string(i));
  return numbers;
}

TEST_F(MappingTest, DeliversAwsEventShapeInOrderWithinBatchSize) {
  Create("s", 1);
  Put("s", Records("k", 0, 25));
  MappingConfig config = Config("s");
  config.batch_size = 10;
  CreateMapping(config);
  ASSERT_TRUE(Eventually([&] { return SeenData().size() == 25; }));
  EXPECT_EQ(SeenData(), Numbers(0, 25));
  for (const auto& event : runtime_.events()) EXPECT_LE(event["Records"].size(), 10u);
  const nlohmann::json record = runtime_.events()[0]["Records"][0];
  EXPECT_EQ(record["eventSource"], "aws:kinesis");
  EXPECT_EQ(record["eventVersion"], "1.0");
  EXPECT_EQ(record["eventName"], "aws:kinesis:record");
  EXPECT_EQ(record["awsRegion"], "us-east-1");
  EXPECT_EQ(record["invokeIdentityArn"], kRole);
  EXPECT_EQ(record["eventSourceARN"], "arn:aws:kinesis:us-east-1:000000000000:stream/s");
  EXPECT_EQ(record["kinesis"]["kinesisSchemaVersion"], "1.0");
  EXPECT_EQ(record["kinesis"]["partitionKey"], "k");
  std::string sequence = record["kinesis"]["sequenceNumber"];
  EXPECT_EQ(record["eventID"], ShardId(0) + ":" + sequence);
  EXPECT_NEAR(record["kinesis"]["approximateArrivalTimestamp"].get<double>(), kStartMs / 1000.0,
              0.001);
}

TEST_F(MappingTest, BatchesThatAddUpToMoreThanOneEventsWorthKeepFlowing) {
  // 1,000 records of 8 KiB in batches of 10: 11 MB in all, more than the 6 MB a consumer may
  // hold. What leaves the buffer must be counted out of it, or reading stops.
  Create("s", 1);
  std::string big(8192, 'x');
  for (int chunk = 0; chunk < 10; ++chunk) {
    std::vector<KeyData> records;
    for (int i = 0; i < 100; ++i) records.push_back({"k", big});
    Put("s", records);
  }
  MappingConfig config = Config("s");
  config.batch_size = 10;
  CreateMapping(config);
  ASSERT_TRUE(Eventually([&] { return SeenData().size() == 1000; })) << SeenData().size();
}

TEST_F(MappingTest, RecordsPutLaterArriveWithoutPolling) {
  Create("s", 2);
  CreateMapping(Config("s"));
  for (int i = 0; i < 5; ++i) {
    Put("s", {{"key" + std::to_string(i), std::to_string(i)}});
    ASSERT_TRUE(Eventually([&] { return SeenData().size() == static_cast<size_t>(i) + 1; }));
  }
}

TEST_F(MappingTest, LatestSkipsWhatWasThereAndTakesWhatComesAfter) {
  Create("s", 1);
  Put("s", Records("k", 0, 3));
  MappingConfig config = Config("s");
  config.starting_position = mapping::StartingPosition::kLatest;
  CreateMapping(config);
  Put("s", Records("k", 3, 5));
  ASSERT_TRUE(Eventually([&] { return SeenData().size() >= 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(SeenData(), Numbers(3, 5));
}

TEST_F(MappingTest, PartialFailureRetriesFromTheLowestReportedRecord) {
  Create("s", 1);
  std::atomic<int> calls{0};
  runtime_.SetHandler([&](const nlohmann::json& event) {
    if (calls++ > 0) return Ok(R"({"batchItemFailures":[]})");
    // Report records 7 and 4 failed: the mapping retries from 4.
    std::string four = event["Records"][4]["kinesis"]["sequenceNumber"];
    std::string seven = event["Records"][7]["kinesis"]["sequenceNumber"];
    return Ok(R"({"batchItemFailures":[{"itemIdentifier":")" + seven + R"("},{"itemIdentifier":")" +
              four + R"("}]})");
  });
  Put("s", Records("k", 0, 10));
  MappingConfig config = Config("s");
  config.report_batch_item_failures = true;
  CreateMapping(config);
  ASSERT_TRUE(Eventually([&] { return runtime_.events().size() == 2; }));
  EXPECT_EQ(DataOf(runtime_.events()[1]), Numbers(4, 10));
}

TEST_F(MappingTest, MalformedBatchItemFailuresFailTheWholeBatch) {
  Create("s", 1);
  std::atomic<int> calls{0};
  runtime_.SetHandler([&](const nlohmann::json&) {
    switch (calls++) {
      case 0:
        return Ok("this is not json");
      case 1:
        return Ok(R"({"batchItemFailures":[{"itemIdentifier":"999"}]})");
      case 2:
        return Ok(R"({"batchItemFailures":[{"id":"x"}]})");
      default:
        return Ok(R"({"batchItemFailures":null})");
    }
  });
  Put("s", Records("k", 0, 3));
  MappingConfig config = Config("s");
  config.report_batch_item_failures = true;
  std::string uuid = CreateMapping(config);
  ASSERT_TRUE(Eventually([&] { return runtime_.events().size() == 4; }));
  for (const auto& event : runtime_.events()) EXPECT_EQ(DataOf(event), Numbers(0, 3));
  auto log = Log();
  ASSERT_GE(log.size(), 3u);
  EXPECT_NE(log[0].find("the response is not JSON"), std::string::npos) << log[0];
  EXPECT_NE(log[1].find("is not a record of the batch"), std::string::npos) << log[1];
  EXPECT_NE(log[2].find("has no itemIdentifier"), std::string::npos) << log[2];
  ASSERT_TRUE(Eventually([&] { return mappings_->Get(uuid)->last_processing_result == "OK"; }));
}

TEST_F(MappingTest, BisectIsolatesAPoisonRecordAndSendsItOnFailure) {
  Create("s", 1);
  Create("dlq", 1);
  runtime_.SetHandler([](const nlohmann::json& event) {
    for (const auto& data : DataOf(event)) {
      if (data == "5") return Error("poison");
    }
    return Ok();
  });
  auto put = Put("s", Records("k", 0, 8));
  MappingConfig config = Config("s");
  config.bisect_on_error = true;
  config.maximum_retry_attempts = 1;
  config.on_failure_destination = "arn:aws:kinesis:us-east-1:000000000000:stream/dlq";
  std::string uuid = CreateMapping(config);
  auto dlq = [&] { return ReadAll(Iterator("dlq", ShardId(0), IteratorType::kTrimHorizon)); };
  ASSERT_TRUE(Eventually([&] { return dlq().size() == 1; }));
  auto failure = nlohmann::json::parse(dlq()[0].data);
  EXPECT_EQ(failure["requestContext"]["condition"], "RetryAttemptsExhausted");
  EXPECT_EQ(failure["requestContext"]["functionArn"],
            "arn:aws:lambda:us-east-1:000000000000:function:consumer");
  // The poison record was in every batch that failed: 8, 4, 2, then alone twice.
  EXPECT_EQ(failure["requestContext"]["approximateInvokeCount"], 5);
  EXPECT_EQ(failure["responseContext"]["functionError"], "Unhandled");
  EXPECT_EQ(failure["version"], "1.0");
  const auto& batch = failure["KinesisBatchInfo"];
  EXPECT_EQ(batch["shardId"], ShardId(0));
  EXPECT_EQ(batch["batchSize"], 1);
  EXPECT_EQ(batch["startSequenceNumber"], put.results[5].sequence_number);
  EXPECT_EQ(batch["endSequenceNumber"], put.results[5].sequence_number);
  EXPECT_EQ(batch["streamArn"], config.stream_arn);
  // Every other record reached the handler in a batch that succeeded, in order.
  std::vector<std::string> succeeded;
  for (const auto& event : runtime_.events()) {
    auto data = DataOf(event);
    if (std::find(data.begin(), data.end(), "5") == data.end()) {
      succeeded.insert(succeeded.end(), data.begin(), data.end());
    }
  }
  EXPECT_EQ(succeeded, (std::vector<std::string>{"0", "1", "2", "3", "4", "6", "7"}));
  auto metrics = mappings_->Metrics();
  ASSERT_EQ(metrics.size(), 1u);
  EXPECT_EQ(metrics[0].records_discarded, 1u);
}

TEST_F(MappingTest, RetriesWithoutBisectCountEveryAttempt) {
  Create("s", 1);
  runtime_.SetHandler([](const nlohmann::json&) { return Error(); });
  Put("s", Records("k", 0, 4));
  MappingConfig config = Config("s");
  config.maximum_retry_attempts = 2;
  CreateMapping(config);
  ASSERT_TRUE(Eventually([&] { return runtime_.events().size() == 3; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(runtime_.events().size(), 3u);  // 1 + 2 retries, then discarded (no destination)
  EXPECT_NE(Log().back().find("retries exhausted"), std::string::npos);
}

TEST_F(MappingTest, RecordsOlderThanTheMaximumAgeAreNotSent) {
  Create("s", 1);
  Create("dlq", 1);
  Put("s", Records("k", 0, 3));
  clock_.Advance(120 * 1000);
  Put("s", Records("k", 3, 5));
  MappingConfig config = Config("s");
  config.maximum_record_age_seconds = 60;
  config.on_failure_destination = "arn:aws:kinesis:us-east-1:000000000000:stream/dlq";
  CreateMapping(config);
  ASSERT_TRUE(Eventually([&] { return SeenData().size() == 2; }));
  EXPECT_EQ(SeenData(), Numbers(3, 5));
  auto dlq = ReadAll(Iterator("dlq", ShardId(0), IteratorType::kTrimHorizon));
  ASSERT_EQ(dlq.size(), 1u);
  auto failure = nlohmann::json::parse(dlq[0].data);
  EXPECT_EQ(failure["requestContext"]["condition"], "RecordAgeExceeded");
  EXPECT_EQ(failure["KinesisBatchInfo"]["batchSize"], 3);
}

TEST_F(MappingTest, ThrottlesRetryWithoutUsingUpAttempts) {
  Create("s", 1);
  std::atomic<int> calls{0};
  runtime_.SetHandler([&](const nlohmann::json&) {
    if (calls++ < 3) {
      InvokeResult throttled;
      throttled.status = InvokeResult::Status::kThrottled;
      return throttled;
    }
    return Ok();
  });
  Put("s", Records("k", 0, 2));
  MappingConfig config = Config("s");
  config.maximum_retry_attempts = 0;
  CreateMapping(config);
  ASSERT_TRUE(Eventually([&] { return calls.load() == 4; }));
  EXPECT_EQ(DataOf(runtime_.events()[3]), Numbers(0, 2));
}

TEST_F(MappingTest, TumblingWindowCarriesStateAndClosesWithAFinalInvocation) {
  Create("s", 1);
  runtime_.SetHandler([](const nlohmann::json& event) {
    int count = event["state"].value("count", 0) + static_cast<int>(event["Records"].size());
    return Ok(nlohmann::json({{"state", {{"count", count}}}}).dump());
  });
  Put("s", Records("k", 0, 3));
  MappingConfig config = Config("s");
  config.tumbling_window_seconds = 60;
  config.batch_size = 2;
  CreateMapping(config);
  ASSERT_TRUE(Eventually([&] { return SeenData().size() == 3; }));
  clock_.Advance(61 * 1000);
  ASSERT_TRUE(Eventually([&] {
    auto events = runtime_.events();
    return !events.empty() && events.back()["isFinalInvokeForWindow"] == true;
  }));
  auto events = runtime_.events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0]["state"], nlohmann::json::object());
  EXPECT_EQ(events[1]["state"]["count"], 2);
  EXPECT_EQ(events[2]["state"]["count"], 3);
  EXPECT_TRUE(events[2]["Records"].empty());
  EXPECT_EQ(events[2]["shardId"], ShardId(0));
  EXPECT_EQ(events[2]["isWindowTerminatedEarly"], false);
  int64_t start = kStartMs - kStartMs % 60000;
  EXPECT_EQ(events[2]["window"]["start"], mapping::IsoMillis(start));
  EXPECT_EQ(events[2]["window"]["end"], mapping::IsoMillis(start + 60000));
}

TEST_F(MappingTest, TumblingWindowWithoutStateIsAFailure) {
  Create("s", 1);
  std::atomic<int> calls{0};
  runtime_.SetHandler([&](const nlohmann::json&) {
    return calls++ == 0 ? Ok(R"({"batchItemFailures":[]})") : Ok(R"({"state":{}})");
  });
  Put("s", Records("k", 0, 2));
  MappingConfig config = Config("s");
  config.tumbling_window_seconds = 30;
  CreateMapping(config);
  ASSERT_TRUE(Eventually([&] { return calls.load() >= 2; }));
  EXPECT_NE(Log()[0].find("\"state\""), std::string::npos);
}

TEST_F(MappingTest, ParallelizationRunsKeysConcurrentlyAndKeepsEachKeyInOrder) {
  Create("s", 1);
  std::atomic<int> running{0}, most{0};
  runtime_.SetHandler([&](const nlohmann::json&) {
    int now = ++running;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    --running;
    return Ok();
  });
  std::vector<KeyData> records;
  for (int i = 0; i < 400; ++i) {
    records.push_back({"key-" + std::to_string(i % 16), std::to_string(i)});
  }
  Put("s", records);
  MappingConfig config = Config("s");
  config.parallelization_factor = 4;
  config.batch_size = 10;
  CreateMapping(config);
  ASSERT_TRUE(Eventually([&] { return SeenData().size() == 400; }));
  EXPECT_GT(most.load(), 1);
  std::map<std::string, int> last;  // per key, the last number seen
  for (const auto& event : runtime_.events()) {
    for (const auto& record : event["Records"]) {
      std::string key = record["kinesis"]["partitionKey"];
      int number = std::stoi(*Base64Decode(record["kinesis"]["data"].get<std::string>()));
      auto found = last.find(key);
      if (found != last.end()) {
        EXPECT_LT(found->second, number) << key;
      }
      last[key] = number;
    }
  }
}

TEST_F(MappingTest, ARestartResumesAtTheCheckpointWithNothingSkipped) {
  Create("s", 1);
  Put("s", Records("k", 0, 10));
  MappingConfig config = Config("s");
  config.batch_size = 5;
  CreateMapping(config);
  ASSERT_TRUE(Eventually([&] { return SeenData().size() == 10; }));
  // Let the checkpoint land, then stop as a crash would and put more while down.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  RestartMappings();
  size_t before = runtime_.events().size();
  Put("s", Records("k", 10, 15));
  ASSERT_TRUE(Eventually([&] { return SeenData().size() == 15; }));
  auto events = runtime_.events();
  ASSERT_EQ(events.size(), before + 1);
  EXPECT_EQ(DataOf(events.back()), Numbers(10, 15));
}

TEST_F(MappingTest, ABatchInFlightWhenStoppedIsSentAgainAfterTheRestart) {
  Create("s", 1);
  std::atomic<bool> hang{true};
  runtime_.SetHandler([&](const nlohmann::json&) {
    while (hang.load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return Ok();
  });
  Put("s", Records("k", 0, 3));
  CreateMapping(Config("s"));
  ASSERT_TRUE(Eventually([&] { return runtime_.events().size() == 1; }));
  RestartMappings();  // the batch was never checkpointed
  hang = false;
  ASSERT_TRUE(Eventually([&] { return runtime_.events().size() == 2; }));
  EXPECT_EQ(DataOf(runtime_.events()[1]), Numbers(0, 3));
}

TEST_F(MappingTest, AfterAReshardParentsAreDrainedBeforeChildren) {
  Create("s", 1);
  std::atomic<bool> slow{true};
  runtime_.SetHandler([&](const nlohmann::json&) {
    if (slow.load()) std::this_thread::sleep_for(std::chrono::milliseconds(30));
    return Ok();
  });
  Put("s", Records("k", 0, 20));
  MappingConfig config = Config("s");
  config.batch_size = 2;
  CreateMapping(config);
  ASSERT_TRUE(IsOk(svc().UpdateShardCount("s", 2)));
  Put("s", Records("k", 20, 30));
  ASSERT_TRUE(Eventually([&] { return SeenData().size() == 30; }));
  EXPECT_EQ(SeenData(), Numbers(0, 30));
}

TEST_F(MappingTest, UpdateAndDisableKeepTheCheckpoint) {
  Create("s", 1);
  Put("s", Records("k", 0, 3));
  std::string uuid = CreateMapping(Config("s"));
  ASSERT_TRUE(Eventually([&] { return SeenData().size() == 3; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  mapping::MappingChange disable;
  disable.enabled = false;
  auto updated = mappings_->Update(uuid, disable);
  ASSERT_TRUE(updated.has_value());
  EXPECT_EQ(updated->state, "Disabling");
  Put("s", Records("k", 3, 5));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(SeenData().size(), 3u);
  mapping::MappingChange enable;
  enable.enabled = true;
  enable.batch_size = 1;
  ASSERT_TRUE(mappings_->Update(uuid, enable).has_value());
  ASSERT_TRUE(Eventually([&] { return SeenData().size() == 5; }));
  EXPECT_EQ(SeenData(), Numbers(0, 5));
  EXPECT_EQ(mappings_->Get(uuid)->config.batch_size, 1);
}

TEST_F(MappingTest, CreateRefusesUnknownFunctionsStreamsAndDuplicates) {
  Create("s", 1);
  MappingConfig config = Config("s");
  config.function_name = "nope";
  EXPECT_EQ(mappings_->Create(config).error().type, "ResourceNotFoundException");
  config = Config("missing");
  EXPECT_EQ(mappings_->Create(config).error().type, "InvalidParameterValueException");
  CreateMapping(Config("s"));
  EXPECT_EQ(mappings_->Create(Config("s")).error().type, "ResourceConflictException");
  config = Config("s");
  config.maximum_record_age_seconds = 30;
  EXPECT_EQ(mappings_->Create(config).error().type, "InvalidParameterValueException");
}

TEST_F(MappingTest, MappingsAndSettingsSurviveARestart) {
  Create("s", 1);
  MappingConfig config = Config("s");
  config.batch_size = 7;
  config.bisect_on_error = true;
  config.on_failure_destination = "arn:aws:s3:::bucket";
  std::string uuid = CreateMapping(config);
  RestartMappings();
  auto found = mappings_->Get(uuid);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->config.batch_size, 7);
  EXPECT_TRUE(found->config.bisect_on_error);
  EXPECT_EQ(found->config.on_failure_destination, "arn:aws:s3:::bucket");
  ASSERT_TRUE(mappings_->Delete(uuid).has_value());
  EXPECT_EQ(mappings_->Get(uuid).error().type, "ResourceNotFoundException");
}

}  // namespace
}  // namespace sf::engine::mapping_test
