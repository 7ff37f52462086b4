#include "engine/function/policy/policy_document.h"

#include <cctype>
#include <nlohmann/json.hpp>

namespace sf::engine::function {

namespace {

using nlohmann::ordered_json;

bool IsAccountId(std::string_view text) {
  if (text.size() != 12) return false;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

ordered_json PrincipalJson(const std::string& principal) {
  if (principal == "*") return "*";
  if (IsAccountId(principal)) return {{"AWS", "arn:aws:iam::" + principal + ":root"}};
  if (principal.rfind("arn:", 0) == 0) return {{"AWS", principal}};
  return {{"Service", principal}};
}

ordered_json Statement(const PolicyStatement& s, const std::string& function_arn) {
  ordered_json out = {{"Sid", s.sid},
                      {"Effect", "Allow"},
                      {"Principal", PrincipalJson(s.principal)},
                      {"Action", s.action},
                      {"Resource", function_arn}};
  ordered_json condition = ordered_json::object();
  auto equals = [&condition](const char* key, const std::string& value) {
    if (!value.empty()) condition["StringEquals"][key] = value;
  };
  equals("AWS:SourceAccount", s.source_account);
  equals("aws:PrincipalOrgID", s.principal_org_id);
  equals("lambda:EventSourceToken", s.event_source_token);
  equals("lambda:FunctionUrlAuthType", s.function_url_auth_type);
  if (!s.source_arn.empty()) condition["ArnLike"]["AWS:SourceArn"] = s.source_arn;
  if (!condition.empty()) out["Condition"] = condition;
  return out;
}

bool InvokeAction(std::string_view action) {
  return action == "lambda:InvokeFunction" || action == "lambda:*" || action == "*";
}

}  // namespace

std::string StatementJson(const PolicyStatement& statement, const std::string& function_arn) {
  return Statement(statement, function_arn).dump();
}

std::string PolicyJson(const std::vector<PolicyStatement>& statements,
                       const std::string& function_arn) {
  ordered_json list = ordered_json::array();
  for (const PolicyStatement& s : statements) list.push_back(Statement(s, function_arn));
  ordered_json policy = {{"Version", "2012-10-17"}, {"Id", "default"}, {"Statement", list}};
  return policy.dump();
}

bool ArnLike(std::string_view pattern, std::string_view arn) {
  size_t p = 0;
  size_t a = 0;
  size_t star = std::string_view::npos;
  size_t resume = 0;
  while (a < arn.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == arn[a])) {
      ++p;
      ++a;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = a;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      a = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool AllowsServiceInvoke(const std::vector<PolicyStatement>& statements, std::string_view service,
                         std::string_view source_arn, std::string_view source_account) {
  for (const PolicyStatement& s : statements) {
    if (!InvokeAction(s.action)) continue;
    if (s.principal != service && s.principal != "*") continue;
    if (!s.source_arn.empty() && !ArnLike(s.source_arn, source_arn)) continue;
    if (!s.source_account.empty() && s.source_account != source_account) continue;
    return true;
  }
  return false;
}

}  // namespace sf::engine::function
