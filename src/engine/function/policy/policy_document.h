#pragma once
// A Lambda function's resource-based policy: the statements AddPermission adds, rendered as
// Lambda renders them, and the check a service's invocation must pass.
//
// Rendering (GetPolicy's Policy, AddPermission's Statement), as Lambda writes them:
//   {"Version":"2012-10-17","Id":"default","Statement":[
//     {"Sid":"...","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},
//      "Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:...:function:name",
//      "Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:events:...:rule/name"}}}]}
// Principal: "*" stays "*"; an account id becomes {"AWS":"arn:aws:iam::<id>:root"}; an ARN
// {"AWS": arn}; anything else (a service, "events.amazonaws.com") {"Service": principal}.
// Conditions: SourceArn -> ArnLike AWS:SourceArn; SourceAccount -> StringEquals
// AWS:SourceAccount; PrincipalOrgID -> StringEquals aws:PrincipalOrgID; EventSourceToken ->
// StringEquals lambda:EventSourceToken; FunctionUrlAuthType -> StringEquals
// lambda:FunctionUrlAuthType.
//
// Pure functions over plain data; thread-safe.

#include <string>
#include <string_view>
#include <vector>

namespace sf::engine::function {

// One AddPermission, as given (empty strings: not given).
struct PolicyStatement {
  std::string sid;
  std::string action;
  std::string principal;
  std::string source_arn;
  std::string source_account;
  std::string principal_org_id;
  std::string event_source_token;
  std::string function_url_auth_type;
};

// One statement, as AddPermission's Statement string holds it.
std::string StatementJson(const PolicyStatement& statement, const std::string& function_arn);
// The whole policy document, as GetPolicy's Policy string holds it.
std::string PolicyJson(const std::vector<PolicyStatement>& statements,
                       const std::string& function_arn);

// True when some statement lets `service` (a service principal, "events.amazonaws.com") invoke
// the function on behalf of `source_arn` in `source_account`: its Action is
// lambda:InvokeFunction, lambda:* or *; its Principal the service or "*"; its SourceArn, when
// it has one, matches `source_arn` (ArnLike: '*' any run of characters, '?' any one); its
// SourceAccount, when it has one, equals `source_account`.
bool AllowsServiceInvoke(const std::vector<PolicyStatement>& statements, std::string_view service,
                         std::string_view source_arn, std::string_view source_account);

// '*' matches any run of characters, '?' any one; everything else itself.
bool ArnLike(std::string_view pattern, std::string_view arn);

}  // namespace sf::engine::function
