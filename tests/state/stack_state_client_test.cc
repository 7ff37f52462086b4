// StackStateClient against an in-process engine: records, revisions, locks, exports, the
// error documents, authentication and an engine that is not running.

#include <regex>

#include "client/http_client.h"
#include "engine_fixture.h"
#include "state/lock_lease.h"

namespace sf::state::test {
namespace {

using nlohmann::json;

TEST_F(EngineTest, HealthCarriesTheInstance) {
  StackStateClient client(endpoint_);
  auto health = client.Health();
  ASSERT_TRUE(health) << health.error().message;
  EXPECT_EQ((*health)["status"], "ok");
  EXPECT_TRUE(
      std::regex_match((*health)["instance"].get<std::string>(), std::regex("e-[0-9a-f]{16}")));
  EXPECT_EQ((*health)["instance"], engine_->instance());
}

TEST_F(EngineTest, PutGetRoundTripWithALargeTemplate) {
  StackStateClient client(endpoint_);
  auto lock = client.AcquireLock("shop-dev-data", "me", "apply", 60000);
  ASSERT_TRUE(lock) << lock.error().message;
  auto record = Record("shop-dev-data");
  record.tmpl = {"stacks/data.yaml", "sha256:1", std::string(12 << 20, 'x')};  // over 8 MiB
  record.resources["Q"] = {"Q",
                           "AWS::SQS::Queue",
                           "q-1",
                           "CREATE_COMPLETE",
                           {{"QueueName", "q-1"}},
                           json::object(),
                           {},
                           "",
                           1,
                           "i"};
  auto revision = client.PutStack("shop-dev-data", lock->lock_id, 0, record);
  ASSERT_TRUE(revision) << revision.error().message;
  EXPECT_EQ(*revision, 1);

  auto got = client.GetStack("shop-dev-data");
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->revision, 1);
  EXPECT_EQ((*got)->tmpl.text.size(), 12u << 20);
  EXPECT_EQ((*got)->resources.at("Q").properties["QueueName"], "q-1");
  auto missing = client.GetStack("shop-dev-none");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());

  auto listed = client.ListStacks("dev");
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_TRUE((*listed)[0].locked);
  EXPECT_TRUE(client.ListStacks("prod")->empty());

  ASSERT_TRUE(client.DeleteStack("shop-dev-data", lock->lock_id));
  EXPECT_EQ((*client.GetStack("shop-dev-data"))->status, "DELETE_COMPLETE");
  EXPECT_TRUE(client.ReleaseLock("shop-dev-data", lock->lock_id));
}

TEST_F(EngineTest, BodiesOverSixteenMebibytesAreRefused) {
  StackStateClient client(endpoint_);
  auto lock = client.AcquireLock("s", "me", "apply", 60000);
  ASSERT_TRUE(lock);
  auto record = Record("s");
  record.tmpl.text = std::string((16 << 20) + 1, 'x');
  auto refused = client.PutStack("s", lock->lock_id, 0, record);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().http_status, 413);
  EXPECT_EQ(refused.error().type, "RequestEntityTooLargeException");
  EXPECT_NE(refused.error().message.find("16 MiB"), std::string::npos);
}

TEST_F(EngineTest, RevisionMismatchIsAnError) {
  StackStateClient client(endpoint_);
  auto lock = client.AcquireLock("s", "me", "apply", 60000);
  ASSERT_TRUE(lock);
  ASSERT_TRUE(client.PutStack("s", lock->lock_id, 0, Record("s")));
  auto stale = client.PutStack("s", lock->lock_id, 0, Record("s"));
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().type, "RevisionMismatch");
  EXPECT_EQ(stale.error().http_status, 409);
  EXPECT_EQ(stale.error().body["revision"], 1);
  EXPECT_FALSE(stale.error().message.empty());
  auto unlocked = client.PutStack("s", "l-0", 1, Record("s"));
  ASSERT_FALSE(unlocked);
  EXPECT_EQ(unlocked.error().type, "LockNotHeld");
}

TEST_F(EngineTest, TwoClientsContendForALock) {
  StackStateClient alice(endpoint_);
  StackStateClient bob(endpoint_);
  auto held = alice.AcquireLock("s", "alice", "apply", 60000);
  ASSERT_TRUE(held);
  auto refused = bob.AcquireLock("s", "bob", "destroy", 60000);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().type, "StackLocked");
  EXPECT_EQ(refused.error().http_status, 409);
  EXPECT_EQ(refused.error().body["lock"]["owner"], "alice");
  EXPECT_EQ(refused.error().body["lock"]["lockId"], held->lock_id);
  EXPECT_EQ(bob.ReleaseLock("s", "l-bob").error().type, "LockNotHeld");
  ASSERT_TRUE(alice.ReleaseLock("s", held->lock_id));
  EXPECT_TRUE(bob.AcquireLock("s", "bob", "destroy", 60000));
}

TEST_F(EngineTest, ExportsListImportersAndInUseNamesTheImporter) {
  StackStateClient client(endpoint_);
  auto net = Record("net");
  net.outputs.push_back({"VpcId", "vpc-1", "dev-VpcId", ""});
  auto app = Record("app");
  app.imports = {"dev-VpcId"};
  auto net_lock = client.AcquireLock("net", "me", "apply", 60000);
  auto app_lock = client.AcquireLock("app", "me", "apply", 60000);
  ASSERT_TRUE(net_lock && app_lock);
  ASSERT_TRUE(client.PutStack("net", net_lock->lock_id, 0, net));
  ASSERT_TRUE(client.PutStack("app", app_lock->lock_id, 0, app));

  auto exports = client.Exports("dev");
  ASSERT_TRUE(exports) << exports.error().message;
  ASSERT_EQ(exports->size(), 1u);
  EXPECT_EQ((*exports)[0].name, "dev-VpcId");
  EXPECT_EQ((*exports)[0].value, "vpc-1");
  EXPECT_EQ((*exports)[0].stack, "net");
  EXPECT_EQ((*exports)[0].importers, std::vector<std::string>{"app"});

  net.outputs[0].value = "vpc-2";
  auto changed = client.PutStack("net", net_lock->lock_id, 1, net);
  ASSERT_FALSE(changed);
  EXPECT_EQ(changed.error().type, "ExportInUse");
  EXPECT_EQ(changed.error().body["importer"], "app");
  EXPECT_EQ(changed.error().body["export"], "dev-VpcId");
  auto deleted = client.DeleteStack("net", net_lock->lock_id);
  ASSERT_FALSE(deleted);
  EXPECT_EQ(deleted.error().type, "ExportInUse");

  auto twin = Record("twin");
  twin.outputs.push_back({"VpcId", "vpc-3", "dev-VpcId", ""});
  auto twin_lock = client.AcquireLock("twin", "me", "apply", 60000);
  auto clash = client.PutStack("twin", twin_lock->lock_id, 0, twin);
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().type, "ExportExists");
}

TEST_F(EngineTest, UnsignedAndWronglySignedRequestsAreRefused) {
  client::HttpClient plain;
  auto unsigned_reply = plain.Get(endpoint_.endpoint + "/_streamform/stacks");
  ASSERT_TRUE(unsigned_reply);
  EXPECT_EQ(unsigned_reply->status, 400);
  EXPECT_EQ(json::parse(unsigned_reply->body)["__type"], "MissingAuthenticationTokenException");

  EngineEndpoint wrong = endpoint_;
  wrong.credentials.secret_key = "not-the-secret";
  StackStateClient client(wrong);
  auto refused = client.ListStacks("");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().type, "InvalidSignatureException");
  EXPECT_EQ(refused.error().http_status, 400);
}

TEST_F(EngineTest, InvalidNamesAreValidationErrors) {
  StackStateClient client(endpoint_);
  auto refused = client.AcquireLock("9-starts-with-a-digit", "me", "apply", 1000);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().type, "ValidationException");
  EXPECT_EQ(refused.error().http_status, 400);
}

TEST(StackStateClientOffline, EngineNotRunningIsAConnectionError) {
  EngineEndpoint nowhere{
      "http://127.0.0.1:1", {"SFKAEXAMPLE", "secret", std::nullopt}, "us-east-1"};
  StackStateClient client(nowhere);
  auto listed = client.ListStacks("");
  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().type, "ConnectionError");
  EXPECT_EQ(listed.error().http_status, 0);
  auto health = client.Health();
  ASSERT_FALSE(health);
  EXPECT_EQ(health.error().type, "ConnectionError");
  auto lease = LockLease::Acquire(nowhere, "s", "me", "apply");
  ASSERT_FALSE(lease);
  EXPECT_EQ(lease.error().type, "ConnectionError");
}

}  // namespace
}  // namespace sf::state::test
