// IAM and STS on an in-process engine whose region is not us-east-1: requests signed for the
// global services in us-east-1 (as the SDKs sign them) or in the engine's region are served,
// any other region is refused; Kinesis stays regional; a session's requests are authorized
// against the engine's own region and account.

#include <gtest/gtest.h>

#include "../../support/temp_dir.h"
#include "auth/key_file.h"
#include "base/logger.h"
#include "client/signed_client.h"
#include "engine/process/engine.h"

namespace sf::engine {
namespace {

constexpr char kForm[] = "application/x-www-form-urlencoded; charset=utf-8";
constexpr char kTrust[] =
    "%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A"
    "%22lambda.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%7D";

// The text of the first <name> element in `xml`.
std::string Element(const std::string& xml, const std::string& name) {
  size_t open = xml.find("<" + name + ">");
  if (open == std::string::npos) return "";
  open += name.size() + 2;
  return xml.substr(open, xml.find("</" + name + ">", open) - open);
}

class IamRouteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions options;
    options.data_dir = dir_.path();
    options.port = 0;
    options.region = "eu-west-1";
    auto started = Engine::Start(options, logger_);
    ASSERT_TRUE(started) << started.error().message;
    engine_ = std::move(*started);
    auto credentials = auth::LoadEngineCredentials(dir_.path());
    ASSERT_TRUE(credentials) << credentials.error().message;
    admin_ = credentials->credentials;
    endpoint_ = "http://127.0.0.1:" + std::to_string(engine_->port());
  }

  client::HttpReply Query(const auth::Credentials& keys, const std::string& region,
                          const std::string& service, const std::string& form) {
    client::SignedClient http(endpoint_, keys, region, service);
    auto reply = http.Send("POST", "/", "", form, {{"Content-Type", kForm}});
    EXPECT_TRUE(reply) << reply.error().message;
    return reply ? *reply : client::HttpReply{};
  }

  testing_support::TempDir dir_{"iam_route"};
  Logger logger_{nullptr, LogLevel::kWarn};
  std::unique_ptr<Engine> engine_;
  auth::Credentials admin_;
  std::string endpoint_;
};

TEST_F(IamRouteTest, GlobalServicesAcceptUsEast1AndTheEngineRegion) {
  auto created = Query(admin_, "us-east-1", "iam",
                       std::string("Action=CreateRole&Version=2010-05-08&RoleName=r&"
                                   "AssumeRolePolicyDocument=") +
                           kTrust);
  EXPECT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(Element(created.body, "Arn"), "arn:aws:iam::000000000000:role/r");
  auto listed = Query(admin_, "eu-west-1", "iam", "Action=ListRoles&Version=2010-05-08");
  EXPECT_EQ(listed.status, 200) << listed.body;
  auto elsewhere = Query(admin_, "ap-south-1", "iam", "Action=ListRoles&Version=2010-05-08");
  EXPECT_EQ(elsewhere.status, 400) << elsewhere.body;
  EXPECT_EQ(Element(elsewhere.body, "Code"), "IncompleteSignature");
  EXPECT_NE(elsewhere.body.find("Credential should be scoped to a valid region"), std::string::npos)
      << elsewhere.body;
  auto who = Query(admin_, "us-east-1", "sts", "Action=GetCallerIdentity&Version=2011-06-15");
  EXPECT_EQ(who.status, 200) << who.body;
  EXPECT_EQ(Element(who.body, "Arn"), "arn:aws:iam::000000000000:root");
  auto unknown = Query(admin_, "us-east-1", "iam", "Action=CreateUser&Version=2010-05-08");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(Element(unknown.body, "Code"), "InvalidAction");

  // Kinesis is regional: us-east-1 is refused on an eu-west-1 engine.
  client::SignedClient kinesis(endpoint_, admin_, "us-east-1", "kinesis");
  auto refused = kinesis.Send("POST", "/", "", "{}",
                              {{"X-Amz-Target", "Kinesis_20131202.ListStreams"},
                               {"Content-Type", "application/x-amz-json-1.1"}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
}

TEST_F(IamRouteTest, SessionsAreAuthorizedInTheEnginesRegion) {
  ASSERT_EQ(Query(admin_, "us-east-1", "iam",
                  std::string("Action=CreateRole&Version=2010-05-08&RoleName=r&"
                              "AssumeRolePolicyDocument=") +
                      kTrust)
                .status,
            200);
  auto assumed = Query(admin_, "us-east-1", "sts",
                       "Action=AssumeRole&Version=2011-06-15&RoleSessionName=ses&RoleArn=" +
                           std::string("arn%3Aaws%3Aiam%3A%3A000000000000%3Arole%2Fr"));
  ASSERT_EQ(assumed.status, 200) << assumed.body;
  auth::Credentials session{Element(assumed.body, "AccessKeyId"),
                            Element(assumed.body, "SecretAccessKey"),
                            Element(assumed.body, "SessionToken")};
  ASSERT_FALSE(session.access_key.empty());
  client::SignedClient kinesis(endpoint_, session, "eu-west-1", "kinesis");
  auto denied = kinesis.Send("POST", "/", "", R"({"StreamName":"orders"})",
                             {{"X-Amz-Target", "Kinesis_20131202.DescribeStreamSummary"},
                              {"Content-Type", "application/x-amz-json-1.1"}});
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 400);
  EXPECT_NE(denied->body.find("AccessDeniedException"), std::string::npos);
  EXPECT_NE(
      denied->body.find("User: arn:aws:sts::000000000000:assumed-role/r/ses is not authorized "
                        "to perform: kinesis:DescribeStreamSummary on resource: "
                        "arn:aws:kinesis:eu-west-1:000000000000:stream/orders"),
      std::string::npos)
      << denied->body;
}

}  // namespace
}  // namespace sf::engine
