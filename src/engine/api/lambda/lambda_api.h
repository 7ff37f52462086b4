#pragma once
// The Lambda REST API (botocore's lambda model, 2015-03-31) over the FunctionStore and a
// Runtime: CreateFunction, GetFunction, GetFunctionConfiguration, ListFunctions (paged),
// UpdateFunctionCode, UpdateFunctionConfiguration, DeleteFunction, Invoke (RequestResponse,
// Event, DryRun; LogType Tail), Put/Get/DeleteFunctionConcurrency, GetAccountSettings,
// Put/Update/Get/Delete/ListFunctionEventInvokeConfig(s), and TagResource/UntagResource/ListTags
// for functions.
// Wire shapes and errors: lambda_wire.h. Only $LATEST exists: there are no published versions
// or aliases, so a Qualifier other than $LATEST is ResourceNotFoundException.
//
// The caller routes a request here when IsLambdaRequest (lambda_route.h) and after SigV4 with
// service "lambda" (and, for role sessions, after authorizing lambda:<Operation>: the engine's
// Route). A function's Role must be one Lambda may assume (assume_role), and its workers sign
// with that role's credentials (aws_environment).
//
// Threading: Handle runs on an I/O thread and returns at once. Changes (create, update,
// delete: unpacking, SQLite commits) run on the work pool. Invoke reads the store's in-memory
// copy and hands the call to the Runtime, whose completion answers from any thread. Event
// invocations are answered 202 (with their request id) once the EventQueue has them on disk
// (on the work pool); the queue runs, retries and expires them.
// Thread-safe; the store, the runtime and the pool must outlive it, and the pool must be
// drained before the store goes.

#include <cstdint>
#include <functional>
#include <string>

#include "base/logger.h"
#include "base/work_pool.h"
#include "engine/api/lambda/lambda_route.h"
#include "engine/function/event_queue/event_queue.h"
#include "engine/function/policy/policy_store.h"
#include "engine/function/runtime.h"
#include "engine/function/store/function_spec.h"
#include "engine/function/store/function_store.h"
#include "engine/server/http_server.h"

namespace sf::engine::mapping {
class MappingService;
}

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
  // The AWS_* variables the function's workers get (function_spec.h's EngineAwsEnvironment:
  // its role's credentials); called per invocation, since the engine's port is known only once
  // it serves. An error fails the invocation (the role is gone).
  std::function<ApiResult<std::map<std::string, std::string>>(const function::FunctionConfig&)>
      aws_environment;
  // Whether Lambda may assume `role_arn` for function `function` (the role exists and trusts
  // lambda.amazonaws.com); InvalidParameterValueException "The role defined for the function
  // cannot be assumed by Lambda." otherwise. Checked by CreateFunction and
  // UpdateFunctionConfiguration on the work pool; null: not checked.
  std::function<ApiResult<void>(const std::string& role_arn, const std::string& function)>
      assume_role;
  int unreserved_concurrency = 10;  // workers per function without reserved concurrency
  Logger* logger = nullptr;         // may be null
  // Event invocations and the event-invoke-config operations; required for them (without it
  // they fail with ServiceException). Not owned.
  function::EventQueue* event_queue = nullptr;
  // The event-source mappings (lambda_mappings.cc); null: their operations are not served.
  mapping::MappingService* mappings = nullptr;
  // Resource-based policies (lambda_permissions.cc); null: AddPermission, RemovePermission and
  // GetPolicy are not served. Not owned.
  function::PolicyStore* policies = nullptr;
};

class LambdaApi {
 public:
  LambdaApi(function::FunctionStore& store, function::Runtime& runtime, WorkPool& pool,
            LambdaApiOptions options)
      : store_(store), runtime_(runtime), pool_(pool), options_(std::move(options)) {}

  // `request` is authenticated for service "lambda".
  void Handle(HttpRequest&& request, Respond respond);

  // What the Runtime runs for function `name`'s $LATEST, exactly as Invoke builds it (same
  // credentials, environment and concurrency): event-source mappings and schedules invoke
  // through this so that every caller runs a function the same way.
  // ResourceNotFoundException when there is no such function.
  ApiResult<function::FunctionSpec> LatestSpec(const std::string& name) const;

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
  // lambda_event_config.cc: Put/Update/Get/Delete/ListFunctionEventInvokeConfig(s)
  HttpResponse EventInvokeConfig(const HttpRequest& request, const LambdaCall& call);
  // lambda_tags.cc: TagResource, UntagResource, ListTags
  HttpResponse Tags(const HttpRequest& request, const LambdaCall& call);
  HttpResponse DispatchMapping(const HttpRequest& request, const LambdaCall& call);
  // lambda_mappings.cc
  HttpResponse CreateMapping(const HttpRequest& request);
  HttpResponse GetMapping(const LambdaCall& call);
  HttpResponse ListMappings(const HttpRequest& request);
  HttpResponse UpdateMapping(const HttpRequest& request, const LambdaCall& call);
  HttpResponse DeleteMapping(const LambdaCall& call);
  // lambda_permissions.cc: AddPermission, RemovePermission, GetPolicy
  HttpResponse Permissions(const HttpRequest& request, const LambdaCall& call);
  // lambda_invoke.cc
  void Invoke(HttpRequest&& request, const LambdaCall& call, Respond respond);
  void Enqueue(const std::string& function, std::string payload, Respond respond);
  // The answer to a RequestResponse invocation; static, as it may run after the API is gone.
  static HttpResponse InvokeResponse(const function::InvokeResult& result, bool tail,
                                     bool reserved);

  // The function named by `call` at $LATEST; ResourceNotFoundException otherwise.
  ApiResult<function::FunctionConfig> Find(const LambdaCall& call) const;
  std::string Arn(const std::string& name) const;
  // The context a spec of `config` is built in: its credentials included.
  ApiResult<function::SpecContext> Context(const function::FunctionConfig& config) const;

  function::FunctionStore& store_;
  function::Runtime& runtime_;
  WorkPool& pool_;
  const LambdaApiOptions options_;
};

}  // namespace sf::engine::lambda
