// AWS::Events::Rule and AWS::Lambda::Permission on an in-process engine: create, read back what
// the template set, refuse a taken id, update (rules) or refuse to (permissions), delete twice.

#include <gtest/gtest.h>

#include "local_engine.h"
#include "provider/local/events_rule_provider.h"
#include "provider/local/lambda_function_provider.h"
#include "provider/local/lambda_permission_provider.h"

namespace sf::provider {
namespace {

constexpr char kTrust[] =
    "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C"
    "%22Principal%22%3A%7B%22Service%22%3A%22lambda.amazonaws.com%22%7D%2C%22Action%22%3A%22sts"
    "%3AAssumeRole%22%7D%5D%7D";

Value Str(const std::string& text) { return Value::String(text); }

class ScheduleProvidersTest : public ::testing::Test {
 protected:
  ScheduleProvidersTest()
      : rules_(engine_.endpoint(), engine_.credentials(), engine_.region()),
        permissions_(engine_.endpoint(), engine_.credentials(), engine_.region()) {}

  std::string Arn(const std::string& service, const std::string& resource) const {
    return "arn:aws:" + service + ":" + engine_.region() + ":000000000000:" + resource;
  }

  // A python function the engine accepts (its role must exist and trust Lambda).
  void CreateFunction(const std::string& name) {
    auto iam = engine_.Client("iam");
    auto role = iam.Send("POST", "/", "",
                         "Action=CreateRole&Version=2010-05-08&RoleName=" + name +
                             "-role&AssumeRolePolicyDocument=" + kTrust,
                         {{"Content-Type", "application/x-www-form-urlencoded"}});
    ASSERT_TRUE(role) << role.error().message;
    ASSERT_EQ(role->status, 200) << role->body;
    LambdaFunctionProvider functions(engine_.endpoint(), engine_.credentials(), engine_.region());
    CreateRequest request;
    request.physical_id = name;
    request.properties =
        Value::Map({{"Runtime", Str("python3.11")},
                    {"Handler", Str("index.handler")},
                    {"Role", Str("arn:aws:iam::000000000000:role/" + name + "-role")},
                    {"Code", Value::Map({{"ZipFile", Str("def handler(e, c):\n  return 1\n")}})}});
    auto created = functions.Create(request);
    ASSERT_TRUE(created) << created.error().message;
  }

  Value Rule(const std::string& name, const std::string& schedule, std::vector<Value> targets) {
    return Value::Map({{"Name", Str(name)},
                       {"ScheduleExpression", Str(schedule)},
                       {"Description", Str("a schedule")},
                       {"State", Str("ENABLED")},
                       {"Targets", Value::List(std::move(targets))}});
  }

  Value Target(const std::string& id, const std::string& function) {
    return Value::Map({{"Arn", Str(Arn("lambda", "function:" + function))}, {"Id", Str(id)}});
  }

  testing::LocalEngine engine_;
  EventsRuleProvider rules_;
  LambdaPermissionProvider permissions_;
};

TEST_F(ScheduleProvidersTest, RulesAreCreatedReadUpdatedAndDeleted) {
  Value input_target = Target("report", "reporter");
  input_target.Set("Input", Str("{\"report\": \"hourly\"}"));
  input_target.Set("RetryPolicy", Value::Map({{"MaximumRetryAttempts", Value::Number("2")}}));
  Value properties = Rule("nightly", "cron(0 2 * * ? *)", {Target("fn", "worker"), input_target});
  properties.Set("Tags", Value::List({Value::Map({{"Key", Str("team")}, {"Value", Str("data")}})}));
  CreateRequest create;
  create.physical_id = "nightly";
  create.properties = properties;
  auto created = rules_.Create(create);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->attributes["Arn"], Str(Arn("events", "rule/nightly")));
  for (const char* name : {"Name", "ScheduleExpression", "Description", "State", "Targets"}) {
    ASSERT_NE(created->properties.Find(name), nullptr) << name;
    EXPECT_EQ(*created->properties.Find(name), *properties.Find(name)) << name;
  }
  auto again = rules_.Create(create);
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("already exists"), std::string::npos);

  Value after = Value::Map({{"Name", Str("nightly")},
                            {"ScheduleExpression", Str("rate(1 hour)")},
                            {"Targets", Value::List({Target("other", "worker")})}});
  auto steps = rules_.PlanUpdate(properties, after);
  ASSERT_TRUE(steps) << steps.error().message;
  ASSERT_EQ(steps->size(), 1u);
  Value renamed = after;
  renamed.Set("Name", Str("renamed"));
  EXPECT_FALSE(rules_.PlanUpdate(after, renamed));
  UpdateRequest update;
  update.physical_id = "nightly";
  update.before = properties;
  update.after = after;
  auto updated = rules_.Update(update);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(*updated->properties.Find("ScheduleExpression"), Str("rate(1 hour)"));
  EXPECT_EQ(*updated->properties.Find("Targets"), *after.Find("Targets"));
  EXPECT_EQ(updated->properties.Find("Description"), nullptr);

  std::vector<std::string> ids = {"nightly", "missing"};
  auto read = rules_.Read(ids);
  ASSERT_EQ(read.size(), 2u);
  ASSERT_TRUE(read[0] && read[1]);
  EXPECT_TRUE(read[0]->exists);
  EXPECT_FALSE(read[1]->exists);

  DeleteRequest remove;
  remove.physical_id = "nightly";
  ASSERT_TRUE(rules_.Delete(remove));  // targets first, then the rule
  EXPECT_FALSE(rules_.Read(ids)[0]->exists);
  EXPECT_TRUE(rules_.Delete(remove));
  EXPECT_LE(rules_.GenerateName("stack", "FNightly").size(), 64u);
}

TEST_F(ScheduleProvidersTest, PermissionsAreStatementsOfTheFunctionsPolicy) {
  CreateFunction("worker");
  std::string id = permissions_.GenerateName("my-stack", "WorkerNightlyPermission");
  EXPECT_EQ(id.find("my-stack-WorkerNightlyPermission-"), 0u);
  Value properties = Value::Map({{"Action", Str("lambda:InvokeFunction")},
                                 {"FunctionName", Str("worker")},
                                 {"Principal", Str("events.amazonaws.com")},
                                 {"SourceArn", Str(Arn("events", "rule/nightly"))}});
  CreateRequest create;
  create.physical_id = id;
  create.properties = properties;
  auto created = permissions_.Create(create);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->attributes["Id"], Str(id));
  auto again = permissions_.Create(create);
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("already exists"), std::string::npos);

  // A second statement, naming the function by ARN, for an account.
  CreateRequest by_arn;
  by_arn.physical_id = permissions_.GenerateName("my-stack", "AccountPermission");
  by_arn.properties = Value::Map({{"Action", Str("lambda:InvokeFunction")},
                                  {"FunctionName", Str(Arn("lambda", "function:worker"))},
                                  {"Principal", Str("123456789012")},
                                  {"SourceAccount", Str("123456789012")}});
  ASSERT_TRUE(permissions_.Create(by_arn));

  std::vector<std::string> ids = {id, by_arn.physical_id, "not-a-statement"};
  auto read = permissions_.Read(ids);
  ASSERT_EQ(read.size(), 3u);
  ASSERT_TRUE(read[0] && read[1] && read[2]);
  ASSERT_TRUE(read[0]->exists);
  for (const char* name : {"Action", "Principal", "SourceArn"}) {
    ASSERT_NE(read[0]->properties.Find(name), nullptr) << name;
    EXPECT_EQ(*read[0]->properties.Find(name), *properties.Find(name)) << name;
  }
  EXPECT_EQ(read[0]->properties.Find("FunctionName"), nullptr);  // not observed
  ASSERT_TRUE(read[1]->exists);
  EXPECT_EQ(*read[1]->properties.Find("Principal"), Str("123456789012"));
  EXPECT_EQ(*read[1]->properties.Find("SourceAccount"), Str("123456789012"));
  EXPECT_FALSE(read[2]->exists);

  Value changed = properties;
  changed.Set("SourceArn", Str(Arn("events", "rule/other")));
  EXPECT_FALSE(permissions_.PlanUpdate(properties, changed));
  EXPECT_TRUE(permissions_.PlanUpdate(properties, properties)->empty());

  DeleteRequest remove;
  remove.physical_id = id;
  remove.properties = properties;
  ASSERT_TRUE(permissions_.Delete(remove));
  EXPECT_FALSE(permissions_.Read(ids)[0]->exists);
  EXPECT_TRUE(permissions_.Read(ids)[1]->exists);
  EXPECT_TRUE(permissions_.Delete(remove));  // already gone
  remove.properties.Set("FunctionName", Str("no-such-function"));
  EXPECT_TRUE(permissions_.Delete(remove));  // its function gone
}

}  // namespace
}  // namespace sf::provider
