// XmlWriter, escaping (checked by reading the output back with the reader), IsXmlSafe and
// UrlEncodeForListing.

#include "engine/api/s3/xml/xml_writer.h"

#include <gtest/gtest.h>

#include "engine/api/s3/xml/xml_reader.h"

namespace sf::engine::s3 {
namespace {

// `text` written as the content of <T> and read back.
std::string RoundTrip(std::string_view text) {
  std::string out;
  XmlWriter(out).Element("T", text);
  auto read = ParseXml(out);
  EXPECT_TRUE(read.has_value()) << out << ": " << read.error().detail;
  return read ? read->text : std::string("<unreadable>");
}

// `text` written as an attribute value and read back.
std::string AttributeRoundTrip(std::string_view text) {
  std::string out = "<T a=\"";
  AppendXmlEscaped(out, text);
  out += "\"/>";
  auto read = ParseXml(out);
  EXPECT_TRUE(read.has_value()) << out << ": " << read.error().detail;
  return read && !read->attributes.empty() ? read->attributes[0].value : "<unreadable>";
}

std::string Escaped(std::string_view text) {
  std::string out;
  AppendXmlEscaped(out, text);
  return out;
}

TEST(XmlWriterTest, Structure) {
  std::string out;
  XmlWriter writer(out);
  writer.Declaration().Open("ListBucketResult", kS3Namespace).Element("Name", "b");
  writer.Element("MaxKeys", 1000).Element("IsTruncated", false).Element("Prefix", "");
  writer.Open("Contents").Element("Size", uint64_t{18446744073709551615u});
  writer.Element("Delta", int64_t{-5}).Element("Flag", true);
  EXPECT_EQ(writer.depth(), 2u);
  writer.Close().Close().Close();  // one Close too many: a no-op
  EXPECT_EQ(writer.depth(), 0u);
  EXPECT_EQ(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Name>b</Name><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>"
            "<Prefix></Prefix><Contents><Size>18446744073709551615</Size><Delta>-5</Delta>"
            "<Flag>true</Flag></Contents></ListBucketResult>");
}

TEST(XmlWriterTest, StringLiteralsAreTextNotBooleans) {
  std::string out;
  XmlWriter(out).Element("A", "x").Element("B", std::string("y")).Open("C").Text("a&b").Close();
  EXPECT_EQ(out, "<A>x</A><B>y</B><C>a&amp;b</C>");
}

TEST(XmlWriterTest, EscapesMarkupAndQuotes) {
  EXPECT_EQ(Escaped("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  EXPECT_EQ(Escaped("\"0cc175b9c0f1b6a831c399e269772661\""),
            "&quot;0cc175b9c0f1b6a831c399e269772661&quot;");
  EXPECT_EQ(Escaped("]]>"), "]]&gt;");
  EXPECT_EQ(Escaped("plain/key.txt"), "plain/key.txt");
  EXPECT_EQ(Escaped(""), "");
}

TEST(XmlWriterTest, EscapedTextRoundTrips) {
  for (std::string_view text :
       {"a&b<c>d\"e'f", "&amp; is already escaped", "]]>", "<![CDATA[x]]>", "&#65;", " spaced ",
        "tab\there", "line\nbreak", "cr\rlf\r\n", "\r\n\r\n", "é日本🙂", "\x7F DEL",
        "\xC2\x85 NEL", "\xEF\xBF\xBD"}) {
    EXPECT_EQ(RoundTrip(text), text);
    EXPECT_EQ(AttributeRoundTrip(text), text);
  }
}

TEST(XmlWriterTest, LineEndingsAreCharacterReferences) {
  // A parser turns a literal CR (and CRLF) into LF: the writer must not emit one.
  EXPECT_EQ(Escaped("a\rb\nc\td"), "a&#13;b&#10;c&#9;d");
}

TEST(XmlWriterTest, CharactersXmlCannotCarryBecomeReplacement) {
  const std::string kFffd = "\xEF\xBF\xBD";
  EXPECT_EQ(Escaped(std::string("a\0b", 3)), "a" + kFffd + "b");
  EXPECT_EQ(Escaped("\x01\x1F"), kFffd + kFffd);
  EXPECT_EQ(Escaped("\xEF\xBF\xBE\xEF\xBF\xBF"), kFffd + kFffd);          // U+FFFE, U+FFFF
  EXPECT_EQ(Escaped("\xFF"), kFffd);                                      // not UTF-8
  EXPECT_EQ(Escaped("\xC0\xAF"), kFffd + kFffd);                          // overlong '/'
  EXPECT_EQ(Escaped("\xED\xA0\x80"), kFffd + kFffd + kFffd);              // a surrogate
  EXPECT_EQ(Escaped("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd);  // > U+10FFFF
  EXPECT_EQ(Escaped("ab\xE6\x97"), "ab" + kFffd + kFffd);                 // truncated
  // Whatever the input, the output is readable.
  EXPECT_EQ(RoundTrip("k\x01\x02\x03"), "k" + kFffd + kFffd + kFffd);
}

TEST(XmlWriterTest, IsXmlSafe) {
  EXPECT_TRUE(IsXmlSafe(""));
  EXPECT_TRUE(IsXmlSafe("dir/file name.txt"));
  EXPECT_TRUE(IsXmlSafe("tab\tcr\rlf\n"));
  EXPECT_TRUE(IsXmlSafe("é日本🙂\xEF\xBF\xBD"));
  EXPECT_FALSE(IsXmlSafe("a\x01"));
  EXPECT_FALSE(IsXmlSafe(std::string("\0", 1)));
  EXPECT_FALSE(IsXmlSafe("\xEF\xBF\xBE"));
  EXPECT_FALSE(IsXmlSafe("\xFF"));
  EXPECT_FALSE(IsXmlSafe("\xE6\x97"));
}

TEST(XmlWriterTest, UrlEncodeForListingMatchesUnquotePlus) {
  // Expected values are what urllib.parse.unquote_plus (botocore's decoder) maps back to the
  // input; '/', '*', '-', '_', '.' stay, '~' is encoded, space is '+'.
  EXPECT_EQ(UrlEncodeForListing("A-Z_a.z09"), "A-Z_a.z09");
  EXPECT_EQ(UrlEncodeForListing("a b+c/d*e~f"), "a+b%2Bc/d*e%7Ef");
  EXPECT_EQ(UrlEncodeForListing("ü%&=?#"), "%C3%BC%25%26%3D%3F%23");
  EXPECT_EQ(UrlEncodeForListing("x\x01\r\n\ty"), "x%01%0D%0A%09y");
  EXPECT_EQ(UrlEncodeForListing(std::string("\0", 1)), "%00");
  EXPECT_EQ(UrlEncodeForListing(""), "");
  // The encoded form is always safe to put in XML.
  EXPECT_TRUE(IsXmlSafe(UrlEncodeForListing("\x01\xFF<&>")));
}

}  // namespace
}  // namespace sf::engine::s3
