// The Lambda REST API (src/engine/api/lambda) against a fake Runtime: every operation's happy
// path and errors, checked against botocore's lambda model where it names the shapes.

#include "engine/api/lambda/lambda_api.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "../../../support/temp_dir.h"
#include "../../function/store/zip_builder.h"
#include "base/base64.h"
#include "engine/api/lambda/lambda_route.h"

namespace sf::engine::lambda {
namespace {

using function::InvokeResult;
using nlohmann::json;

constexpr char kModel[] =
    "/usr/lib/python3/dist-packages/botocore/data/lambda/2015-03-31/service-2.json";

// Answers every Invoke with `next` (kThrottled at concurrency 0, as runtime.h promises),
// recording what it was given. Event invocations reach it from the queue's thread: read what
// it recorded through Payloads() and RequestIds() then.
class FakeRuntime : public function::Runtime {
 public:
  void Invoke(const function::FunctionSpec& spec, std::string payload,
              std::function<void(InvokeResult)> done) override {
    InvokeWithRequestId(spec, std::move(payload), "", std::move(done));
  }
  void InvokeWithRequestId(const function::FunctionSpec& spec, std::string payload,
                           std::string request_id,
                           std::function<void(InvokeResult)> done) override {
    InvokeResult result;
    {
      std::lock_guard lock(mu_);
      specs.push_back(spec);
      payloads.push_back(std::move(payload));
      request_ids.push_back(std::move(request_id));
      result = next;
    }
    if (spec.concurrency == 0) result.status = InvokeResult::Status::kThrottled;
    done(result);
  }
  std::vector<std::string> Payloads() {
    std::lock_guard lock(mu_);
    return payloads;
  }
  std::vector<std::string> RequestIds() {
    std::lock_guard lock(mu_);
    return request_ids;
  }
  void Drop(const std::string& name) override {
    std::lock_guard lock(mu_);
    dropped.push_back(name);
  }
  void HandleRuntimeApi(HttpRequest&&, Respond respond) override { respond(HttpResponse{}); }

  InvokeResult next;
  std::vector<function::FunctionSpec> specs;
  std::vector<std::string> payloads;
  std::vector<std::string> request_ids;
  std::vector<std::string> dropped;

 private:
  std::mutex mu_;
};

std::string Header(const HttpResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(),
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return value;
    }
  }
  return "";
}

std::set<std::string> ModelMembers(const std::string& shape) {
  std::ifstream in(kModel);
  json model = json::parse(in, nullptr, false);
  std::set<std::string> members;
  if (model.is_discarded()) return members;
  for (auto& [name, member] : model["shapes"][shape]["members"].items()) members.insert(name);
  return members;
}

class LambdaApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = function::FunctionStore::Open(dir_.path(), nullptr, clock_);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    LambdaApiOptions options;
    options.aws_environment =
        [](const function::FunctionConfig&) -> ApiResult<std::map<std::string, std::string>> {
      return function::EngineAwsEnvironment("AK", "SK", "us-east-1", "http://127.0.0.1:1");
    };
    function::EventQueueOptions queue_options;
    queue_options.data_dir = dir_.path();
    queue_options.clock = &clock_;
    queue_options.runtime = &runtime_;
    queue_options.poll = std::chrono::milliseconds(5);
    queue_options.resolve =
        [this](const std::string& name) -> std::optional<function::FunctionSpec> {
      auto spec = api_->LatestSpec(name);
      if (!spec) return std::nullopt;
      return *spec;
    };
    auto queue = function::EventQueue::Open(std::move(queue_options));
    ASSERT_TRUE(queue) << queue.error().message;
    queue_ = std::move(*queue);
    options.event_queue = queue_.get();
    api_ = std::make_unique<LambdaApi>(*store_, runtime_, pool_, options);
    queue_->Start();
  }

  void TearDown() override {  // its thread calls api_
    if (queue_) queue_->Stop();
  }

  // True once `predicate` holds (within 5 s): for what the queue's thread does.
  static bool Eventually(const std::function<bool()>& predicate) {
    for (int i = 0; i < 500 && !predicate(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return predicate();
  }

  HttpResponse Call(const std::string& method, const std::string& target, std::string body = "",
                    HttpHeaders headers = {}) {
    HttpRequest request;
    request.method = method;
    request.target = target;
    size_t question = target.find('?');
    request.path = target.substr(0, question);
    if (question != std::string::npos) request.query = target.substr(question + 1);
    request.headers = std::move(headers);
    request.body = std::move(body);
    auto promise = std::make_shared<std::promise<HttpResponse>>();
    auto future = promise->get_future();
    api_->Handle(std::move(request), [promise](HttpResponse r) { promise->set_value(r); });
    return future.get();
  }

  json Ok(const std::string& method, const std::string& target, const json& body = nullptr,
          int status = 200) {
    HttpResponse response = Call(method, target, body.is_null() ? "" : body.dump());
    EXPECT_EQ(response.status, status) << method << " " << target << " -> " << response.body;
    if (response.body.empty()) return nullptr;
    return json::parse(response.body);
  }

  static ::testing::AssertionResult IsError(const HttpResponse& response, const std::string& type,
                                            int status, const std::string& fragment = "") {
    if (response.status != status)
      return ::testing::AssertionFailure() << response.status << ": " << response.body;
    if (Header(response, "x-amzn-ErrorType") != type)
      return ::testing::AssertionFailure() << "type " << Header(response, "x-amzn-ErrorType");
    json body = json::parse(response.body, nullptr, false);
    std::string message_key =
        type == "ResourceNotFoundException" || type == "ServiceException" ? "Message" : "message";
    if (!body.is_object() || !body.contains("Type") || !body.contains(message_key))
      return ::testing::AssertionFailure() << "body " << response.body;
    if (body[message_key].get<std::string>().find(fragment) == std::string::npos)
      return ::testing::AssertionFailure() << "message " << body[message_key];
    return ::testing::AssertionSuccess();
  }

  json CreateBody(const std::string& name, const std::string& zip) {
    return {{"FunctionName", name},
            {"Runtime", "python3.11"},
            {"Role", "arn:aws:iam::000000000000:role/fn"},
            {"Handler", "handler.lambda_handler"},
            {"Code", {{"ZipFile", Base64Encode(zip)}}}};
  }

  json Create(const std::string& name) {
    return Ok("POST", "/2015-03-31/functions", CreateBody(name, testing_support::PythonZip()), 201);
  }

  testing_support::TempDir dir_{"lambda_api"};
  VirtualClock clock_{1700000000123};
  FakeRuntime runtime_;
  std::unique_ptr<function::EventQueue> queue_;  // before pool_, whose tasks enqueue
  WorkPool pool_{2, "lambda-test"};
  std::unique_ptr<function::FunctionStore> store_;
  std::unique_ptr<LambdaApi> api_;
};

TEST_F(LambdaApiTest, CreatesAndGetsInTheModelsShapes) {
  json created = Create("fn");
  auto members = ModelMembers("FunctionConfiguration");
  ASSERT_FALSE(members.empty()) << "botocore's lambda model is not at " << kModel;
  for (auto& [key, value] : created.items()) EXPECT_TRUE(members.count(key)) << key;
  EXPECT_EQ(created["FunctionArn"], "arn:aws:lambda:us-east-1:000000000000:function:fn");
  EXPECT_EQ(created["State"], "Active");
  EXPECT_EQ(created["Version"], "$LATEST");
  EXPECT_EQ(created["LastModified"], "2023-11-14T22:13:20.123+0000");
  EXPECT_EQ(created["Timeout"], 3);
  EXPECT_EQ(created["MemorySize"], 128);

  json got = Ok("GET", "/2015-03-31/functions/fn");
  for (auto& [key, value] : got.items())
    EXPECT_TRUE(ModelMembers("GetFunctionResponse").count(key));
  EXPECT_EQ(got["Configuration"], created);
  EXPECT_EQ(got["Code"]["RepositoryType"], "S3");
  EXPECT_EQ(Ok("GET", "/2015-03-31/functions/fn/configuration"), created);
  std::string arn = "arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Afn";
  EXPECT_EQ(Ok("GET", "/2015-03-31/functions/" + arn + "/configuration"), created);
  EXPECT_EQ(Ok("GET", "/2015-03-31/functions/fn?Qualifier=%24LATEST")["Configuration"], created);

  EXPECT_TRUE(IsError(Call("GET", "/2015-03-31/functions/nope"), "ResourceNotFoundException", 404,
                      "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope"));
  EXPECT_TRUE(IsError(Call("GET", "/2015-03-31/functions/fn?Qualifier=3"),
                      "ResourceNotFoundException", 404, "function:fn:3"));
  EXPECT_TRUE(IsError(Call("GET", "/2015-03-31/functions/a%20b"), "ValidationException", 400));
  EXPECT_TRUE(IsError(
      Call("POST", "/2015-03-31/functions", CreateBody("fn", testing_support::PythonZip()).dump()),
      "ResourceConflictException", 409, "Function already exist: fn"));
}

TEST_F(LambdaApiTest, CreateValidatesLikeLambda) {
  auto create = [&](json body) { return Call("POST", "/2015-03-31/functions", body.dump()); };
  json good = CreateBody("fn", testing_support::PythonZip());
  json body = good;
  body["Runtime"] = "nodejs18.x";
  EXPECT_TRUE(IsError(create(body), "InvalidParameterValueException", 400, "provided.al2023"));
  body = good;
  body.erase("Handler");
  EXPECT_TRUE(IsError(create(body), "InvalidParameterValueException", 400, "mandatory"));
  body = good;
  body["Role"] = "my-role";
  EXPECT_TRUE(IsError(create(body), "ValidationException", 400, "at 'role'"));
  body = good;
  body["Timeout"] = 901;
  EXPECT_TRUE(IsError(create(body), "ValidationException", 400, "less than or equal to 900"));
  body = good;
  body["MemorySize"] = 64;
  EXPECT_TRUE(IsError(create(body), "ValidationException", 400, "greater than or equal to 128"));
  body = good;
  body["Timeout"] = "3";
  EXPECT_TRUE(IsError(create(body), "InvalidRequestContentException", 400));
  body = good;
  body["Environment"] = {{"Variables", {{"AWS_REGION", "x"}, {"LAMBDA_TASK_ROOT", "y"}}}};
  EXPECT_TRUE(IsError(create(body), "InvalidParameterValueException", 400,
                      "contains reserved keys that are currently not supported for "
                      "modification. Reserved keys used in this request: AWS_REGION, "
                      "LAMBDA_TASK_ROOT"));
  body = good;
  body["Environment"] = {{"Variables", {{"BIG", std::string(4096, 'x')}}}};
  EXPECT_TRUE(IsError(create(body), "InvalidParameterValueException", 400, "exceeded the 4KB"));
  body["Environment"] = {{"Variables", {{"TZ", "x"}, {"LANG", "y"}}}};  // not reserved
  EXPECT_EQ(create(body).status, 201);
  Call("DELETE", "/2015-03-31/functions/fn");
  body = good;
  body["Code"] = {{"ZipFile", Base64Encode("not a zip")}};
  EXPECT_TRUE(IsError(create(body), "InvalidParameterValueException", 400, "Could not unzip"));
  body = good;
  body["Code"] = json::object();
  EXPECT_TRUE(IsError(create(body), "InvalidParameterValueException", 400, "source"));
  EXPECT_TRUE(
      IsError(Call("POST", "/2015-03-31/functions", "{"), "InvalidRequestContentException", 400));
  EXPECT_TRUE(IsError(Call("GET", "/2015-03-31/nothing"), "ResourceNotFoundException", 404));
  EXPECT_TRUE(store_->List().empty());
}

TEST_F(LambdaApiTest, ListsInPages) {
  for (const char* name : {"e", "b", "d", "a", "c"}) Create(name);
  std::vector<std::string> seen;
  std::string marker;
  int pages = 0;
  do {
    json page = Ok(
        "GET", "/2015-03-31/functions/?MaxItems=2" + (marker.empty() ? "" : "&Marker=" + marker));
    for (const auto& f : page["Functions"]) seen.push_back(f["FunctionName"]);
    marker = page.value("NextMarker", "");
    ++pages;
  } while (!marker.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(Ok("GET", "/2015-03-31/functions/")["Functions"].size(), 5u);
  EXPECT_TRUE(IsError(Call("GET", "/2015-03-31/functions/?MaxItems=0"),
                      "InvalidParameterValueException", 400));
}

TEST_F(LambdaApiTest, UpdatesCodeAndConfiguration) {
  json created = Create("fn");
  json code = Ok("PUT", "/2015-03-31/functions/fn/code",
                 {{"ZipFile", Base64Encode(testing_support::PythonZip("2"))}});
  EXPECT_NE(code["CodeSha256"], created["CodeSha256"]);
  EXPECT_NE(code["RevisionId"], created["RevisionId"]);
  json config = Ok("PUT", "/2015-03-31/functions/fn/configuration",
                   {{"Timeout", 60},
                    {"Environment", {{"Variables", {{"AB", "1"}}}}},
                    {"RevisionId", code["RevisionId"]}});
  EXPECT_EQ(config["Timeout"], 60);
  EXPECT_EQ(config["Environment"]["Variables"]["AB"], "1");
  EXPECT_EQ(config["Handler"], created["Handler"]);
  EXPECT_TRUE(IsError(Call("PUT", "/2015-03-31/functions/fn/configuration",
                           json{{"Timeout", 5}, {"RevisionId", code["RevisionId"]}}.dump()),
                      "PreconditionFailedException", 412));
  EXPECT_TRUE(IsError(Call("PUT", "/2015-03-31/functions/ghost/code", "{}"),
                      "ResourceNotFoundException", 404));
  EXPECT_TRUE(IsError(
      Call("PUT", "/2015-03-31/functions/fn/configuration", json{{"Runtime", "java11"}}.dump()),
      "InvalidParameterValueException", 400, "java11"));
}

TEST_F(LambdaApiTest, DeletesAndDropsWorkers) {
  Create("fn");
  EXPECT_TRUE(IsError(Call("DELETE", "/2015-03-31/functions/fn?Qualifier=%24LATEST"),
                      "InvalidParameterValueException", 400));
  HttpResponse deleted = Call("DELETE", "/2015-03-31/functions/fn");
  EXPECT_EQ(deleted.status, 204);
  EXPECT_EQ(runtime_.dropped, std::vector<std::string>{"fn"});
  EXPECT_TRUE(
      IsError(Call("DELETE", "/2015-03-31/functions/fn"), "ResourceNotFoundException", 404));
}

TEST_F(LambdaApiTest, InvokesThroughTheRuntime) {
  Create("fn");
  runtime_.next.payload = R"({"ok":true})";
  runtime_.next.request_id = "req-1";
  runtime_.next.log_tail = "START\nhello\nEND\n";
  HttpResponse response = Call("POST", "/2015-03-31/functions/fn/invocations", R"({"k":1})",
                               {{"X-Amz-Log-Type", "Tail"}});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"ok":true})");
  EXPECT_EQ(Header(response, "X-Amz-Executed-Version"), "$LATEST");
  EXPECT_EQ(Header(response, "X-Amz-Function-Error"), "");
  EXPECT_EQ(*Base64Decode(Header(response, "X-Amz-Log-Result")), "START\nhello\nEND\n");
  ASSERT_EQ(runtime_.specs.size(), 1u);
  const auto& spec = runtime_.specs[0];
  EXPECT_EQ(runtime_.payloads[0], R"({"k":1})");
  EXPECT_EQ(spec.handler, "handler.lambda_handler");
  EXPECT_EQ(spec.revision, store_->Get("fn")->revision_id);
  EXPECT_EQ(spec.aws_environment.at("AWS_ACCESS_KEY_ID"), "AK");
  EXPECT_EQ(spec.concurrency, 10);

  Call("POST", "/2015-03-31/functions/fn/invocations");
  EXPECT_EQ(runtime_.payloads.back(), "{}") << "no payload is an empty event";

  runtime_.next.status = InvokeResult::Status::kFunctionError;
  runtime_.next.payload = R"({"errorMessage":"boom","errorType":"ValueError"})";
  response = Call("POST", "/2015-03-31/functions/fn/invocations", "{}");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(Header(response, "X-Amz-Function-Error"), "Unhandled");
  EXPECT_EQ(Header(response, "X-Amz-Log-Result"), "");
  EXPECT_EQ(response.body, runtime_.next.payload);

  runtime_.next.status = InvokeResult::Status::kThrottled;
  EXPECT_TRUE(IsError(Call("POST", "/2015-03-31/functions/fn/invocations", "{}"),
                      "TooManyRequestsException", 429));
}

TEST_F(LambdaApiTest, InvocationTypesAndLimits) {
  Create("fn");
  auto invoke = [&](std::string body, std::string type) {
    return Call("POST", "/2015-03-31/functions/fn/invocations", std::move(body),
                {{"X-Amz-Invocation-Type", type}});
  };
  EXPECT_EQ(invoke("{}", "DryRun").status, 204);
  EXPECT_TRUE(runtime_.specs.empty());
  HttpResponse accepted = invoke(R"({"e":1})", "Event");
  EXPECT_EQ(accepted.status, 202);
  ASSERT_TRUE(Eventually([&] { return !runtime_.Payloads().empty(); }));
  EXPECT_EQ(runtime_.Payloads(), std::vector<std::string>{R"({"e":1})"});
  EXPECT_EQ(runtime_.RequestIds()[0], Header(accepted, "x-amzn-RequestId"))
      << "the handler's aws_request_id is the id the caller got";
  EXPECT_TRUE(IsError(invoke("{}", "Later"), "ValidationException", 400, "invocationType"));
  EXPECT_TRUE(
      IsError(invoke("not json", "RequestResponse"), "InvalidRequestContentException", 400));
  std::string big = "\"" + std::string(kMaxSyncPayloadBytes, 'x') + "\"";
  EXPECT_TRUE(IsError(invoke(big, "RequestResponse"), "RequestTooLargeException", 413, "6291456"));
  std::string medium = "\"" + std::string(kMaxAsyncPayloadBytes, 'x') + "\"";
  EXPECT_TRUE(IsError(invoke(medium, "Event"), "RequestTooLargeException", 413, "262144"));
  EXPECT_TRUE(IsError(Call("POST", "/2015-03-31/functions/nope/invocations", "{}"),
                      "ResourceNotFoundException", 404));

  EXPECT_EQ(Ok("PUT", "/2017-10-31/functions/fn/concurrency",
               {{"ReservedConcurrentExecutions", 0}})["ReservedConcurrentExecutions"],
            0);
  HttpResponse throttled = invoke("{}", "RequestResponse");
  EXPECT_TRUE(IsError(throttled, "TooManyRequestsException", 429, "Rate Exceeded."));
  EXPECT_EQ(json::parse(throttled.body)["Reason"],
            "ReservedFunctionConcurrentInvocationLimitExceeded");
  EXPECT_EQ(runtime_.specs.back().concurrency, 0) << "the runtime throttles (and counts) it";
  EXPECT_EQ(invoke("{}", "Event").status, 202) << "queued: it waits for concurrency";
  EXPECT_EQ(Ok("GET", "/2019-09-30/functions/fn/concurrency")["ReservedConcurrentExecutions"], 0);
  EXPECT_EQ(Ok("GET", "/2015-03-31/functions/fn")["Concurrency"]["ReservedConcurrentExecutions"],
            0);
  EXPECT_EQ(Call("DELETE", "/2017-10-31/functions/fn/concurrency").status, 204);
  EXPECT_EQ(Ok("GET", "/2019-09-30/functions/fn/concurrency"), json::object());
  EXPECT_TRUE(IsError(Call("PUT", "/2017-10-31/functions/fn/concurrency",
                           json{{"ReservedConcurrentExecutions", -1}}.dump()),
                      "ValidationException", 400));
  json settings = Ok("GET", "/2016-08-19/account-settings/");
  EXPECT_EQ(settings["AccountUsage"]["FunctionCount"], 1);
  EXPECT_EQ(settings["AccountLimit"]["CodeSizeZipped"], 52428800);
}

TEST_F(LambdaApiTest, EventInvokeConfigsArePutUpdatedGotListedAndDeleted) {
  Create("fn");
  const std::string path = "/2019-09-25/functions/fn/event-invoke-config";
  EXPECT_TRUE(IsError(Call("GET", path), "ResourceNotFoundException", 404,
                      "The function arn:aws:lambda:us-east-1:000000000000:function:fn:$LATEST "
                      "doesn't have an EventInvokeConfig"));
  EXPECT_TRUE(IsError(Call("POST", path, R"({"MaximumRetryAttempts":1})"),
                      "ResourceNotFoundException", 404));
  EXPECT_EQ(Ok("GET", path + "/list")["FunctionEventInvokeConfigs"], json::array());

  json put = Ok("PUT", path, {{"MaximumRetryAttempts", 1}});
  for (auto& [key, value] : put.items()) {
    EXPECT_TRUE(ModelMembers("FunctionEventInvokeConfig").count(key)) << key;
  }
  EXPECT_EQ(put["FunctionArn"], "arn:aws:lambda:us-east-1:000000000000:function:fn:$LATEST");
  EXPECT_EQ(put["MaximumRetryAttempts"], 1);
  EXPECT_FALSE(put.contains("MaximumEventAgeInSeconds")) << "unset: Lambda's default";
  EXPECT_DOUBLE_EQ(put["LastModified"].get<double>(), 1700000000.123);
  EXPECT_EQ(Ok("GET", path), put);

  json updated = Ok("POST", path, {{"MaximumEventAgeInSeconds", 3600}});
  EXPECT_EQ(updated["MaximumRetryAttempts"], 1) << "Update keeps what it does not name";
  EXPECT_EQ(updated["MaximumEventAgeInSeconds"], 3600);
  json replaced = Ok("PUT", path, {{"MaximumEventAgeInSeconds", 60}});
  EXPECT_FALSE(replaced.contains("MaximumRetryAttempts")) << "Put replaces the whole config";
  EXPECT_EQ(Ok("GET", path + "/list")["FunctionEventInvokeConfigs"], json::array({replaced}));

  EXPECT_TRUE(IsError(Call("PUT", path, R"({"MaximumRetryAttempts":3})"), "ValidationException",
                      400, "at 'maximumRetryAttempts' failed to satisfy constraint"));
  EXPECT_TRUE(IsError(Call("PUT", path, R"({"MaximumEventAgeInSeconds":59})"),
                      "ValidationException", 400, "greater than or equal to 60"));
  EXPECT_TRUE(IsError(
      Call("PUT", path,
           json{{"DestinationConfig",
                 {{"OnFailure", {{"Destination", "arn:aws:sqs:us-east-1:000000000000:dlq"}}}}}}
               .dump()),
      "InvalidParameterValueException", 400, "destinations"));
  EXPECT_TRUE(IsError(Call("GET", "/2019-09-25/functions/nope/event-invoke-config"),
                      "ResourceNotFoundException", 404, "Function not found"));

  EXPECT_EQ(Call("DELETE", path).status, 204);
  EXPECT_TRUE(IsError(Call("DELETE", path), "ResourceNotFoundException", 404));
  Ok("PUT", path, {{"MaximumRetryAttempts", 0}});
  EXPECT_EQ(Call("DELETE", "/2015-03-31/functions/fn").status, 204);
  Create("fn");
  EXPECT_TRUE(IsError(Call("GET", path), "ResourceNotFoundException", 404))
      << "deleting the function deleted its config";
}

TEST_F(LambdaApiTest, FunctionsCarryTags) {
  json body = CreateBody("fn", testing_support::PythonZip());
  body["Tags"] = {{"team", "data"}, {"stage", "dev"}};
  json created = Ok("POST", "/2015-03-31/functions", body, 201);
  const std::string tags =
      "/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Afn";
  EXPECT_EQ(Ok("GET", tags), json({{"Tags", {{"team", "data"}, {"stage", "dev"}}}}));
  EXPECT_EQ(Ok("GET", "/2015-03-31/functions/fn")["Tags"], body["Tags"]);

  EXPECT_EQ(Call("POST", tags, R"({"Tags":{"owner":"ana","stage":"prod"}})").status, 204);
  EXPECT_EQ(Ok("GET", tags)["Tags"], json({{"team", "data"}, {"stage", "prod"}, {"owner", "ana"}}));
  EXPECT_EQ(Call("DELETE", tags + "?tagKeys=team&tagKeys=owner&tagKeys=absent").status, 204);
  EXPECT_EQ(Ok("GET", tags)["Tags"], json({{"stage", "prod"}}));
  EXPECT_EQ(Ok("GET", "/2015-03-31/functions/fn/configuration")["RevisionId"],
            created["RevisionId"])
      << "tags are not configuration";

  EXPECT_TRUE(IsError(Call("POST", tags, R"({"Tags":{"aws:x":"1"}})"),
                      "InvalidParameterValueException", 400, "reserved"));
  EXPECT_TRUE(IsError(Call("POST", tags, R"({"Tags":{}})"), "ValidationException", 400));
  EXPECT_TRUE(IsError(Call("DELETE", tags), "ValidationException", 400, "tagKeys"));
  EXPECT_TRUE(IsError(Call("GET", "/2017-03-31/tags/fn"), "ValidationException", 400, "resource"));
  EXPECT_TRUE(IsError(
      Call("GET",
           "/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Anope"),
      "ResourceNotFoundException", 404));
}

TEST(LambdaRoute, RecognisesLambdaBySigningService) {
  HttpRequest request;
  request.headers = {{"Authorization",
                      "AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/lambda/aws4_request, "
                      "SignedHeaders=host, Signature=" +
                          std::string(64, 'a')}};
  EXPECT_TRUE(IsLambdaRequest(request));
  request.headers[0].second.replace(request.headers[0].second.find("lambda"), 6, "s3");
  EXPECT_FALSE(IsLambdaRequest(request));
  HttpRequest presigned;
  presigned.query = "X-Amz-Credential=AK%2F20240101%2Fus-east-1%2Flambda%2Faws4_request";
  EXPECT_TRUE(IsLambdaRequest(presigned));
  EXPECT_FALSE(IsLambdaRequest(HttpRequest{}));
}

TEST(LambdaRoute, ParsesOperationsAndNames) {
  auto op = [](const char* method, const char* path) {
    auto call = ParseLambdaCall(method, path, "");
    return call ? std::string(OperationName(call->operation)) : call.error().type;
  };
  EXPECT_EQ(op("POST", "/2015-03-31/functions"), "CreateFunction");
  EXPECT_EQ(op("GET", "/2015-03-31/functions/"), "ListFunctions");
  EXPECT_EQ(op("GET", "/2015-03-31/functions/f"), "GetFunction");
  EXPECT_EQ(op("PUT", "/2015-03-31/functions/f/code"), "UpdateFunctionCode");
  EXPECT_EQ(op("POST", "/2015-03-31/functions/f/invocations"), "Invoke");
  EXPECT_EQ(op("GET", "/2016-08-19/account-settings/"), "GetAccountSettings");
  EXPECT_EQ(op("PATCH", "/2015-03-31/functions/f"), "ResourceNotFoundException");
  EXPECT_EQ(op("GET", "/2015-03-31/functions/f/x/y"), "ResourceNotFoundException");
  EXPECT_EQ(ParseFunctionName("123456789012:function:f:$LATEST")->qualifier, "$LATEST");
  EXPECT_EQ(ParseFunctionName("arn:aws:lambda:us-east-1:123456789012:function:f")->function, "f");
  EXPECT_EQ(ParseFunctionName("f:2")->qualifier, "2");
  EXPECT_FALSE(ParseFunctionName(std::string(65, 'a')));
  EXPECT_FALSE(ParseFunctionName("f:"));
  EXPECT_FALSE(ParseFunctionName("a.b"));
}

}  // namespace
}  // namespace sf::engine::lambda
