#include "engine/api/lambda/lambda_api.h"

#include <memory>

#include "engine/api/lambda/lambda_wire.h"
#include "engine/api/stacks/stack_request.h"

namespace sf::engine::lambda {

namespace {

using nlohmann::json;
using Op = LambdaOperation;

}  // namespace

void LambdaApi::Handle(HttpRequest&& request, Respond respond) {
  auto call = ParseLambdaCall(request.method, request.path, request.query);
  if (!call) return respond(ErrorResponse(call.error()));
  if (call->operation == Op::kInvoke) return Invoke(std::move(request), *call, std::move(respond));
  auto shared = std::make_shared<HttpRequest>(std::move(request));
  pool_.Submit([this, shared, call = *call, respond = std::move(respond)] {
    respond(Dispatch(*shared, call));
  });
}

HttpResponse LambdaApi::Dispatch(const HttpRequest& request, const LambdaCall& call) {
  switch (call.operation) {
    case Op::kCreateFunction:
      return Create(request);
    case Op::kListFunctions:
      return List(request);
    case Op::kGetFunction:
      return Get(call, false);
    case Op::kGetFunctionConfiguration:
      return Get(call, true);
    case Op::kUpdateFunctionCode:
      return UpdateCode(request, call);
    case Op::kUpdateFunctionConfiguration:
      return UpdateConfiguration(request, call);
    case Op::kDeleteFunction:
      return Delete(call);
    case Op::kPutFunctionConcurrency:
      return PutConcurrency(request, call);
    case Op::kDeleteFunctionConcurrency:
      return DeleteConcurrency(call);
    case Op::kGetFunctionConcurrency:
      return GetConcurrency(call);
    case Op::kGetAccountSettings:
      return AccountSettings();
    case Op::kPutFunctionEventInvokeConfig:
    case Op::kUpdateFunctionEventInvokeConfig:
    case Op::kGetFunctionEventInvokeConfig:
    case Op::kDeleteFunctionEventInvokeConfig:
    case Op::kListFunctionEventInvokeConfigs:
      return EventInvokeConfig(request, call);
    case Op::kTagResource:
    case Op::kUntagResource:
    case Op::kListTags:
      return Tags(request, call);
    case Op::kCreateEventSourceMapping:
    case Op::kListEventSourceMappings:
    case Op::kGetEventSourceMapping:
    case Op::kUpdateEventSourceMapping:
    case Op::kDeleteEventSourceMapping:
      return DispatchMapping(request, call);
    case Op::kAddPermission:
    case Op::kRemovePermission:
    case Op::kGetPolicy:
      return Permissions(request, call);
    case Op::kInvoke:
      break;  // answered by Invoke
  }
  return ErrorResponse({"ServiceException", "unrouted operation", 500});
}

HttpResponse LambdaApi::DispatchMapping(const HttpRequest& request, const LambdaCall& call) {
  if (options_.mappings == nullptr) {
    return ErrorResponse({"ServiceException", "event-source mappings are not served here", 500});
  }
  switch (call.operation) {
    case Op::kCreateEventSourceMapping:
      return CreateMapping(request);
    case Op::kListEventSourceMappings:
      return ListMappings(request);
    case Op::kGetEventSourceMapping:
      return GetMapping(call);
    case Op::kUpdateEventSourceMapping:
      return UpdateMapping(request, call);
    default:
      return DeleteMapping(call);
  }
}

std::string LambdaApi::Arn(const std::string& name) const {
  return function::FunctionArn(options_.region, options_.account, name);
}

ApiResult<function::SpecContext> LambdaApi::Context(const function::FunctionConfig& config) const {
  function::SpecContext context;
  context.region = options_.region;
  context.account = options_.account;
  if (options_.aws_environment) {
    auto environment = options_.aws_environment(config);
    if (!environment) return tl::unexpected(environment.error());
    context.aws_environment = std::move(*environment);
  }
  context.unreserved_concurrency = options_.unreserved_concurrency;
  return context;
}

ApiResult<function::FunctionSpec> LambdaApi::LatestSpec(const std::string& name) const {
  auto found = Find(LambdaCall{LambdaOperation::kGetFunction, name, {}});
  if (!found) return tl::unexpected(found.error());
  auto context = Context(*found);
  if (!context) return tl::unexpected(context.error());
  return function::BuildFunctionSpec(*found, *context);
}

ApiResult<function::FunctionConfig> LambdaApi::Find(const LambdaCall& call) const {
  bool latest = call.qualifier.empty() || call.qualifier == "$LATEST";
  auto found = latest ? store_.Get(call.function) : ApiFail("ResourceNotFoundException", "", 404);
  if (found) return found;
  if (found.error().type != "ResourceNotFoundException") return found;
  std::string arn = Arn(call.function) + (latest ? "" : ":" + call.qualifier);
  return ApiFail("ResourceNotFoundException", "Function not found: " + arn, 404);
}

HttpResponse LambdaApi::Create(const HttpRequest& request) {
  auto body = ParseBody(request.body);
  if (!body) return ErrorResponse(body.error());
  auto name_member = body->find("FunctionName");
  if (name_member == body->end() || !name_member->is_string()) {
    return ErrorResponse({"ValidationException",
                          "1 validation error detected: Value null at 'functionName' failed to "
                          "satisfy constraint: Member must not be null"});
  }
  auto name = ParseFunctionName(name_member->get<std::string>());
  if (!name) return ErrorResponse(name.error());
  auto settings = ReadSettings(*body, {}, true);
  if (!settings) return ErrorResponse(settings.error());
  if (options_.assume_role) {
    if (auto assumed = options_.assume_role(settings->role, name->function); !assumed) {
      return ErrorResponse(assumed.error());
    }
  }
  auto code_member = body->find("Code");
  if (code_member == body->end()) {
    return ErrorResponse({"ValidationException",
                          "1 validation error detected: Value null at 'code' failed to satisfy "
                          "constraint: Member must not be null"});
  }
  auto code = ReadCode(*code_member);
  if (!code) return ErrorResponse(code.error());
  auto tags = ReadTags(*body);
  if (!tags) return ErrorResponse(tags.error());
  auto created = store_.Create(name->function, *settings, *code, std::move(*tags));
  if (!created) return ErrorResponse(created.error());
  if (options_.policies != nullptr) {  // a policy a crash left from a deleted namesake
    (void)options_.policies->Drop(created->name);
  }
  return JsonResponse(201, ConfigurationJson(*created, Arn(created->name)));
}

HttpResponse LambdaApi::Get(const LambdaCall& call, bool configuration_only) {
  auto found = Find(call);
  if (!found) return ErrorResponse(found.error());
  json configuration = ConfigurationJson(*found, Arn(found->name));
  if (configuration_only) return JsonResponse(200, configuration);
  // The code is served by the engine from its unpacked copy, not as a downloadable zip: there
  // is no Location to fetch it from.
  json out = {{"Configuration", configuration}, {"Code", {{"RepositoryType", "S3"}}}};
  if (found->reserved_concurrency) {
    out["Concurrency"] = {{"ReservedConcurrentExecutions", *found->reserved_concurrency}};
  }
  if (!found->tags.empty()) out["Tags"] = found->tags;
  return JsonResponse(200, out);
}

HttpResponse LambdaApi::List(const HttpRequest& request) {
  auto query = ParseQuery(request.query);
  auto max_items = QueryInteger(query, "MaxItems", 1, 10000, 50);
  if (!max_items)
    return ErrorResponse({"InvalidParameterValueException", max_items.error().message});
  std::string marker = query.count("Marker") ? query["Marker"] : "";
  json functions = json::array();
  std::string next;
  for (const auto& config : store_.List()) {
    if (config.name < marker) continue;
    if (static_cast<int64_t>(functions.size()) == *max_items) {
      next = config.name;
      break;
    }
    functions.push_back(ConfigurationJson(config, Arn(config.name)));
  }
  json out = {{"Functions", functions}};
  if (!next.empty()) out["NextMarker"] = next;
  return JsonResponse(200, out);
}

HttpResponse LambdaApi::UpdateCode(const HttpRequest& request, const LambdaCall& call) {
  auto found = Find(call);
  if (!found) return ErrorResponse(found.error());
  auto body = ParseBody(request.body);
  if (!body) return ErrorResponse(body.error());
  auto code = ReadCode(*body);
  if (!code) return ErrorResponse(code.error());
  if (body->value("DryRun", false))
    return JsonResponse(200, ConfigurationJson(*found, Arn(found->name)));
  auto updated = store_.UpdateCode(found->name, *code, body->value("RevisionId", ""));
  if (!updated) return ErrorResponse(updated.error());
  return JsonResponse(200, ConfigurationJson(*updated, Arn(updated->name)));
}

HttpResponse LambdaApi::UpdateConfiguration(const HttpRequest& request, const LambdaCall& call) {
  auto found = Find(call);
  if (!found) return ErrorResponse(found.error());
  auto body = ParseBody(request.body);
  if (!body) return ErrorResponse(body.error());
  auto settings = ReadSettings(*body, found->settings, false);
  if (!settings) return ErrorResponse(settings.error());
  if (options_.assume_role) {
    if (auto assumed = options_.assume_role(settings->role, found->name); !assumed) {
      return ErrorResponse(assumed.error());
    }
  }
  auto updated = store_.UpdateSettings(found->name, *settings, body->value("RevisionId", ""));
  if (!updated) return ErrorResponse(updated.error());
  return JsonResponse(200, ConfigurationJson(*updated, Arn(updated->name)));
}

HttpResponse LambdaApi::Delete(const LambdaCall& call) {
  if (call.qualifier == "$LATEST") {
    return ErrorResponse({"InvalidParameterValueException",
                          "$LATEST version cannot be deleted without deleting the function."});
  }
  auto found = Find(call);
  if (!found) return ErrorResponse(found.error());
  if (options_.event_queue != nullptr) {  // its queued events and event-invoke config go
    if (auto dropped = options_.event_queue->DropFunction(found->name); !dropped) {
      return ErrorResponse({"ServiceException", dropped.error().message, 500});
    }
  }
  runtime_.Drop(found->name);  // running invocations fail; no new worker starts for it
  auto deleted = store_.Delete(found->name);
  if (!deleted) return ErrorResponse(deleted.error());
  if (options_.policies != nullptr) {  // its resource-based policy goes with it
    if (auto dropped = options_.policies->Drop(found->name); !dropped) {
      return ErrorResponse(dropped.error());
    }
  }
  return JsonResponse(204, nullptr);
}

HttpResponse LambdaApi::PutConcurrency(const HttpRequest& request, const LambdaCall& call) {
  auto found = Find(call);
  if (!found) return ErrorResponse(found.error());
  auto body = ParseBody(request.body);
  if (!body) return ErrorResponse(body.error());
  auto value = body->find("ReservedConcurrentExecutions");
  if (value == body->end() || !value->is_number_integer() || value->get<int64_t>() < 0 ||
      value->get<int64_t>() > 1000) {
    return ErrorResponse({"ValidationException",
                          "1 validation error detected: Value at 'reservedConcurrentExecutions' "
                          "failed to satisfy constraint: Member must be an integer from 0 to "
                          "1000"});
  }
  auto updated = store_.SetReservedConcurrency(found->name, value->get<int>());
  if (!updated) return ErrorResponse(updated.error());
  return JsonResponse(200, {{"ReservedConcurrentExecutions", *updated->reserved_concurrency}});
}

HttpResponse LambdaApi::DeleteConcurrency(const LambdaCall& call) {
  auto found = Find(call);
  if (!found) return ErrorResponse(found.error());
  auto updated = store_.SetReservedConcurrency(found->name, std::nullopt);
  if (!updated) return ErrorResponse(updated.error());
  return JsonResponse(204, nullptr);
}

HttpResponse LambdaApi::GetConcurrency(const LambdaCall& call) {
  auto found = Find(call);
  if (!found) return ErrorResponse(found.error());
  json out = json::object();
  if (found->reserved_concurrency) {
    out["ReservedConcurrentExecutions"] = *found->reserved_concurrency;
  }
  return JsonResponse(200, out);
}

HttpResponse LambdaApi::AccountSettings() {
  function::StoreUsage usage = store_.Usage();
  json out = {{"AccountLimit",
               {{"TotalCodeSize", 80530636800LL},
                {"CodeSizeUnzipped", 262144000},
                {"CodeSizeZipped", 52428800}}},
              {"AccountUsage",
               {{"TotalCodeSize", usage.total_code_bytes}, {"FunctionCount", usage.functions}}}};
  return JsonResponse(200, out);
}

}  // namespace sf::engine::lambda
