#pragma once
// An in-process engine for the state client tests: a temporary data directory, any free port,
// a virtual clock (moved with POST /_streamform/clock, as a test against a separate engine
// would), SigV4 on, and the credentials the engine created.

#include "../support/temp_dir.h"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "auth/key_file.h"
#include "base/logger.h"
#include "client/signed_client.h"
#include "engine/process/engine.h"
#include "stackapi/stack_record.h"
#include "state/stack_state_client.h"

namespace sf::state::test {

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine::EngineOptions options;
    options.data_dir = dir_.path();
    options.port = 0;
    options.virtual_clock = true;
    options.auth = true;
    options.blocking_threads = 4;
    auto started = engine::Engine::Start(options, logger_);
    ASSERT_TRUE(started) << started.error().message;
    engine_ = std::move(*started);
    auto credentials = auth::LoadEngineCredentials(dir_.path());
    ASSERT_TRUE(credentials) << credentials.error().message;
    endpoint_ = {"http://127.0.0.1:" + std::to_string(engine_->port()), credentials->credentials,
                 credentials->region};
  }

  void TearDown() override { engine_.reset(); }

  // Moves the engine's virtual clock forward.
  void AdvanceClock(int64_t ms) {
    client::SignedClient control(endpoint_.endpoint, endpoint_.credentials, endpoint_.region,
                                 "streamform");
    auto reply =
        control.Send("POST", "/_streamform/clock", "", nlohmann::json{{"advanceMs", ms}}.dump());
    ASSERT_TRUE(reply) << reply.error().message;
    ASSERT_EQ(reply->status, 200) << reply->body;
  }

  static stackapi::StackRecord Record(const std::string& name, const std::string& stage = "dev") {
    stackapi::StackRecord record;
    record.name = name;
    record.project = "shop";
    record.stage = stage;
    record.stack = name;
    record.status = "CREATE_COMPLETE";
    return record;
  }

  testing_support::TempDir dir_{"state"};
  Logger logger_{nullptr, LogLevel::kError};
  std::unique_ptr<engine::Engine> engine_;
  EngineEndpoint endpoint_;
};

}  // namespace sf::state::test
