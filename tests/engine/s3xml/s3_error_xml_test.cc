// S3's <Error> document.

#include "engine/api/s3/xml/s3_error_xml.h"

#include <gtest/gtest.h>

#include "engine/api/s3/xml/xml_reader.h"

namespace sf::engine::s3 {
namespace {

TEST(S3ErrorXmlTest, CodeMessageResourceRequestId) {
  EXPECT_EQ(WriteError("NoSuchKey", "The specified key does not exist.", "/b/a&b.txt",
                       "4442587FB7D0A2F9", {{"Key", "a&b.txt"}}),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>"
            "<Key>a&amp;b.txt</Key><Resource>/b/a&amp;b.txt</Resource>"
            "<RequestId>4442587FB7D0A2F9</RequestId></Error>");
}

TEST(S3ErrorXmlTest, EmptyResourceAndRequestIdAreLeftOut) {
  EXPECT_EQ(WriteError("InternalError", "We encountered an internal error.", "", ""),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<Error><Code>InternalError</Code><Message>We encountered an internal error."
            "</Message></Error>");
}

TEST(S3ErrorXmlTest, SignatureErrorsCarryTheirExtras) {
  std::string canonical = "GET\n/b/k\n\nhost:localhost\n\nhost\nUNSIGNED-PAYLOAD";
  std::string xml = WriteError(
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided.", "", "RID",
      {{"AWSAccessKeyId", "AKID"},
       {"StringToSign", "AWS4-HMAC-SHA256\n20261122T053500Z"},
       {"CanonicalRequest", canonical}});
  auto read = ParseXml(xml);
  ASSERT_TRUE(read.has_value()) << read.error().detail;
  EXPECT_EQ(read->name, "Error");
  std::vector<std::string> names;
  for (const XmlElement& child : read->children) names.push_back(child.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Code", "Message", "AWSAccessKeyId", "StringToSign",
                                             "CanonicalRequest", "RequestId"}));
  // Line breaks survive (written as references).
  EXPECT_EQ(read->Child("CanonicalRequest")->text, canonical);
  EXPECT_EQ(read->Child("StringToSign")->text, "AWS4-HMAC-SHA256\n20261122T053500Z");
}

TEST(S3ErrorXmlTest, FromXmlError) {
  XmlError error;
  error.detail = "not shown";
  std::string xml = WriteError(error, "/b?delete", "RID");
  EXPECT_EQ(xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<Error><Code>MalformedXML</Code><Message>The XML you provided was not well-formed or "
            "did not validate against our published schema</Message><Resource>/b?delete"
            "</Resource><RequestId>RID</RequestId></Error>");
}

}  // namespace
}  // namespace sf::engine::s3
