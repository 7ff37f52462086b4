// The function store (src/engine/function/store): configuration in SQLite, revisions, code
// unpacked content-addressed, zip-slip refusal, bucket-sourced code, reopening.

#include "engine/function/store/function_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "../../../support/temp_dir.h"
#include "auth/crypto.h"
#include "base/base64.h"
#include "engine/function/store/code_archive.h"
#include "engine/function/store/function_spec.h"
#include "zip_builder.h"

namespace sf::engine::function {
namespace {

namespace fs = std::filesystem;
using testing_support::Dir;
using testing_support::File;
using testing_support::Link;
using testing_support::MakeZip;
using testing_support::PythonZip;
using testing_support::ZipEntry;

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

FunctionSettings Python() {
  FunctionSettings settings;
  settings.runtime = "python3.11";
  settings.handler = "handler.lambda_handler";
  settings.role = "arn:aws:iam::000000000000:role/fn";
  settings.environment = {{"STAGE", "dev"}};
  return settings;
}

CodeSource Zip(std::string bytes) {
  CodeSource code;
  code.zip = std::move(bytes);
  return code;
}

class FunctionStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    auto opened = FunctionStore::Open(dir_.path(), objects_.get(), clock_);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
  }

  testing_support::TempDir dir_{"function_store"};
  VirtualClock clock_{1700000000123};
  std::unique_ptr<ObjectStore> objects_;
  std::unique_ptr<FunctionStore> store_;
};

TEST_F(FunctionStoreTest, CreatesAndReadsBack) {
  std::string zip =
      MakeZip({File("handler.py", "print(1)\n"), File("bootstrap", "#!/bin/sh\necho hi\n", 0755),
               Dir("lib/"), File("lib/util.py", "X = 1\n")});
  auto created = store_->Create("fn-1", Python(), Zip(zip));
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->name, "fn-1");
  EXPECT_EQ(created->code_sha256, Base64Encode(auth::Sha256Raw(zip)));
  EXPECT_EQ(created->code_size, static_cast<int64_t>(zip.size()));
  EXPECT_EQ(created->last_modified_ms, 1700000000123);
  EXPECT_EQ(created->state, "Active");
  EXPECT_TRUE(std::regex_match(created->revision_id,
                               std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                          "[0-9a-f]{12}")))
      << created->revision_id;
  EXPECT_EQ(created->code_dir,
            dir_.path() + "/functions/fn-1/code/" + auth::HexEncode(auth::Sha256Raw(zip)));
  EXPECT_EQ(ReadText(created->code_dir + "/lib/util.py"), "X = 1\n");
  struct stat info {};
  ASSERT_EQ(::stat((created->code_dir + "/bootstrap").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0755u) << "a bootstrap must stay executable";
  ASSERT_EQ(::stat((created->code_dir + "/handler.py").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0644u);

  auto conflict = store_->Create("fn-1", Python(), Zip(zip));
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().type, "ResourceConflictException");
  EXPECT_EQ(conflict.error().status, 409);
  auto missing = store_->Get("nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().type, "ResourceNotFoundException");
  EXPECT_EQ(missing.error().status, 404);
}

TEST_F(FunctionStoreTest, ReopensWithEverything) {
  auto created = store_->Create("a", Python(), Zip(PythonZip()));
  ASSERT_TRUE(created);
  ASSERT_TRUE(store_->SetReservedConcurrency("a", 3));
  ASSERT_TRUE(store_->Create("b", Python(), Zip(PythonZip("b"))));
  auto before = store_->Get("a");
  Reopen();
  auto after = store_->Get("a");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->revision_id, before->revision_id);
  EXPECT_EQ(after->reserved_concurrency, 3);
  EXPECT_EQ(after->settings.environment, Python().environment);
  EXPECT_EQ(after->code_dir, created->code_dir);
  ASSERT_EQ(store_->List().size(), 2u);
  EXPECT_EQ(store_->List()[1].name, "b");
  EXPECT_EQ(store_->Usage().functions, 2);
}

TEST_F(FunctionStoreTest, EveryChangeIsANewRevision) {
  auto created = store_->Create("fn", Python(), Zip(PythonZip()));
  ASSERT_TRUE(created);
  FunctionSettings changed = Python();
  changed.timeout_seconds = 30;
  clock_.Advance(5000);
  auto updated = store_->UpdateSettings("fn", changed, created->revision_id);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_NE(updated->revision_id, created->revision_id);
  EXPECT_EQ(updated->settings.timeout_seconds, 30);
  EXPECT_EQ(updated->last_modified_ms, created->last_modified_ms + 5000);
  EXPECT_EQ(updated->code_sha256, created->code_sha256);

  auto stale = store_->UpdateSettings("fn", changed, created->revision_id);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().type, "PreconditionFailedException");
  EXPECT_EQ(stale.error().status, 412);
  auto stale_code = store_->UpdateCode("fn", Zip(PythonZip("2")), created->revision_id);
  ASSERT_FALSE(stale_code);
  EXPECT_EQ(stale_code.error().type, "PreconditionFailedException");
  auto reserved = store_->SetReservedConcurrency("fn", 0);
  ASSERT_TRUE(reserved);
  EXPECT_NE(reserved->revision_id, updated->revision_id);
  EXPECT_FALSE(store_->UpdateSettings("ghost", changed));
}

TEST_F(FunctionStoreTest, CodeIsContentAddressedAndPruned) {
  auto v1 = store_->Create("fn", Python(), Zip(PythonZip("1")));
  ASSERT_TRUE(v1);
  std::ofstream(v1->code_dir + "/marker") << "kept";  // proves the directory is reused
  auto same = store_->UpdateCode("fn", Zip(PythonZip("1")));
  ASSERT_TRUE(same);
  EXPECT_EQ(same->code_dir, v1->code_dir);
  EXPECT_NE(same->revision_id, v1->revision_id);
  EXPECT_TRUE(fs::exists(v1->code_dir + "/marker"));

  auto v2 = store_->UpdateCode("fn", Zip(PythonZip("2")));
  ASSERT_TRUE(v2);
  EXPECT_NE(v2->code_dir, v1->code_dir);
  EXPECT_NE(v2->code_sha256, v1->code_sha256);
  EXPECT_TRUE(fs::exists(v1->code_dir)) << "the replaced code stays for running workers";
  auto v3 = store_->UpdateCode("fn", Zip(PythonZip("3")));
  ASSERT_TRUE(v3);
  EXPECT_FALSE(fs::exists(v1->code_dir)) << "older code is removed";
  EXPECT_TRUE(fs::exists(v2->code_dir));
  EXPECT_NE(ReadText(v3->code_dir + "/handler.py").find("# 3"), std::string::npos);

  ASSERT_TRUE(store_->Delete("fn"));
  EXPECT_FALSE(fs::exists(dir_.path() + "/functions/fn/code"));
  EXPECT_FALSE(store_->Get("fn"));
  EXPECT_FALSE(store_->Delete("fn"));
}

TEST_F(FunctionStoreTest, RefusesPathTraversal) {
  const std::vector<std::vector<ZipEntry>> hostile = {
      {File("../evil.py", "x")},
      {File("/tmp/evil.py", "x")},
      {File("a/../../evil.py", "x")},
      {Link("link", "/etc")},
      {Link("link", "../../..")},
      {Link("sub/link", "../../x")},
      {Link("link", "sub"), File("link/evil.py", "x")},
      {Dir("d/"), Link("d/up", ".."), Link("x", "d/up/../../etc")},
  };
  for (const auto& entries : hostile) {
    auto created = store_->Create("fn", Python(), Zip(MakeZip(entries)));
    ASSERT_FALSE(created) << entries[0].name;
    EXPECT_EQ(created.error().type, "InvalidParameterValueException");
    EXPECT_NE(created.error().message.find("Could not unzip uploaded file"), std::string::npos);
    EXPECT_NE(created.error().message.find("Entry '"), std::string::npos)
        << created.error().message;
  }
  EXPECT_FALSE(fs::exists(dir_.path() + "/evil.py"));
  EXPECT_FALSE(fs::exists(fs::path(dir_.path()).parent_path() / "evil.py"));
  EXPECT_TRUE(fs::is_empty(dir_.path() + "/functions/fn/code")) << "no partial code is left";
  EXPECT_TRUE(store_->List().empty());

  auto inside =
      store_->Create("ok", Python(),
                     Zip(MakeZip({File("lib/real.so.1", "so"), Link("lib/real.so", "real.so.1"),
                                  Link("top", "lib/../lib/real.so")})));
  ASSERT_TRUE(inside) << inside.error().message;
  EXPECT_EQ(ReadText(inside->code_dir + "/top"), "so");
}

TEST_F(FunctionStoreTest, RefusesBadArchivesAndSizes) {
  auto garbage = store_->Create("fn", Python(), Zip("this is not a zip"));
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().type, "InvalidParameterValueException");
  auto none = store_->Create("fn", Python(), CodeSource{});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message, "Please provide a source for function code.");
  auto too_big = store_->Create("fn", Python(), Zip(std::string(kMaxZippedBytes + 1, 'x')));
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error().status, 413);

  std::string big = MakeZip({File("a", std::string(4000, 'a')), File("b", std::string(4000, 'b'))});
  auto unpacked = UnpackZip(big, dir_.File("small"), 6000);
  ASSERT_FALSE(unpacked);
  EXPECT_EQ(unpacked.error().message, "Unzipped size must be smaller than 6000 bytes");
  EXPECT_FALSE(fs::exists(dir_.File("small")));
  EXPECT_TRUE(UnpackZip(big, dir_.File("enough"), 8000));
}

TEST_F(FunctionStoreTest, ReadsCodeFromAnEngineBucket) {
  auto objects = ObjectStore::Open(dir_.path() + "/buckets", StoreOptions{});
  ASSERT_TRUE(objects);
  objects_ = std::move(*objects);
  Reopen();
  ASSERT_TRUE(objects_->CreateBucket("code"));
  std::string zip = PythonZip("bucket");
  ASSERT_TRUE(objects_->PutObject("code", "fn/v1.zip", {}, zip));
  CodeSource source;
  source.s3_bucket = "code";
  source.s3_key = "fn/v1.zip";
  auto created = store_->Create("fn", Python(), source);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->code_sha256, Base64Encode(auth::Sha256Raw(zip)));
  EXPECT_NE(ReadText(created->code_dir + "/handler.py").find("bucket"), std::string::npos);

  source.s3_key = "missing.zip";
  auto missing = store_->UpdateCode("fn", source);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().type, "InvalidParameterValueException");
  EXPECT_NE(missing.error().message.find("S3 Error Code: NoSuchKey"), std::string::npos);
  source.zip = zip;
  auto both = store_->UpdateCode("fn", source);
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().type, "InvalidParameterValueException");
}

TEST(FunctionSpec, IsBuiltFromTheStoredConfiguration) {
  FunctionConfig config;
  config.name = "fn";
  config.settings = Python();
  config.settings.timeout_seconds = 7;
  config.settings.memory_mb = 256;
  config.code_dir = "/data/functions/fn/code/ab";
  config.revision_id = "rev";
  SpecContext context;
  context.aws_environment = EngineAwsEnvironment("AK", "SK", "eu-west-1", "http://127.0.0.1:4560");
  context.region = "eu-west-1";
  FunctionSpec spec = BuildFunctionSpec(config, context);
  EXPECT_EQ(spec.arn, "arn:aws:lambda:eu-west-1:000000000000:function:fn");
  EXPECT_EQ(spec.timeout_seconds, 7);
  EXPECT_EQ(spec.memory_mb, 256);
  EXPECT_EQ(spec.concurrency, 10);
  EXPECT_EQ(spec.revision, "rev");
  EXPECT_EQ(spec.version, "$LATEST");
  EXPECT_EQ(spec.environment.at("STAGE"), "dev");
  EXPECT_EQ(spec.aws_environment.at("AWS_ACCESS_KEY_ID"), "AK");
  EXPECT_EQ(spec.aws_environment.at("AWS_SECRET_ACCESS_KEY"), "SK");
  EXPECT_EQ(spec.aws_environment.at("AWS_REGION"), "eu-west-1");
  EXPECT_EQ(spec.aws_environment.at("AWS_ENDPOINT_URL"), "http://127.0.0.1:4560");
  EXPECT_EQ(spec.aws_environment.at("AWS_ENDPOINT_URL_KINESIS"), "http://127.0.0.1:4560");
  config.reserved_concurrency = 0;
  EXPECT_EQ(BuildFunctionSpec(config, context).concurrency, 0);
}

TEST(CodeArchive, ContainmentRules) {
  EXPECT_TRUE(IsContainedPath("a/b/c.py"));
  EXPECT_TRUE(IsContainedPath("./a//b"));
  EXPECT_FALSE(IsContainedPath("../a"));
  EXPECT_FALSE(IsContainedPath("a/../../b"));
  EXPECT_FALSE(IsContainedPath("/etc/passwd"));
  EXPECT_TRUE(IsContainedLink("lib/a.so", "a.so.1"));
  EXPECT_TRUE(IsContainedLink("lib/a.so", "../x"));
  EXPECT_FALSE(IsContainedLink("lib/a.so", "../../x"));
  EXPECT_FALSE(IsContainedLink("a", "/etc"));
  EXPECT_FALSE(IsContainedLink("a", ".."));
}

}  // namespace
}  // namespace sf::engine::function
