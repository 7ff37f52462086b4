#pragma once
// Helpers for the event-source mapping tests: a real StreamService on a VirtualClock (from the
// stream tests), a MappingService over it, and a scripted Runtime that records every event it
// is given and answers with what the test's handler returns.

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "../stream/stream_test_util.h"
#include "base/base64.h"
#include "engine/mapping/mapping_service.h"

namespace sf::engine::mapping_test {

using namespace sf::engine::stream_test;
using function::InvokeResult;
using mapping::MappingConfig;

// A Runtime whose handler is a function of the event; runs each invocation on its own thread,
// as the worker runtime answers from its own threads.
class ScriptedRuntime : public function::Runtime {
 public:
  using Handler = std::function<InvokeResult(const nlohmann::json& event)>;

  void SetHandler(Handler handler) {
    std::lock_guard lock(mu_);
    handler_ = std::move(handler);
  }
  void Invoke(const function::FunctionSpec&, std::string payload,
              std::function<void(InvokeResult)> done) override {
    Handler handler;
    {
      std::lock_guard lock(mu_);
      events_.push_back(nlohmann::json::parse(payload));
      handler = handler_;
    }
    std::thread([handler, payload = std::move(payload), done = std::move(done)] {
      InvokeResult result = handler ? handler(nlohmann::json::parse(payload)) : InvokeResult{};
      if (result.request_id.empty()) result.request_id = "req-1";
      done(std::move(result));
    }).detach();
  }
  void Drop(const std::string&) override {}
  void HandleRuntimeApi(HttpRequest&&, Respond) override {}

  std::vector<nlohmann::json> events() const {
    std::lock_guard lock(mu_);
    return events_;
  }

 private:
  mutable std::mutex mu_;
  Handler handler_;
  std::vector<nlohmann::json> events_;
};

inline InvokeResult Ok(std::string payload = "null") {
  InvokeResult result;
  result.payload = std::move(payload);
  return result;
}

inline InvokeResult Error(std::string message = "boom") {
  InvokeResult result;
  result.status = InvokeResult::Status::kFunctionError;
  result.payload = R"({"errorMessage":")" + message + R"(","errorType":"Exception"})";
  return result;
}

// The decoded data of every record of an event.
inline std::vector<std::string> DataOf(const nlohmann::json& event) {
  std::vector<std::string> data;
  for (const auto& record : event["Records"]) {
    data.push_back(*Base64Decode(record["kinesis"]["data"].get<std::string>()));
  }
  return data;
}

class MappingTest : public ServiceTest {
 protected:
  static constexpr char kFunction[] = "consumer";
  static constexpr char kRole[] = "arn:aws:iam::000000000000:role/consumer-role";

  void SetUp() override {
    ServiceTest::SetUp();
    OpenMappings();
  }
  void TearDown() override {
    if (mappings_) mappings_->Stop();
    mappings_.reset();
  }

  void OpenMappings() {
    mapping::MappingServiceOptions options;
    options.data_dir = dir_.path();
    options.account = kAccount;
    options.env.streams = &svc();
    options.env.runtime = &runtime_;
    options.env.clock = &clock_;
    options.env.region = "us-east-1";
    options.env.spec = [](const std::string& name) -> ApiResult<function::FunctionSpec> {
      if (name != kFunction) return ApiFail("ResourceNotFoundException", "Function not found", 404);
      function::FunctionSpec spec;
      spec.name = name;
      spec.arn = "arn:aws:lambda:us-east-1:000000000000:function:" + name;
      spec.role = kRole;
      return spec;
    };
    options.env.send_failure = [this](const std::string& destination, const std::string&,
                                      const std::string& shard,
                                      const std::string& record) -> ApiResult<void> {
      auto stream = mapping::StreamNameOfArn(destination);
      if (!stream) return ApiFail("AccessDenied", "no such destination", 403);
      auto put = svc().PutRecords(*stream, {{shard, record, std::nullopt}}, true);
      if (!put) return tl::unexpected(put.error());
      svc().SyncAll();
      return {};
    };
    options.env.function_log = [this](const std::string&, std::string_view line) {
      std::lock_guard lock(log_mu_);
      log_.emplace_back(line);
    };
    auto opened = mapping::MappingService::Open(std::move(options));
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    mappings_ = std::move(*opened);
    svc().SetRecordsListener(
        [service = mappings_.get()](const std::string& stream) { service->OnRecords(stream); });
    mappings_->Start();
  }

  // Closes the mapping service as a crash would leave it (no more checkpoints), then opens it
  // again over the same directory.
  void RestartMappings() {
    svc().SetRecordsListener(nullptr);
    mappings_->Stop();
    mappings_.reset();
    OpenMappings();
  }

  MappingConfig Config(const std::string& stream) const {
    MappingConfig config;
    config.function_name = kFunction;
    config.stream_name = stream;
    config.stream_arn = "arn:aws:kinesis:us-east-1:000000000000:stream/" + stream;
    return config;
  }

  std::string CreateMapping(MappingConfig config) {
    auto created = mappings_->Create(std::move(config));
    EXPECT_TRUE(created.has_value()) << (created ? "" : created.error().message);
    return created ? created->config.uuid : "";
  }

  // Waits (up to 20 s) for `done`, polling.
  static bool Eventually(const std::function<bool()>& done) {
    for (int i = 0; i < 4000; ++i) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return done();
  }

  // Every record data the handler saw in events that it answered, in order.
  std::vector<std::string> SeenData() const {
    std::vector<std::string> all;
    for (const auto& event : runtime_.events()) {
      for (auto& data : DataOf(event)) all.push_back(std::move(data));
    }
    return all;
  }

  std::vector<std::string> Log() {
    std::lock_guard lock(log_mu_);
    return log_;
  }

  ScriptedRuntime runtime_;
  std::unique_ptr<mapping::MappingService> mappings_;
  std::mutex log_mu_;
  std::vector<std::string> log_;
};

}  // namespace sf::engine::mapping_test
