// Engine: the functions half -- the function store, the worker runtime and the Lambda API.

#include "engine/function/store/function_spec.h"
#include "engine/function/worker_runtime.h"
#include "engine/process/engine.h"

#include <charconv>
#include <fstream>

#include "base/json_writer.h"

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

namespace {

constexpr int64_t kLogChunk = 1 << 20;

HttpResponse LogError(int status, std::string_view type, std::string_view message) {
  HttpResponse response;
  response.status = status;
  response.headers = {{"Content-Type", "application/json"}};
  JsonWriter(response.body)
      .BeginObject()
      .Member("__type", type)
      .Member("message", message)
      .EndObject();
  return response;
}

}  // namespace

HttpResponse Engine::FunctionLog(const HttpRequest& request) const {
  // /_streamform/functions/{name}/log
  constexpr std::string_view kPrefix = "/_streamform/functions/";
  std::string_view rest = std::string_view(request.path).substr(kPrefix.size());
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos || rest.substr(slash) != "/log") {
    return LogError(404, "NotFound", "no API is served at GET " + request.path);
  }
  std::string name(rest.substr(0, slash));
  if (!functions_->Get(name)) {
    return LogError(404, "ResourceNotFoundException", "Function not found: " + name);
  }
  int64_t offset = 0;
  for (std::string_view query = request.query; !query.empty();) {
    std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    if (pair.substr(0, 7) != "offset=") continue;
    auto parsed = std::from_chars(pair.data() + 7, pair.data() + pair.size(), offset);
    if (parsed.ec != std::errc() || parsed.ptr != pair.data() + pair.size() || offset < 0) {
      return LogError(400, "ValidationException", "offset must be a byte offset (0 or more)");
    }
  }
  HttpResponse response;
  response.status = 200;
  response.headers = {{"Content-Type", "text/plain; charset=utf-8"}};
  std::ifstream log(options_.data_dir + "/functions/" + name + "/log", std::ios::binary);
  if (log) {
    log.seekg(0, std::ios::end);
    int64_t size = static_cast<int64_t>(log.tellg());
    if (offset < size) {
      response.body.resize(static_cast<size_t>(std::min(kLogChunk, size - offset)));
      log.seekg(offset);
      log.read(response.body.data(), static_cast<std::streamsize>(response.body.size()));
      response.body.resize(static_cast<size_t>(log.gcount()));
    }
  }
  response.headers.push_back({"x-streamform-next-offset",
                              std::to_string(offset + static_cast<int64_t>(response.body.size()))});
  return response;
}

}  // namespace sf::engine
