// The engine's credentials file: created once with mode 0600, read back unchanged, refused when
// others may read it or when it is not the documented JSON.
#include "auth/key_file.h"

#include <sys/stat.h>

#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "../support/temp_dir.h"

namespace sf::auth {
namespace {

TEST(KeyFileTest, CreatesOnceWithOwnerOnlyMode) {
  sf::testing_support::TempDir dir;
  auto created = LoadOrCreateEngineCredentials(dir.path(), "eu-west-1");
  ASSERT_TRUE(created) << created.error().message;
  struct stat info {};
  ASSERT_EQ(::stat(CredentialsPath(dir.path()).c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(created->region, "eu-west-1");
  EXPECT_EQ(created->credentials.access_key.size(), 20u);
  EXPECT_EQ(created->credentials.access_key.substr(0, 4), "SFKA");
  EXPECT_EQ(created->credentials.secret_key.size(), 40u);

  auto again = LoadOrCreateEngineCredentials(dir.path(), "us-east-1");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->credentials.access_key, created->credentials.access_key);
  EXPECT_EQ(again->credentials.secret_key, created->credentials.secret_key);
  EXPECT_EQ(again->region, "eu-west-1");  // the file wins over the argument
}

TEST(KeyFileTest, MissingFileIsNotFound) {
  sf::testing_support::TempDir dir;
  auto loaded = LoadEngineCredentials(dir.path());
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, ErrorCode::kNotFound);
}

TEST(KeyFileTest, RefusesAFileOthersCanRead) {
  sf::testing_support::TempDir dir;
  ASSERT_TRUE(LoadOrCreateEngineCredentials(dir.path(), "us-east-1"));
  ASSERT_EQ(::chmod(CredentialsPath(dir.path()).c_str(), 0644), 0);
  auto loaded = LoadEngineCredentials(dir.path());
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(loaded.error().message.find("chmod 600"), std::string::npos);
}

TEST(KeyFileTest, RefusesMalformedContent) {
  sf::testing_support::TempDir dir;
  std::string path = CredentialsPath(dir.path());
  for (const char* content : {"not json", "{}", R"({"accessKeyId": "A", "region": "r"})",
                              R"({"accessKeyId": 1, "secretAccessKey": "s", "region": "r"})"}) {
    std::ofstream(path) << content;
    ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
    auto loaded = LoadEngineCredentials(dir.path());
    ASSERT_FALSE(loaded) << content;
    EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidArgument) << content;
  }
}

TEST(KeyFileTest, GeneratedKeysDiffer) {
  std::set<std::string> keys, secrets;
  for (int i = 0; i < 100; ++i) {
    Credentials c = GenerateCredentials();
    keys.insert(c.access_key);
    secrets.insert(c.secret_key);
  }
  EXPECT_EQ(keys.size(), 100u);
  EXPECT_EQ(secrets.size(), 100u);
}

}  // namespace
}  // namespace sf::auth
