// Resource-based policies: Lambda's JSON, the check a scheduled invocation must pass, and the
// store's conflicts, revisions and durability.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../../../support/temp_dir.h"
#include "engine/function/policy/policy_store.h"

namespace sf::engine::function {
namespace {

constexpr char kFunctionArn[] = "arn:aws:lambda:us-east-1:123456789012:function:f";
constexpr char kRuleArn[] = "arn:aws:events:us-east-1:123456789012:rule/nightly";

PolicyStatement EventsStatement(std::string sid, std::string source_arn = kRuleArn) {
  PolicyStatement s;
  s.sid = std::move(sid);
  s.action = "lambda:InvokeFunction";
  s.principal = "events.amazonaws.com";
  s.source_arn = std::move(source_arn);
  return s;
}

TEST(PolicyDocument, RendersAsLambdaDoes) {
  PolicyStatement account;
  account.sid = "acct";
  account.action = "lambda:*";
  account.principal = "123456789012";
  account.source_account = "123456789012";
  std::string text = PolicyJson({EventsStatement("events"), account}, kFunctionArn);
  EXPECT_EQ(
      text.find(
          "{\"Version\":\"2012-10-17\",\"Id\":\"default\",\"Statement\":[{\"Sid\":\"events\""),
      0u)
      << text;
  nlohmann::json policy = nlohmann::json::parse(text);
  EXPECT_EQ(policy["Statement"][0]["Principal"],
            nlohmann::json({{"Service", "events.amazonaws.com"}}));
  EXPECT_EQ(policy["Statement"][0]["Resource"], kFunctionArn);
  EXPECT_EQ(policy["Statement"][0]["Condition"],
            nlohmann::json({{"ArnLike", {{"AWS:SourceArn", kRuleArn}}}}));
  EXPECT_EQ(policy["Statement"][1]["Principal"],
            nlohmann::json({{"AWS", "arn:aws:iam::123456789012:root"}}));
  EXPECT_EQ(policy["Statement"][1]["Condition"],
            nlohmann::json({{"StringEquals", {{"AWS:SourceAccount", "123456789012"}}}}));
  PolicyStatement anyone;
  anyone.sid = "any";
  anyone.action = "*";
  anyone.principal = "*";
  EXPECT_EQ(nlohmann::json::parse(StatementJson(anyone, kFunctionArn))["Principal"], "*");
}

TEST(PolicyDocument, ServiceInvokeCheck) {
  const std::string account = "123456789012";
  EXPECT_FALSE(AllowsServiceInvoke({}, "events.amazonaws.com", kRuleArn, account));
  EXPECT_TRUE(
      AllowsServiceInvoke({EventsStatement("a")}, "events.amazonaws.com", kRuleArn, account));
  EXPECT_FALSE(AllowsServiceInvoke({EventsStatement("a")}, "s3.amazonaws.com", kRuleArn, account));
  EXPECT_FALSE(AllowsServiceInvoke(
      {EventsStatement("a", "arn:aws:events:us-east-1:123456789012:rule/other")},
      "events.amazonaws.com", kRuleArn, account));
  EXPECT_TRUE(
      AllowsServiceInvoke({EventsStatement("a", "arn:aws:events:us-east-1:123456789012:rule/*")},
                          "events.amazonaws.com", kRuleArn, account));
  EXPECT_TRUE(
      AllowsServiceInvoke({EventsStatement("a", "")}, "events.amazonaws.com", kRuleArn, account));
  PolicyStatement wrong_account = EventsStatement("a", "");
  wrong_account.source_account = "999999999999";
  EXPECT_FALSE(AllowsServiceInvoke({wrong_account}, "events.amazonaws.com", kRuleArn, account));
  PolicyStatement other_action = EventsStatement("a");
  other_action.action = "lambda:GetFunction";
  EXPECT_FALSE(AllowsServiceInvoke({other_action}, "events.amazonaws.com", kRuleArn, account));
  EXPECT_TRUE(ArnLike("arn:aws:events:*:*:rule/night?y", kRuleArn));
  EXPECT_FALSE(ArnLike("arn:aws:events:*:*:rule/night", kRuleArn));
}

TEST(PolicyStore, ConflictsRevisionsAndDurability) {
  testing_support::TempDir dir("policy_store");
  std::string revision;
  {
    auto store = PolicyStore::Open(dir.path());
    ASSERT_TRUE(store) << store.error().message;
    EXPECT_FALSE((*store)->Get("f"));
    auto added = (*store)->Add("f", kFunctionArn, EventsStatement("events"), "");
    ASSERT_TRUE(added);
    revision = added->revision_id;
    auto duplicate = (*store)->Add("f", kFunctionArn, EventsStatement("events"), "");
    ASSERT_FALSE(duplicate);
    EXPECT_EQ(duplicate.error().type, "ResourceConflictException");
    EXPECT_EQ(duplicate.error().status, 409);
    auto stale = (*store)->Add("f", kFunctionArn, EventsStatement("other"), "stale");
    ASSERT_FALSE(stale);
    EXPECT_EQ(stale.error().type, "PreconditionFailedException");
    EXPECT_EQ(stale.error().status, 412);
    auto missing = (*store)->Remove("f", "nope", "");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().type, "ResourceNotFoundException");
  }
  auto store = PolicyStore::Open(dir.path());
  ASSERT_TRUE(store);
  auto policy = (*store)->Get("f");
  ASSERT_TRUE(policy);
  EXPECT_EQ(policy->revision_id, revision);
  ASSERT_EQ(policy->statements.size(), 1u);
  EXPECT_EQ(policy->statements[0].source_arn, kRuleArn);
  EXPECT_TRUE((*store)->AllowsServiceInvoke("f", "events.amazonaws.com", kRuleArn, "123456789012"));
  ASSERT_TRUE((*store)->Add("f", kFunctionArn, EventsStatement("second"), revision));
  ASSERT_TRUE((*store)->Drop("f"));
  EXPECT_FALSE((*store)->Get("f"));
  EXPECT_FALSE(
      (*store)->AllowsServiceInvoke("f", "events.amazonaws.com", kRuleArn, "123456789012"));
}

TEST(PolicyStore, PoliciesHaveALengthLimit) {
  testing_support::TempDir dir("policy_limit");
  auto store = PolicyStore::Open(dir.path());
  ASSERT_TRUE(store);
  ApiResult<FunctionPolicy> added;
  for (int i = 0; i < 200 && added; ++i) {
    added = (*store)->Add("f", kFunctionArn, EventsStatement("statement-" + std::to_string(i)), "");
  }
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().type, "PolicyLengthExceededException");
  EXPECT_LE(PolicyJson((*store)->Get("f")->statements, kFunctionArn).size(), kMaxPolicyBytes);
}

}  // namespace
}  // namespace sf::engine::function
