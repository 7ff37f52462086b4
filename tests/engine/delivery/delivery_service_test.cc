// The delivery service on a virtual clock with a real object store: objects by size and by
// interval, their keys and bodies, GZIP, a missing bucket (kept, retried, counted), replay after
// a reopen, updates, deletes and refusals.

#include "engine/delivery/delivery_service.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "../../support/temp_dir.h"

namespace sf::engine::delivery {
namespace {

constexpr int64_t kStart = 1709622489123;  // 2024-03-05T07:08:09.123Z

class DeliveryServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions store_options;
    store_options.clock = &clock_;
    auto objects = ObjectStore::Open(dir_.File("buckets"), store_options);
    ASSERT_TRUE(objects);
    objects_ = std::move(*objects);
    ASSERT_TRUE(objects_->CreateBucket("out"));
    Reopen();
  }
  void Reopen() {
    service_.reset();
    DeliveryServiceOptions options;
    options.data_dir = dir_.path();
    options.clock = &clock_;
    options.virtual_clock = true;
    options.objects = objects_.get();
    // Role checks as the engine wires them, driven by the test: a role named ".../unassumable"
    // is refused at definition, and writes are refused while `deny_writes_` says so.
    options.check_role = [](const std::string& role) -> std::optional<std::string> {
      if (role.ends_with("/unassumable")) return "Firehose is unable to assume role " + role;
      return std::nullopt;
    };
    options.authorize_write = [this](const std::string& role, const std::string& bucket,
                                     const std::string& key) -> std::optional<std::string> {
      ++write_checks_;
      last_checked_ = role + " " + bucket + " " + key;
      if (deny_writes_) return std::string("S3.AccessDenied: Access was denied.");
      return std::nullopt;
    };
    auto service = DeliveryService::Open(options);
    ASSERT_TRUE(service) << service.error().message;
    service_ = std::move(*service);
  }
  static DeliveryStream Stream(const std::string& name, int64_t size_mb = 1,
                               int64_t interval_s = 60) {
    DeliveryStream stream;
    stream.name = name;
    stream.destination.bucket_arn = "arn:aws:s3:::out";
    stream.destination.role_arn = "arn:aws:iam::000000000000:role/firehose";
    stream.destination.prefix = "delivery/!{timestamp:yyyy/MM/dd/HH}/";
    stream.destination.error_output_prefix = "errors/!{firehose:error-output-type}/";
    stream.destination.buffering = {size_mb, interval_s};
    return stream;
  }
  void Put(const std::string& name, std::vector<std::string> records) {
    std::vector<std::string_view> views(records.begin(), records.end());
    auto outcomes = service_->Put(name, views);
    ASSERT_TRUE(outcomes) << outcomes.error().message;
    for (const auto& outcome : *outcomes) EXPECT_EQ(outcome.error_code, "");
  }
  std::vector<std::string> Keys() {
    auto listed = objects_->ListObjectsV2("out", ListRequest{});
    std::vector<std::string> keys;
    if (listed) {
      for (const auto& object : listed->contents) keys.push_back(object.key);
    }
    return keys;
  }
  std::string Body(const std::string& key) {
    auto reader = objects_->GetObject("out", key);
    EXPECT_TRUE(reader);
    if (!reader) return "";
    std::string body((*reader)->length(), '\0');
    auto read = (*reader)->ReadAt(0, body.size(), body.data());
    EXPECT_TRUE(read);
    return body;
  }
  StreamMetrics Metrics(const std::string& name) {
    for (const auto& m : service_->Metrics()) {
      if (m.name == name) return m;
    }
    ADD_FAILURE() << "no metrics for " << name;
    return {};
  }

  testing_support::TempDir dir_{"delivery_service"};
  VirtualClock clock_{kStart};
  std::unique_ptr<ObjectStore> objects_;
  std::unique_ptr<DeliveryService> service_;
  bool deny_writes_ = false;
  int write_checks_ = 0;
  std::string last_checked_;
};

TEST_F(DeliveryServiceTest, AnObjectWhenTheIntervalPasses) {
  ASSERT_TRUE(service_->Create(Stream("events")));
  Put("events", {"{\"a\":1}\n", "{\"b\":2}\n"});
  clock_.Advance(30'000);
  Put("events", {"{\"c\":3}\n"});
  EXPECT_EQ(service_->FlushDue(), 0u);
  EXPECT_TRUE(Keys().empty());
  clock_.Advance(30'000);  // 60 s after the oldest record
  EXPECT_EQ(service_->FlushDue(), 1u);
  auto keys = Keys();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].rfind("delivery/2024/03/05/07/events-1-2024-03-05-07-08-09-", 0), 0u)
      << keys[0];
  EXPECT_EQ(Body(keys[0]), "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n");
  StreamMetrics m = Metrics("events");
  EXPECT_EQ(m.incoming_records, 3u);
  EXPECT_EQ(m.delivered_records, 3u);
  EXPECT_EQ(m.delivered_bytes, 24u);
  EXPECT_EQ(m.buffered_records, 0u);
  EXPECT_TRUE(m.last_put_succeeded);
}

TEST_F(DeliveryServiceTest, ObjectsWhenTheSizeIsReached) {
  ASSERT_TRUE(service_->Create(Stream("big", 1, 900)));
  std::string record(300 * 1024, 'x');
  Put("big", {record, record, record, record});  // 1.2 MiB: the fourth starts a new object
  EXPECT_EQ(service_->FlushDue(), 1u);           // no clock move needed
  auto keys = Keys();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(Body(keys[0]).size(), 3 * record.size());
  EXPECT_EQ(Metrics("big").buffered_records, 1u);
  clock_.Advance(900'000);
  EXPECT_EQ(service_->FlushDue(), 1u);
  EXPECT_EQ(Keys().size(), 2u);
}

TEST_F(DeliveryServiceTest, GzipObjectsDecompress) {
  DeliveryStream stream = Stream("zipped");
  stream.destination.compression = Compression::kGzip;
  ASSERT_TRUE(service_->Create(stream));
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "{\"n\":" + std::to_string(i) + "}\n";
  Put("zipped", {text});
  ASSERT_TRUE(service_->FlushNow("zipped"));
  auto keys = Keys();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].substr(keys[0].size() - 3), ".gz");
  std::string body = Body(keys[0]);
  EXPECT_LT(body.size(), text.size());
  z_stream z{};
  ASSERT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string out(text.size() + 16, '\0');
  z.next_in = reinterpret_cast<Bytef*>(body.data());
  z.avail_in = static_cast<uInt>(body.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  inflateEnd(&z);
  EXPECT_EQ(out, text);
}

TEST_F(DeliveryServiceTest, AMissingBucketKeepsTheDataAndRetries) {
  DeliveryStream stream = Stream("later");
  stream.destination.bucket_arn = "arn:aws:s3:::not-yet";
  ASSERT_TRUE(service_->Create(stream));
  Put("later", {"kept\n"});
  clock_.Advance(60'000);
  EXPECT_EQ(service_->FlushDue(), 0u);
  StreamMetrics m = Metrics("later");
  EXPECT_FALSE(m.last_put_succeeded);
  EXPECT_EQ(m.failed_puts, 1u);
  EXPECT_EQ(m.buffered_records, 1u);
  EXPECT_EQ(m.data_freshness_ms, 60'000);
  auto flushed = service_->FlushNow("later");
  ASSERT_FALSE(flushed);
  EXPECT_EQ(flushed.error().type, "ServiceUnavailableException");
  ASSERT_TRUE(objects_->CreateBucket("not-yet"));
  EXPECT_EQ(service_->FlushDue(), 0u);  // backing off
  clock_.Advance(120'000);
  EXPECT_EQ(service_->FlushDue(), 1u);
  EXPECT_TRUE(Metrics("later").last_put_succeeded);
  EXPECT_EQ(Metrics("later").buffered_records, 0u);
}

TEST_F(DeliveryServiceTest, ARoleThatMayNotWriteKeepsTheDataAndRetries) {
  DeliveryStream refused = Stream("refused");
  refused.destination.role_arn = "arn:aws:iam::000000000000:role/unassumable";
  auto created = service_->Create(refused);
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().type, "InvalidArgumentException");
  EXPECT_NE(created.error().message.find("unable to assume role"), std::string::npos);
  ASSERT_TRUE(service_->Create(Stream("denied")));
  auto update =
      service_->UpdateDestination("denied", "1", kDestinationId, [](DeliveryStream& stream) {
        stream.destination.role_arn = "arn:aws:iam::000000000000:role/unassumable";
        return ApiResult<void>{};
      });
  ASSERT_FALSE(update);
  EXPECT_EQ(update.error().type, "InvalidArgumentException");

  deny_writes_ = true;
  Put("denied", {"kept\n"});
  clock_.Advance(60'000);
  EXPECT_EQ(service_->FlushDue(), 0u);
  EXPECT_EQ(write_checks_, 1);
  EXPECT_EQ(last_checked_.rfind("arn:aws:iam::000000000000:role/firehose out delivery/", 0), 0u)
      << last_checked_;
  EXPECT_EQ(Metrics("denied").failed_puts, 1u);
  EXPECT_EQ(Metrics("denied").buffered_records, 1u);
  EXPECT_TRUE(Keys().empty());
  auto flushed = service_->FlushNow("denied");
  ASSERT_FALSE(flushed);
  EXPECT_NE(flushed.error().message.find("S3.AccessDenied"), std::string::npos);
  deny_writes_ = false;
  clock_.Advance(120'000);
  EXPECT_EQ(service_->FlushDue(), 1u);
  ASSERT_EQ(Keys().size(), 1u);
  EXPECT_EQ(Body(Keys()[0]), "kept\n");
}

TEST_F(DeliveryServiceTest, BufferedRecordsAreReplayedAfterAReopen) {
  ASSERT_TRUE(service_->Create(Stream("durable")));
  Put("durable", {"one\n", "two\n"});
  Reopen();  // as after SIGKILL: nothing was flushed
  auto facts = service_->Buffered("durable");
  ASSERT_TRUE(facts);
  EXPECT_EQ(facts->records, 2u);
  EXPECT_EQ(facts->oldest_ms, kStart);
  Put("durable", {"three\n"});
  clock_.Advance(60'000);
  EXPECT_EQ(service_->FlushDue(), 1u);
  auto keys = Keys();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(Body(keys[0]), "one\ntwo\nthree\n");
  auto stream = service_->Get("durable");
  ASSERT_TRUE(stream);
  EXPECT_EQ(stream->destination.prefix, "delivery/!{timestamp:yyyy/MM/dd/HH}/");
}

TEST_F(DeliveryServiceTest, UpdatesApplyToLaterObjectsAndBumpTheVersion) {
  ASSERT_TRUE(service_->Create(Stream("moving")));
  auto stale = service_->UpdateDestination("moving", "7", kDestinationId,
                                           [](DeliveryStream&) -> ApiResult<void> { return {}; });
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().type, "ConcurrentModificationException");
  auto updated = service_->UpdateDestination("moving", "1", kDestinationId,
                                             [](DeliveryStream& s) -> ApiResult<void> {
                                               s.destination.prefix = "moved/";
                                               s.destination.error_output_prefix = "";
                                               return {};
                                             });
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->version, 2);
  Put("moving", {"x"});
  ASSERT_TRUE(service_->FlushNow("moving"));
  auto keys = Keys();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].rfind("moved/2024/03/05/07/moving-2-", 0), 0u) << keys[0];
  auto bad = service_->UpdateDestination("moving", "2", kDestinationId,
                                         [](DeliveryStream& s) -> ApiResult<void> {
                                           s.destination.prefix = "p/!{timestamp:yyyy}/";
                                           return {};
                                         });
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().type, "InvalidArgumentException");
}

TEST_F(DeliveryServiceTest, NamesAreUniqueAndDeletesDropTheBuffer) {
  ASSERT_TRUE(service_->Create(Stream("once")));
  auto again = service_->Create(Stream("once"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().type, "ResourceInUseException");
  EXPECT_EQ(again.error().message, "Firehose once under accountId 000000000000 already exists");
  Put("once", {"dropped"});
  ASSERT_TRUE(service_->Delete("once"));
  auto gone = service_->Put("once", {});
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().message, "Firehose once under account 000000000000 not found.");
  Reopen();
  EXPECT_TRUE(service_->List().empty());
  ASSERT_TRUE(service_->Create(Stream("once")));
  auto facts = service_->Buffered("once");
  ASSERT_TRUE(facts);
  EXPECT_EQ(facts->records, 0u);
}

TEST_F(DeliveryServiceTest, RefusesWhatItCannotDeliver) {
  DeliveryStream stream = Stream("bad");
  stream.destination.bucket_arn = "arn:aws:s3:::out/sub";
  auto refused = service_->Create(stream);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().type, "InvalidArgumentException");
  stream = Stream("bad");
  stream.destination.kept["ProcessingConfiguration"] = R"({"Enabled":true})";
  EXPECT_FALSE(service_->Create(stream));
  stream.destination.kept["ProcessingConfiguration"] = R"({"Enabled":false})";
  EXPECT_TRUE(service_->Create(stream));
}

}  // namespace
}  // namespace sf::engine::delivery
