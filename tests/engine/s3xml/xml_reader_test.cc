// The expat DOM: structure, text, namespaces, encodings, errors, limits and hostile input.

#include "engine/api/s3/xml/xml_reader.h"

#include <gtest/gtest.h>

#include <chrono>

namespace sf::engine::s3 {
namespace {

XmlElement Parse(std::string_view xml, const XmlLimits& limits = {}) {
  auto parsed = ParseXml(xml, limits);
  EXPECT_TRUE(parsed.has_value()) << xml << ": " << parsed.error().detail;
  return parsed ? std::move(*parsed) : XmlElement{};
}

// The detail of the error `xml` must give.
std::string Fails(std::string_view xml, const XmlLimits& limits = {}) {
  auto parsed = ParseXml(xml, limits);
  EXPECT_FALSE(parsed.has_value()) << xml;
  if (parsed) return "";
  EXPECT_EQ(parsed.error().code, "MalformedXML");
  EXPECT_EQ(parsed.error().message, kMalformedXmlMessage);
  EXPECT_EQ(parsed.error().http_status, 400);
  return parsed.error().detail;
}

std::string Nested(int depth) {
  std::string xml;
  for (int i = 0; i < depth; ++i) xml += "<a>";
  for (int i = 0; i < depth; ++i) xml += "</a>";
  return xml;
}

std::string Siblings(size_t count) {
  std::string xml = "<r>";
  for (size_t i = 0; i < count; ++i) xml += "<b/>";
  return xml + "</r>";
}

TEST(XmlReaderTest, Structure) {
  XmlElement root = Parse(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<r a=\"1\" b='2'><x>one</x><y/>"
      "<x>two</x></r>\n");
  EXPECT_EQ(root.name, "r");
  EXPECT_EQ(root.ns, "");
  ASSERT_EQ(root.attributes.size(), 2u);
  EXPECT_EQ(root.attributes[0], (XmlAttribute{"a", "", "1"}));
  EXPECT_EQ(root.attributes[1], (XmlAttribute{"b", "", "2"}));
  ASSERT_EQ(root.children.size(), 3u);
  EXPECT_EQ(root.Child("x")->text, "one");
  EXPECT_EQ(root.Child("z"), nullptr);
  auto xs = root.Children("x");
  ASSERT_EQ(xs.size(), 2u);
  EXPECT_EQ(xs[1]->text, "two");
  EXPECT_EQ(root.CountChildren("x"), 2u);
  EXPECT_EQ(root.CountChildren("y"), 1u);
  EXPECT_EQ(root.children[1].text, "");
}

TEST(XmlReaderTest, Text) {
  EXPECT_EQ(Parse("<t>a &amp; &lt;b&gt; &quot;c&quot; &apos;d&apos;</t>").text,
            "a & <b> \"c\" 'd'");
  EXPECT_EQ(Parse("<t>&#65;&#x42;&#xE9;&#x1F642;</t>").text, "AB\xC3\xA9\xF0\x9F\x99\x82");
  EXPECT_EQ(Parse("<t><![CDATA[<not> & markup]]></t>").text, "<not> & markup");
  EXPECT_EQ(Parse("<t>a<!-- comment -->b<?pi data?>c</t>").text, "abc");
  EXPECT_EQ(Parse("<t>  spaced  </t>").text, "  spaced  ");
  EXPECT_EQ(Parse("<t>a\r\nb\rc</t>").text, "a\nb\nc");  // line ends normalised
  EXPECT_EQ(Parse("<t>a&#13;b</t>").text, "a\rb");       // a reference survives
  EXPECT_EQ(Parse("<t>é日本🙂</t>").text, "é日本🙂");
  XmlElement mixed = Parse("<t>a<c>x</c>b</t>");
  EXPECT_EQ(mixed.text, "ab");
  EXPECT_EQ(mixed.children[0].text, "x");
}

TEST(XmlReaderTest, Encodings) {
  EXPECT_EQ(Parse("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><t>\xE9</t>").text, "\xC3\xA9");
  EXPECT_EQ(Parse("\xEF\xBB\xBF<t>bom</t>").text, "bom");
  std::string utf16("\xFF\xFE<\0t\0>\0x\0<\0/\0t\0>\0", 18);
  EXPECT_EQ(Parse(utf16).text, "x");
  Fails("<t>\xFF</t>");          // not UTF-8
  Fails("<t>\xEF\xBF\xBE</t>");  // U+FFFE is not an XML character
}

TEST(XmlReaderTest, NamespacesMatchOnLocalNames) {
  XmlElement with = Parse(
      "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Object><Key>k</Key></Object></Delete>");
  EXPECT_EQ(with.name, "Delete");
  EXPECT_EQ(with.ns, kS3Namespace);
  EXPECT_EQ(with.children[0].ns, kS3Namespace);  // the default namespace is inherited
  EXPECT_EQ(with.children[0].Child("Key")->text, "k");

  XmlElement without = Parse("<Delete><Object><Key>k</Key></Object></Delete>");
  EXPECT_EQ(without.name, "Delete");
  EXPECT_EQ(without.ns, "");

  XmlElement prefixed = Parse(
      "<s3:Delete xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<s3:Object/><Other/></s3:Delete>");
  EXPECT_EQ(prefixed.name, "Delete");
  EXPECT_EQ(prefixed.ns, kS3Namespace);
  EXPECT_EQ(prefixed.children[0].ns, kS3Namespace);
  EXPECT_EQ(prefixed.children[1].ns, "");
  EXPECT_TRUE(prefixed.attributes.empty());  // declarations are not attributes

  XmlElement undeclared = Parse("<a xmlns=\"urn:x\"><b xmlns=\"\"/></a>");
  EXPECT_EQ(undeclared.children[0].ns, "");
}

TEST(XmlReaderTest, NamespacedAttributes) {
  XmlElement grantee = Parse(
      "<Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:type=\"CanonicalUser\" xml:lang=\"en\"/>");
  ASSERT_EQ(grantee.attributes.size(), 2u);
  EXPECT_EQ(grantee.attributes[0],
            (XmlAttribute{"type", "http://www.w3.org/2001/XMLSchema-instance", "CanonicalUser"}));
  EXPECT_EQ(grantee.attributes[1],
            (XmlAttribute{"lang", "http://www.w3.org/XML/1998/namespace", "en"}));
}

TEST(XmlReaderTest, SyntaxErrorsSayWhere) {
  EXPECT_EQ(Fails("<a><b></a>"), "line 1, column 8: mismatched tag");
  EXPECT_NE(Fails("<a>\n<b>\n</a>").find("line 3"), std::string::npos);
  EXPECT_NE(Fails("").find("no element found"), std::string::npos);
  EXPECT_NE(Fails("   ").find("no element found"), std::string::npos);
  EXPECT_NE(Fails("<a/><b/>").find("junk after document element"), std::string::npos);
  EXPECT_NE(Fails("text").find("syntax error"), std::string::npos);
  EXPECT_NE(Fails("<p:a/>").find("unbound prefix"), std::string::npos);
  EXPECT_NE(Fails("<a>&nbsp;</a>").find("undefined entity"), std::string::npos);
  Fails("<a x='1' x='2'/>");
  Fails("<a>\x01</a>");
  Fails("<a>&#1;</a>");
  Fails("<a");
  Fails(std::string("<a>\0</a>", 8));
}

TEST(XmlReaderTest, DepthLimit) {
  EXPECT_EQ(Parse(Nested(32)).name, "a");
  EXPECT_EQ(Fails(Nested(33)), "elements nested deeper than 32");
  EXPECT_EQ(Fails(Nested(4), {.max_depth = 3}), "elements nested deeper than 3");
  // Far deeper input stops at the limit, without recursion.
  EXPECT_EQ(Fails(Nested(100'000), {.max_bytes = 1 << 21}), "elements nested deeper than 32");
}

TEST(XmlReaderTest, ElementCountLimit) {
  EXPECT_EQ(Parse(Siblings(99'999)).children.size(), 99'999u);  // 100'000 with the root
  EXPECT_EQ(Fails(Siblings(100'000)), "more than 100000 elements");
  EXPECT_EQ(Fails(Siblings(10), {.max_elements = 10}), "more than 10 elements");
}

TEST(XmlReaderTest, SizeLimit) {
  std::string big = "<a>" + std::string(1 << 20, 'x') + "</a>";
  EXPECT_EQ(Fails(big), "the document is larger than 1048576 bytes");
  EXPECT_EQ(Parse(big, {.max_bytes = 2 << 20}).text.size(), size_t{1} << 20);
  EXPECT_EQ(Fails("<a/>", {.max_bytes = 3}), "the document is larger than 3 bytes");
}

TEST(XmlReaderTest, NoDtdNoEntities) {
  const std::string kDtd = "a document type declaration (DTD) is not allowed";
  EXPECT_EQ(Fails("<!DOCTYPE a><a/>"), kDtd);
  EXPECT_EQ(Fails("<!DOCTYPE a SYSTEM \"http://example.com/a.dtd\"><a/>"), kDtd);
  EXPECT_EQ(Fails("<?xml version=\"1.0\"?>\n<!DOCTYPE Delete [\n"
                  "<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
                  "<Delete><Object><Key>&xxe;</Key></Object></Delete>"),
            kDtd);
  EXPECT_EQ(Fails("<!DOCTYPE a [<!ENTITY % p SYSTEM \"http://example.com/p\"> %p;]><a/>"), kDtd);
}

TEST(XmlReaderTest, EntityBombsFailFast) {
  std::string laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol0 \"lol\">";
  for (int i = 1; i < 10; ++i) {
    laughs += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int j = 0; j < 10; ++j) laughs += "&lol" + std::to_string(i - 1) + ";";
    laughs += "\">";
  }
  laughs += "]><lolz>&lol9;</lolz>";
  // Quadratic blowup: one big entity referenced many times.
  std::string quadratic = "<!DOCTYPE q [<!ENTITY x \"" + std::string(50'000, 'x') + "\">]><q>";
  for (int i = 0; i < 10'000; ++i) quadratic += "&x;";
  quadratic += "</q>";
  for (const std::string& bomb : {laughs, quadratic}) {
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(Fails(bomb), "a document type declaration (DTD) is not allowed");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
  }
}

}  // namespace
}  // namespace sf::engine::s3
