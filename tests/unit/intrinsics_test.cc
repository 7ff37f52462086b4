// Tests of NormalizeTags and the intrinsic-name helpers.

#include <gtest/gtest.h>

#include <string>

#include "base/diagnostics.h"
#include "base/yaml_document.h"
#include "template/intrinsics.h"

namespace sf {
namespace {

// Parses `text` (which must be valid YAML) and normalises its tags into `diagnostics`.
Document Normalized(const std::string& text, Diagnostics& diagnostics) {
  Diagnostics parse;
  auto document = ParseYaml(text, "test.yaml", parse);
  EXPECT_TRUE(parse.empty());
  EXPECT_TRUE(document.has_value());
  if (!document) return {};
  NormalizeTags(*document, diagnostics);
  return std::move(*document);
}

Document NormalizedOk(const std::string& text) {
  Diagnostics diagnostics;
  Document document = Normalized(text, diagnostics);
  EXPECT_TRUE(diagnostics.empty()) << diagnostics.items().front().message;
  return document;
}

// The single-entry map {name: argument} that `node` must be; returns the argument.
const Node& Call(const Node& node, const std::string& name) {
  static const Node kNull;
  EXPECT_TRUE(node.IsMap()) << "not a map: " << node.KindName();
  EXPECT_EQ(node.entries().size(), 1u);
  if (!node.IsMap() || node.entries().size() != 1) return kNull;
  EXPECT_EQ(node.entries()[0].first.scalar(), name);
  EXPECT_EQ(node.tag(), "");
  return node.entries()[0].second;
}

TEST(NormalizeTagsTest, RefBecomesLongForm) {
  Document document = NormalizedOk("a: !Ref Stream\n");
  const Node& argument = Call(*document.root.Find("a"), "Ref");
  EXPECT_TRUE(argument.IsScalar());
  EXPECT_EQ(argument.scalar(), "Stream");
  EXPECT_EQ(argument.tag(), "");
}

TEST(NormalizeTagsTest, EveryShortTagBecomesItsLongForm) {
  struct Case {
    const char* tag;
    const char* name;
  };
  const Case cases[] = {
      {"!Ref", "Ref"},
      {"!Condition", "Condition"},
      {"!Sub", "Fn::Sub"},
      {"!GetAtt", "Fn::GetAtt"},
      {"!Join", "Fn::Join"},
      {"!Select", "Fn::Select"},
      {"!Split", "Fn::Split"},
      {"!If", "Fn::If"},
      {"!Equals", "Fn::Equals"},
      {"!And", "Fn::And"},
      {"!Or", "Fn::Or"},
      {"!Not", "Fn::Not"},
      {"!FindInMap", "Fn::FindInMap"},
      {"!ImportValue", "Fn::ImportValue"},
      {"!Base64", "Fn::Base64"},
      {"!GetAZs", "Fn::GetAZs"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.tag);
    Document document = NormalizedOk(std::string("a: ") + c.tag + " [x, y]\n");
    const Node& argument = Call(*document.root.Find("a"), c.name);
    ASSERT_TRUE(argument.IsSequence());
    ASSERT_EQ(argument.size(), 2u);
    EXPECT_EQ(argument.items()[0].scalar(), "x");
  }
  EXPECT_EQ(IntrinsicNames().size(), std::size(cases));
}

TEST(NormalizeTagsTest, CallKeepsTheTaggedNodeMark) {
  Document document = NormalizedOk("key:\n  value: !Sub \"${A}-b\"\n");
  const Node& call = *document.root.Find("key")->Find("value");
  const Node& argument = Call(call, "Fn::Sub");
  EXPECT_EQ(call.mark().line, 2);
  EXPECT_EQ(call.mark().column, 10);
  EXPECT_EQ(call.entries()[0].first.mark().line, 2);
  EXPECT_EQ(argument.scalar(), "${A}-b");
  EXPECT_EQ(argument.mark().line, 2);
}

TEST(NormalizeTagsTest, GetAttScalarSplitsAtTheFirstDot) {
  Document document = NormalizedOk("a: !GetAtt Db.Endpoint.Address\nb: !GetAtt Stream.Arn\n");
  const Node& a = Call(*document.root.Find("a"), "Fn::GetAtt");
  ASSERT_TRUE(a.IsSequence());
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a.items()[0].scalar(), "Db");
  EXPECT_EQ(a.items()[1].scalar(), "Endpoint.Address");
  // The attribute is marked where it is written: "a: !GetAtt Db." is 14 characters.
  EXPECT_EQ(a.items()[1].mark().line, 1);
  EXPECT_EQ(a.items()[1].mark().column, 15);
  const Node& b = Call(*document.root.Find("b"), "Fn::GetAtt");
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b.items()[0].scalar(), "Stream");
  EXPECT_EQ(b.items()[1].scalar(), "Arn");
}

TEST(NormalizeTagsTest, GetAttWithoutDotKeepsOneArgument) {
  Document document = NormalizedOk("a: !GetAtt Stream\n");
  const Node& a = Call(*document.root.Find("a"), "Fn::GetAtt");
  ASSERT_TRUE(a.IsSequence());
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a.items()[0].scalar(), "Stream");
}

TEST(NormalizeTagsTest, GetAttListFormIsKept) {
  Document document = NormalizedOk("a: !GetAtt [Stream, Arn]\n");
  const Node& a = Call(*document.root.Find("a"), "Fn::GetAtt");
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a.items()[1].scalar(), "Arn");
}

TEST(NormalizeTagsTest, NestedTagsAreAllNormalised) {
  Document document = NormalizedOk(
      "a: !Join\n"
      "  - \"-\"\n"
      "  - - !Ref Stage\n"
      "    - !Select [0, !GetAZs \"\"]\n"
      "    - !If [IsProd, !Sub \"${X}\", !Ref AWS::NoValue]\n");
  const Node& join = Call(*document.root.Find("a"), "Fn::Join");
  ASSERT_EQ(join.size(), 2u);
  const Node& items = join.items()[1];
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(Call(items.items()[0], "Ref").scalar(), "Stage");
  const Node& select = Call(items.items()[1], "Fn::Select");
  ASSERT_EQ(select.size(), 2u);
  EXPECT_EQ(Call(select.items()[1], "Fn::GetAZs").scalar(), "");
  const Node& branches = Call(items.items()[2], "Fn::If");
  ASSERT_EQ(branches.size(), 3u);
  EXPECT_EQ(Call(branches.items()[1], "Fn::Sub").scalar(), "${X}");
  EXPECT_EQ(Call(branches.items()[2], "Ref").scalar(), "AWS::NoValue");
}

TEST(NormalizeTagsTest, ConditionTagBecomesConditionKey) {
  Document document = NormalizedOk("a: !And [!Condition IsProd, !Not [!Condition IsDev]]\n");
  const Node& both = Call(*document.root.Find("a"), "Fn::And");
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(Call(both.items()[0], "Condition").scalar(), "IsProd");
  const Node& negated = Call(both.items()[1], "Fn::Not");
  ASSERT_EQ(negated.size(), 1u);
  EXPECT_EQ(Call(negated.items()[0], "Condition").scalar(), "IsDev");
}

TEST(NormalizeTagsTest, LongFormsAreLeftAlone) {
  Document document = NormalizedOk("a:\n  Fn::GetAtt: [Stream, Arn]\nb: {Ref: Stage}\n");
  const Node& a = Call(*document.root.Find("a"), "Fn::GetAtt");
  EXPECT_EQ(a.size(), 2u);
  EXPECT_EQ(Call(*document.root.Find("b"), "Ref").scalar(), "Stage");
}

TEST(NormalizeTagsTest, UnknownTagIsReportedWithAHintAndDropped) {
  Diagnostics diagnostics;
  Document document = Normalized(
      "Resources:\n"
      "  X:\n"
      "    Value: !Reff Stream\n",
      diagnostics);
  ASSERT_EQ(diagnostics.items().size(), 1u);
  const Diagnostic& d = diagnostics.items()[0];
  EXPECT_EQ(d.severity, Severity::kError);
  EXPECT_EQ(d.code, "unknown-tag");
  EXPECT_NE(d.message.find("'!Reff'"), std::string::npos) << d.message;
  EXPECT_EQ(d.hint, "did you mean '!Ref'?");
  EXPECT_EQ(d.location.file, "test.yaml");
  EXPECT_EQ(d.location.line, 3);
  EXPECT_EQ(d.location.column, 12);
  // The untagged value stays.
  const Node* value = document.root.Find("Resources")->Find("X")->Find("Value");
  ASSERT_TRUE(value->IsScalar());
  EXPECT_EQ(value->scalar(), "Stream");
  EXPECT_EQ(value->tag(), "");
}

TEST(NormalizeTagsTest, UnrelatedUnknownTagHasNoHint) {
  Diagnostics diagnostics;
  Normalized("a: !Kaboom x\n", diagnostics);
  ASSERT_EQ(diagnostics.items().size(), 1u);
  EXPECT_EQ(diagnostics.items()[0].code, "unknown-tag");
  EXPECT_EQ(diagnostics.items()[0].hint, "");
}

TEST(NormalizeTagsTest, LongFormNameAsTagIsUnknown) {
  Diagnostics diagnostics;
  Normalized("a: !Fn::Sub x\n", diagnostics);
  ASSERT_EQ(diagnostics.items().size(), 1u);
  EXPECT_EQ(diagnostics.items()[0].code, "unknown-tag");
}

TEST(NormalizeTagsTest, StrTagMakesAQuotedScalar) {
  Document document = NormalizedOk("a: !!str 5\nb: !!str true\n");
  const Node* a = document.root.Find("a");
  ASSERT_TRUE(a->IsScalar());
  EXPECT_EQ(a->scalar(), "5");
  EXPECT_TRUE(a->quoted());
  EXPECT_EQ(a->tag(), "");
  EXPECT_FALSE(a->LooksNumeric());
  EXPECT_TRUE(document.root.Find("b")->quoted());
  EXPECT_FALSE(document.root.Find("b")->LooksBool());
}

TEST(NormalizeTagsTest, OtherStandardTagsLeaveTheNode) {
  Document document = NormalizedOk("a: !!int 5\nb: !!map {x: 1}\n");
  const Node* a = document.root.Find("a");
  EXPECT_EQ(a->scalar(), "5");
  EXPECT_FALSE(a->quoted());
  EXPECT_EQ(a->tag(), "");
  EXPECT_TRUE(document.root.Find("b")->IsMap());
  EXPECT_EQ(document.root.Find("b")->tag(), "");
}

TEST(IntrinsicNameTest, RecognisesRefAndFnCalls) {
  Document document = NormalizedOk(
      "ref: {Ref: X}\n"
      "sub: {Fn::Sub: x}\n"
      "two: {Ref: X, Other: 1}\n"
      "plain: {Key: value}\n"
      "scalar: Ref\n"
      "list: [Ref]\n");
  EXPECT_EQ(IntrinsicName(*document.root.Find("ref")), "Ref");
  EXPECT_EQ(IntrinsicName(*document.root.Find("sub")), "Fn::Sub");
  EXPECT_EQ(IntrinsicName(*document.root.Find("two")), "");
  EXPECT_EQ(IntrinsicName(*document.root.Find("plain")), "");
  EXPECT_EQ(IntrinsicName(*document.root.Find("scalar")), "");
  EXPECT_EQ(IntrinsicName(*document.root.Find("list")), "");
}

TEST(IntrinsicNameTest, ConditionCountsOnlyInConditionContext) {
  Document document = NormalizedOk("a: {Condition: IsProd}\nb: !Condition IsProd\n");
  EXPECT_EQ(IntrinsicName(*document.root.Find("a")), "");
  EXPECT_EQ(IntrinsicName(*document.root.Find("a"), /*in_condition=*/false), "");
  EXPECT_EQ(IntrinsicName(*document.root.Find("a"), /*in_condition=*/true), "Condition");
  EXPECT_EQ(IntrinsicName(*document.root.Find("b"), /*in_condition=*/true), "Condition");
  EXPECT_EQ(IntrinsicName(*document.root.Find("b")), "");
}

TEST(PseudoParameterTest, KnowsEveryPseudoParameter) {
  for (const char* name :
       {"AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region",
        "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"}) {
    EXPECT_TRUE(IsPseudoParameter(name)) << name;
  }
  EXPECT_EQ(PseudoParameterNames().size(), 8u);
  EXPECT_FALSE(IsPseudoParameter("AWS::Regio"));
  EXPECT_FALSE(IsPseudoParameter("Region"));
  EXPECT_FALSE(IsPseudoParameter("aws::region"));
}

}  // namespace
}  // namespace sf
