// The typed request bodies: botocore's own serialisations, valid variants, every way to be
// MalformedXML, and write -> parse round trips.

#include "engine/api/s3/xml/s3_requests.h"

#include <gtest/gtest.h>

namespace sf::engine::s3 {
namespace {

// Bodies exactly as botocore 1.43 serialises them (botocore.serialize, rest-xml, offline).
// DeleteObjects(Delete={Objects: [{Key: "a.txt"}, {Key: "dir/b & <c>", VersionId: "v1"},
//                                 {Key: "ü\"'tab\t"}], Quiet: True})
constexpr std::string_view kBotocoreDelete =
    "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Object><Key>a.txt</Key></Object>"
    "<Object><Key>dir/b &amp; &lt;c&gt;</Key><VersionId>v1</VersionId></Object><Object><Key>"
    "\xc3\xbc\"'tab\t</Key></Object><Quiet>true</Quiet></Delete>";
// DeleteObjects(Delete={Objects: [{Key: "only"}]})
constexpr std::string_view kBotocoreDeleteOne =
    "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Object><Key>only</Key></Object>"
    "</Delete>";
// The same with Key "bad\x01": botocore writes the control character raw, which XML cannot
// carry; S3 answers MalformedXML, and so do we.
constexpr std::string_view kBotocoreDeleteControl =
    "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Object><Key>bad\x01</Key>"
    "</Object></Delete>";
// CompleteMultipartUpload(MultipartUpload={Parts: [
//   {ETag: '"0cc175b9c0f1b6a831c399e269772661"', PartNumber: 1},
//   {ETag: "92eb5ffee6ae2fec3ad71c777531578f", PartNumber: 2, ChecksumCRC32: "AAAAAA=="}]})
constexpr std::string_view kBotocoreComplete =
    "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Part><ETag>"
    "\"0cc175b9c0f1b6a831c399e269772661\"</ETag><PartNumber>1</PartNumber></Part><Part><ETag>"
    "92eb5ffee6ae2fec3ad71c777531578f</ETag><PartNumber>2</PartNumber><ChecksumCRC32>AAAAAA=="
    "</ChecksumCRC32></Part></CompleteMultipartUpload>";
// CreateBucket(CreateBucketConfiguration={LocationConstraint: "eu-west-1"})
constexpr std::string_view kBotocoreCreateBucket =
    "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
    "<LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>";

// The detail of the MalformedXML error `result` must be.
template <class T>
std::string Malformed(const XmlResult<T>& result) {
  EXPECT_FALSE(result.has_value());
  if (result) return "";
  EXPECT_EQ(result.error().code, "MalformedXML");
  EXPECT_EQ(result.error().message,
            "The XML you provided was not well-formed or did not validate against our "
            "published schema");
  EXPECT_EQ(result.error().http_status, 400);
  return result.error().detail;
}

std::string Parts(std::string_view inner) {
  return "<CompleteMultipartUpload>" + std::string(inner) + "</CompleteMultipartUpload>";
}

std::string Objects(std::string_view inner) {
  return "<Delete>" + std::string(inner) + "</Delete>";
}

TEST(DeleteObjectsTest, BotocoreBodies) {
  auto request = ParseDeleteObjects(kBotocoreDelete);
  ASSERT_TRUE(request.has_value()) << request.error().detail;
  EXPECT_TRUE(request->quiet);
  ASSERT_EQ(request->objects.size(), 3u);
  EXPECT_EQ(request->objects[0], (ObjectIdentifier{"a.txt", std::nullopt}));
  EXPECT_EQ(request->objects[1], (ObjectIdentifier{"dir/b & <c>", "v1"}));
  EXPECT_EQ(request->objects[2].key, "ü\"'tab\t");

  auto one = ParseDeleteObjects(kBotocoreDeleteOne);
  ASSERT_TRUE(one.has_value());
  EXPECT_FALSE(one->quiet);
  EXPECT_EQ(one->objects, (std::vector<ObjectIdentifier>{{"only", std::nullopt}}));

  EXPECT_NE(Malformed(ParseDeleteObjects(kBotocoreDeleteControl)).find("not well-formed"),
            std::string::npos);
}

TEST(DeleteObjectsTest, Variants) {
  // No namespace, whitespace between members, keys kept exactly, Quiet as xsd:boolean.
  auto request = ParseDeleteObjects(
      "<?xml version=\"1.0\"?>\n<Delete>\n  <Quiet> 1 </Quiet>\n  <Object>\n    <Key> sp </Key>\n"
      "    <VersionId></VersionId>\n  </Object>\n  <Object><Key>a&#13;b</Key></Object>\n"
      "  <Unknown>ignored</Unknown>\n</Delete>\n");
  ASSERT_TRUE(request.has_value()) << request.error().detail;
  EXPECT_TRUE(request->quiet);
  EXPECT_EQ(request->objects, (std::vector<ObjectIdentifier>{{" sp ", ""}, {"a\rb", {}}}));
  for (auto [text, quiet] : {std::pair{"false", false}, {"0", false}, {"true", true}}) {
    auto parsed = ParseDeleteObjects(
        Objects("<Object><Key>k</Key></Object><Quiet>" + std::string(text) + "</Quiet>"));
    ASSERT_TRUE(parsed.has_value()) << text;
    EXPECT_EQ(parsed->quiet, quiet) << text;
  }
  // A prefixed S3 namespace.
  auto prefixed = ParseDeleteObjects(
      "<s3:Delete xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\"><s3:Object><s3:Key>k"
      "</s3:Key></s3:Object></s3:Delete>");
  ASSERT_TRUE(prefixed.has_value());
  EXPECT_EQ(prefixed->objects[0].key, "k");
}

TEST(DeleteObjectsTest, ObjectCountIsOneToAThousand) {
  std::string thousand;
  for (int i = 0; i < 1000; ++i)
    thousand += "<Object><Key>k" + std::to_string(i) + "</Key></Object>";
  auto parsed = ParseDeleteObjects(Objects(thousand));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->objects.size(), 1000u);
  EXPECT_EQ(parsed->objects[999].key, "k999");
  EXPECT_EQ(Malformed(ParseDeleteObjects(Objects(thousand + "<Object><Key>x</Key></Object>"))),
            "more than 1000 <Object>s");
  EXPECT_EQ(Malformed(ParseDeleteObjects("<Delete/>")), "<Delete> has no <Object>");
  EXPECT_EQ(Malformed(ParseDeleteObjects(Objects("<Quiet>true</Quiet>"))),
            "<Delete> has no <Object>");
}

TEST(DeleteObjectsTest, ThousandLongKeysFitTheBodyLimit) {
  // 1000 keys of 1024 bytes, each escaped to 5 bytes per byte: about 5 MiB.
  DeleteObjectsRequest request;
  for (int i = 0; i < 1000; ++i) request.objects.push_back({std::string(1024, '&'), {}});
  std::string body = WriteDeleteObjects(request);
  EXPECT_GT(body.size(), size_t{5'000'000});
  auto parsed = ParseDeleteObjects(body);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().detail;
  EXPECT_EQ(*parsed, request);
}

TEST(DeleteObjectsTest, Malformed) {
  EXPECT_EQ(Malformed(ParseDeleteObjects("<Object><Key>k</Key></Object>")),
            "the root element is <Object>, not <Delete>");
  EXPECT_EQ(Malformed(ParseDeleteObjects(Objects("<Object></Object>"))), "<Object> has no <Key>");
  EXPECT_EQ(Malformed(ParseDeleteObjects(Objects("<Object><VersionId>v</VersionId></Object>"))),
            "<Object> has no <Key>");
  EXPECT_EQ(Malformed(ParseDeleteObjects(Objects("<Object><Key></Key></Object>"))),
            "an <Object> has an empty <Key>");
  EXPECT_EQ(Malformed(ParseDeleteObjects(Objects("<Object><Key/></Object>"))),
            "an <Object> has an empty <Key>");
  EXPECT_EQ(Malformed(ParseDeleteObjects(Objects("<Object><Key>a</Key><Key>b</Key></Object>"))),
            "<Key> appears more than once in <Object>");
  EXPECT_EQ(Malformed(ParseDeleteObjects(Objects("<Object><Key>a<b/></Key></Object>"))),
            "<Key> contains elements");
  EXPECT_EQ(Malformed(ParseDeleteObjects(Objects("<Object>x<Key>a</Key></Object>"))),
            "<Object> contains text outside its members");
  EXPECT_EQ(Malformed(ParseDeleteObjects("<Delete>x<Object><Key>a</Key></Object></Delete>")),
            "<Delete> contains text outside its members");
  std::string one = "<Object><Key>k</Key></Object>";
  EXPECT_EQ(Malformed(ParseDeleteObjects(Objects(one + "<Quiet>yes</Quiet>"))),
            "<Quiet> is not a boolean: yes");
  EXPECT_EQ(Malformed(ParseDeleteObjects(Objects(one + "<Quiet>True</Quiet>"))),
            "<Quiet> is not a boolean: True");
  EXPECT_EQ(Malformed(ParseDeleteObjects(Objects(one + "<Quiet/>"))), "<Quiet> is not a boolean: ");
  EXPECT_EQ(Malformed(ParseDeleteObjects(Objects(one + "<Quiet>true</Quiet><Quiet>true</Quiet>"))),
            "<Quiet> appears more than once in <Delete>");
  Malformed(ParseDeleteObjects(""));
  Malformed(ParseDeleteObjects("<Delete><Object><Key>k</Key></Object>"));
  Malformed(ParseDeleteObjects("{\"Objects\": []}"));
}

TEST(CompleteMultipartUploadTest, BotocoreBody) {
  auto parts = ParseCompleteMultipartUpload(kBotocoreComplete);
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  EXPECT_EQ(*parts, (std::vector<PartEtag>{{1, "\"0cc175b9c0f1b6a831c399e269772661\""},
                                           {2, "92eb5ffee6ae2fec3ad71c777531578f"}}));
}

TEST(CompleteMultipartUploadTest, Variants) {
  // Document order is kept (the store checks it), members in any order, numbers trimmed,
  // ETags kept exactly, checksums and unknown members ignored.
  auto parts = ParseCompleteMultipartUpload(
      Parts("<Part><PartNumber> 3\n</PartNumber><ETag>&quot;c&quot;</ETag></Part>\n"
            "<Part><ETag> b </ETag><ChecksumSHA256>x</ChecksumSHA256><PartNumber>+02"
            "</PartNumber></Part><Part><ETag></ETag><PartNumber>-1</PartNumber></Part>"
            "<Part><ETag>a</ETag><PartNumber>2147483647</PartNumber></Part><Other/>"));
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  EXPECT_EQ(*parts, (std::vector<PartEtag>{{3, "\"c\""}, {2, " b "}, {-1, ""}, {2147483647, "a"}}));
}

TEST(CompleteMultipartUploadTest, Malformed) {
  EXPECT_EQ(Malformed(ParseCompleteMultipartUpload("<CompleteMultipartUpload/>")),
            "<CompleteMultipartUpload> has no <Part>");
  EXPECT_EQ(Malformed(ParseCompleteMultipartUpload(
                "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                "</CompleteMultipartUpload>")),
            "<CompleteMultipartUpload> has no <Part>");
  EXPECT_EQ(Malformed(ParseCompleteMultipartUpload(Parts("<Part><ETag>a</ETag></Part>"))),
            "<Part> has no <PartNumber>");
  EXPECT_EQ(
      Malformed(ParseCompleteMultipartUpload(Parts("<Part><PartNumber>1</PartNumber></Part>"))),
      "<Part> has no <ETag>");
  for (std::string_view bad : {"", " ", "x", "1x", "1.0", "0x10", "2147483648", "-2147483649",
                               "99999999999999999999", "+", "-", "1 2"}) {
    std::string body =
        Parts("<Part><PartNumber>" + std::string(bad) + "</PartNumber><ETag>a</ETag></Part>");
    EXPECT_EQ(Malformed(ParseCompleteMultipartUpload(body)),
              "<PartNumber> is not an integer: " + std::string(bad));
  }
  EXPECT_EQ(Malformed(ParseCompleteMultipartUpload(
                Parts("<Part><PartNumber>1</PartNumber><PartNumber>2</PartNumber>"
                      "<ETag>a</ETag></Part>"))),
            "<PartNumber> appears more than once in <Part>");
  EXPECT_EQ(Malformed(ParseCompleteMultipartUpload(kBotocoreDeleteOne)),
            "the root element is <Delete>, not <CompleteMultipartUpload>");
  Malformed(ParseCompleteMultipartUpload(""));
  Malformed(ParseCompleteMultipartUpload("<CompleteMultipartUpload><Part>"));
}

TEST(CreateBucketConfigurationTest, Bodies) {
  auto botocore = ParseCreateBucketConfiguration(kBotocoreCreateBucket);
  ASSERT_TRUE(botocore.has_value());
  EXPECT_EQ(*botocore, "eu-west-1");
  for (std::string_view empty : {"", " \r\n\t"}) {
    auto none = ParseCreateBucketConfiguration(empty);
    ASSERT_TRUE(none.has_value());
    EXPECT_EQ(*none, std::nullopt);
  }
  auto no_location = ParseCreateBucketConfiguration("<CreateBucketConfiguration/>");
  ASSERT_TRUE(no_location.has_value());
  EXPECT_EQ(*no_location, std::nullopt);
  auto empty_location = ParseCreateBucketConfiguration(
      "<CreateBucketConfiguration><LocationConstraint/><Bucket><Type>Directory</Type></Bucket>"
      "</CreateBucketConfiguration>");
  ASSERT_TRUE(empty_location.has_value());
  EXPECT_EQ(*empty_location, "");
}

TEST(CreateBucketConfigurationTest, Malformed) {
  EXPECT_EQ(Malformed(ParseCreateBucketConfiguration("<Configuration/>")),
            "the root element is <Configuration>, not <CreateBucketConfiguration>");
  EXPECT_EQ(Malformed(ParseCreateBucketConfiguration(
                "<CreateBucketConfiguration><LocationConstraint>a</LocationConstraint>"
                "<LocationConstraint>b</LocationConstraint></CreateBucketConfiguration>")),
            "<LocationConstraint> appears more than once in <CreateBucketConfiguration>");
  EXPECT_EQ(Malformed(ParseCreateBucketConfiguration(
                "<CreateBucketConfiguration><LocationConstraint><x/></LocationConstraint>"
                "</CreateBucketConfiguration>")),
            "<LocationConstraint> contains elements");
  Malformed(ParseCreateBucketConfiguration("eu-west-1"));
  Malformed(ParseCreateBucketConfiguration("<CreateBucketConfiguration>"));
}

TEST(RequestWritersTest, WriteLikeBotocore) {
  auto request = ParseDeleteObjects(kBotocoreDelete);
  ASSERT_TRUE(request.has_value());
  // botocore writes tab, quotes and apostrophes raw; we write references. Same document.
  EXPECT_EQ(WriteDeleteObjects(*request),
            "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Object><Key>a.txt</Key>"
            "</Object><Object><Key>dir/b &amp; &lt;c&gt;</Key><VersionId>v1</VersionId></Object>"
            "<Object><Key>\xc3\xbc&quot;&apos;tab&#9;</Key></Object><Quiet>true</Quiet></Delete>");
  EXPECT_EQ(WriteDeleteObjects(*ParseDeleteObjects(kBotocoreDeleteOne)), kBotocoreDeleteOne);
  EXPECT_EQ(WriteCompleteMultipartUpload({{1, "\"0cc175b9c0f1b6a831c399e269772661\""}}),
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Part>"
            "<ETag>&quot;0cc175b9c0f1b6a831c399e269772661&quot;</ETag><PartNumber>1</PartNumber>"
            "</Part></CompleteMultipartUpload>");
  EXPECT_EQ(WriteCreateBucketConfiguration("eu-west-1"), kBotocoreCreateBucket);
  EXPECT_EQ(WriteCreateBucketConfiguration(std::nullopt), "");
}

TEST(RequestWritersTest, RoundTrips) {
  DeleteObjectsRequest request{{{"a\r\n\tb", "v&1"}, {" ", {}}, {"日本/🙂", ""}}, true};
  EXPECT_EQ(ParseDeleteObjects(WriteDeleteObjects(request)), request);
  std::vector<PartEtag> parts{{1, "\"x\""}, {-2147483647 - 1, " "}, {10000, "<&>"}};
  EXPECT_EQ(ParseCompleteMultipartUpload(WriteCompleteMultipartUpload(parts)), parts);
  for (LocationConstraint location :
       {LocationConstraint{}, LocationConstraint{""}, LocationConstraint{"us-west-2"}}) {
    auto parsed = ParseCreateBucketConfiguration(WriteCreateBucketConfiguration(location));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, location);
  }
}

}  // namespace
}  // namespace sf::engine::s3
