// Tests of ParseYaml: the located node tree, tags, quoting and the problems it reports.

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>

#include "base/diagnostics.h"
#include "base/yaml_document.h"
#include "base/yaml_value.h"

namespace sf {

// How gtest prints a Value in failure messages (the same in every test file).
inline void PrintTo(const Value& value, std::ostream* out) { *out << value.ToTaggedJson().dump(); }

namespace {

std::optional<Document> Parse(const std::string& text, Diagnostics& diagnostics) {
  return ParseYaml(text, "test.yaml", diagnostics);
}

// Parses text that must be valid, with no diagnostics.
Document ParseOk(const std::string& text) {
  Diagnostics diagnostics;
  auto document = Parse(text, diagnostics);
  EXPECT_TRUE(diagnostics.empty()) << diagnostics.items().front().message;
  EXPECT_TRUE(document.has_value());
  return document ? std::move(*document) : Document{};
}

TEST(ParseYamlTest, MarksAreOneBasedLineAndColumn) {
  Document document = ParseOk(
      "Resources:\n"
      "  Stream:\n"
      "    Type: AWS::Kinesis::Stream\n");
  EXPECT_EQ(document.file, "test.yaml");
  const Node& root = document.root;
  ASSERT_TRUE(root.IsMap());
  EXPECT_EQ(root.mark().line, 1);
  EXPECT_EQ(root.mark().column, 1);
  const Node& key = root.entries()[0].first;
  EXPECT_EQ(key.scalar(), "Resources");
  EXPECT_EQ(key.mark().line, 1);
  EXPECT_EQ(key.mark().column, 1);
  const Node* stream = root.Find("Resources")->Find("Stream");
  ASSERT_NE(stream, nullptr);
  EXPECT_EQ(stream->mark().line, 3);
  EXPECT_EQ(stream->mark().column, 5);
  const Node* type = stream->Find("Type");
  ASSERT_NE(type, nullptr);
  EXPECT_EQ(type->scalar(), "AWS::Kinesis::Stream");
  EXPECT_EQ(type->mark().line, 3);
  EXPECT_EQ(type->mark().column, 11);
  SourceLocation location = document.At(*type);
  EXPECT_EQ(location.file, "test.yaml");
  EXPECT_EQ(location.line, 3);
  EXPECT_EQ(location.column, 11);
}

TEST(ParseYamlTest, SequenceItemsHaveMarks) {
  Document document = ParseOk("list:\n  - a\n  - b\n");
  const Node* list = document.root.Find("list");
  ASSERT_NE(list, nullptr);
  ASSERT_TRUE(list->IsSequence());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ(list->items()[1].scalar(), "b");
  EXPECT_EQ(list->items()[1].mark().line, 3);
  EXPECT_EQ(list->items()[1].mark().column, 5);
}

TEST(ParseYamlTest, KeepsMapEntriesInSourceOrder) {
  Document document = ParseOk("z: 1\na: 2\nm: 3\n");
  ASSERT_EQ(document.root.entries().size(), 3u);
  EXPECT_EQ(document.root.entries()[0].first.scalar(), "z");
  EXPECT_EQ(document.root.entries()[1].first.scalar(), "a");
  EXPECT_EQ(document.root.entries()[2].first.scalar(), "m");
}

TEST(ParseYamlTest, KeepsShortFormTags) {
  Document document = ParseOk(
      "a: !Ref Stream\n"
      "b: !Sub \"${Stage}-x\"\n"
      "c: !GetAtt [Stream, Arn]\n"
      "d: !If {x: 1}\n"
      "e: plain\n");
  const Node* a = document.root.Find("a");
  EXPECT_EQ(a->tag(), "!Ref");
  EXPECT_TRUE(a->IsScalar());
  EXPECT_EQ(a->scalar(), "Stream");
  EXPECT_EQ(document.root.Find("b")->tag(), "!Sub");
  EXPECT_EQ(document.root.Find("b")->scalar(), "${Stage}-x");
  EXPECT_EQ(document.root.Find("c")->tag(), "!GetAtt");
  EXPECT_TRUE(document.root.Find("c")->IsSequence());
  EXPECT_EQ(document.root.Find("d")->tag(), "!If");
  EXPECT_TRUE(document.root.Find("d")->IsMap());
  EXPECT_EQ(document.root.Find("e")->tag(), "");
}

TEST(ParseYamlTest, KeepsStandardTagsInLongForm) {
  Document document = ParseOk("a: !!str 5\n");
  EXPECT_EQ(document.root.Find("a")->tag(), "tag:yaml.org,2002:str");
  EXPECT_EQ(document.root.Find("a")->scalar(), "5");
}

TEST(ParseYamlTest, DistinguishesQuotedFromPlainScalars) {
  Document document = ParseOk(
      "plain: 5\n"
      "single: '5'\n"
      "double: \"5\"\n"
      "bool: true\n"
      "quoted_bool: \"true\"\n"
      "text: hello\n");
  const Node& root = document.root;
  EXPECT_FALSE(root.Find("plain")->quoted());
  EXPECT_TRUE(root.Find("plain")->LooksNumeric());
  EXPECT_TRUE(root.Find("single")->quoted());
  EXPECT_FALSE(root.Find("single")->LooksNumeric());
  EXPECT_TRUE(root.Find("double")->quoted());
  EXPECT_EQ(root.Find("double")->scalar(), "5");
  EXPECT_TRUE(root.Find("bool")->LooksBool());
  EXPECT_FALSE(root.Find("quoted_bool")->LooksBool());
  EXPECT_FALSE(root.Find("text")->LooksNumeric());
  EXPECT_FALSE(root.Find("text")->LooksBool());

  EXPECT_EQ(ScalarToValue(*root.Find("plain")), Value::Number("5"));
  EXPECT_EQ(ScalarToValue(*root.Find("single")), Value::String("5"));
  EXPECT_EQ(ScalarToValue(*root.Find("bool")), Value::Bool(true));
  EXPECT_EQ(ScalarToValue(*root.Find("quoted_bool")), Value::String("true"));
}

TEST(NodeTest, LooksNumericAcceptsYamlNumbersOnly) {
  for (const char* text : {"0", "-1", "+2", "3.25", ".5", "5.", "1e3", "2.5E-4"}) {
    EXPECT_TRUE(Node::Scalar(text).LooksNumeric()) << text;
  }
  for (const char* text : {"", "-", ".", "1e", "1.2.3", "12abc", "0x1G", "e5", "1 2"}) {
    EXPECT_FALSE(Node::Scalar(text).LooksNumeric()) << text;
  }
  EXPECT_FALSE(Node::Scalar("5", {}, /*quoted=*/true).LooksNumeric());
}

TEST(ParseYamlTest, NullValues) {
  Document document = ParseOk("a:\nb: ~\nc: null\n");
  EXPECT_TRUE(document.root.Find("a")->IsNull());
  EXPECT_TRUE(document.root.Find("b")->IsNull());
  EXPECT_TRUE(document.root.Find("c")->IsNull());
}

TEST(ParseYamlTest, DuplicateKeyReportedAtTheSecondKey) {
  Diagnostics diagnostics;
  auto document = Parse(
      "Stream:\n"
      "  ShardCount: 1\n"
      "  Name: x\n"
      "  ShardCount: 2\n",
      diagnostics);
  ASSERT_TRUE(document.has_value());
  ASSERT_EQ(diagnostics.items().size(), 1u);
  const Diagnostic& d = diagnostics.items()[0];
  EXPECT_EQ(d.severity, Severity::kError);
  EXPECT_EQ(d.code, "duplicate-key");
  EXPECT_EQ(d.location.file, "test.yaml");
  EXPECT_EQ(d.location.line, 4);
  EXPECT_EQ(d.location.column, 3);
  EXPECT_NE(d.message.find("'ShardCount'"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("line 2"), std::string::npos) << d.message;
  // Both entries are kept, in source order; Find returns the first.
  const Node* stream = document->root.Find("Stream");
  ASSERT_EQ(stream->entries().size(), 3u);
  EXPECT_EQ(stream->Find("ShardCount")->scalar(), "1");
  EXPECT_EQ(stream->entries()[2].second.scalar(), "2");
}

TEST(ParseYamlTest, SameKeyInDifferentMapsIsNotADuplicate) {
  ParseOk("a:\n  Name: 1\nb:\n  Name: 2\n");
}

TEST(ParseYamlTest, SyntaxErrorHasCodeAndLocation) {
  Diagnostics diagnostics;
  auto document = Parse(
      "a: 1\n"
      "b: [x, y\n"
      "c: 3\n",
      diagnostics);
  EXPECT_FALSE(document.has_value());
  ASSERT_EQ(diagnostics.items().size(), 1u);
  const Diagnostic& d = diagnostics.items()[0];
  EXPECT_EQ(d.code, "yaml-syntax");
  EXPECT_EQ(d.location.file, "test.yaml");
  EXPECT_GE(d.location.line, 2);
  EXPECT_LE(d.location.line, 4);
  EXPECT_GE(d.location.column, 1);
  EXPECT_EQ(d.message.rfind("malformed YAML: ", 0), 0u) << d.message;
}

TEST(ParseYamlTest, MalformedCorpusFileIsReportedAtLine13) {
  Diagnostics diagnostics;
  auto document = LoadYamlFile(
      std::string(STREAMFORM_SOURCE_DIR) + "/tests/templates/invalid/malformed-yaml.yaml",
      diagnostics);
  EXPECT_FALSE(document.has_value());
  ASSERT_EQ(diagnostics.error_count(), 1);
  EXPECT_EQ(diagnostics.items()[0].code, "yaml-syntax");
  EXPECT_EQ(diagnostics.items()[0].location.line, 13);
  EXPECT_EQ(diagnostics.items()[0].location.column, 3);
}

TEST(ParseYamlTest, TabIndentationHasItsOwnMessage) {
  Diagnostics diagnostics;
  auto document = Parse(
      "Resources:\n"
      "  Stream:\n"
      "\tType: AWS::Kinesis::Stream\n",
      diagnostics);
  EXPECT_FALSE(document.has_value());
  ASSERT_EQ(diagnostics.items().size(), 1u);
  const Diagnostic& d = diagnostics.items()[0];
  EXPECT_EQ(d.code, "yaml-syntax");
  EXPECT_NE(d.message.find("tab character used for indentation"), std::string::npos) << d.message;
  EXPECT_EQ(d.location.line, 3);
  EXPECT_EQ(d.location.column, 1);
}

TEST(ParseYamlTest, TabIndentCorpusFileIsReportedAtLine8) {
  Diagnostics diagnostics;
  auto document = LoadYamlFile(
      std::string(STREAMFORM_SOURCE_DIR) + "/tests/templates/invalid/tab-indent.yaml", diagnostics);
  EXPECT_FALSE(document.has_value());
  ASSERT_EQ(diagnostics.error_count(), 1);
  EXPECT_NE(diagnostics.items()[0].message.find("tab"), std::string::npos);
  EXPECT_EQ(diagnostics.items()[0].location.line, 8);
}

TEST(ParseYamlTest, TabIndentedJsonParses) {
  Document document = ParseOk("{\n\t\"A\": 1,\n\t\"B\": {\n\t\t\"C\": true\n\t}\n}\n");
  EXPECT_EQ(document.root.Find("B")->Find("C")->mark().line, 4);
}

// JSON may indent with tabs: a syntax error there is the error, not the tabs.
TEST(ParseYamlTest, SyntaxErrorInTabIndentedJsonIsReportedAsItself) {
  Diagnostics diagnostics;
  auto document = ParseYaml("{\n\t\"A\": 1\n\t\"B\": 2\n}\n", "t.json", diagnostics);
  EXPECT_FALSE(document.has_value());
  ASSERT_EQ(diagnostics.error_count(), 1);
  const Diagnostic& d = diagnostics.items()[0];
  EXPECT_EQ(d.code, "yaml-syntax");
  EXPECT_EQ(d.message.find("tab"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("expected ','"), std::string::npos) << d.message;
  EXPECT_EQ(d.location.line, 3);
}

// A tab that YAML accepts (inside a quoted scalar) must not hide a later, unrelated error.
TEST(ParseYamlTest, AcceptedTabDoesNotHideALaterSyntaxError) {
  Diagnostics diagnostics;
  auto document = Parse("a: \"x\n\ty\"\nb: 1\nc: [unclosed\n", diagnostics);
  EXPECT_FALSE(document.has_value());
  ASSERT_EQ(diagnostics.error_count(), 1);
  const Diagnostic& d = diagnostics.items()[0];
  EXPECT_EQ(d.message.find("tab"), std::string::npos) << d.message;
  EXPECT_GE(d.location.line, 4) << d.message;
}

TEST(ParseYamlTest, TabInsideAValueIsFine) {
  Document document = ParseOk("a: \"x\\ty\"\nb: 'p\tq'\n");
  EXPECT_EQ(document.root.Find("a")->scalar(), "x\ty");
  EXPECT_EQ(document.root.Find("b")->scalar(), "p\tq");
}

TEST(ParseYamlTest, AliasCopiesTheAnchoredNode) {
  Document document = ParseOk(
      "base: &tags\n"
      "  Key: project\n"
      "  Value: x\n"
      "copy: *tags\n");
  const Node* base = document.root.Find("base");
  const Node* copy = document.root.Find("copy");
  ASSERT_NE(copy, nullptr);
  ASSERT_TRUE(copy->IsMap());
  ASSERT_EQ(copy->entries().size(), 2u);
  EXPECT_EQ(copy->Find("Key")->scalar(), "project");
  EXPECT_EQ(copy->Find("Value")->scalar(), "x");
  // The copy is marked where the alias is written.
  EXPECT_EQ(copy->mark().line, 4);
  EXPECT_EQ(copy->mark().column, 7);
  // The original is untouched.
  EXPECT_EQ(base->Find("Key")->mark().line, 2);
}

TEST(ParseYamlTest, AliasOfAScalarKeepsTheTag) {
  Document document = ParseOk("a: &name !Ref Stream\nb: *name\n");
  const Node* b = document.root.Find("b");
  EXPECT_EQ(b->scalar(), "Stream");
  EXPECT_EQ(b->tag(), "!Ref");
}

TEST(ParseYamlTest, MultipleDocumentsAreRejected) {
  Diagnostics diagnostics;
  Parse("a: 1\n---\nb: 2\n", diagnostics);
  ASSERT_EQ(diagnostics.error_count(), 1);
  EXPECT_EQ(diagnostics.items()[0].code, "yaml-syntax");
  EXPECT_NE(diagnostics.items()[0].message.find("more than one YAML document"), std::string::npos);
}

TEST(ParseYamlTest, EmptyInputGivesANullRoot) {
  for (const char* text : {"", "# only a comment\n", "\n\n"}) {
    Diagnostics diagnostics;
    auto document = Parse(text, diagnostics);
    ASSERT_TRUE(document.has_value()) << "'" << text << "'";
    EXPECT_TRUE(diagnostics.empty()) << "'" << text << "'";
    EXPECT_TRUE(document->root.IsNull()) << "'" << text << "'";
  }
}

TEST(ParseYamlTest, JsonInputParses) {
  Document document = ParseOk(
      "{\n"
      "  \"Resources\": {\n"
      "    \"Stream\": {\"Type\": \"AWS::Kinesis::Stream\",\n"
      "               \"Properties\": {\"ShardCount\": 2, \"On\": true, \"Tags\": []}}\n"
      "  }\n"
      "}\n");
  const Node* stream = document.root.Find("Resources")->Find("Stream");
  ASSERT_NE(stream, nullptr);
  const Node* type = stream->Find("Type");
  EXPECT_EQ(type->scalar(), "AWS::Kinesis::Stream");
  EXPECT_TRUE(type->quoted());
  EXPECT_EQ(type->mark().line, 3);
  const Node* properties = stream->Find("Properties");
  EXPECT_TRUE(properties->Find("ShardCount")->LooksNumeric());
  EXPECT_EQ(NodeToValue(*properties->Find("ShardCount")), Value::Number("2"));
  EXPECT_EQ(NodeToValue(*properties->Find("On")), Value::Bool(true));
  EXPECT_TRUE(properties->Find("Tags")->IsSequence());
  EXPECT_EQ(properties->Find("Tags")->size(), 0u);
}

TEST(ParseYamlTest, JsonSyntaxErrorIsReported) {
  Diagnostics diagnostics;
  auto document = Parse("{\"a\": 1 \"b\": 2}", diagnostics);
  EXPECT_FALSE(document.has_value());
  ASSERT_EQ(diagnostics.error_count(), 1);
  EXPECT_EQ(diagnostics.items()[0].code, "yaml-syntax");
  EXPECT_EQ(diagnostics.items()[0].location.line, 1);
}

TEST(ParseYamlTest, NonScalarKeyIsReported) {
  Diagnostics diagnostics;
  auto document = Parse("? [a, b]\n: value\n", diagnostics);
  ASSERT_TRUE(document.has_value());
  ASSERT_EQ(diagnostics.error_count(), 1);
  EXPECT_EQ(diagnostics.items()[0].code, "yaml-syntax");
  EXPECT_NE(diagnostics.items()[0].message.find("must be a scalar"), std::string::npos);
}

TEST(ParseYamlTest, CrlfLineEndingsKeepLineNumbers) {
  Document document = ParseOk("a: 1\r\nb:\r\n  c: x\r\n");
  const Node* c = document.root.Find("b")->Find("c");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->scalar(), "x");
  EXPECT_EQ(c->mark().line, 3);
}

TEST(ParseYamlTest, UnreadableFileIsADiagnostic) {
  Diagnostics diagnostics;
  auto document = LoadYamlFile("/nonexistent/streamform/file.yaml", diagnostics);
  EXPECT_FALSE(document.has_value());
  ASSERT_EQ(diagnostics.error_count(), 1);
  EXPECT_EQ(diagnostics.items()[0].code, "io");
  EXPECT_EQ(diagnostics.items()[0].location.file, "/nonexistent/streamform/file.yaml");
}

TEST(ParseYamlTest, DeepNestingIsRejected) {
  Diagnostics diagnostics;
  std::string text = std::string(300, '[') + std::string(300, ']');
  auto document = Parse(text, diagnostics);
  EXPECT_FALSE(document.has_value());
  ASSERT_EQ(diagnostics.error_count(), 1);
  EXPECT_EQ(diagnostics.items()[0].code, "yaml-syntax");
  EXPECT_NE(diagnostics.items()[0].message.find("nested more than"), std::string::npos)
      << diagnostics.items()[0].message;
}

TEST(ParseYamlTest, ModerateNestingIsAccepted) {
  std::string text = std::string(100, '[') + std::string(100, ']');
  Document document = ParseOk(text);
  const Node* node = &document.root;
  int depth = 0;
  while (node->IsSequence() && node->size() == 1) {
    node = &node->items()[0];
    ++depth;
  }
  EXPECT_EQ(depth, 99);
}

TEST(ParseYamlTest, AliasExpansionBombIsRejected) {
  // Each level doubles ten times: 10^7 nodes if expanded.
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  std::string previous = "a";
  for (char level = 'b'; level <= 'h'; ++level) {
    std::string name(1, level);
    text += name + ": &" + name + " [";
    for (int i = 0; i < 10; ++i) text += (i ? ", *" : "*") + previous;
    text += "]\n";
    previous = name;
  }
  Diagnostics diagnostics;
  auto document = Parse(text, diagnostics);
  EXPECT_FALSE(document.has_value());
  ASSERT_EQ(diagnostics.error_count(), 1);
  EXPECT_EQ(diagnostics.items()[0].code, "yaml-syntax");
}

TEST(ParseYamlTest, UnknownAliasIsReported) {
  Diagnostics diagnostics;
  auto document = Parse("a: *nothing\n", diagnostics);
  EXPECT_FALSE(document.has_value());
  ASSERT_EQ(diagnostics.error_count(), 1);
  EXPECT_EQ(diagnostics.items()[0].code, "yaml-syntax");
  EXPECT_EQ(diagnostics.items()[0].location.line, 1);
}

TEST(NodeTest, SetReplacesOrAppendsAndEraseRemoves) {
  Node map = Node::Map({1, 1});
  map.Set("a", Node::Scalar("1"));
  map.Set("b", Node::Scalar("2"));
  map.Set("a", Node::Scalar("3"));
  ASSERT_EQ(map.size(), 2u);
  EXPECT_EQ(map.entries()[0].first.scalar(), "a");
  EXPECT_EQ(map.Find("a")->scalar(), "3");
  EXPECT_TRUE(map.Erase("a"));
  EXPECT_FALSE(map.Erase("a"));
  EXPECT_EQ(map.Find("a"), nullptr);
  EXPECT_EQ(map.size(), 1u);
}

TEST(NodeToValueTest, CarriesMarksAsOrigins) {
  Document document = ParseOk("a:\n  - 1\n  - x\n");
  Value value = NodeToValue(document.root);
  const Value* a = value.Find("a");
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->items().size(), 2u);
  EXPECT_EQ(a->items()[1], Value::String("x"));
  EXPECT_EQ(a->items()[1].origin().line, 3);
  EXPECT_EQ(a->items()[1].origin().column, 5);
}

}  // namespace
}  // namespace sf
