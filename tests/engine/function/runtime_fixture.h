#pragma once
// Shared by the runtime tests: a real HTTP server on a free loopback port whose only routes are
// the runtime API, a worker runtime over a temp data dir, and helpers to write handlers and
// invoke synchronously.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <string>

#include "../../support/temp_dir.h"
#include "engine/function/worker_runtime.h"
#include "engine/server/http_server.h"

namespace sf::engine::function::testing {

class RuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(WorkerRuntimeOptions{}); }

  // (Re)starts the runtime with `options` (port and data_dir are filled in).
  void Start(WorkerRuntimeOptions options) {
    StopBoth();
    options.port = [this] { return server_->port(); };
    options.data_dir = dir_.path();
    auto runtime = MakeWorkerRuntime(std::move(options));
    ASSERT_TRUE(runtime) << runtime.error().message;
    runtime_ = std::move(*runtime);
    // The raw pointer is safe: the server stops (no handler runs any more) before the runtime
    // is destroyed (StopBoth), as in the engine.
    Runtime* raw = runtime_.get();
    server_ = std::make_unique<HttpServer>(
        HttpServerOptions{}, [raw](HttpRequest&& request, Respond respond) {
          if (request.path.rfind(kRuntimeApiPrefix, 0) == 0) {
            return raw->HandleRuntimeApi(std::move(request), std::move(respond));
          }
          HttpResponse missing;
          missing.status = 404;
          respond(std::move(missing));
        });
    auto started = server_->Start();
    ASSERT_TRUE(started) << started.error().message;
  }

  void TearDown() override { StopBoth(); }

  // As the engine stops: the server first (in-flight requests finish, no new ones reach the
  // runtime), then the runtime (kills the workers; invocations still waiting answer into the
  // stopped server), then the server object.
  void StopBoth() {
    if (server_) server_->Stop();
    runtime_.reset();
    server_.reset();
  }

  // Writes `files` (name -> content) into a fresh code directory and returns a python spec.
  FunctionSpec Python(const std::string& name, const std::string& source,
                      const std::string& handler = "app.lambda_handler") {
    FunctionSpec spec;
    spec.name = name;
    spec.arn = "arn:aws:lambda:us-east-1:000000000000:function:" + name;
    spec.runtime = "python3.11";
    spec.handler = handler;
    spec.code_dir = WriteCode(name, "app.py", source);
    spec.revision = "r1";
    return spec;
  }

  std::string WriteCode(const std::string& name, const std::string& file,
                        const std::string& content) {
    std::string code = dir_.path() + "/code/" + name + "-" + std::to_string(code_serial_++);
    std::filesystem::create_directories(code);
    std::ofstream(code + "/" + file) << content;
    return code;
  }

  // Invokes and waits (at most 20 s) for the result.
  InvokeResult Invoke(const FunctionSpec& spec, const std::string& payload = "{}") {
    return Await(InvokeAsync(spec, payload));
  }

  std::future<InvokeResult> InvokeAsync(const FunctionSpec& spec, const std::string& payload) {
    auto promise = std::make_shared<std::promise<InvokeResult>>();
    auto future = promise->get_future();
    runtime_->Invoke(spec, payload,
                     [promise](InvokeResult r) { promise->set_value(std::move(r)); });
    return future;
  }

  static InvokeResult Await(std::future<InvokeResult> future) {
    if (future.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
      ADD_FAILURE() << "no result within 20 s";
      return {};
    }
    return future.get();
  }

  std::string ReadLog(const std::string& function) {
    std::ifstream in(dir_.path() + "/functions/" + function + "/log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  sf::testing_support::TempDir dir_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<Runtime> runtime_;
  int code_serial_ = 0;
};

}  // namespace sf::engine::function::testing
