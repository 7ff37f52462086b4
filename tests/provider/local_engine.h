#pragma once
// An engine for provider tests: started in-process on a free loopback port in a fresh temp
// dir, with SigV4 on, and the endpoint, credentials and region a provider needs (read from
// <data_dir>/credentials.json as any client would). Stopped when the object goes.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "../support/temp_dir.h"
#include "auth/key_file.h"
#include "base/logger.h"
#include "client/signed_client.h"
#include "engine/process/engine.h"

namespace sf::provider::testing {

class LocalEngine {
 public:
  LocalEngine() : dir_("provider_engine"), logger_(nullptr, LogLevel::kWarn) {
    engine::EngineOptions options;
    options.data_dir = dir_.path();
    options.port = 0;
    options.auth = true;
    auto started = engine::Engine::Start(options, logger_);
    if (!started) {
      ADD_FAILURE() << "engine did not start: " << started.error().message;
      return;
    }
    engine_ = std::move(*started);
    auto loaded = auth::LoadEngineCredentials(dir_.path());
    if (!loaded) {
      ADD_FAILURE() << "no credentials: " << loaded.error().message;
      return;
    }
    credentials_ = loaded->credentials;
    region_ = loaded->region;
    endpoint_ = "http://127.0.0.1:" + std::to_string(engine_->port());
  }
  LocalEngine(const LocalEngine&) = delete;
  LocalEngine& operator=(const LocalEngine&) = delete;

  bool running() const { return engine_ != nullptr; }
  const std::string& endpoint() const { return endpoint_; }
  const auth::Credentials& credentials() const { return credentials_; }
  const std::string& region() const { return region_; }
  client::SignedClient Client(const std::string& service) const {
    return client::SignedClient(endpoint_, credentials_, region_, service);
  }

 private:
  testing_support::TempDir dir_;
  Logger logger_;
  std::unique_ptr<engine::Engine> engine_;
  auth::Credentials credentials_;
  std::string region_;
  std::string endpoint_;
};

}  // namespace sf::provider::testing
