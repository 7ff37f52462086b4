// Engine: IAM -- the role store, who signed a request, Lambda's authorization for role
// sessions, and functions' role credentials.

#include <nlohmann/json.hpp>

#include "auth/auth_errors.h"
#include "engine/function/store/function_spec.h"
#include "engine/process/engine.h"

namespace sf::engine {

namespace {

constexpr char kCannotAssume[] = "The role defined for the function cannot be assumed by Lambda.";

// The IAM action of a Lambda operation: its name, but Invoke is lambda:InvokeFunction.
std::string LambdaAction(lambda::LambdaOperation operation) {
  if (operation == lambda::LambdaOperation::kInvoke) return "lambda:InvokeFunction";
  return "lambda:" + std::string(lambda::OperationName(operation));
}

bool IsMappingOperation(lambda::LambdaOperation operation) {
  using Op = lambda::LambdaOperation;
  return operation == Op::kCreateEventSourceMapping || operation == Op::kListEventSourceMappings ||
         operation == Op::kGetEventSourceMapping || operation == Op::kUpdateEventSourceMapping ||
         operation == Op::kDeleteEventSourceMapping;
}

}  // namespace

Status Engine::OpenRoles() {
  iam::RoleStoreOptions role_options;
  role_options.data_dir = options_.data_dir;
  role_options.account = options_.account;
  role_options.region = options_.region;
  role_options.clock = clock_.get();
  auto roles = iam::RoleStore::Open(role_options);
  if (!roles) return tl::unexpected(roles.error());
  roles_ = std::move(*roles);
  return {};
}

tl::expected<iam::Principal, ApiError> Engine::Identify(const HttpRequest& request,
                                                        std::string_view service) const {
  auto verified = auth_->Check(request, service, request.body);
  if (verified) return auth_->PrincipalOf(*verified);
  auth::AuthError error = auth::ErrorFor(verified.error(), auth::Protocol::kJson);
  logger_.Info("request refused",
               {{"reason", std::string(auth::AuthFailureName(verified.error().reason))},
                {"service", std::string(service)},
                {"remote", request.remote_address}});
  return tl::unexpected(ApiError{error.type, error.message, error.http_status});
}

std::optional<ApiError> Engine::AuthorizeLambda(const HttpRequest& request,
                                                const iam::Principal& principal) const {
  if (principal.administrator()) return std::nullopt;
  auto call = lambda::ParseLambdaCall(request.method, request.path, request.query);
  if (!call) return std::nullopt;  // the API answers it, doing nothing
  std::string function = call->function;
  if (call->operation == lambda::LambdaOperation::kCreateFunction) {
    auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_object() && body.contains("FunctionName") && body["FunctionName"].is_string()) {
      auto name = lambda::ParseFunctionName(body["FunctionName"].get<std::string>());
      if (name) function = name->function;
    }
  }
  std::string resource = "*";
  if (IsMappingOperation(call->operation)) {
    if (!function.empty()) {
      resource = "arn:aws:lambda:" + options_.region + ":" + options_.account +
                 ":event-source-mapping:" + function;
    }
  } else if (!function.empty()) {
    resource = function::FunctionArn(options_.region, options_.account, function);
  }
  std::string action = LambdaAction(call->operation);
  return iam::AccessDenied(principal, action, resource, 403);
}

ApiResult<std::shared_ptr<const iam::Session>> Engine::LambdaSession(
    const std::string& role_arn, const std::string& function) const {
  auto cannot = [] { return ApiFail("InvalidParameterValueException", kCannotAssume, 400); };
  auto role = roles_->FindRoleByArn(role_arn);
  if (role == nullptr || !iam::ServiceMayAssume(role->trust, "lambda.amazonaws.com")) {
    return cannot();
  }
  auto session = roles_->SessionFor(role->record.name, function);
  if (!session) return cannot();  // deleted meanwhile
  return session;
}

ApiResult<std::map<std::string, std::string>> Engine::FunctionAwsEnvironment(
    const function::FunctionConfig& config) const {
  auto session = LambdaSession(config.settings.role, config.name);
  if (!session) return tl::unexpected(session.error());
  auto environment = function::EngineAwsEnvironment((*session)->access_key, (*session)->secret_key,
                                                    options_.region, EndpointUrl());
  environment["AWS_SESSION_TOKEN"] = (*session)->token;
  return environment;
}

}  // namespace sf::engine
