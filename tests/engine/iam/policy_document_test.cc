// Parsing IAM policy documents: the grammar, both kinds, and IAM's MalformedPolicyDocument.

#include "engine/iam/policy_document.h"

#include <gtest/gtest.h>

#include "engine/iam/managed_policies.h"

namespace sf::engine::iam {
namespace {

::testing::AssertionResult Malformed(std::string_view text, PolicyKind kind,
                                     const std::string& message) {
  auto parsed = ParsePolicy(text, kind);
  if (parsed) return ::testing::AssertionFailure() << "parsed: " << text;
  if (parsed.error().type != "MalformedPolicyDocument" || parsed.error().status != 400) {
    return ::testing::AssertionFailure() << parsed.error().type << " " << parsed.error().status;
  }
  if (parsed.error().message != message) {
    return ::testing::AssertionFailure() << "message: " << parsed.error().message;
  }
  return ::testing::AssertionSuccess();
}

TEST(PolicyDocumentTest, StatementAsObjectOrList) {
  auto one = ParsePolicy(
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject",
          "Resource":"arn:aws:s3:::b/*"}})",
      PolicyKind::kPermissions);
  ASSERT_TRUE(one) << one.error().message;
  ASSERT_EQ(one->statements.size(), 1u);
  EXPECT_EQ(one->version, "2012-10-17");
  EXPECT_EQ(one->statements[0].actions, std::vector<std::string>{"s3:getobject"});
  EXPECT_EQ(one->statements[0].resources, std::vector<std::string>{"arn:aws:s3:::b/*"});

  auto two = ParsePolicy(
      R"({"Statement":[{"Sid":"A","Effect":"Deny","NotAction":["kinesis:Get*","kinesis:List*"],
          "NotResource":"*"},{"Effect":"Allow","Action":"*","Resource":["a","b"],
          "Condition":{"StringEquals":{"AWS:PrincipalTag/Team":["x","y"]},
                       "Bool":{"aws:SecureTransport":false}}}]})",
      PolicyKind::kPermissions);
  ASSERT_TRUE(two) << two.error().message;
  ASSERT_EQ(two->statements.size(), 2u);
  const Statement& deny = two->statements[0];
  EXPECT_EQ(deny.sid, "A");
  EXPECT_EQ(deny.effect, Effect::kDeny);
  EXPECT_TRUE(deny.not_action);
  EXPECT_TRUE(deny.not_resource);
  const Statement& allow = two->statements[1];
  ASSERT_EQ(allow.conditions.size(), 2u);
  for (const ConditionClause& clause : allow.conditions) {
    if (clause.op == "StringEquals") {
      EXPECT_EQ(clause.key, "aws:principaltag/team") << "keys compare case-insensitively";
      EXPECT_EQ(clause.values, (std::vector<std::string>{"x", "y"}));
    } else {
      EXPECT_EQ(clause.op, "Bool");
      EXPECT_EQ(clause.values, std::vector<std::string>{"false"});
    }
  }
}

TEST(PolicyDocumentTest, TrustPolicies) {
  auto trust = ParsePolicy(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":
          ["lambda.amazonaws.com"],"AWS":"arn:aws:iam::000000000000:root"},
          "Action":"sts:AssumeRole"}]})",
      PolicyKind::kTrust);
  ASSERT_TRUE(trust) << trust.error().message;
  ASSERT_TRUE(trust->statements[0].principal.has_value());
  EXPECT_EQ(trust->statements[0].principal->principals.size(), 2u);
  auto anyone =
      ParsePolicy(R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}})",
                  PolicyKind::kTrust);
  ASSERT_TRUE(anyone);
  EXPECT_TRUE(anyone->statements[0].principal->anyone);

  EXPECT_TRUE(Malformed(R"({"Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}})",
                        PolicyKind::kTrust, "Missing required field Principal"));
  EXPECT_TRUE(Malformed(R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:*",
                            "Resource":"*"}})",
                        PolicyKind::kTrust, "Has prohibited field Resource"));
  EXPECT_TRUE(Malformed(R"({"Statement":{"Effect":"Allow","Principal":{"Users":"x"},
                            "Action":"sts:AssumeRole"}})",
                        PolicyKind::kTrust, "Invalid principal in policy: \"Users\""));
}

TEST(PolicyDocumentTest, MalformedDocumentsAreWordedAsIam) {
  const auto kPerm = PolicyKind::kPermissions;
  EXPECT_TRUE(Malformed("{not json", kPerm, "This policy contains invalid Json"));
  EXPECT_TRUE(Malformed("[]", kPerm, "Syntax errors in policy."));
  EXPECT_TRUE(Malformed(R"({"Version":"2012-10-17"})", kPerm, "Missing required field Statement"));
  EXPECT_TRUE(Malformed(R"({"Version":"2020-01-01","Statement":[]})", kPerm,
                        "The policy must contain a valid version string"));
  EXPECT_TRUE(Malformed(R"({"Statement":[]})", kPerm, "Syntax errors in policy."));
  EXPECT_TRUE(Malformed(R"({"Statement":{"Action":"s3:*","Resource":"*"}})", kPerm,
                        "Missing required field Effect"));
  EXPECT_TRUE(Malformed(R"({"Statement":{"Effect":"Allows","Action":"s3:*","Resource":"*"}})",
                        kPerm, "Invalid effect: Allows"));
  EXPECT_TRUE(Malformed(R"({"Statement":{"Effect":"Allow","Resource":"*"}})", kPerm,
                        "Policy statement must contain actions."));
  EXPECT_TRUE(Malformed(R"({"Statement":{"Effect":"Allow","Action":"s3:*"}})", kPerm,
                        "Policy statement must contain resources."));
  EXPECT_TRUE(Malformed(R"({"Statement":{"Effect":"Allow","Action":"GetObject","Resource":"*"}})",
                        kPerm,
                        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, "
                        "etc."));
  EXPECT_TRUE(Malformed(R"({"Statement":{"Effect":"Allow","Action":"s3:*","NotAction":"s3:x",
                            "Resource":"*"}})",
                        kPerm, "Statement can not contain both Action and NotAction"));
  EXPECT_TRUE(Malformed(R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*",
                            "Resource":"*"}})",
                        kPerm, "Policy document should not specify a principal."));
  EXPECT_TRUE(Malformed(R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*",
                            "Extra":1}})",
                        kPerm, "Unknown field Extra"));
  EXPECT_TRUE(Malformed(R"({"Statement":{"Effect":"Allow","Action":[],"Resource":"*"}})", kPerm,
                        "Required field Action cannot be empty"));
  EXPECT_TRUE(Malformed(R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":7}})", kPerm,
                        "Syntax errors in policy."));
}

TEST(PolicyDocumentTest, EveryBuiltInManagedPolicyParses) {
  ASSERT_GE(ManagedPolicies().size(), 10u);
  for (const ManagedPolicy& policy : ManagedPolicies()) {
    auto parsed = ParsePolicy(policy.document, PolicyKind::kPermissions);
    EXPECT_TRUE(parsed) << policy.arn << ": " << parsed.error().message;
    EXPECT_FALSE(policy.parsed->statements.empty()) << policy.arn;
  }
  const ManagedPolicy* basic =
      FindManagedPolicy("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole");
  ASSERT_NE(basic, nullptr);
  EXPECT_EQ(basic->name, "AWSLambdaBasicExecutionRole");
  EXPECT_NE(FindManagedPolicy("arn:aws:iam::aws:policy/AmazonKinesisFullAccess"), nullptr);
  EXPECT_NE(FindManagedPolicy("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"), nullptr);
  EXPECT_EQ(FindManagedPolicy("arn:aws:iam::aws:policy/NoSuchPolicy"), nullptr);
}

}  // namespace
}  // namespace sf::engine::iam
