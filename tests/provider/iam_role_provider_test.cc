// AWS::IAM::Role on an in-process engine: create with every property, read back what the
// template set (so a plan after apply is empty), update each kind of property in place, refuse
// to rename, delete a role that still has policies, delete twice, generated names.

#include <gtest/gtest.h>

#include "client/iam_client.h"
#include "local_engine.h"
#include "provider/local/iam_role_provider.h"

namespace sf::provider {
namespace {

Value Str(const std::string& text) { return Value::String(text); }

Value Document(const char* json) { return Value::FromTaggedJson(nlohmann::json::parse(json)); }

constexpr char kTrust[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
    R"("Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]})";
constexpr char kPut[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject"],)"
    R"("Resource":"arn:aws:s3:::out/*"}]})";
constexpr char kRead[] =
    R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"kinesis:Get*",)"
    R"("Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false}}}})";
constexpr char kBasic[] = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
constexpr char kS3Read[] = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";

Value Policy(const std::string& name, const char* document) {
  return Value::Map({{"PolicyName", Str(name)}, {"PolicyDocument", Document(document)}});
}

Value Tag(const std::string& key, const std::string& value) {
  return Value::Map({{"Key", Str(key)}, {"Value", Str(value)}});
}

class IamRoleProviderTest : public ::testing::Test {
 protected:
  IamRoleProviderTest() : roles_(engine_.endpoint(), engine_.credentials()) {}

  Value Full(const std::string& name) {
    return Value::Map(
        {{"RoleName", Str(name)},
         {"Path", Str("/app/")},
         {"AssumeRolePolicyDocument", Document(kTrust)},
         {"Description", Str("the consumer's role")},
         {"MaxSessionDuration", Value::Number("7200")},
         {"Policies", Value::List({Policy("put", kPut), Policy("read", kRead)})},
         {"ManagedPolicyArns", Value::List({Str(kBasic)})},
         {"Tags", Value::List({Tag("team", "data"), Tag("lambda:createdBy", "SAM")})}});
  }

  Result<LiveState> Create(const std::string& id, const Value& properties) {
    CreateRequest request;
    request.physical_id = id;
    request.properties = properties;
    return roles_.Create(request);
  }

  LiveState Read(const std::string& id) {
    auto results = roles_.Read(std::span<const std::string>(&id, 1));
    EXPECT_EQ(results.size(), 1u);
    EXPECT_TRUE(results[0]) << results[0].error().message;
    return results[0] ? *results[0] : LiveState{};
  }

  // Every property `wanted` sets is observed with an equal value (lists compared as sets of
  // their items, as the planner normalises them).
  void ExpectMatches(const LiveState& live, const Value& wanted) {
    for (const auto& [name, value] : wanted.members()) {
      const Value* got = live.properties.Find(name);
      ASSERT_NE(got, nullptr) << name;
      if (value.IsList()) {
        ASSERT_TRUE(got->IsList()) << name;
        EXPECT_EQ(got->items().size(), value.items().size()) << name;
        for (const Value& item : value.items()) {
          EXPECT_NE(std::find(got->items().begin(), got->items().end(), item), got->items().end())
              << name << ": " << item.ToJson().dump();
        }
      } else {
        EXPECT_EQ(*got, value) << name << ": " << got->ToJson().dump();
      }
    }
  }

  testing::LocalEngine engine_;
  IamRoleProvider roles_;
};

TEST_F(IamRoleProviderTest, CreateReadsBackWhatTheTemplateSet) {
  Value properties = Full("consumer-role");
  auto created = Create("consumer-role", properties);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_TRUE(created->exists);
  ExpectMatches(*created, properties);
  EXPECT_EQ(created->attributes["Arn"], Str("arn:aws:iam::000000000000:role/app/consumer-role"));
  EXPECT_EQ(created->attributes["RoleId"].AsString().substr(0, 4), "AROA");
  EXPECT_GT(created->created_ms, 0);
  EXPECT_EQ(created->incarnation, created->attributes["RoleId"].AsString());
  ExpectMatches(Read("consumer-role"), properties);

  auto again = Create("consumer-role", properties);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(again.error().message.find("already exists"), std::string::npos);
  EXPECT_FALSE(Read("no-such-role").exists);

  // A minimal role reads back IAM's defaults.
  Value minimal = Value::Map({{"AssumeRolePolicyDocument", Document(kTrust)}});
  auto plain = Create("plain", minimal);
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(*plain->properties.Find("Path"), Str("/"));
  EXPECT_EQ(*plain->properties.Find("MaxSessionDuration"), Value::Number("3600"));
  EXPECT_EQ(plain->properties.Find("Description"), nullptr);
  EXPECT_EQ(*plain->properties.Find("ManagedPolicyArns"), Value::List());
}

TEST_F(IamRoleProviderTest, UpdatesConvergeOnTheTemplate) {
  Value before = Full("app-role");
  ASSERT_TRUE(Create("app-role", before));
  Value after = before;
  after.Set("AssumeRolePolicyDocument",
            Document(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":)"
                     R"({"Service":["lambda.amazonaws.com","firehose.amazonaws.com"]},)"
                     R"("Action":"sts:AssumeRole"}]})"));
  after.Set("Description", Str("changed"));
  after.Set("MaxSessionDuration", Value::Number("3600"));
  after.Set("Policies", Value::List({Policy("put", kRead), Policy("new", kPut)}));
  after.Set("ManagedPolicyArns", Value::List({Str(kS3Read)}));
  after.Set("Tags", Value::List({Tag("team", "platform"), Tag("owner", "ada")}));

  auto steps = roles_.PlanUpdate(before, after);
  ASSERT_TRUE(steps) << steps.error().message;
  ASSERT_EQ(steps->size(), 1u);
  UpdateRequest request;
  request.physical_id = "app-role";
  request.before = before;
  request.after = (*steps)[0].properties;
  auto updated = roles_.Update(request);
  ASSERT_TRUE(updated) << updated.error().message;
  ExpectMatches(*updated, after);
  // Run again (a retried step): nothing left to do, same result.
  auto retried = roles_.Update(request);
  ASSERT_TRUE(retried) << retried.error().message;
  ExpectMatches(*retried, after);

  Value without = after;
  without.members().erase(
      std::remove_if(without.members().begin(), without.members().end(),
                     [](const Value::Member& m) { return m.first == "Description"; }),
      without.members().end());
  request.before = after;
  request.after = without;
  auto cleared = roles_.Update(request);
  ASSERT_TRUE(cleared) << cleared.error().message;
  EXPECT_EQ(cleared->properties.Find("Description"), nullptr);

  Value renamed = after;
  renamed.Set("RoleName", Str("other"));
  EXPECT_FALSE(roles_.PlanUpdate(after, renamed));
  Value moved = after;
  moved.Set("Path", Str("/elsewhere/"));
  EXPECT_FALSE(roles_.PlanUpdate(after, moved));
  auto nothing = roles_.PlanUpdate(after, after);
  ASSERT_TRUE(nothing);
  EXPECT_TRUE(nothing->empty());
}

TEST_F(IamRoleProviderTest, DeleteRemovesPoliciesFirstAndIsIdempotent) {
  ASSERT_TRUE(Create("doomed", Full("doomed")));
  DeleteRequest request;
  request.physical_id = "doomed";
  ASSERT_TRUE(roles_.Delete(request));
  EXPECT_FALSE(Read("doomed").exists);
  EXPECT_TRUE(roles_.Delete(request)) << "deleting an absent role succeeds";
  client::IamClient iam(engine_.endpoint(), engine_.credentials());
  auto gone = iam.GetRole("doomed");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, "NoSuchEntity");
}

TEST_F(IamRoleProviderTest, NamesAndRefusals) {
  std::string name =
      roles_.GenerateName("a-rather-long-stack-name-for-a-role", "ConsumerFunctionRole");
  EXPECT_LE(name.size(), 64u);
  for (char c : name)
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')
        << name;
  EXPECT_EQ(roles_.name_property(), "RoleName");
  EXPECT_EQ(roles_.type_name(), "AWS::IAM::Role");
  auto facts = roles_.DataHeld("anything");
  ASSERT_TRUE(facts);
  EXPECT_TRUE(facts->known);
  EXPECT_FALSE(roles_.Empty("anything"));

  Value bad = Value::Map({{"AssumeRolePolicyDocument", Document(R"({"Statement":[]})")}});
  auto refused = Create("bad-trust", bad);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("MalformedPolicyDocument"), std::string::npos)
      << refused.error().message;
  Value unknown_managed = Full("unknown-managed");
  unknown_managed.Set("ManagedPolicyArns", Value::List({Str("arn:aws:iam::aws:policy/Nope")}));
  auto not_attachable = Create("unknown-managed", unknown_managed);
  ASSERT_FALSE(not_attachable);
  EXPECT_NE(not_attachable.error().message.find("NoSuchEntity"), std::string::npos)
      << not_attachable.error().message;
}

}  // namespace
}  // namespace sf::provider
