// Engine: the functions half -- the function store, the worker runtime and the Lambda API.

#include "engine/function/store/function_spec.h"
#include "engine/function/worker_runtime.h"
#include "engine/process/engine.h"

namespace sf::engine {

std::string Engine::EndpointUrl() const {
  std::string host = options_.address;
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";  // workers run on this machine
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(port());
}

Status Engine::StartFunctions() {
  auto store = function::FunctionStore::Open(options_.data_dir, objects_.get(), *clock_);
  if (!store) return tl::unexpected(store.error());
  functions_ = std::move(*store);

  function::WorkerRuntimeOptions runtime_options;
  runtime_options.port = [this] { return port(); };
  runtime_options.data_dir = options_.data_dir;
  runtime_options.region = options_.region;
  runtime_options.logger = &logger_;
  auto runtime = function::MakeWorkerRuntime(std::move(runtime_options));
  if (!runtime) return tl::unexpected(runtime.error());
  runtime_ = std::move(*runtime);

  lambda::LambdaApiOptions api_options;
  api_options.region = options_.region;
  api_options.account = options_.account;
  api_options.logger = &logger_;
  // Handlers sign with the engine's own key pair: the engine does not enforce roles yet.
  api_options.aws_environment = [this] {
    const auth::Credentials& keys = auth_->credentials().credentials;
    return function::EngineAwsEnvironment(keys.access_key, keys.secret_key, options_.region,
                                          EndpointUrl());
  };
  lambda_ = std::make_unique<lambda::LambdaApi>(*functions_, *runtime_, *blocking_,
                                                std::move(api_options));
  return {};
}

}  // namespace sf::engine
