// Tests of the three-way diff of one resource (plan/diff.h), where the planner's fixtures
// cannot easily reach: Unknown create-only values and conditionalCreateOnlyProperties.

#include "plan/diff.h"

#include <gtest/gtest.h>

#include "plan_fixture.h"

namespace sf::plan {
namespace {

class DiffTest : public ::testing::Test {
 protected:
  DiffTest() : fake_(Options()) {}

  static provider::FakeProviderOptions Options() {
    provider::FakeProviderOptions options;
    options.type_name = "Test::Thing";
    options.name_property = "Name";
    return options;
  }

  ResourceDiff Run(const Value& desired, const Value& applied, const Value& live) {
    resource_.logical_id = "Thing";
    resource_.type = "Test::Thing";
    resource_.properties = desired;
    record_.logical_id = "Thing";
    record_.type = "Test::Thing";
    record_.physical_id = "thing-1";
    record_.properties = applied.ToTaggedJson();
    record_.attributes = {{"Arn", "arn:thing-1"}};
    state_.exists = true;
    state_.physical_id = "thing-1";
    state_.properties = live;
    state_.observed = {"Name", "Size", "Zone"};
    ResourceDiffInput input;
    input.stack = "things";
    input.stack_name = "demo-dev-things";
    input.desired = &resource_;
    input.applied = &record_;
    input.live = &state_;
    input.schema = schema_;
    input.provider = &fake_;
    return DiffResource(input);
  }

  void SetUp() override {
    auto registry = SchemaRegistry::FromTexts({R"({"typeName": "Test::Thing",
        "properties": {"Name": {"type": "string"}, "Size": {"type": "integer"},
                       "Zone": {"type": "string"}, "Note": {"type": "string"}},
        "createOnlyProperties": ["/properties/Name"],
        "conditionalCreateOnlyProperties": ["/properties/Zone"]})"});
    ASSERT_TRUE(registry.has_value());
    registry_ = std::make_unique<SchemaRegistry>(std::move(*registry));
    schema_ = registry_->Find("Test::Thing");
  }

  provider::FakeProvider fake_;
  std::unique_ptr<SchemaRegistry> registry_;
  const ResourceSchema* schema_ = nullptr;
  ResolvedResource resource_;
  stackapi::ResourceRecord record_;
  provider::LiveState state_;
};

Value Props(std::vector<Value::Member> members) { return Value::Map(std::move(members)); }

TEST_F(DiffTest, UnknownCreateOnlyValueIsAConditionalReplacement) {
  Value applied = Props({{"Name", Value::String("thing-1")}, {"Size", Value::Number("1")}});
  ResourceDiff diff =
      Run(Props({{"Name", Value::Unknown("Other.Name")}, {"Size", Value::Number("1")}}), applied,
          applied);
  EXPECT_EQ(diff.change.action, Action::kModify);
  EXPECT_EQ(diff.change.replacement, Replacement::kConditional);
  EXPECT_EQ(diff.change.forced_by, std::vector<std::string>{"/Name"});
  ASSERT_EQ(diff.change.steps.size(), 1u);  // known after apply: one step to the desired state
  EXPECT_FALSE(diff.change.steps[0].properties.IsFullyKnown());
}

TEST_F(DiffTest, ConditionalCreateOnlyPropertyIsConditional) {
  Value applied = Props({{"Name", Value::String("thing-1")}, {"Zone", Value::String("a")}});
  ResourceDiff diff = Run(Props({{"Name", Value::String("thing-1")}, {"Zone", Value::String("b")}}),
                          applied, applied);
  EXPECT_EQ(diff.change.action, Action::kModify);
  EXPECT_EQ(diff.change.replacement, Replacement::kConditional);
  ASSERT_EQ(diff.change.properties.size(), 1u);
  EXPECT_EQ(diff.change.properties[0].reason, "conditionalCreateOnlyProperties");
}

TEST_F(DiffTest, CreateOnlyWithAKnownValueReplaces) {
  Value applied = Props({{"Name", Value::String("thing-1")}});
  ResourceDiff diff = Run(Props({{"Name", Value::String("thing-2")}}), applied, applied);
  EXPECT_EQ(diff.change.action, Action::kReplace);
  EXPECT_EQ(diff.change.new_physical_id, "thing-2");
  ASSERT_EQ(diff.change.attributes.size(), 1u);
  EXPECT_EQ(diff.change.attributes[0].after->AsString(),
            "arn:streamform:fake:::Test::Thing/thing-2");
}

TEST_F(DiffTest, UnobservedPropertiesCompareWithTheRecord) {
  Value applied = Props({{"Name", Value::String("thing-1")}, {"Note", Value::String("x")}});
  Value live = Props({{"Name", Value::String("thing-1")}});  // Note is not observed
  ResourceDiff same = Run(applied, applied, live);
  EXPECT_EQ(same.change.action, Action::kNoOp);
  ASSERT_EQ(same.drift.size(), 1u);
  EXPECT_EQ(same.drift[0].outcome, "not checked");
  ResourceDiff changed =
      Run(Props({{"Name", Value::String("thing-1")}, {"Note", Value::String("y")}}), applied, live);
  EXPECT_EQ(changed.change.action, Action::kModify);
  EXPECT_EQ(changed.change.properties[0].cause, "template");
  EXPECT_EQ(*changed.change.properties[0].before, Value::String("x"));
}

TEST_F(DiffTest, RemovedPropertyIsATemplateChange) {
  Value applied = Props({{"Name", Value::String("thing-1")}, {"Size", Value::Number("3")}});
  ResourceDiff diff = Run(Props({{"Name", Value::String("thing-1")}}), applied, applied);
  EXPECT_EQ(diff.change.action, Action::kModify);
  ASSERT_EQ(diff.change.properties.size(), 1u);
  EXPECT_EQ(diff.change.properties[0].path, "/Size");
  EXPECT_FALSE(diff.change.properties[0].after.has_value());
}

}  // namespace
}  // namespace sf::plan
