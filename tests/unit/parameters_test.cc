// Tests of BindParameters: defaults, given values, types and constraints.

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <ostream>
#include <string>

#include "base/diagnostics.h"
#include "base/value.h"
#include "template/loader.h"
#include "template/parameters.h"

namespace sf {

// How gtest prints a Value in failure messages (the same in every test file).
inline void PrintTo(const Value& value, std::ostream* out) { *out << value.ToTaggedJson().dump(); }

namespace {

Value Str(const std::string& text) { return Value::String(text); }
Value Num(const std::string& text) { return Value::Number(text); }

class BindParametersTest : public testing::Test {
 protected:
  // Loads a template whose Parameters section is `parameters` (starting on line 2).
  void Load(const std::string& parameters) {
    Diagnostics load;
    auto loaded = LoadTemplate(
        "Parameters:\n" + parameters + "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n",
        "t.yaml", load);
    ASSERT_TRUE(loaded.has_value());
    ASSERT_FALSE(load.has_errors()) << load.items()[0].message;
    tmpl_ = std::move(*loaded);
  }

  // A value given in the project file, on `line`.
  void Give(const std::string& name, Value value, int line = 30) {
    given_[name] = GivenParameter{
        std::move(value), {"streamform.yaml", line, 9}, "/stages/dev/parameters/s/" + name};
  }

  std::map<std::string, Value> Bind(bool strict = true) {
    return BindParameters(*tmpl_, given_, strict, diagnostics_);
  }

  Diagnostic Only() {
    EXPECT_EQ(diagnostics_.items().size(), 1u);
    for (const auto& d : diagnostics_.items()) {
      if (diagnostics_.items().size() != 1) ADD_FAILURE() << d.code << ": " << d.message;
    }
    return diagnostics_.items().empty() ? Diagnostic{} : diagnostics_.items()[0];
  }

  std::optional<Template> tmpl_;
  std::map<std::string, GivenParameter> given_;
  Diagnostics diagnostics_;
};

TEST_F(BindParametersTest, DefaultsAreUsed) {
  Load(R"(  Stage:
    Type: String
    Default: dev
  Count:
    Type: Number
    Default: 3
  Quoted:
    Type: Number
    Default: "4"
  Flag:
    Type: String
    Default: true
)");
  auto values = Bind();
  EXPECT_TRUE(diagnostics_.empty());
  EXPECT_EQ(values.size(), 4u);
  EXPECT_EQ(values.at("Stage"), Str("dev"));
  EXPECT_EQ(values.at("Count"), Num("3"));
  EXPECT_EQ(values.at("Quoted"), Num("4"));
  EXPECT_EQ(values.at("Flag"), Str("true"));
}

TEST_F(BindParametersTest, GivenValuesOverrideDefaults) {
  Load(R"(  Stage:
    Type: String
    Default: dev
  Count:
    Type: Number
    Default: 3
)");
  Give("Stage", Str("prod"));
  Give("Count", Num("8"));
  auto values = Bind();
  EXPECT_TRUE(diagnostics_.empty());
  EXPECT_EQ(values.at("Stage"), Str("prod"));
  EXPECT_EQ(values.at("Count"), Num("8"));
}

TEST_F(BindParametersTest, NumberGivenAsStringBecomesANumber) {
  Load("  Count:\n    Type: Number\n    Default: 1\n");
  Give("Count", Str("12"));
  EXPECT_EQ(Bind().at("Count"), Num("12"));
  EXPECT_TRUE(diagnostics_.empty());
}

TEST_F(BindParametersTest, NumberMustBeANumber) {
  Load("  Count:\n    Type: Number\n    Default: 1\n");
  Give("Count", Str("two"), 31);
  auto values = Bind();
  EXPECT_EQ(values.count("Count"), 0u);  // left out, so references resolve to Unknown
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "wrong-type");
  EXPECT_EQ(d.message, "parameter Count: 'two' is not a number");
  EXPECT_EQ(d.location.file, "streamform.yaml");
  EXPECT_EQ(d.location.line, 31);
  EXPECT_EQ(d.pointer, "/stages/dev/parameters/s/Count");
}

TEST_F(BindParametersTest, BadDefaultIsReportedAtTheDefault) {
  Load("  Count:\n    Type: Number\n    Default: lots\n");
  auto values = Bind();
  EXPECT_TRUE(values.empty());
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "wrong-type");
  EXPECT_EQ(d.location.file, "t.yaml");
  EXPECT_EQ(d.location.line, 4);
  EXPECT_EQ(d.location.column, 14);
  EXPECT_EQ(d.pointer, "/Parameters/Count/Default");
}

TEST_F(BindParametersTest, AllowedValues) {
  Load(R"(  Stage:
    Type: String
    AllowedValues: [dev, prod]
    Default: staging
)");
  auto values = Bind();
  EXPECT_EQ(values.count("Stage"), 0u);
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "allowed-values");
  EXPECT_EQ(d.message, "parameter Stage: 'staging' is not one of the AllowedValues [dev, prod]");
  EXPECT_EQ(d.location.line, 5);
  EXPECT_EQ(d.hint, "");
}

TEST_F(BindParametersTest, AllowedValuesHintAndAcceptance) {
  Load("  Stage:\n    Type: String\n    AllowedValues: [dev, prod]\n    Default: dev\n");
  Give("Stage", Str("prd"));
  Bind();
  EXPECT_EQ(Only().hint, "did you mean 'prod'?");
  diagnostics_ = Diagnostics();
  Give("Stage", Str("prod"));
  EXPECT_EQ(Bind().at("Stage"), Str("prod"));
  EXPECT_TRUE(diagnostics_.empty());
}

TEST_F(BindParametersTest, AllowedPattern) {
  Load(R"(  StreamName:
    Type: String
    AllowedPattern: "^[a-z][a-z0-9-]*$"
    ConstraintDescription: lowercase letters, digits and hyphens
    Default: Events_Stream!
)");
  auto values = Bind();
  EXPECT_EQ(values.count("StreamName"), 0u);
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "allowed-pattern");
  EXPECT_EQ(d.message,
            "parameter StreamName: 'Events_Stream!' does not match AllowedPattern "
            "'^[a-z][a-z0-9-]*$'");
  EXPECT_EQ(d.hint, "lowercase letters, digits and hyphens");
  EXPECT_EQ(d.location.line, 6);
}

TEST_F(BindParametersTest, AllowedPatternMustMatchTheWholeValue) {
  Load("  Name:\n    Type: String\n    AllowedPattern: \"[a-z]+\"\n    Default: abc\n");
  Give("Name", Str("abc1"));
  Bind();
  EXPECT_EQ(Only().code, "allowed-pattern");
  diagnostics_ = Diagnostics();
  Give("Name", Str("abc"));
  EXPECT_EQ(Bind().at("Name"), Str("abc"));
  EXPECT_TRUE(diagnostics_.empty());
}

TEST_F(BindParametersTest, MinAndMaxLength) {
  Load("  Name:\n    Type: String\n    MinLength: 3\n    MaxLength: 5\n    Default: abc\n");
  EXPECT_EQ(Bind().at("Name"), Str("abc"));
  EXPECT_TRUE(diagnostics_.empty());

  Give("Name", Str("ab"));
  EXPECT_EQ(Bind().count("Name"), 0u);
  Diagnostic shorter = Only();
  EXPECT_EQ(shorter.code, "parameter-constraint");
  EXPECT_EQ(shorter.message, "parameter Name: 'ab' is shorter than MinLength 3");

  diagnostics_ = Diagnostics();
  Give("Name", Str("abcdef"));
  Bind();
  EXPECT_EQ(Only().message, "parameter Name: 'abcdef' is longer than MaxLength 5");

  diagnostics_ = Diagnostics();
  Give("Name", Str("\xc3\xa4\xc3\xb6\xc3\xbc"));  // three characters, six bytes
  EXPECT_EQ(Bind().count("Name"), 1u);
  EXPECT_TRUE(diagnostics_.empty());
}

TEST_F(BindParametersTest, MinAndMaxValue) {
  Load("  Shards:\n    Type: Number\n    MinValue: 1\n    MaxValue: 2.5\n    Default: 0\n");
  EXPECT_EQ(Bind().count("Shards"), 0u);
  Diagnostic below = Only();
  EXPECT_EQ(below.code, "parameter-constraint");
  EXPECT_EQ(below.message, "parameter Shards: '0' is less than MinValue 1");
  EXPECT_EQ(below.location.line, 6);

  diagnostics_ = Diagnostics();
  Give("Shards", Num("3"));
  Bind();
  EXPECT_EQ(Only().message, "parameter Shards: '3' is greater than MaxValue 2.5");

  diagnostics_ = Diagnostics();
  Give("Shards", Num("2.5"));
  EXPECT_EQ(Bind().at("Shards"), Num("2.5"));
  EXPECT_TRUE(diagnostics_.empty());
}

TEST_F(BindParametersTest, CommaDelimitedListBecomesAList) {
  Load(R"(  Zones:
    Type: CommaDelimitedList
    Default: "a,b,c"
  Spaced:
    Type: CommaDelimitedList
    Default: "x, y ,z"
)");
  auto values = Bind();
  EXPECT_TRUE(diagnostics_.empty());
  EXPECT_EQ(values.at("Zones"), Value::List({Str("a"), Str("b"), Str("c")}));
  // CloudFormation trims the spaces around each member.
  EXPECT_EQ(values.at("Spaced"), Value::List({Str("x"), Str("y"), Str("z")}));
}

TEST_F(BindParametersTest, CommaDelimitedListGivenAsAList) {
  Load("  Zones:\n    Type: CommaDelimitedList\n    Default: a\n");
  Give("Zones", Value::List({Str("p"), Str("q")}));
  EXPECT_EQ(Bind().at("Zones"), Value::List({Str("p"), Str("q")}));
  EXPECT_TRUE(diagnostics_.empty());
}

TEST_F(BindParametersTest, CommaDelimitedListChecksEachItem) {
  Load(R"(  Stages:
    Type: CommaDelimitedList
    AllowedValues: [dev, prod]
    Default: "dev,qa,prod"
)");
  EXPECT_EQ(Bind().count("Stages"), 0u);
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "allowed-values");
  EXPECT_NE(d.message.find("'qa'"), std::string::npos) << d.message;
}

TEST_F(BindParametersTest, ListOfNumbers) {
  Load(R"(  Sizes:
    Type: List<Number>
    Default: "1, 2,3"
  Bad:
    Type: List<Number>
    Default: "1,two,3"
)");
  auto values = Bind();
  EXPECT_EQ(values.at("Sizes"), Value::List({Num("1"), Num("2"), Num("3")}));
  EXPECT_EQ(values.count("Bad"), 0u);
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "wrong-type");
  EXPECT_EQ(d.message, "parameter Bad: 'two' is not a number");
  EXPECT_EQ(d.location.line, 7);
}

TEST_F(BindParametersTest, ListGivenForAStringIsReported) {
  Load("  Stage:\n    Type: String\n    Default: dev\n");
  Give("Stage", Value::List({Str("a")}));
  EXPECT_EQ(Bind().count("Stage"), 0u);
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "wrong-type");
  EXPECT_NE(d.message.find("not a list"), std::string::npos) << d.message;
}

TEST_F(BindParametersTest, MissingValueWithoutDefault) {
  Load(R"(  Stage:
    Type: String
  Other:
    Type: String
    Default: x
)");
  auto values = Bind();
  EXPECT_EQ(values.count("Stage"), 0u);
  EXPECT_EQ(values.at("Other"), Str("x"));
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "missing-parameter");
  EXPECT_NE(d.message.find("Stage"), std::string::npos) << d.message;
  EXPECT_EQ(d.location.file, "t.yaml");
  EXPECT_EQ(d.location.line, 3);
  EXPECT_EQ(d.pointer, "/Parameters/Stage");
}

TEST_F(BindParametersTest, GivenValueSatisfiesAParameterWithoutDefault) {
  Load("  Stage:\n    Type: String\n");
  Give("Stage", Str("dev"));
  EXPECT_EQ(Bind().at("Stage"), Str("dev"));
  EXPECT_TRUE(diagnostics_.empty());
}

TEST_F(BindParametersTest, UnknownGivenParameterWhenStrict) {
  Load("  ShardCount:\n    Type: Number\n    Default: 1\n");
  Give("ShardCont", Num("2"), 19);
  auto values = Bind(/*strict=*/true);
  EXPECT_EQ(values.at("ShardCount"), Num("1"));
  EXPECT_EQ(values.count("ShardCont"), 0u);
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "unknown-parameter");
  EXPECT_NE(d.message.find("'ShardCont'"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("t.yaml"), std::string::npos) << d.message;
  EXPECT_EQ(d.hint, "did you mean 'ShardCount'?");
  EXPECT_EQ(d.location.file, "streamform.yaml");
  EXPECT_EQ(d.location.line, 19);
  EXPECT_EQ(d.pointer, "/stages/dev/parameters/s/ShardCont");
}

TEST_F(BindParametersTest, UnknownGivenParameterIgnoredWhenNotStrict) {
  Load("  ShardCount:\n    Type: Number\n    Default: 1\n");
  Give("ShardCont", Num("2"));
  auto values = Bind(/*strict=*/false);
  EXPECT_TRUE(diagnostics_.empty());
  EXPECT_EQ(values.size(), 1u);
  EXPECT_EQ(values.at("ShardCount"), Num("1"));
}

TEST_F(BindParametersTest, EveryBrokenConstraintIsReported) {
  Load(R"(  Name:
    Type: String
    MinLength: 5
    AllowedPattern: "^[a-z]+$"
    Default: AB
)");
  Bind();
  ASSERT_EQ(diagnostics_.error_count(), 2);
  EXPECT_EQ(diagnostics_.items()[0].code, "parameter-constraint");
  EXPECT_EQ(diagnostics_.items()[1].code, "allowed-pattern");
}

TEST_F(BindParametersTest, CorpusParametersAllTypesBindWithoutErrors) {
  Diagnostics load;
  auto loaded = LoadTemplateFile(
      std::string(STREAMFORM_SOURCE_DIR) + "/tests/templates/valid/parameters-all-types.yaml",
      load);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_FALSE(load.has_errors());
  auto values = BindParameters(*loaded, {}, true, diagnostics_);
  EXPECT_FALSE(diagnostics_.has_errors()) << diagnostics_.items()[0].message;
  EXPECT_EQ(values.size(), loaded->parameters.size());
}

}  // namespace
}  // namespace sf
