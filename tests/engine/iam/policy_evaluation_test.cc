// Evaluating policies as AWS does: wildcards, case rules, explicit Deny wins, NotAction and
// NotResource, conditions (and what cannot be evaluated), trust policies.

#include "engine/iam/policy_evaluation.h"

#include <gtest/gtest.h>

#include "engine/iam/managed_policies.h"
#include "engine/iam/wildcard.h"

namespace sf::engine::iam {
namespace {

PolicyDocument Parse(std::string_view text, PolicyKind kind = PolicyKind::kPermissions) {
  auto parsed = ParsePolicy(text, kind);
  EXPECT_TRUE(parsed) << parsed.error().message;
  return parsed ? *parsed : PolicyDocument{};
}

Decision Decide(const std::vector<const PolicyDocument*>& policies, std::string_view action,
                std::string_view resource, const KeyValues* keys = nullptr) {
  AccessRequest request;
  request.action = action;
  request.resource = resource;
  request.keys.first = keys;
  return Evaluate(policies, request);
}

constexpr char kStream[] = "arn:aws:kinesis:us-east-1:000000000000:stream/orders";

TEST(WildcardTest, StarAndQuestionMark) {
  EXPECT_TRUE(WildcardMatch("*", ""));
  EXPECT_TRUE(WildcardMatch("*", "anything"));
  EXPECT_TRUE(WildcardMatch("a*", "a*b"));
  EXPECT_TRUE(WildcardMatch("arn:aws:s3:::b/*", "arn:aws:s3:::b/x/y.json"));
  EXPECT_FALSE(WildcardMatch("arn:aws:s3:::b/*", "arn:aws:s3:::b"));
  EXPECT_TRUE(WildcardMatch("a?c", "abc"));
  EXPECT_FALSE(WildcardMatch("a?c", "ac"));
  EXPECT_TRUE(WildcardMatch("*a*b*c*", "xxaxxbxxcxx"));
  EXPECT_FALSE(WildcardMatch("*a*b*c", "xxaxxbxxcxxd"));
  EXPECT_FALSE(WildcardMatch("Orders", "orders")) << "case-sensitive by default";
  EXPECT_TRUE(WildcardMatch("kinesis:put*", "Kinesis:PutRecord", /*fold_text=*/true));
}

TEST(EvaluationTest, ActionsIgnoreCaseResourcesDoNot) {
  PolicyDocument policy = Parse(
      R"({"Statement":{"Effect":"Allow","Action":"KINESIS:put*",
          "Resource":"arn:aws:kinesis:*:*:stream/ord?rs"}})");
  EXPECT_EQ(Decide({&policy}, "kinesis:PutRecord", kStream), Decision::kAllow);
  EXPECT_EQ(Decide({&policy}, "kinesis:PutRecords", kStream), Decision::kAllow);
  EXPECT_EQ(Decide({&policy}, "kinesis:GetRecords", kStream), Decision::kImplicitDeny);
  EXPECT_EQ(Decide({&policy}, "kinesis:PutRecord",
                   "arn:aws:kinesis:us-east-1:000000000000:stream/Orders"),
            Decision::kImplicitDeny);
  EXPECT_EQ(Decide({}, "kinesis:PutRecord", kStream), Decision::kImplicitDeny);
}

TEST(EvaluationTest, ExplicitDenyWinsAcrossPolicies) {
  PolicyDocument allow_all =
      Parse(R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})");
  PolicyDocument deny_delete = Parse(
      R"({"Statement":{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"}})");
  EXPECT_EQ(Decide({&allow_all, &deny_delete}, "s3:DeleteObject", "arn:aws:s3:::b/k"),
            Decision::kExplicitDeny);
  EXPECT_EQ(Decide({&deny_delete, &allow_all}, "s3:DeleteObject", "arn:aws:s3:::b/k"),
            Decision::kExplicitDeny);
  EXPECT_EQ(Decide({&allow_all, &deny_delete}, "s3:GetObject", "arn:aws:s3:::b/k"),
            Decision::kAllow);
  EXPECT_EQ(Decide({&allow_all, &deny_delete}, "s3:DeleteObject", "arn:aws:s3:::c/k"),
            Decision::kAllow);
}

TEST(EvaluationTest, NotActionAndNotResource) {
  PolicyDocument policy = Parse(
      R"({"Statement":[{"Effect":"Allow","NotAction":"s3:Delete*","Resource":"*"},
          {"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::mine","arn:aws:s3:::mine/*"]}]})");
  EXPECT_EQ(Decide({&policy}, "s3:GetObject", "arn:aws:s3:::mine/k"), Decision::kAllow);
  EXPECT_EQ(Decide({&policy}, "s3:DeleteObject", "arn:aws:s3:::mine/k"), Decision::kImplicitDeny);
  EXPECT_EQ(Decide({&policy}, "s3:GetObject", "arn:aws:s3:::theirs/k"), Decision::kExplicitDeny);
  EXPECT_EQ(Decide({&policy}, "kinesis:PutRecord", kStream), Decision::kAllow);
}

TEST(EvaluationTest, ActionsWithoutResourceTypeNeedAStar) {
  PolicyDocument scoped = Parse(
      R"({"Statement":{"Effect":"Allow","Action":"kinesis:ListStreams",
          "Resource":"arn:aws:kinesis:*:*:stream/*"}})");
  PolicyDocument star =
      Parse(R"({"Statement":{"Effect":"Allow","Action":"kinesis:List*","Resource":"*"}})");
  EXPECT_EQ(Decide({&scoped}, "kinesis:ListStreams", "*"), Decision::kImplicitDeny);
  EXPECT_EQ(Decide({&star}, "kinesis:ListStreams", "*"), Decision::kAllow);
}

TEST(EvaluationTest, Conditions) {
  KeyValues keys = {{"aws:principaltag/team", "data"},
                    {"aws:securetransport", "false"},
                    {"aws:principalarn", "arn:aws:iam::000000000000:role/app"}};
  auto decide = [&](const char* condition) {
    std::string text = std::string(R"({"Statement":{"Effect":"Allow","Action":"s3:*",)") +
                       R"("Resource":"*","Condition":)" + condition + "}}";
    PolicyDocument policy = Parse(text);
    return Decide({&policy}, "s3:GetObject", "arn:aws:s3:::b/k", &keys);
  };
  EXPECT_EQ(decide(R"({"StringEquals":{"aws:PrincipalTag/Team":"data"}})"), Decision::kAllow);
  EXPECT_EQ(decide(R"({"StringEquals":{"aws:PrincipalTag/Team":["x","data"]}})"), Decision::kAllow);
  EXPECT_EQ(decide(R"({"StringEquals":{"aws:PrincipalTag/Team":"Data"}})"),
            Decision::kImplicitDeny);
  EXPECT_EQ(decide(R"({"StringEqualsIgnoreCase":{"aws:PrincipalTag/Team":"Data"}})"),
            Decision::kAllow);
  EXPECT_EQ(decide(R"({"StringNotEquals":{"aws:PrincipalTag/Team":"data"}})"),
            Decision::kImplicitDeny);
  EXPECT_EQ(decide(R"({"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/a*"}})"),
            Decision::kAllow);
  EXPECT_EQ(decide(R"({"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/a*"}})"),
            Decision::kImplicitDeny);
  EXPECT_EQ(decide(R"({"Bool":{"aws:SecureTransport":"FALSE"}})"), Decision::kAllow);
  // Keys the request does not have.
  EXPECT_EQ(decide(R"({"StringEquals":{"s3:prefix":"logs/"}})"), Decision::kImplicitDeny);
  EXPECT_EQ(decide(R"({"StringEqualsIfExists":{"s3:prefix":"logs/"}})"), Decision::kAllow);
  EXPECT_EQ(decide(R"({"StringNotEquals":{"s3:prefix":"logs/"}})"), Decision::kAllow);
  EXPECT_EQ(decide(R"({"Null":{"s3:prefix":"true"}})"), Decision::kAllow);
  EXPECT_EQ(decide(R"({"Null":{"aws:PrincipalArn":"true"}})"), Decision::kImplicitDeny);
  EXPECT_EQ(decide(R"({"ForAllValues:StringEquals":{"aws:TagKeys":"x"}})"), Decision::kAllow);
  // Every clause must hold.
  EXPECT_EQ(decide(R"({"StringEquals":{"aws:PrincipalTag/Team":"data"},
                      "Bool":{"aws:SecureTransport":"true"}})"),
            Decision::kImplicitDeny);
  // An operator streamform cannot evaluate never allows...
  EXPECT_EQ(decide(R"({"IpAddress":{"aws:SourceIp":"127.0.0.0/8"}})"), Decision::kImplicitDeny);

  // ... and always denies.
  PolicyDocument allow =
      Parse(R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}})");
  PolicyDocument deny = Parse(
      R"({"Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*",
          "Condition":{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}}})");
  EXPECT_EQ(Decide({&allow, &deny}, "s3:GetObject", "arn:aws:s3:::b/k", &keys),
            Decision::kExplicitDeny);
  // But a clause that can be evaluated and fails keeps a Deny from applying.
  PolicyDocument narrow_deny = Parse(
      R"({"Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*",
          "Condition":{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"},
                       "StringEquals":{"aws:PrincipalTag/Team":"other"}}}})");
  EXPECT_EQ(Decide({&allow, &narrow_deny}, "s3:GetObject", "arn:aws:s3:::b/k", &keys),
            Decision::kAllow);
}

TEST(EvaluationTest, ManagedPoliciesGrantWhatAwsDocuments) {
  auto managed = [](const char* name) {
    return FindManagedPolicy(std::string("arn:aws:iam::aws:policy/") + name)->parsed;
  };
  const PolicyDocument* kinesis_exec = managed("service-role/AWSLambdaKinesisExecutionRole");
  EXPECT_EQ(Decide({kinesis_exec}, "kinesis:GetRecords", kStream), Decision::kAllow);
  EXPECT_EQ(Decide({kinesis_exec}, "kinesis:PutRecord", kStream), Decision::kImplicitDeny);
  const PolicyDocument* s3_read = managed("AmazonS3ReadOnlyAccess");
  EXPECT_EQ(Decide({s3_read}, "s3:GetObject", "arn:aws:s3:::b/k"), Decision::kAllow);
  EXPECT_EQ(Decide({s3_read}, "s3:ListBucket", "arn:aws:s3:::b"), Decision::kAllow);
  EXPECT_EQ(Decide({s3_read}, "s3:PutObject", "arn:aws:s3:::b/k"), Decision::kImplicitDeny);
  const PolicyDocument* execute = managed("AWSLambdaExecute");
  EXPECT_EQ(Decide({execute}, "s3:PutObject", "arn:aws:s3:::b/k"), Decision::kAllow);
  EXPECT_EQ(Decide({execute}, "s3:DeleteObject", "arn:aws:s3:::b/k"), Decision::kImplicitDeny);
}

TrustRequest Asking(std::string_view type, std::vector<std::string> names) {
  TrustRequest request;
  request.type = type;
  request.names = std::move(names);
  return request;
}

TEST(EvaluationTest, TrustPolicies) {
  PolicyDocument trust = Parse(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":
          "lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]})",
      PolicyKind::kTrust);
  TrustRequest lambda = Asking("Service", {"lambda.amazonaws.com"});
  TrustRequest firehose = Asking("Service", {"firehose.amazonaws.com"});
  TrustRequest role = Asking("AWS", {"arn:aws:iam::000000000000:role/other", "000000000000"});
  EXPECT_TRUE(TrustAllows(trust, lambda));
  EXPECT_FALSE(TrustAllows(trust, firehose));
  EXPECT_FALSE(TrustAllows(trust, role));
  TrustRequest tag_session = lambda;
  tag_session.action = "sts:TagSession";
  EXPECT_FALSE(TrustAllows(trust, tag_session));

  PolicyDocument account = Parse(
      R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"000000000000"},
          "Action":"sts:*"},{"Effect":"Deny","Principal":{"AWS":
          "arn:aws:iam::000000000000:role/other"},"Action":"sts:AssumeRole"}]})",
      PolicyKind::kTrust);
  EXPECT_FALSE(TrustAllows(account, role)) << "explicit deny wins";
  TrustRequest another = Asking("AWS", {"arn:aws:iam::000000000000:role/another", "000000000000"});
  EXPECT_TRUE(TrustAllows(account, another));
  PolicyDocument anyone =
      Parse(R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}})",
            PolicyKind::kTrust);
  EXPECT_TRUE(TrustAllows(anyone, firehose));
}

}  // namespace
}  // namespace sf::engine::iam
