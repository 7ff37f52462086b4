// Tests of the Resolver: intrinsic functions and conditions over a template loaded from text.

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "base/diagnostics.h"
#include "base/value.h"
#include "template/loader.h"
#include "template/resolver.h"

namespace sf {

// How gtest prints a Value in failure messages (the same in every test file).
inline void PrintTo(const Value& value, std::ostream* out) { *out << value.ToTaggedJson().dump(); }

namespace {

// The expression under test is the value of output Out: line 3, column 12.
constexpr int kLine = 3;
constexpr int kColumn = 12;

constexpr const char* kBase = R"(
Parameters:
  Stage:
    Type: String
    Default: dev
  Count:
    Type: Number
    Default: 3
  Zones:
    Type: CommaDelimitedList
    Default: "a,b,c"
  Unset:
    Type: String
Mappings:
  StageConfig:
    dev:
      Shards: 1
      Retention: 24
    prod:
      Shards: 4
      Retention: 168
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsDev: !Equals [dev, !Ref Stage]
  NotProd: !Not [!Condition IsProd]
  DevOrProd: !Or [!Condition IsProd, !Condition IsDev]
  DevAndNotProd: !And [!Condition IsDev, !Condition NotProd]
  ProdAndDev: !And [!Condition IsProd, !Condition IsDev]
  CountIsThree: !Equals [!Ref Count, 3]
  InIreland: !Equals [!Ref "AWS::Region", eu-west-1]
Resources:
  Stream:
    Type: AWS::Kinesis::Stream
    Properties:
      ShardCount: 1
  Bucket:
    Type: AWS::S3::Bucket
)";

Value Str(const std::string& text) { return Value::String(text); }

class ResolverTest : public testing::Test {
 protected:
  ResolverTest() {
    scope_.parameters = {
        {"Stage", Str("dev")},
        {"Count", Value::Number("3")},
        {"Zones", Value::List({Str("a"), Str("b"), Str("c")})},
        {"AWS::Region", Str("eu-west-1")},
        {"AWS::AccountId", Str("123456789012")},
        {"AWS::Partition", Str("aws")},
        {"AWS::StackName", Str("my-stack")},
    };
  }

  // Loads `text` as the template; it must load without errors.
  void Load(const std::string& text) {
    Diagnostics load;
    auto loaded = LoadTemplate(text, "t.yaml", load);
    ASSERT_TRUE(loaded.has_value());
    ASSERT_FALSE(load.has_errors()) << load.items()[0].message;
    tmpl_ = std::make_unique<Template>(std::move(*loaded));
    scope_.tmpl = tmpl_.get();
  }

  // Loads the base template with `expression` as the value of output Out.
  void LoadWith(const std::string& expression) {
    Load("Outputs:\n  Out:\n    Value: " + expression + "\n" + kBase);
  }

  // The value of output Out, resolved with scope_.
  std::optional<Value> ResolveOut() {
    if (!tmpl_ || tmpl_->outputs.empty() || tmpl_->outputs[0].value == nullptr) {
      ADD_FAILURE() << "no output to resolve";
      return std::nullopt;
    }
    Resolver resolver(scope_, diagnostics_);
    return resolver.Resolve(*tmpl_->outputs[0].value, "/Outputs/Out/Value");
  }

  // Loads and resolves `expression`.
  std::optional<Value> Eval(const std::string& expression) {
    LoadWith(expression);
    if (testing::Test::HasFatalFailure()) return std::nullopt;
    return ResolveOut();
  }

  // Eval that must give a value and no diagnostics.
  Value EvalOk(const std::string& expression) {
    auto value = Eval(expression);
    EXPECT_TRUE(diagnostics_.empty()) << expression << ": " << diagnostics_.items()[0].message;
    EXPECT_TRUE(value.has_value()) << expression;
    return value ? *value : Value();
  }

  // The one diagnostic reported.
  Diagnostic Only() {
    EXPECT_EQ(diagnostics_.items().size(), 1u);
    return diagnostics_.items().empty() ? Diagnostic{} : diagnostics_.items()[0];
  }

  std::map<std::string, bool> Conditions() {
    Resolver resolver(scope_, diagnostics_);
    return resolver.AllConditions();
  }

  // Callbacks as a stack set would give: attributes Arn (known here) and Name.
  void UseGetAttCallbacks() {
    scope_.get_att = [](const Resource& resource,
                        const std::string& attribute) -> std::optional<Value> {
      if (attribute == "Arn") return Str("arn:aws:test:::" + resource.logical_id);
      return std::nullopt;
    };
    scope_.attribute_names = [](const Resource&) { return std::vector<std::string>{"Arn"}; };
  }

  std::unique_ptr<Template> tmpl_;
  ResolveScope scope_;
  Diagnostics diagnostics_;
};

// --- Ref -------------------------------------------------------------------------------------

TEST_F(ResolverTest, RefToParameterGivesItsValue) {
  Value value = EvalOk("!Ref Stage");
  EXPECT_EQ(value, Str("dev"));
  EXPECT_EQ(value.origin().line, kLine);
  EXPECT_EQ(value.origin().column, kColumn);
  EXPECT_EQ(EvalOk("!Ref Count"), Value::Number("3"));
  EXPECT_EQ(EvalOk("{Ref: Zones}"), Value::List({Str("a"), Str("b"), Str("c")}));
}

TEST_F(ResolverTest, RefToPseudoParameter) {
  EXPECT_EQ(EvalOk("!Ref AWS::Region"), Str("eu-west-1"));
  EXPECT_EQ(EvalOk("!Ref AWS::StackName"), Str("my-stack"));
  Value stack_id = EvalOk("!Ref AWS::StackId");  // not in the scope: known after apply
  EXPECT_TRUE(stack_id.IsUnknown());
  EXPECT_EQ(stack_id.text(), "AWS::StackId");
}

TEST_F(ResolverTest, RefToResourceIsUnknown) {
  Value value = EvalOk("!Ref Stream");
  EXPECT_TRUE(value.IsUnknown());
  EXPECT_EQ(value.text(), "Stream");
}

TEST_F(ResolverTest, RefToResourceUsesTheRefCallback) {
  scope_.ref = [](const Resource& resource) { return Str("physical-" + resource.logical_id); };
  EXPECT_EQ(EvalOk("!Ref Bucket"), Str("physical-Bucket"));
}

TEST_F(ResolverTest, RefToParameterWithoutValueIsUnknownAndSilent) {
  Value value = EvalOk("!Ref Unset");
  EXPECT_TRUE(value.IsUnknown());
  EXPECT_EQ(value.text(), "Unset");
}

TEST_F(ResolverTest, RefToUndefinedNameIsReportedWithHint) {
  auto value = Eval("!Ref Stge");
  ASSERT_TRUE(value.has_value());
  EXPECT_TRUE(value->IsUnknown());
  Diagnostic d = Only();
  EXPECT_EQ(d.severity, Severity::kError);
  EXPECT_EQ(d.code, "unresolved-ref");
  EXPECT_NE(d.message.find("'Stge'"), std::string::npos) << d.message;
  EXPECT_EQ(d.hint, "did you mean 'Stage'?");
  EXPECT_EQ(d.location.file, "t.yaml");
  EXPECT_EQ(d.location.line, kLine);
  EXPECT_EQ(d.location.column, kColumn);
  EXPECT_EQ(d.pointer, "/Outputs/Out/Value/Ref");
}

TEST_F(ResolverTest, RefHintCoversResourcesAndPseudoParameters) {
  Eval("!Ref Strem");
  EXPECT_EQ(Only().hint, "did you mean 'Stream'?");
  diagnostics_ = Diagnostics();
  Eval("!Ref AWS::Regoin");
  EXPECT_EQ(Only().hint, "did you mean 'AWS::Region'?");
}

TEST_F(ResolverTest, RefTakesAName) {
  Eval("{Ref: [Stage]}");
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "invalid-intrinsic");
  EXPECT_NE(d.message.find("Ref takes"), std::string::npos) << d.message;
}

TEST_F(ResolverTest, RefToNoValueIsNothing) {
  EXPECT_FALSE(Eval("!Ref AWS::NoValue").has_value());
  EXPECT_TRUE(diagnostics_.empty());
}

// --- Fn::Sub ---------------------------------------------------------------------------------

TEST_F(ResolverTest, SubReplacesParametersAndPseudoParameters) {
  EXPECT_EQ(EvalOk(R"(!Sub "${Stage}-${AWS::Region}-${Count}")"), Str("dev-eu-west-1-3"));
  EXPECT_EQ(EvalOk(R"(!Sub "no variables")"), Str("no variables"));
  EXPECT_EQ(EvalOk(R"(!Sub "arn:${AWS::Partition}:s3:::${AWS::StackName}/*")"),
            Str("arn:aws:s3:::my-stack/*"));
}

TEST_F(ResolverTest, SubWithResourceAttributeIsUnknown) {
  Value value = EvalOk(R"(!Sub "arn=${Stream.Arn}/x")");
  ASSERT_TRUE(value.IsUnknown());
  EXPECT_EQ(value.text(), "arn=${Stream.Arn}/x");
}

TEST_F(ResolverTest, SubWithResourceRefIsUnknown) {
  Value value = EvalOk(R"(!Sub "${Stage}-${Bucket}")");
  ASSERT_TRUE(value.IsUnknown());
  EXPECT_EQ(value.text(), "dev-${Bucket}");
}

TEST_F(ResolverTest, SubWithResourceAttributeUsesGetAttCallback) {
  UseGetAttCallbacks();
  EXPECT_EQ(EvalOk(R"(!Sub "${Stream.Arn}/*")"), Str("arn:aws:test:::Stream/*"));
}

TEST_F(ResolverTest, SubEscapedVariableIsLiteral) {
  EXPECT_EQ(EvalOk(R"(!Sub "${!Literal}-${Stage}")"), Str("${Literal}-dev"));
  EXPECT_EQ(EvalOk(R"(!Sub "${!Stream.Arn}")"), Str("${Stream.Arn}"));
}

TEST_F(ResolverTest, SubTwoArgumentForm) {
  EXPECT_EQ(EvalOk(R"(!Sub ["${Name}-${Stage}", {Name: !Ref Count}])"), Str("3-dev"));
  // A local variable wins over a parameter of the same name.
  EXPECT_EQ(EvalOk(R"(!Sub ["${Stage}", {Stage: override}])"), Str("override"));
  Value unknown = EvalOk(R"(!Sub ["${Arn}", {Arn: !GetAtt Stream.Arn}])");
  ASSERT_TRUE(unknown.IsUnknown());
  EXPECT_EQ(unknown.text(), "${Stream.Arn}");
}

TEST_F(ResolverTest, SubLongForm) {
  EXPECT_EQ(EvalOk(R"({"Fn::Sub": ["x-${V}", {V: y}]})"), Str("x-y"));
}

TEST_F(ResolverTest, SubUnterminatedVariableIsReported) {
  auto value = Eval(R"(!Sub "${Stage")");
  ASSERT_TRUE(value.has_value());
  EXPECT_TRUE(value->IsUnknown());
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "invalid-intrinsic");
  EXPECT_NE(d.message.find("unterminated '${'"), std::string::npos) << d.message;
  EXPECT_EQ(d.location.line, kLine);
}

TEST_F(ResolverTest, SubUnknownVariableIsReported) {
  Eval(R"(!Sub "${Nope}-x")");
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "unresolved-ref");
  EXPECT_NE(d.message.find("'Nope'"), std::string::npos) << d.message;
}

TEST_F(ResolverTest, SubOfAListIsReported) {
  Eval(R"(!Sub "${Zones}")");
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "invalid-intrinsic");
  EXPECT_NE(d.message.find("${Zones}"), std::string::npos) << d.message;
}

TEST_F(ResolverTest, SubWrongShapeIsReported) {
  Eval("!Sub [a, b, c]");
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "invalid-intrinsic");
  EXPECT_NE(d.message.find("Fn::Sub takes"), std::string::npos) << d.message;
}

// --- Fn::Join, Fn::Select, Fn::Split ---------------------------------------------------------

TEST_F(ResolverTest, JoinKnownValues) {
  EXPECT_EQ(EvalOk(R"(!Join ["-", [a, !Ref Stage, 3]])"), Str("a-dev-3"));
  EXPECT_EQ(EvalOk(R"(!Join [",", !Ref Zones])"), Str("a,b,c"));
  EXPECT_EQ(EvalOk(R"(!Join ["", [a, !Ref AWS::NoValue, b]])"), Str("ab"));
  EXPECT_EQ(EvalOk(R"(!Join ["-", []])"), Str(""));
}

TEST_F(ResolverTest, JoinWithUnknownElementIsUnknownAndShowsIt) {
  Value value = EvalOk(R"(!Join [":", [arn, !GetAtt Stream.Arn, !Ref Stage]])");
  ASSERT_TRUE(value.IsUnknown());
  EXPECT_EQ(value.text(), "arn:${Stream.Arn}:dev");
}

TEST_F(ResolverTest, JoinOfNonListIsReported) {
  Eval(R"(!Join ["-", notalist])");
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "invalid-intrinsic");
  EXPECT_NE(d.message.find("must be a list"), std::string::npos) << d.message;
  EXPECT_EQ(d.pointer, "/Outputs/Out/Value/Fn::Join/1");
}

TEST_F(ResolverTest, JoinOfNestedListIsReported) {
  Eval(R"(!Join ["-", [a, [b]]])");
  EXPECT_EQ(Only().code, "invalid-intrinsic");
}

TEST_F(ResolverTest, SelectInRange) {
  EXPECT_EQ(EvalOk("!Select [1, [a, b, c]]"), Str("b"));
  EXPECT_EQ(EvalOk(R"(!Select ["2", !Ref Zones])"), Str("c"));
  EXPECT_EQ(EvalOk(R"(!Select [0, !GetAZs ""])"), Str("eu-west-1a"));
}

TEST_F(ResolverTest, SelectOutOfRangeIsReported) {
  auto value = Eval("!Select [5, [a, b, c]]");
  ASSERT_TRUE(value.has_value());
  EXPECT_TRUE(value->IsUnknown());
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "invalid-intrinsic");
  EXPECT_NE(d.message.find("Fn::Select index 5 is out of range (the list has 3 items)"),
            std::string::npos)
      << d.message;
  EXPECT_EQ(d.location.line, kLine);
}

TEST_F(ResolverTest, SelectNegativeOrNonNumericIndexIsReported) {
  Eval("!Select [-1, [a]]");
  EXPECT_NE(Only().message.find("whole number"), std::string::npos);
  diagnostics_ = Diagnostics();
  Eval("!Select [first, [a]]");
  EXPECT_NE(Only().message.find("whole number"), std::string::npos);
}

TEST_F(ResolverTest, SelectFromUnknownListIsUnknown) {
  Value value = EvalOk("!Select [0, !Split [',', !GetAtt Stream.Arn]]");
  EXPECT_TRUE(value.IsUnknown());
}

TEST_F(ResolverTest, SplitAtEveryDelimiter) {
  EXPECT_EQ(EvalOk(R"(!Split [",", "a,b,,c"])"),
            Value::List({Str("a"), Str("b"), Str(""), Str("c")}));
  EXPECT_EQ(EvalOk(R"(!Split ["::", "x::y"])"), Value::List({Str("x"), Str("y")}));
  EXPECT_EQ(EvalOk(R"(!Split [",", "single"])"), Value::List({Str("single")}));
  EXPECT_EQ(EvalOk(R"(!Select [1, !Split ["-", !Sub "${Stage}-x-y"]])"), Str("x"));
}

TEST_F(ResolverTest, SplitWithEmptyDelimiterIsReported) {
  Eval(R"(!Split ["", "abc"])");
  EXPECT_EQ(Only().code, "invalid-intrinsic");
}

// --- Fn::FindInMap, Fn::Base64, Fn::GetAZs ---------------------------------------------------

TEST_F(ResolverTest, FindInMapHit) {
  EXPECT_EQ(EvalOk("!FindInMap [StageConfig, !Ref Stage, Shards]"), Value::Number("1"));
  scope_.parameters["Stage"] = Str("prod");
  EXPECT_EQ(EvalOk("!FindInMap [StageConfig, !Ref Stage, Retention]"), Value::Number("168"));
}

TEST_F(ResolverTest, FindInMapMissingSecondLevelKeyIsReportedWithHint) {
  auto value = Eval("!FindInMap [StageConfig, dev, Retension]");
  ASSERT_TRUE(value.has_value());
  EXPECT_TRUE(value->IsUnknown());
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "invalid-intrinsic");
  EXPECT_NE(d.message.find("mapping StageConfig.dev has no key 'Retension'"), std::string::npos)
      << d.message;
  EXPECT_EQ(d.hint, "did you mean 'Retention'?");
  // "    Value: !FindInMap [StageConfig, dev, " is 41 characters.
  EXPECT_EQ(d.location.line, kLine);
  EXPECT_EQ(d.location.column, 42);
  EXPECT_EQ(d.pointer, "/Outputs/Out/Value/Fn::FindInMap/2");
}

TEST_F(ResolverTest, FindInMapMissingTopLevelKeyOrMapIsReported) {
  Eval("!FindInMap [StageConfig, staging, Shards]");
  EXPECT_NE(Only().message.find("mapping StageConfig has no key 'staging'"), std::string::npos);
  diagnostics_ = Diagnostics();
  Eval("!FindInMap [StageConfg, dev, Shards]");
  Diagnostic d = Only();
  EXPECT_NE(d.message.find("Mappings has no key 'StageConfg'"), std::string::npos) << d.message;
  EXPECT_EQ(d.hint, "did you mean 'StageConfig'?");
}

TEST_F(ResolverTest, Base64EncodesText) {
  EXPECT_EQ(EvalOk("!Base64 foo"), Str("Zm9v"));
  EXPECT_EQ(EvalOk(R"(!Base64 {"Fn::Sub": "${Stage}"})"), Str("ZGV2"));
  Value unknown = EvalOk("!Base64 {Ref: Stream}");
  ASSERT_TRUE(unknown.IsUnknown());
  EXPECT_EQ(unknown.text(), "Fn::Base64(Stream)");
}

TEST_F(ResolverTest, GetAZsOfTheRegion) {
  Value expected = Value::List({Str("eu-west-1a"), Str("eu-west-1b"), Str("eu-west-1c")});
  EXPECT_EQ(EvalOk(R"(!GetAZs "")"), expected);
  EXPECT_EQ(EvalOk("!GetAZs {Ref: AWS::Region}"), expected);
  EXPECT_EQ(EvalOk("!GetAZs us-east-2"),
            Value::List({Str("us-east-2a"), Str("us-east-2b"), Str("us-east-2c")}));
  scope_.parameters.erase("AWS::Region");
  EXPECT_TRUE(EvalOk(R"(!GetAZs "")").IsUnknown());
}

// --- Fn::If and conditions -------------------------------------------------------------------

TEST_F(ResolverTest, IfTakesTheBranchOfTheCondition) {
  EXPECT_EQ(EvalOk("!If [IsProd, big, small]"), Str("small"));
  EXPECT_EQ(EvalOk("!If [IsDev, big, small]"), Str("big"));
  scope_.parameters["Stage"] = Str("prod");
  EXPECT_EQ(EvalOk("!If [IsProd, big, small]"), Str("big"));
}

TEST_F(ResolverTest, NoValueDropsAMapKey) {
  EXPECT_EQ(EvalOk("{A: 1, B: !If [IsProd, 2, !Ref AWS::NoValue]}"),
            Value::Map({{"A", Value::Number("1")}}));
  scope_.parameters["Stage"] = Str("prod");
  EXPECT_EQ(EvalOk("{A: 1, B: !If [IsProd, 2, !Ref AWS::NoValue]}"),
            Value::Map({{"A", Value::Number("1")}, {"B", Value::Number("2")}}));
}

TEST_F(ResolverTest, NoValueDropsAListItem) {
  EXPECT_EQ(EvalOk("[a, !If [IsDev, !Ref AWS::NoValue, b], c]"), Value::List({Str("a"), Str("c")}));
  EXPECT_FALSE(Eval("!If [IsDev, !Ref AWS::NoValue, x]").has_value());
}

TEST_F(ResolverTest, IfWithUndefinedConditionIsReportedWithHint) {
  auto value = Eval("!If [IsProdd, a, b]");
  ASSERT_TRUE(value.has_value());
  EXPECT_EQ(*value, Str("b"));
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "unresolved-condition");
  EXPECT_NE(d.message.find("'IsProdd'"), std::string::npos) << d.message;
  EXPECT_EQ(d.hint, "did you mean 'IsProd'?");
}

TEST_F(ResolverTest, UntakenBranchIsCheckedOnlyWhenAsked) {
  EXPECT_EQ(EvalOk("!If [IsProd, !Ref Nope, ok]"), Str("ok"));
  scope_.check_all_branches = true;
  auto value = Eval("!If [IsProd, !Ref Nope, ok]");
  ASSERT_TRUE(value.has_value());
  EXPECT_EQ(*value, Str("ok"));
  EXPECT_EQ(Only().code, "unresolved-ref");
}

TEST_F(ResolverTest, ConditionsEvaluateEqualsAndOrNot) {
  LoadWith("x");
  auto dev = Conditions();
  EXPECT_TRUE(diagnostics_.empty());
  EXPECT_FALSE(dev.at("IsProd"));
  EXPECT_TRUE(dev.at("IsDev"));
  EXPECT_TRUE(dev.at("NotProd"));
  EXPECT_TRUE(dev.at("DevOrProd"));
  EXPECT_TRUE(dev.at("DevAndNotProd"));
  EXPECT_FALSE(dev.at("ProdAndDev"));
  EXPECT_TRUE(dev.at("CountIsThree"));
  EXPECT_TRUE(dev.at("InIreland"));
  EXPECT_EQ(dev.size(), 8u);

  scope_.parameters["Stage"] = Str("prod");
  scope_.parameters["AWS::Region"] = Str("us-east-1");
  auto prod = Conditions();
  EXPECT_TRUE(prod.at("IsProd"));
  EXPECT_FALSE(prod.at("IsDev"));
  EXPECT_FALSE(prod.at("NotProd"));
  EXPECT_TRUE(prod.at("DevOrProd"));
  EXPECT_FALSE(prod.at("DevAndNotProd"));
  EXPECT_FALSE(prod.at("ProdAndDev"));
  EXPECT_FALSE(prod.at("InIreland"));
}

TEST_F(ResolverTest, ConditionByName) {
  LoadWith("x");
  Resolver resolver(scope_, diagnostics_);
  const Node& at = *tmpl_->outputs[0].value;
  EXPECT_TRUE(resolver.Condition("DevAndNotProd", at, "/x"));
  EXPECT_FALSE(resolver.Condition("Missing", at, "/x"));
  EXPECT_EQ(Only().code, "unresolved-condition");
}

TEST_F(ResolverTest, ConditionCycleIsReported) {
  Load(R"(Conditions:
  A: !Not [!Condition B]
  B: !Not [!Condition A]
  C: !Equals [x, x]
Resources:
  Stream:
    Type: AWS::Kinesis::Stream
)");
  auto conditions = Conditions();
  EXPECT_TRUE(conditions.at("C"));
  ASSERT_EQ(diagnostics_.error_count(), 1);
  const Diagnostic& d = diagnostics_.items()[0];
  EXPECT_EQ(d.code, "dependency-cycle");
  EXPECT_NE(d.message.find("condition 'A' depends on itself"), std::string::npos) << d.message;
  EXPECT_EQ(d.location.line, 2);
  EXPECT_EQ(d.pointer, "/Conditions/A");
}

TEST_F(ResolverTest, ConditionReferringToResourceIsReported) {
  Load(R"(Conditions:
  Bad: !Equals [!Ref Stream, x]
Resources:
  Stream:
    Type: AWS::Kinesis::Stream
)");
  EXPECT_FALSE(Conditions().at("Bad"));
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "invalid-intrinsic");
  EXPECT_NE(d.message.find("conditions can refer only to parameters"), std::string::npos);
  EXPECT_EQ(d.location.line, 2);
}

TEST_F(ResolverTest, ConditionFunctionsOutsideConditionsAreReported) {
  Eval("!Equals [a, a]");
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "invalid-intrinsic");
  EXPECT_NE(d.message.find("can only be used in Conditions"), std::string::npos) << d.message;
}

TEST_F(ResolverTest, ConditionKeyOutsideConditionsIsData) {
  // IAM policies use a Condition key; outside Conditions it is plain data.
  EXPECT_EQ(EvalOk("{Condition: IsProd}"), Value::Map({{"Condition", Str("IsProd")}}));
}

// --- Fn::GetAtt ------------------------------------------------------------------------------

TEST_F(ResolverTest, GetAttWithoutCallbackIsUnknown) {
  Value value = EvalOk("!GetAtt Stream.Arn");
  ASSERT_TRUE(value.IsUnknown());
  EXPECT_EQ(value.text(), "Stream.Arn");
}

TEST_F(ResolverTest, GetAttUsesTheCallback) {
  UseGetAttCallbacks();
  EXPECT_EQ(EvalOk("!GetAtt Stream.Arn"), Str("arn:aws:test:::Stream"));
  EXPECT_EQ(EvalOk("{Fn::GetAtt: [Bucket, Arn]}"), Str("arn:aws:test:::Bucket"));
}

TEST_F(ResolverTest, GetAttUnknownAttributeIsReported) {
  UseGetAttCallbacks();
  auto value = Eval("!GetAtt Stream.StreamArn");
  ASSERT_TRUE(value.has_value());
  ASSERT_TRUE(value->IsUnknown());
  EXPECT_EQ(value->text(), "Stream.StreamArn");
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "unknown-attribute");
  EXPECT_NE(d.message.find("AWS::Kinesis::Stream has no attribute 'StreamArn' (it has Arn)"),
            std::string::npos)
      << d.message;
  EXPECT_EQ(d.location.line, kLine);
  EXPECT_EQ(d.location.column, kColumn);
  EXPECT_EQ(d.pointer, "/Outputs/Out/Value/Fn::GetAtt");
}

TEST_F(ResolverTest, GetAttMisspelledAttributeHasAHint) {
  UseGetAttCallbacks();
  Eval("!GetAtt Stream.Arnn");
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "unknown-attribute");
  EXPECT_EQ(d.hint, "did you mean 'Arn'?");
}

TEST_F(ResolverTest, GetAttUnknownAttributeListsAtMostSixNames) {
  scope_.get_att = [](const Resource&, const std::string&) -> std::optional<Value> {
    return std::nullopt;
  };
  scope_.attribute_names = [](const Resource&) {
    return std::vector<std::string>{"A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8"};
  };
  Eval("!GetAtt Stream.Zzz");
  Diagnostic d = Only();
  EXPECT_NE(d.message.find("(it has A1, A2, A3, A4, A5, A6, ...)"), std::string::npos) << d.message;
  EXPECT_EQ(d.message.find("A7"), std::string::npos) << d.message;
}

TEST_F(ResolverTest, GetAttOfMissingResourceIsReportedWithHint) {
  Eval("!GetAtt Strem.Arn");
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "unresolved-ref");
  EXPECT_NE(d.message.find("'Strem'"), std::string::npos) << d.message;
  EXPECT_EQ(d.hint, "did you mean 'Stream'?");
}

TEST_F(ResolverTest, GetAttWrongShapeIsReported) {
  Eval("!GetAtt Stream");
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "invalid-intrinsic");
  EXPECT_NE(d.message.find("Fn::GetAtt takes"), std::string::npos) << d.message;
}

// --- Fn::ImportValue -------------------------------------------------------------------------

TEST_F(ResolverTest, ImportValueUsesTheCallback) {
  scope_.import_value = [](const std::string& name) -> std::optional<Value> {
    if (name == "shared-dev-BucketName") return Str("the-bucket");
    return std::nullopt;
  };
  EXPECT_EQ(EvalOk("!ImportValue shared-dev-BucketName"), Str("the-bucket"));
  EXPECT_EQ(EvalOk(R"(!ImportValue {"Fn::Sub": "shared-${Stage}-BucketName"})"), Str("the-bucket"));
}

TEST_F(ResolverTest, ImportValueOfMissingExportIsReported) {
  scope_.import_value = [](const std::string&) -> std::optional<Value> { return std::nullopt; };
  auto value = Eval("!ImportValue nothing-exports-this");
  ASSERT_TRUE(value.has_value());
  EXPECT_TRUE(value->IsUnknown());
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "unresolved-import");
  EXPECT_NE(d.message.find("'nothing-exports-this'"), std::string::npos) << d.message;
  EXPECT_EQ(d.location.line, kLine);
}

TEST_F(ResolverTest, ImportValueWithoutCallbackIsUnknown) {
  Value value = EvalOk("!ImportValue anything");
  ASSERT_TRUE(value.IsUnknown());
  EXPECT_NE(value.text().find("anything"), std::string::npos);
}

// --- Other -----------------------------------------------------------------------------------

TEST_F(ResolverTest, UnknownFunctionIsReportedWithHint) {
  Eval("{Fn::Jion: [a, [b]]}");
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "invalid-intrinsic");
  EXPECT_NE(d.message.find("unknown intrinsic function 'Fn::Jion'"), std::string::npos);
  EXPECT_EQ(d.hint, "did you mean 'Fn::Join'?");
}

TEST_F(ResolverTest, PlainDataKeepsKindsAndOrigins) {
  Value value = EvalOk("{a: 1, b: \"1\", c: true, d: [x, !Ref Stage], e: ~}");
  EXPECT_EQ(value, Value::Map({{"a", Value::Number("1")},
                               {"b", Str("1")},
                               {"c", Value::Bool(true)},
                               {"d", Value::List({Str("x"), Str("dev")})},
                               {"e", Value()}}));
  const Value* d = value.Find("d");
  ASSERT_NE(d, nullptr);
  // "    Value: {a: 1, b: "1", c: true, d: [x, " is 42 characters.
  EXPECT_EQ(d->items()[1].origin().line, kLine);
  EXPECT_EQ(d->items()[1].origin().column, 43);
}

TEST_F(ResolverTest, ReportsEveryProblemInOneRun) {
  Eval("[!Ref Nope1, !GetAtt Nope2.Arn, !Select [9, [a]], !Ref Stage]");
  ASSERT_EQ(diagnostics_.error_count(), 3);
  EXPECT_EQ(diagnostics_.items()[0].code, "unresolved-ref");
  EXPECT_EQ(diagnostics_.items()[1].code, "unresolved-ref");
  EXPECT_EQ(diagnostics_.items()[2].code, "invalid-intrinsic");
}

}  // namespace
}  // namespace sf
