// The stack records' JSON (src/stackapi): round trips, defaults for missing members, and
// errors naming the member of the wrong type.

#include <gtest/gtest.h>

#include "stackapi/stack_record.h"

namespace sf::stackapi {
namespace {

using nlohmann::json;

StackRecord FullRecord() {
  StackRecord record;
  record.name = "shop-dev-data";
  record.project = "shop";
  record.stage = "dev";
  record.stack = "data";
  record.revision = 7;
  record.status = "UPDATE_COMPLETE";
  record.protected_stage = true;
  record.last_apply = "a-1";
  record.open_apply = "a-2";
  record.parameters = {{"Env", "dev"}};
  record.tmpl = {"stacks/data.yaml", "sha256:ab", "Resources: {}\n"};
  ResourceRecord bucket{"Bucket",
                        "AWS::S3::Bucket",
                        "shop-bucket",
                        "CREATE_COMPLETE",
                        {{"BucketName", "shop-bucket"}},
                        {{"Arn", "arn:aws:s3:::shop-bucket"}},
                        {"Role"},
                        "Retain",
                        1234,
                        "inc-1"};
  record.resources["Bucket"] = bucket;
  record.outputs.push_back({"BucketName", "shop-bucket", "shop-dev-bucket", "the bucket"});
  record.imports = {"shop-dev-vpc"};
  record.updated_ms = 99;
  return record;
}

TEST(StackRecordJson, RecordRoundTrips) {
  StackRecord record = FullRecord();
  json document = ToJson(record);
  EXPECT_EQ(document["protected"], true);
  EXPECT_EQ(document["lastApply"], "a-1");
  EXPECT_EQ(document["template"]["digest"], "sha256:ab");
  EXPECT_EQ(document["resources"]["Bucket"]["logicalId"], "Bucket");
  EXPECT_EQ(document["resources"]["Bucket"]["dependsOn"], json({"Role"}));
  EXPECT_EQ(document["resources"]["Bucket"]["deletionPolicy"], "Retain");
  EXPECT_EQ(document["resources"]["Bucket"]["createdMs"], 1234);
  EXPECT_EQ(document["outputs"][0]["exportName"], "shop-dev-bucket");
  auto back = StackRecordFromJson(document);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(ToJson(*back), document);
  ASSERT_NE(back->Find("Bucket"), nullptr);
  EXPECT_EQ(back->Find("Bucket")->incarnation, "inc-1");
  EXPECT_EQ(back->Find("Queue"), nullptr);
}

TEST(StackRecordJson, MissingMembersDefault) {
  auto record = StackRecordFromJson({{"name", "s"}, {"resources", {{"Q", {{"type", "T"}}}}}});
  ASSERT_TRUE(record) << record.error().message;
  EXPECT_EQ(record->revision, 0);
  EXPECT_FALSE(record->protected_stage);
  EXPECT_TRUE(record->parameters.is_object());
  EXPECT_EQ(record->resources.at("Q").logical_id, "Q");  // from the key
  EXPECT_TRUE(record->outputs.empty());
}

TEST(StackRecordJson, WrongTypesNameTheMember) {
  auto expect_parse_error = [](const json& document, const std::string& member) {
    auto record = StackRecordFromJson(document);
    ASSERT_FALSE(record) << document.dump();
    EXPECT_EQ(record.error().code, ErrorCode::kParse);
    EXPECT_NE(record.error().message.find("'" + member + "'"), std::string::npos)
        << record.error().message;
  };
  json good = ToJson(FullRecord());
  auto with = [&](const json::json_pointer& pointer, json value) {
    json copy = good;
    copy[pointer] = std::move(value);
    return copy;
  };
  expect_parse_error(json::array(), "the document");
  expect_parse_error({{"stage", "dev"}}, "name");
  expect_parse_error(with(json::json_pointer("/revision"), 1.5), "revision");
  expect_parse_error(with(json::json_pointer("/protected"), "yes"), "protected");
  expect_parse_error(with(json::json_pointer("/template/text"), 3), "template.text");
  expect_parse_error(with(json::json_pointer("/resources/Bucket/createdMs"), "x"),
                     "resources.Bucket.createdMs");
  expect_parse_error(with(json::json_pointer("/resources/Bucket/dependsOn"), json({1})),
                     "resources.Bucket.dependsOn");
  expect_parse_error(with(json::json_pointer("/outputs/0/exportName"), false),
                     "outputs[0].exportName");
  expect_parse_error(with(json::json_pointer("/imports"), "x"), "imports");
  expect_parse_error(with(json::json_pointer("/parameters"), json::array()), "parameters");
}

TEST(StackRecordJson, OtherTypesRoundTrip) {
  StackSummary summary{"n", "p", "dev", "s", "CREATE_COMPLETE", 3, 44, true};
  auto summary_back = StackSummaryFromJson(ToJson(summary));
  ASSERT_TRUE(summary_back);
  EXPECT_EQ(ToJson(*summary_back), ToJson(summary));
  EXPECT_EQ(ToJson(summary)["updatedMs"], 44);

  LockInfo lock{"l-1", "me@host pid 1", "apply", 10, 20};
  auto lock_back = LockInfoFromJson(ToJson(lock));
  ASSERT_TRUE(lock_back);
  EXPECT_EQ(ToJson(*lock_back), ToJson(lock));
  EXPECT_EQ(ToJson(lock)["expiresMs"], 20);
  EXPECT_FALSE(LockInfoFromJson({{"owner", "x"}}));

  JournalEntry entry;
  entry.seq = 5;
  entry.time_ms = 6;
  entry.kind = "op-fail";
  entry.apply_id = "a-1";
  entry.logical_id = "Q";
  entry.type = "AWS::SQS::Queue";
  entry.operation = "create";
  entry.physical_id = "q";
  entry.status = "CREATE_FAILED";
  entry.reason = "boom";
  entry.detail = {{"k", 1}};
  auto entry_back = JournalEntryFromJson(ToJson(entry));
  ASSERT_TRUE(entry_back);
  EXPECT_EQ(ToJson(*entry_back), ToJson(entry));
  EXPECT_EQ(ToJson(entry)["applyId"], "a-1");
  auto no_kind = JournalEntryFromJson({{"seq", 1}});
  ASSERT_FALSE(no_kind);
  EXPECT_NE(no_kind.error().message.find("'kind'"), std::string::npos);

  ExportEntry exported{"vpc", "vpc-1", "net", {"app", "web"}};
  auto exported_back = ExportEntryFromJson(ToJson(exported));
  ASSERT_TRUE(exported_back);
  EXPECT_EQ(ToJson(*exported_back), ToJson(exported));
  EXPECT_FALSE(ExportEntryFromJson({{"name", "x"}, {"importers", {1}}}));
}

}  // namespace
}  // namespace sf::stackapi
