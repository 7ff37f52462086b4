#pragma once
// The Lambda REST API (botocore's lambda model, 2015-03-31) over the FunctionStore and a
// Runtime: CreateFunction, GetFunction, GetFunctionConfiguration, ListFunctions (paged),
// UpdateFunctionCode, UpdateFunctionConfiguration, DeleteFunction, Invoke (RequestResponse,
// Event, DryRun; LogType Tail), Put/Get/DeleteFunctionConcurrency and GetAccountSettings.
// Wire shapes and errors: lambda_wire.h. Only $LATEST exists: there are no published versions
// or aliases, so a Qualifier other than $LATEST is ResourceNotFoundException.
//
// The caller routes a request here when IsLambdaRequest (lambda_route.h) and after SigV4 with
// service "lambda". Roles are recorded, not enforced (the engine has no IAM yet).
//
// Threading: Handle runs on an I/O thread and returns at once. Changes (create, update,
// delete: unpacking, SQLite commits) run on the work pool. Invoke reads the store's in-memory
// copy and hands the call to the Runtime, whose completion answers from any thread. Event
// invocations are answered 202 once handed to the Runtime; their outcome goes to the log.
// Thread-safe; the store, the runtime and the pool must outlive it, and the pool must be
// drained before the store goes.

#include <cstdint>
#include <functional>
#include <string>

#include "base/logger.h"
#include "base/work_pool.h"
#include "engine/api/lambda/lambda_route.h"
#include "engine/function/runtime.h"
#include "engine/function/store/function_spec.h"
#include "engine/function/store/function_store.h"
#include "engine/server/http_server.h"

namespace sf::engine::lambda {

// The largest synchronous (RequestResponse) payload, request or response: 6 MB.
inline constexpr uint64_t kMaxSyncPayloadBytes = 6291456;
// The largest asynchronous (Event) payload: 256 KB.
inline constexpr uint64_t kMaxAsyncPayloadBytes = 262144;
// The largest request body: a 50 MB zip, base64-encoded, in JSON (Lambda's own figure).
inline constexpr uint64_t kMaxRequestBytes = 70167211;

struct LambdaApiOptions {
  std::string region = "us-east-1";
  std::string account = "000000000000";
  // The AWS_* variables workers get (function_spec.h's EngineAwsEnvironment); called per
  // invocation, since the engine's port is known only once it serves.
  std::function<std::map<std::string, std::string>()> aws_environment;
  int unreserved_concurrency = 10;  // workers per function without reserved concurrency
  Logger* logger = nullptr;         // event invocations that fail; may be null
};

class LambdaApi {
 public:
  LambdaApi(function::FunctionStore& store, function::Runtime& runtime, WorkPool& pool,
            LambdaApiOptions options)
      : store_(store), runtime_(runtime), pool_(pool), options_(std::move(options)) {}

  // `request` is authenticated for service "lambda".
  void Handle(HttpRequest&& request, Respond respond);

 private:
  HttpResponse Dispatch(const HttpRequest& request, const LambdaCall& call);
  HttpResponse Create(const HttpRequest& request);
  HttpResponse Get(const LambdaCall& call, bool configuration_only);
  HttpResponse List(const HttpRequest& request);
  HttpResponse UpdateCode(const HttpRequest& request, const LambdaCall& call);
  HttpResponse UpdateConfiguration(const HttpRequest& request, const LambdaCall& call);
  HttpResponse Delete(const LambdaCall& call);
  HttpResponse PutConcurrency(const HttpRequest& request, const LambdaCall& call);
  HttpResponse DeleteConcurrency(const LambdaCall& call);
  HttpResponse GetConcurrency(const LambdaCall& call);
  HttpResponse AccountSettings();
  // lambda_invoke.cc
  void Invoke(HttpRequest&& request, const LambdaCall& call, Respond respond);
  // The answer to a RequestResponse invocation; static, as it may run after the API is gone.
  static HttpResponse InvokeResponse(const function::InvokeResult& result, bool tail,
                                     bool reserved);

  // The function named by `call` at $LATEST; ResourceNotFoundException otherwise.
  ApiResult<function::FunctionConfig> Find(const LambdaCall& call) const;
  std::string Arn(const std::string& name) const;
  function::SpecContext Context() const;

  function::FunctionStore& store_;
  function::Runtime& runtime_;
  WorkPool& pool_;
  const LambdaApiOptions options_;
};

}  // namespace sf::engine::lambda
