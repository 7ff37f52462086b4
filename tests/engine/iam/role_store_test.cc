// The role store: create, change, delete; sessions; a restart keeps roles and credentials; the
// file is private; principals are authorized against the role as it is now.

#include "engine/iam/role_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "../../support/temp_dir.h"
#include "engine/iam/principal.h"

namespace sf::engine::iam {
namespace {

constexpr char kTrust[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":)"
    R"("lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]})";
constexpr char kPutOrders[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kinesis:PutRecord*",)"
    R"("Resource":"arn:aws:kinesis:us-east-1:000000000000:stream/orders"}]})";
constexpr char kOrders[] = "arn:aws:kinesis:us-east-1:000000000000:stream/orders";

class RoleStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    store_.reset();
    RoleStoreOptions options;
    options.data_dir = dir_.path();
    options.clock = &clock_;
    auto opened = RoleStore::Open(options);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
  }

  std::shared_ptr<const RoleAccess> Create(const std::string& name, const std::string& path = "/") {
    RoleRecord record;
    record.name = name;
    record.path = path;
    record.assume_role_policy = kTrust;
    record.tags = {{"team", "data"}};
    auto created = store_->Create(record);
    EXPECT_TRUE(created) << created.error().message;
    return created ? *created : nullptr;
  }

  Principal PrincipalOf(const std::string& access_key) {
    Principal principal;
    principal.session = store_->FindSession(access_key);
    if (principal.session) principal.role = store_->RoleOf(*principal.session);
    return principal;
  }

  testing_support::TempDir dir_{"iam_store"};
  VirtualClock clock_{1700000000123};
  std::unique_ptr<RoleStore> store_;
};

TEST_F(RoleStoreTest, CreateAssignsIdArnAndTime) {
  auto role = Create("app-role", "/service-role/");
  ASSERT_NE(role, nullptr);
  EXPECT_EQ(role->record.arn, "arn:aws:iam::000000000000:role/service-role/app-role");
  EXPECT_EQ(role->record.role_id.substr(0, 4), "AROA");
  EXPECT_EQ(role->record.role_id.size(), 21u);
  EXPECT_EQ(role->record.created_ms, 1700000000123);
  EXPECT_EQ(store_->FindRole("APP-ROLE"), role) << "names are case-insensitive";
  RoleRecord again;
  again.name = "App-Role";
  again.assume_role_policy = kTrust;
  auto duplicate = store_->Create(again);
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().type, "EntityAlreadyExists");
  EXPECT_EQ(duplicate.error().status, 409);
  EXPECT_EQ(duplicate.error().message, "Role with name App-Role already exists.");
}

TEST_F(RoleStoreTest, ModifyAndDelete) {
  Create("r");
  auto changed = store_->Modify("r", [](RoleRecord& record) -> ApiResult<void> {
    record.inline_policies.push_back({"put", kPutOrders});
    record.attached.push_back("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess");
    return {};
  });
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_EQ((*changed)->policies.size(), 2u);
  auto refused = store_->Modify(
      "r", [](RoleRecord&) -> ApiResult<void> { return ApiFail("LimitExceeded", "no", 409); });
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().type, "LimitExceeded");
  auto missing = store_->Modify("nope", [](RoleRecord&) -> ApiResult<void> { return {}; });
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().type, "NoSuchEntity");
  EXPECT_EQ(missing.error().message, "The role with name nope cannot be found.");

  auto conflict = store_->Delete("r", [](const RoleRecord& record) -> ApiResult<void> {
    if (!record.inline_policies.empty()) return ApiFail("DeleteConflict", "policies", 409);
    return {};
  });
  ASSERT_FALSE(conflict);
  EXPECT_NE(store_->FindRole("r"), nullptr);
  ASSERT_TRUE(store_->Delete("r", [](const RoleRecord&) -> ApiResult<void> { return {}; }));
  EXPECT_EQ(store_->FindRole("r"), nullptr);
}

TEST_F(RoleStoreTest, SessionsAreStableAndSurviveRestarts) {
  Create("fn-role");
  store_->Modify("fn-role", [](RoleRecord& record) -> ApiResult<void> {
    record.inline_policies.push_back({"put", kPutOrders});
    return {};
  });
  auto session = store_->SessionFor("fn-role", "my-function");
  ASSERT_TRUE(session) << session.error().message;
  const Session& s = **session;
  EXPECT_EQ(s.access_key.substr(0, 4), "ASIA");
  EXPECT_EQ(s.access_key.size(), 20u);
  EXPECT_EQ(s.secret_key.size(), 40u);
  EXPECT_FALSE(s.token.empty());
  EXPECT_EQ(s.arn, "arn:aws:sts::000000000000:assumed-role/fn-role/my-function");
  auto again = store_->SessionFor("FN-ROLE", "my-function");
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)->access_key, s.access_key);
  auto other = store_->SessionFor("fn-role", "other");
  ASSERT_TRUE(other);
  EXPECT_NE((*other)->access_key, s.access_key);
  EXPECT_FALSE(store_->SessionFor("missing", "x"));

  const std::string key = s.access_key, secret = s.secret_key, token = s.token;
  const std::string role_id = store_->FindRole("fn-role")->record.role_id;
  Open();  // a restart
  auto role = store_->FindRole("fn-role");
  ASSERT_NE(role, nullptr);
  EXPECT_EQ(role->record.role_id, role_id);
  EXPECT_EQ(role->record.inline_policies.size(), 1u);
  EXPECT_EQ(role->record.tags.size(), 1u);
  auto found = store_->FindSession(key);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->secret_key, secret);
  EXPECT_EQ(found->token, token);
  EXPECT_EQ(found->session_name, "my-function");
  EXPECT_EQ(found->arn, "arn:aws:sts::000000000000:assumed-role/fn-role/my-function");

  Principal principal = PrincipalOf(key);
  EXPECT_EQ(Authorize(principal, "kinesis:PutRecord", kOrders), Decision::kAllow);
  EXPECT_EQ(Authorize(principal, "kinesis:GetRecords", kOrders), Decision::kImplicitDeny);
  EXPECT_EQ(DenialMessage(principal, "kinesis:GetRecords", kOrders, Decision::kImplicitDeny),
            "User: arn:aws:sts::000000000000:assumed-role/fn-role/my-function is not authorized "
            "to perform: kinesis:GetRecords on resource: " +
                std::string(kOrders) +
                " because no identity-based policy allows the kinesis:GetRecords action");
  EXPECT_EQ(
      DenialMessage(principal, "s3:PutObject", "arn:aws:s3:::b/k", Decision::kExplicitDeny, true),
      "User: arn:aws:sts::000000000000:assumed-role/fn-role/my-function is not authorized "
      "to perform: s3:PutObject on resource: \"arn:aws:s3:::b/k\" with an explicit deny in "
      "an identity-based policy");

  // A policy change applies to the next lookup.
  store_->Modify("fn-role", [](RoleRecord& record) -> ApiResult<void> {
    record.inline_policies.clear();
    return {};
  });
  EXPECT_EQ(Authorize(PrincipalOf(key), "kinesis:PutRecord", kOrders), Decision::kImplicitDeny);
  EXPECT_EQ(Authorize(principal, "kinesis:PutRecord", kOrders), Decision::kAllow)
      << "a principal keeps the role it was resolved with";
  EXPECT_EQ(Authorize(Principal{}, "kinesis:DeleteStream", kOrders), Decision::kAllow)
      << "the administrator";

  // Deleting the role deletes its sessions; a new role of the same name has new ones.
  ASSERT_TRUE(store_->Delete("fn-role", [](const RoleRecord&) -> ApiResult<void> { return {}; }));
  EXPECT_EQ(store_->FindSession(key), nullptr);
  Create("fn-role");
  auto fresh = store_->SessionFor("fn-role", "my-function");
  ASSERT_TRUE(fresh);
  EXPECT_NE((*fresh)->access_key, key);
  Open();
  EXPECT_EQ(store_->FindSession(key), nullptr);
  EXPECT_NE(store_->FindSession((*fresh)->access_key), nullptr);
}

TEST_F(RoleStoreTest, TheDatabaseIsPrivate) {
  Create("r");
  struct stat info {};
  ASSERT_EQ(::stat(dir_.File(kRoleStoreFile).c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 077, 0u);
}

}  // namespace
}  // namespace sf::engine::iam
