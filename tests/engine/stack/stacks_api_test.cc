// The stack routes (src/engine/api/stacks): route and query parsing, body limits, and requests
// straight to StacksApi::Handle (no sockets), answered from the work pool.

#include <future>

#include "base/work_pool.h"
#include "engine/api/stacks/stacks_api.h"
#include "stack_test_util.h"

namespace sf::engine::stack_test {
namespace {

using nlohmann::json;

TEST(StackRequest, RoutesMethodsAndNames) {
  auto route = [](const char* method, const char* path) { return ParseStackCall(method, path); };
  EXPECT_EQ(route("GET", "/_streamform/stacks")->route, StackRoute::kList);
  EXPECT_EQ(route("GET", "/_streamform/exports")->route, StackRoute::kExports);
  EXPECT_EQ(route("GET", "/_streamform/stacks/a-b1")->route, StackRoute::kGet);
  EXPECT_EQ(route("GET", "/_streamform/stacks/a-b1")->name, "a-b1");
  EXPECT_EQ(route("PUT", "/_streamform/stacks/a")->route, StackRoute::kPut);
  EXPECT_EQ(route("DELETE", "/_streamform/stacks/a")->route, StackRoute::kDelete);
  EXPECT_EQ(route("POST", "/_streamform/stacks/a/lock")->route, StackRoute::kAcquireLock);
  EXPECT_EQ(route("DELETE", "/_streamform/stacks/a/lock")->route, StackRoute::kReleaseLock);
  EXPECT_EQ(route("POST", "/_streamform/stacks/a/journal")->route, StackRoute::kAppendJournal);
  EXPECT_EQ(route("GET", "/_streamform/stacks/a/events")->route, StackRoute::kEvents);

  EXPECT_EQ(route("POST", "/_streamform/stacks").error().status, 405);
  EXPECT_EQ(route("GET", "/_streamform/stacks/a/lock").error().status, 405);
  EXPECT_EQ(route("GET", "/_streamform/stacks/a/other").error().status, 404);
  EXPECT_EQ(route("GET", "/_streamform/stacks/a/events/x").error().status, 404);
  auto bad_name = route("GET", "/_streamform/stacks/1abc");
  ASSERT_FALSE(bad_name);
  EXPECT_EQ(bad_name.error().status, 400);
  EXPECT_EQ(bad_name.error().type, "ValidationException");
  EXPECT_FALSE(route("GET", "/_streamform/stacks/a%20b"));
  EXPECT_FALSE(route("GET", "/_streamform/stacks/a_b"));
  EXPECT_FALSE(route("GET", ("/_streamform/stacks/a" + std::string(128, 'b')).c_str()));
  EXPECT_TRUE(route("GET", ("/_streamform/stacks/a" + std::string(127, 'b')).c_str()));

  EXPECT_TRUE(IsStackPath("/_streamform/stacks"));
  EXPECT_TRUE(IsStackPath("/_streamform/stacks/x/lock"));
  EXPECT_TRUE(IsStackPath("/_streamform/exports"));
  EXPECT_FALSE(IsStackPath("/_streamform/stacksx"));
  EXPECT_FALSE(IsStackPath("/_streamform/clock"));
}

TEST(StackRequest, QueryAndBodies) {
  auto query = ParseQuery("stage=d%2Dev&lockId=l-1&after=5&flag&stage=second");
  EXPECT_EQ(query["stage"], "d-ev");
  EXPECT_EQ(query["lockId"], "l-1");
  EXPECT_EQ(query["flag"], "");
  EXPECT_EQ(*QueryInteger(query, "after", 0, 10, 0), 5);
  EXPECT_EQ(*QueryInteger(query, "limit", 1, 10, 7), 7);
  EXPECT_FALSE(QueryInteger(query, "after", 6, 10, 0));
  EXPECT_FALSE(QueryInteger(ParseQuery("after=5x"), "after", 0, 10, 0));

  EXPECT_TRUE(ParseJsonBody(R"({"a": [1, {"b": 2}]})"));
  EXPECT_FALSE(ParseJsonBody("[1]"));
  EXPECT_FALSE(ParseJsonBody("{"));
  std::string deep = "{\"a\":" + std::string(200, '[') + std::string(200, ']') + "}";
  auto too_deep = ParseJsonBody(deep);
  ASSERT_FALSE(too_deep);
  EXPECT_NE(too_deep.error().message.find("nested"), std::string::npos);
  std::string very_deep(1 << 20, '[');  // never built, so never recursed into
  EXPECT_FALSE(ParseJsonBody("{\"a\":" + very_deep));
}

class StacksApiTest : public StackStoreTest {
 protected:
  struct Answer {
    int status = 0;
    json body;
  };

  Answer Call(const std::string& method, const std::string& target, const json& body = nullptr) {
    HttpRequest request;
    request.method = method;
    request.target = target;
    size_t question = target.find('?');
    request.path = target.substr(0, question);
    request.query = question == std::string::npos ? "" : target.substr(question + 1);
    if (!body.is_null()) request.body = body.dump();
    std::promise<HttpResponse> answered;
    api_->Handle(std::move(request),
                 [&answered](HttpResponse response) { answered.set_value(std::move(response)); });
    HttpResponse response = answered.get_future().get();
    return {response.status, json::parse(response.body, nullptr, false)};
  }

  void SetUp() override {
    StackStoreTest::SetUp();
    api_ = std::make_unique<StacksApi>(*store_, pool_);
  }

  WorkPool pool_{2, "test-stacks"};
  std::unique_ptr<StacksApi> api_;  // after the store is open
};

TEST_F(StacksApiTest, ServesTheContract) {
  auto lock = Call("POST", "/_streamform/stacks/net/lock",
                   {{"owner", "me"}, {"operation", "apply"}, {"ttlMs", 60000}});
  ASSERT_EQ(lock.status, 200) << lock.body.dump();
  std::string lock_id = lock.body["lockId"];
  auto record = stackapi::ToJson(Record("net", "dev", {{"VpcId", "vpc-1"}}));
  auto put = Call("PUT", "/_streamform/stacks/net",
                  {{"lockId", lock_id}, {"expectRevision", 0}, {"record", record}});
  ASSERT_EQ(put.status, 200) << put.body.dump();
  EXPECT_EQ(put.body["revision"], 1);

  auto mismatch = Call("PUT", "/_streamform/stacks/net",
                       {{"lockId", lock_id}, {"expectRevision", 0}, {"record", record}});
  EXPECT_EQ(mismatch.status, 409);
  EXPECT_EQ(mismatch.body["__type"], "RevisionMismatch");
  EXPECT_EQ(mismatch.body["revision"], 1);
  EXPECT_TRUE(mismatch.body["message"].is_string());

  auto got = Call("GET", "/_streamform/stacks/net");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body["revision"], 1);
  EXPECT_EQ(Call("GET", "/_streamform/stacks/none").body["__type"], "StackNotFound");
  EXPECT_EQ(Call("GET", "/_streamform/stacks/none").status, 404);

  auto list = Call("GET", "/_streamform/stacks?stage=dev");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body["stacks"][0]["locked"], true);
  EXPECT_EQ(Call("GET", "/_streamform/stacks?stage=prod").body["stacks"].size(), 0u);

  json entry = {{"kind", "apply-begin"}, {"applyId", "a-1"}};
  auto appended = Call("POST", "/_streamform/stacks/net/journal",
                       {{"lockId", lock_id}, {"entries", {entry, entry}}});
  ASSERT_EQ(appended.status, 200) << appended.body.dump();
  EXPECT_EQ(appended.body["seq"], 2);
  auto events = Call("GET", "/_streamform/stacks/net/events?after=1&limit=5");
  ASSERT_EQ(events.status, 200);
  ASSERT_EQ(events.body["events"].size(), 1u);
  EXPECT_EQ(events.body["events"][0]["seq"], 2);
  EXPECT_EQ(events.body["events"][0]["timeMs"], kStartMs);

  auto exports = Call("GET", "/_streamform/exports?stage=dev");
  ASSERT_EQ(exports.status, 200);
  EXPECT_EQ(exports.body["exports"][0]["name"], "VpcId");
  EXPECT_EQ(exports.body["exports"][0]["importers"], json::array());

  auto locked = Call("POST", "/_streamform/stacks/net/lock",
                     {{"owner", "other"}, {"operation", "destroy"}, {"ttlMs", 1000}});
  EXPECT_EQ(locked.status, 409);
  EXPECT_EQ(locked.body["__type"], "StackLocked");
  EXPECT_EQ(locked.body["lock"]["owner"], "me");

  EXPECT_EQ(Call("DELETE", "/_streamform/stacks/net?lockId=" + lock_id).status, 200);
  EXPECT_EQ(Call("GET", "/_streamform/stacks/net").body["status"], "DELETE_COMPLETE");
  EXPECT_EQ(Call("DELETE", "/_streamform/stacks/net/lock?lockId=l-x").body["__type"],
            "LockNotHeld");
  EXPECT_EQ(Call("DELETE", "/_streamform/stacks/net/lock?lockId=" + lock_id).status, 200);
}

TEST_F(StacksApiTest, RefusesMalformedRequests) {
  auto expect_invalid = [&](const Answer& answer, const std::string& mentions) {
    EXPECT_EQ(answer.status, 400) << answer.body.dump();
    EXPECT_EQ(answer.body["__type"], "ValidationException");
    EXPECT_NE(answer.body["message"].get<std::string>().find(mentions), std::string::npos)
        << answer.body.dump();
  };
  expect_invalid(Call("PUT", "/_streamform/stacks/s", {{"expectRevision", 0}}), "lockId");
  expect_invalid(Call("PUT", "/_streamform/stacks/s",
                      {{"lockId", "l"}, {"expectRevision", -1}, {"record", json::object()}}),
                 "expectRevision");
  expect_invalid(Call("PUT", "/_streamform/stacks/s", {{"lockId", "l"}, {"expectRevision", 0}}),
                 "record");
  expect_invalid(Call("POST", "/_streamform/stacks/s/lock", {{"owner", "o"}, {"operation", "a"}}),
                 "ttlMs");
  expect_invalid(Call("POST", "/_streamform/stacks/s/lock",
                      {{"owner", "o"}, {"operation", "a"}, {"ttlMs", 0}}),
                 "ttlMs");
  expect_invalid(Call("POST", "/_streamform/stacks/s/journal",
                      {{"lockId", "l"}, {"entries", {{{"kind", 5}}}}}),
                 "entries[0]");
  expect_invalid(Call("DELETE", "/_streamform/stacks/s"), "lockId");
  expect_invalid(Call("GET", "/_streamform/stacks/s/events?limit=0"), "limit");
  expect_invalid(Call("GET", "/_streamform/stacks/9s"), "stackName");
  EXPECT_EQ(Call("PATCH", "/_streamform/stacks/s").status, 405);

  std::string lock_id = Lock("s");
  expect_invalid(Call("PUT", "/_streamform/stacks/s",
                      {{"lockId", lock_id},
                       {"expectRevision", 0},
                       {"record", {{"name", "s"}, {"revision", "x"}}}}),
                 "revision");
}

}  // namespace
}  // namespace sf::engine::stack_test
