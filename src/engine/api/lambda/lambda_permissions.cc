// LambdaApi::Permissions: a function's resource-based policy -- AddPermission (POST
// /2015-03-31/functions/{name}/policy), RemovePermission (DELETE .../policy/{StatementId}) and
// GetPolicy (GET .../policy) -- over the PolicyStore (engine/function/policy/policy_store.h).
// The engine enforces these policies on the calls AWS services make: a schedule's invocation
// needs a statement allowing events.amazonaws.com (engine/process/engine_schedules.cc).

#include <regex>
#include <string>
#include <vector>

#include "engine/api/lambda/lambda_api.h"
#include "engine/api/lambda/lambda_wire.h"
#include "engine/api/stacks/stack_request.h"

namespace sf::engine::lambda {

namespace {

using nlohmann::json;

// One string member of AddPermission with the model's constraints.
struct Field {
  const char* member;
  const char* path;  // as AWS names it in messages
  const char* pattern;
  size_t max_length;  // 0: none
  bool required;
  std::string function::PolicyStatement::*target;
};

constexpr Field kFields[] = {
    {"StatementId", "statementId", "([a-zA-Z0-9-_]+)", 100, true, &function::PolicyStatement::sid},
    {"Action", "action", "(lambda:[*]|lambda:[a-zA-Z]+|[*])", 0, true,
     &function::PolicyStatement::action},
    {"Principal", "principal", "[^\\s]+", 0, true, &function::PolicyStatement::principal},
    {"SourceArn", "sourceArn",
     "arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}(-gov)?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)", 0,
     false, &function::PolicyStatement::source_arn},
    {"SourceAccount", "sourceAccount", "\\d{12}", 12, false,
     &function::PolicyStatement::source_account},
    {"EventSourceToken", "eventSourceToken", "[a-zA-Z0-9._\\-]+", 256, false,
     &function::PolicyStatement::event_source_token},
    {"PrincipalOrgID", "principalOrgID", "^o-[a-z0-9]{10,32}$", 34, false,
     &function::PolicyStatement::principal_org_id},
};

// The violations of AddPermission's body, as Lambda's "N validation errors detected: ...".
ApiResult<function::PolicyStatement> ReadStatement(const json& body) {
  function::PolicyStatement statement;
  std::vector<std::string> violations;
  for (const Field& field : kFields) {
    auto member = body.find(field.member);
    if (member == body.end() || member->is_null()) {
      if (field.required) {
        violations.push_back(std::string("Value null at '") + field.path +
                             "' failed to satisfy constraint: Member must not be null");
      }
      continue;
    }
    if (!member->is_string()) {
      return ApiFail("InvalidRequestContentException",
                     std::string("Could not parse request body into json: ") + field.member +
                         " must be a string");
    }
    std::string value = member->get<std::string>();
    std::string prefix = "Value '" + value + "' at '" + field.path + "' failed to satisfy ";
    if (field.max_length != 0 && value.size() > field.max_length) {
      violations.push_back(prefix + "constraint: Member must have length less than or equal to " +
                           std::to_string(field.max_length));
    } else if (!std::regex_match(value, std::regex(field.pattern))) {
      violations.push_back(
          prefix + "constraint: Member must satisfy regular expression pattern: " + field.pattern);
    }
    statement.*(field.target) = std::move(value);
  }
  if (auto type = body.find("FunctionUrlAuthType"); type != body.end() && type->is_string()) {
    statement.function_url_auth_type = type->get<std::string>();
    if (statement.function_url_auth_type != "NONE" &&
        statement.function_url_auth_type != "AWS_IAM") {
      violations.push_back("Value '" + statement.function_url_auth_type +
                           "' at 'functionUrlAuthType' failed to satisfy constraint: Member must "
                           "satisfy enum value set: [NONE, AWS_IAM]");
    }
  }
  if (violations.empty()) return statement;
  std::string message = std::to_string(violations.size()) + " validation error" +
                        (violations.size() > 1 ? "s" : "") + " detected: ";
  for (size_t i = 0; i < violations.size(); ++i) message += (i ? "; " : "") + violations[i];
  return ApiFail("ValidationException", message);
}

bool IsStatementIdForRemove(const std::string& sid) {
  return !sid.empty() && sid.size() <= 100 && std::regex_match(sid, std::regex("[a-zA-Z0-9-_.]+"));
}

}  // namespace

HttpResponse LambdaApi::Permissions(const HttpRequest& request, const LambdaCall& call) {
  function::PolicyStore* policies = options_.policies;
  if (policies == nullptr) {
    return ErrorResponse({"ServiceException", "resource-based policies are not served here", 500});
  }
  auto found = Find(call);
  if (!found) return ErrorResponse(found.error());
  const std::string& name = found->name;
  std::string arn = Arn(name);
  if (call.operation == LambdaOperation::kGetPolicy) {
    auto policy = policies->Get(name);
    if (!policy) {
      return ErrorResponse(
          {"ResourceNotFoundException", "The resource you requested does not exist.", 404});
    }
    return JsonResponse(200, {{"Policy", function::PolicyJson(policy->statements, arn)},
                              {"RevisionId", policy->revision_id}});
  }
  if (call.operation == LambdaOperation::kRemovePermission) {
    if (!IsStatementIdForRemove(call.statement_id)) {
      return ErrorResponse({"ValidationException",
                            "1 validation error detected: Value '" + call.statement_id +
                                "' at 'statementId' failed to satisfy constraint: Member must "
                                "satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)"});
    }
    auto query = ParseQuery(request.query);
    std::string revision = query.count("RevisionId") ? query["RevisionId"] : "";
    auto removed = policies->Remove(name, call.statement_id, revision);
    if (!removed) return ErrorResponse(removed.error());
    return JsonResponse(204, nullptr);
  }
  auto body = ParseBody(request.body);
  if (!body) return ErrorResponse(body.error());
  auto statement = ReadStatement(*body);
  if (!statement) return ErrorResponse(statement.error());
  auto revision_member = body->find("RevisionId");
  std::string revision = revision_member != body->end() && revision_member->is_string()
                             ? revision_member->get<std::string>()
                             : "";
  auto added = policies->Add(name, arn, *statement, revision);
  if (!added) return ErrorResponse(added.error());
  return JsonResponse(201, {{"Statement", function::StatementJson(*statement, arn)}});
}

}  // namespace sf::engine::lambda
