#pragma once
// Helpers for the Kinesis API tests: a StreamService on a VirtualClock in a temporary
// directory, a Committer and a KinesisApi; requests go straight to KinesisApi::Handle and the
// response is captured through Respond (which may run on a commit thread).

#include "../../support/temp_dir.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "engine/api/kinesis/kinesis_api.h"
#include "engine/stream/committer.h"
#include "engine/stream/stream_service.h"

namespace sf::engine::api_test {

using nlohmann::json;

inline constexpr int64_t kStartMs = 1700000000123;  // Tue Nov 14 22:13:20.123 UTC 2023
inline constexpr char kArnPrefix[] = "arn:aws:kinesis:us-east-1:000000000000:stream/";

// A fresh directory for one test (named "kinesis_api_<test>_<pid>_<n>").
class TempDir : public testing_support::TempDir {
 public:
  TempDir() : testing_support::TempDir("kinesis_api") {}
};

inline std::string HeaderOf(const HttpResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return value;
    }
  }
  return "";
}

inline std::set<std::string> Keys(const json& object) {
  std::set<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.insert(it.key());
  return keys;
}

// Every key of `object` is a member of the botocore shape, and every required member is there.
inline ::testing::AssertionResult HasShape(const json& object, const std::set<std::string>& members,
                                           const std::set<std::string>& required) {
  if (!object.is_object())
    return ::testing::AssertionFailure() << "not an object: " << object.dump();
  for (const auto& key : Keys(object)) {
    if (!members.count(key))
      return ::testing::AssertionFailure()
             << "unexpected member " << key << " in " << object.dump();
  }
  for (const auto& key : required) {
    if (!object.contains(key))
      return ::testing::AssertionFailure() << "missing member " << key << " in " << object.dump();
  }
  return ::testing::AssertionSuccess();
}

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(); }
  void TearDown() override { Stop(); }

  void Start() {
    StreamServiceOptions options;
    options.data_dir = dir_.path();
    options.clock = &clock_;
    options.throttling = throttling_;
    auto opened = StreamService::Open(options);
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    service_ = std::move(*opened);
    StreamService* service = service_.get();
    committer_ = std::make_unique<Committer>(
        DurabilityMode::kEveryBatch, 1000, [service] { service->SyncAll(); }, 2);
    api_ = std::make_unique<KinesisApi>(*service_, *committer_);
  }

  void Stop() {
    api_.reset();
    committer_.reset();
    service_.reset();
  }

  HttpResponse Call(std::string_view operation, std::string body,
                    std::string content_type = "application/x-amz-json-1.1") {
    HttpRequest request;
    request.method = "POST";
    request.target = "/";
    request.path = "/";
    request.headers = {
        {"Host", "localhost"},
        {"X-Amz-Target", std::string(kKinesisTargetPrefix) + std::string(operation)}};
    if (!content_type.empty()) request.headers.emplace_back("Content-Type", content_type);
    request.body = std::move(body);
    auto promise = std::make_shared<std::promise<HttpResponse>>();
    auto future = promise->get_future();
    auto calls = std::make_shared<std::atomic<int>>(0);
    api_->Handle(operation, request, [promise, calls](HttpResponse response) {
      if (calls->fetch_add(1) == 0) promise->set_value(std::move(response));
    });
    if (future.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
      ADD_FAILURE() << operation << ": no response within 20 s";
      return HttpResponse{599, {}, ""};
    }
    return future.get();
  }

  HttpResponse Call(std::string_view operation, const json& body) {
    return Call(operation, body.dump());
  }

  // Calls and expects 200 with a JSON body, which is returned.
  json Ok(std::string_view operation, const json& body) {
    HttpResponse response = Call(operation, body);
    EXPECT_EQ(response.status, 200) << operation << " " << body.dump() << " -> " << response.body;
    EXPECT_EQ(HeaderOf(response, "Content-Type"), "application/x-amz-json-1.1");
    json parsed = json::parse(response.body, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << response.body;
    return parsed;
  }

  // The response is the AWS error `type` with exactly `message` (when given) and `status`.
  static ::testing::AssertionResult IsError(const HttpResponse& response, std::string_view type,
                                            std::optional<std::string_view> message = std::nullopt,
                                            int status = 400) {
    if (response.status != status) {
      return ::testing::AssertionFailure()
             << "status " << response.status << " (expected " << status << "): " << response.body;
    }
    json body = json::parse(response.body, nullptr, false);
    if (body.is_discarded() || !body.is_object())
      return ::testing::AssertionFailure() << "not JSON: " << response.body;
    if (Keys(body) != std::set<std::string>{"__type", "message"}) {
      return ::testing::AssertionFailure()
             << "error body must be {__type, message}: " << response.body;
    }
    if (body["__type"] != type)
      return ::testing::AssertionFailure()
             << "type " << body["__type"] << " (expected " << type << ")";
    if (message && body["message"] != *message) {
      return ::testing::AssertionFailure()
             << "message\n  got      " << body["message"].get<std::string>() << "\n  expected "
             << *message;
    }
    if (HeaderOf(response, "Content-Type") != "application/x-amz-json-1.1") {
      return ::testing::AssertionFailure() << "Content-Type " << HeaderOf(response, "Content-Type");
    }
    return ::testing::AssertionSuccess();
  }

  static std::string MessageOf(const HttpResponse& response) {
    json body = json::parse(response.body, nullptr, false);
    return body.is_object() && body.contains("message") && body["message"].is_string()
               ? body["message"].get<std::string>()
               : std::string();
  }

  void CreateStream(const std::string& name, int shards) {
    Ok("CreateStream", json{{"StreamName", name}, {"ShardCount", shards}});
  }

  std::string ShardIterator(const std::string& name, const std::string& shard,
                            const std::string& type = "TRIM_HORIZON") {
    json body = Ok("GetShardIterator",
                   json{{"StreamName", name}, {"ShardId", shard}, {"ShardIteratorType", type}});
    return body.value("ShardIterator", "");
  }

  TempDir dir_;
  VirtualClock clock_{kStartMs};
  bool throttling_ = false;
  std::unique_ptr<StreamService> service_;
  std::unique_ptr<Committer> committer_;
  std::unique_ptr<KinesisApi> api_;
};

}  // namespace sf::engine::api_test
