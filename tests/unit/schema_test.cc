// Tests of the schema registry, the schema files and the value validator.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "base/embedded.h"
#include "base/strings.h"
#include "base/value.h"
#include "schema/schema.h"
#include "schema/validator.h"

namespace sf {

// How gtest prints a Value in failure messages (the same in every test file).
inline void PrintTo(const Value& value, std::ostream* out) { *out << value.ToTaggedJson().dump(); }

namespace {

namespace fs = std::filesystem;

const char* const kTypes[] = {
    "AWS::CloudWatch::Alarm",
    "AWS::Events::Rule",
    "AWS::IAM::Role",
    "AWS::Kinesis::Stream",
    "AWS::KinesisFirehose::DeliveryStream",
    "AWS::Lambda::EventSourceMapping",
    "AWS::Lambda::Function",
    "AWS::Lambda::Permission",
    "AWS::S3::Bucket",
};

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// --- The registry ----------------------------------------------------------------------------

TEST(SchemaRegistryTest, BuiltinHasAllNineTypes) {
  const SchemaRegistry& registry = SchemaRegistry::Builtin();
  std::vector<std::string> expected(std::begin(kTypes), std::end(kTypes));
  std::sort(expected.begin(), expected.end());
  std::vector<std::string> names = registry.TypeNames();
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, expected);
  for (const char* type : kTypes) {
    const ResourceSchema* schema = registry.Find(type);
    ASSERT_NE(schema, nullptr) << type;
    EXPECT_EQ(schema->type_name, type);
    EXPECT_FALSE(schema->property_names.empty()) << type;
    EXPECT_TRUE(schema->engine_supported) << type;
  }
  EXPECT_EQ(registry.Find("AWS::Kinesis::Steam"), nullptr);
  EXPECT_EQ(registry.Find("AWS::Serverless::Function"), nullptr);
}

TEST(SchemaRegistryTest, BuiltinHasTheProjectSchema) {
  const nlohmann::json& project = SchemaRegistry::Builtin().project_schema();
  ASSERT_TRUE(project.is_object());
  EXPECT_EQ(project.value("type", ""), "object");
  ASSERT_TRUE(project.contains("properties"));
  for (const char* key : {"project", "description", "defaults", "stacks", "stages"}) {
    EXPECT_TRUE(project["properties"].contains(key)) << key;
  }
  EXPECT_EQ(project["required"], nlohmann::json({"project", "stacks", "stages"}));
}

TEST(SchemaRegistryTest, AttributesComeFromReadOnlyProperties) {
  const SchemaRegistry& registry = SchemaRegistry::Builtin();
  const ResourceSchema* stream = registry.Find("AWS::Kinesis::Stream");
  ASSERT_NE(stream, nullptr);
  EXPECT_TRUE(stream->HasAttribute("Arn"));
  EXPECT_FALSE(stream->HasAttribute("StreamArn"));
  EXPECT_FALSE(stream->HasAttribute("Name"));
  const ResourceSchema* role = registry.Find("AWS::IAM::Role");
  ASSERT_NE(role, nullptr);
  EXPECT_EQ(role->attributes, (std::vector<std::string>{"Arn", "RoleId"}));
  // Nested read-only properties become dotted attribute names.
  const ResourceSchema* function = registry.Find("AWS::Lambda::Function");
  ASSERT_NE(function, nullptr);
  EXPECT_TRUE(function->HasAttribute("Arn"));
  EXPECT_TRUE(function->HasAttribute("SnapStartResponse.ApplyOn"));
}

TEST(SchemaRegistryTest, CreateOnlyRequiredAndRef) {
  const SchemaRegistry& registry = SchemaRegistry::Builtin();
  const ResourceSchema* stream = registry.Find("AWS::Kinesis::Stream");
  EXPECT_TRUE(Contains(stream->create_only, "/properties/Name"));
  EXPECT_FALSE(Contains(stream->create_only, "/properties/ShardCount"));
  EXPECT_EQ(stream->ref_property, "Name");
  EXPECT_EQ(registry.Find("AWS::S3::Bucket")->ref_property, "BucketName");
  EXPECT_EQ(registry.Find("AWS::Lambda::Function")->ref_property, "FunctionName");
  // Ref of these is a generated id ("ref": null).
  EXPECT_EQ(registry.Find("AWS::Lambda::EventSourceMapping")->ref_property, "");
  EXPECT_EQ(registry.Find("AWS::Lambda::Permission")->ref_property, "");
  EXPECT_FALSE(registry.Find("AWS::Lambda::Permission")->ref_description.empty());
  EXPECT_EQ(registry.Find("AWS::Lambda::Function")->required,
            (std::vector<std::string>{"Code", "Role"}));
  EXPECT_TRUE(Contains(registry.Find("AWS::S3::Bucket")->engine_unsupported,
                       "/properties/VersioningConfiguration"));
}

TEST(SchemaRegistryTest, FromTextsRejectsBrokenSchemas) {
  auto not_json = SchemaRegistry::FromTexts({"{not json"});
  ASSERT_FALSE(not_json.has_value());
  EXPECT_EQ(not_json.error().code, ErrorCode::kParse);
  auto no_properties = SchemaRegistry::FromTexts({R"({"typeName": "X::Y::Z"})"});
  ASSERT_FALSE(no_properties.has_value());
  EXPECT_NE(no_properties.error().message.find("X::Y::Z"), std::string::npos);
}

TEST(SchemaRegistryTest, FromTextsReadsTheExtension) {
  auto registry = SchemaRegistry::FromTexts({R"({
    "typeName": "Test::Thing::One",
    "properties": {"Name": {"type": "string"}, "Id": {"type": "string"},
                   "Deep": {"type": "object", "properties": {"Inner": {"type": "string"}}}},
    "readOnlyProperties": ["/properties/Id", "/properties/Deep/Inner"],
    "createOnlyProperties": ["/properties/Name"],
    "required": ["Name"],
    "x-streamform": {"ref": "/properties/Name", "refDescription": "the name",
                     "engine": "unsupported",
                     "engineUnsupportedProperties": ["/properties/Deep"]}
  })",
                                             R"({"type": "object", "properties": {}})"});
  ASSERT_TRUE(registry.has_value()) << registry.error().message;
  const ResourceSchema* one = registry->Find("Test::Thing::One");
  ASSERT_NE(one, nullptr);
  EXPECT_EQ(one->attributes, (std::vector<std::string>{"Id", "Deep.Inner"}));
  EXPECT_EQ(one->create_only, (std::vector<std::string>{"/properties/Name"}));
  EXPECT_EQ(one->required, (std::vector<std::string>{"Name"}));
  EXPECT_EQ(one->ref_property, "Name");
  EXPECT_EQ(one->ref_description, "the name");
  EXPECT_FALSE(one->engine_supported);
  EXPECT_EQ(one->engine_unsupported, (std::vector<std::string>{"/properties/Deep"}));
  EXPECT_EQ(registry->project_schema().value("type", ""), "object");
  EXPECT_EQ(registry->TypeNames(), (std::vector<std::string>{"Test::Thing::One"}));
}

// --- The schema files ------------------------------------------------------------------------

struct SchemaFile {
  std::string name;
  nlohmann::json json;
};

std::vector<SchemaFile> SchemaFiles() {
  std::vector<SchemaFile> files;
  for (const auto& entry : fs::directory_iterator(fs::path(STREAMFORM_SOURCE_DIR) / "schemas")) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    files.push_back(
        {entry.path().filename().string(), nlohmann::json::parse(text.str(), nullptr, false)});
  }
  std::sort(files.begin(), files.end(),
            [](const SchemaFile& a, const SchemaFile& b) { return a.name < b.name; });
  return files;
}

// Calls `visit` on every object in `json`, with its JSON pointer.
void Walk(const nlohmann::json& json, const std::string& pointer,
          const std::function<void(const nlohmann::json&, const std::string&)>& visit) {
  if (json.is_object()) {
    visit(json, pointer);
    for (const auto& [key, value] : json.items())
      Walk(value, pointer + "/" + PointerEscape(key), visit);
  } else if (json.is_array()) {
    for (size_t i = 0; i < json.size(); ++i)
      Walk(json[i], pointer + "/" + std::to_string(i), visit);
  }
}

TEST(SchemaFilesTest, EveryFileIsEmbedded) {
  auto files = SchemaFiles();
  EXPECT_GE(files.size(), 10u);  // nine resource types and the project file
  EXPECT_EQ(EmbeddedSchemas().size(), files.size());
  for (const auto& file : files) {
    bool embedded = std::any_of(EmbeddedSchemas().begin(), EmbeddedSchemas().end(),
                                [&](const EmbeddedFile& e) { return e.name == file.name; });
    EXPECT_TRUE(embedded) << file.name;
  }
}

TEST(SchemaFilesTest, EveryFileIsClosedAtTopLevel) {
  for (const auto& file : SchemaFiles()) {
    SCOPED_TRACE(file.name);
    ASSERT_TRUE(file.json.is_object()) << "not valid JSON";
    ASSERT_TRUE(file.json.contains("additionalProperties"));
    EXPECT_EQ(file.json["additionalProperties"], false);
  }
}

TEST(SchemaFilesTest, EveryObjectWithPropertiesIsClosed) {
  for (const auto& file : SchemaFiles()) {
    SCOPED_TRACE(file.name);
    Walk(file.json, "", [&](const nlohmann::json& node, const std::string& pointer) {
      // "properties" maps names to schemas; a schema with "properties" must be closed.
      if (!node.contains("properties") || !node["properties"].is_object()) return;
      if (pointer.size() >= 11 && pointer.substr(pointer.size() - 11) == "/properties") return;
      EXPECT_TRUE(node.contains("additionalProperties") && node["additionalProperties"] == false)
          << file.name << pointer;
    });
  }
}

TEST(SchemaFilesTest, EveryRefResolves) {
  int refs = 0;
  for (const auto& file : SchemaFiles()) {
    SCOPED_TRACE(file.name);
    Walk(file.json, "", [&](const nlohmann::json& node, const std::string& pointer) {
      if (!node.contains("$ref") || !node["$ref"].is_string()) return;
      ++refs;
      std::string ref = node["$ref"].get<std::string>();
      ASSERT_TRUE(StartsWith(ref, "#/definitions/")) << pointer << ": " << ref;
      std::string name = ref.substr(std::string("#/definitions/").size());
      EXPECT_TRUE(file.json.contains("definitions") && file.json["definitions"].contains(name))
          << pointer << ": " << ref;
    });
  }
  EXPECT_GT(refs, 20);
}

// Follows a schema pointer such as "/properties/Code/S3Bucket" (with "*" for array items)
// through properties, items and $refs; nullptr when it leads nowhere. Deep structures kept as
// a bare {"type": "object"} (see schemas/README.md) are opaque: any pointer into one resolves.
const nlohmann::json* FollowPointer(const nlohmann::json& root, const std::string& pointer) {
  auto deref = [&](const nlohmann::json* node) {
    for (int i = 0; i < 16 && node != nullptr && node->contains("$ref"); ++i) {
      std::string name = (*node)["$ref"].get<std::string>().substr(14);
      node = root["definitions"].contains(name) ? &root["definitions"][name] : nullptr;
    }
    return node;
  };
  if (!StartsWith(pointer, "/properties/")) return nullptr;
  const nlohmann::json* node = &root;
  for (const auto& token : Split(pointer.substr(12), '/')) {
    node = deref(node);
    if (node == nullptr) return nullptr;
    bool opaque = node->value("type", nlohmann::json()) == "object" &&
                  !node->contains("properties") && !node->contains("items") &&
                  !node->contains("additionalProperties") && !node->contains("oneOf") &&
                  !node->contains("anyOf");
    if (opaque && node != &root) return node;
    if (token == "*") {
      node = node->contains("items") ? &(*node)["items"] : nullptr;
    } else {
      node = node->contains("properties") && (*node)["properties"].contains(token)
                 ? &(*node)["properties"][token]
                 : nullptr;
    }
    if (node == nullptr) return nullptr;
  }
  return node;
}

TEST(SchemaFilesTest, EveryPropertyPointerNamesAProperty) {
  for (const auto& file : SchemaFiles()) {
    if (!file.json.contains("typeName")) continue;
    SCOPED_TRACE(file.name);
    std::vector<std::string> pointers;
    for (const char* key :
         {"readOnlyProperties", "createOnlyProperties", "conditionalCreateOnlyProperties",
          "writeOnlyProperties", "primaryIdentifier"}) {
      for (const auto& p : file.json.value(key, nlohmann::json::array())) pointers.push_back(p);
    }
    const auto& extension = file.json.value("x-streamform", nlohmann::json::object());
    for (const auto& p : extension.value("engineUnsupportedProperties", nlohmann::json::array())) {
      pointers.push_back(p);
    }
    if (extension.contains("ref") && extension["ref"].is_string()) {
      pointers.push_back(extension["ref"]);
    }
    for (const auto& pointer : pointers) {
      EXPECT_NE(FollowPointer(file.json, pointer), nullptr) << pointer;
    }
    for (const auto& name : file.json.value("required", nlohmann::json::array())) {
      EXPECT_TRUE(file.json["properties"].contains(name)) << name;
    }
  }
}

// --- ValidateValue ---------------------------------------------------------------------------

const char* const kThingSchema = R"({
  "typeName": "Test::Thing",
  "definitions": {
    "Tag": {
      "type": "object",
      "properties": {
        "Key": {"type": "string", "minLength": 1, "maxLength": 5},
        "Value": {"type": "string"}
      },
      "required": ["Key", "Value"],
      "additionalProperties": false
    },
    "TagRef": {"$ref": "#/definitions/Tag"}
  },
  "type": "object",
  "properties": {
    "Name": {"type": "string", "pattern": "^[a-z]+$"},
    "Count": {"type": "integer", "minimum": 1, "maximum": 10},
    "Ratio": {"type": "number"},
    "Enabled": {"type": "boolean"},
    "Mode": {"type": "string", "enum": ["PROVISIONED", "ON_DEMAND"]},
    "Level": {"type": "integer", "enum": [1, 2]},
    "Tags": {"type": "array", "minItems": 1, "maxItems": 2,
             "items": {"$ref": "#/definitions/TagRef"}},
    "Either": {"oneOf": [{"type": "object", "required": ["A"]},
                         {"type": "object", "required": ["B"]}]},
    "Any": {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^x"}]},
    "Labels": {"type": "object", "additionalProperties": {"type": "integer"}},
    "Prefixed": {"type": "object", "patternProperties": {"^x-": {"type": "string"}},
                 "additionalProperties": false},
    "Multi": {"type": ["object", "string"], "maxLength": 3}
  },
  "required": ["Name"],
  "additionalProperties": false
})";

Value Str(const std::string& text, int line = 0, int column = 0) {
  return Value::String(text).set_origin({line, column});
}
Value Num(const std::string& text, int line = 0, int column = 0) {
  return Value::Number(text).set_origin({line, column});
}

class ValidateValueTest : public testing::Test {
 protected:
  ValidateValueTest() : schema_(nlohmann::json::parse(kThingSchema)) {
    context_ = SchemaContext{&schema_, "t.yaml", "Test::Thing"};
  }

  // Validates Properties {Name: abc, <name>: value}, the map at line 5, column 7.
  void Check(const std::string& name, const Value& value) {
    Value properties = Value::Map({{"Name", Str("abc", 6, 13)}}).set_origin({5, 7});
    properties.Set(name, value);
    CheckMap(properties);
  }

  void CheckMap(const Value& properties) {
    ValidateValue(context_, schema_, properties, "/Resources/R/Properties", diagnostics_);
  }

  Diagnostic Only() {
    EXPECT_EQ(diagnostics_.items().size(), 1u);
    if (diagnostics_.items().size() == 1) return diagnostics_.items()[0];
    for (const auto& d : diagnostics_.items()) {
      std::cerr << "  " << d.location.line << ":" << d.location.column << " " << d.code << " "
                << d.message << " [" << d.pointer << "]\n";
    }
    return diagnostics_.items().empty() ? Diagnostic{} : diagnostics_.items()[0];
  }

  void ExpectValid(const std::string& name, const Value& value) {
    diagnostics_ = Diagnostics();
    Check(name, value);
    EXPECT_TRUE(diagnostics_.empty())
        << name << " = " << value.ToJson().dump() << ": " << diagnostics_.items()[0].message;
  }

  void ExpectInvalid(const std::string& name, const Value& value, const std::string& code) {
    diagnostics_ = Diagnostics();
    Check(name, value);
    ASSERT_EQ(diagnostics_.items().size(), 1u) << name << " = " << value.ToJson().dump();
    EXPECT_EQ(diagnostics_.items()[0].code, code) << name << " = " << value.ToJson().dump();
  }

  nlohmann::json schema_;
  SchemaContext context_;
  Diagnostics diagnostics_;
};

TEST_F(ValidateValueTest, ValidValuePasses) {
  Value tag = Value::Map({{"Key", Str("team")}, {"Value", Str("data")}});
  CheckMap(Value::Map({{"Name", Str("stream")},
                       {"Count", Num("3")},
                       {"Ratio", Num("0.5")},
                       {"Enabled", Value::Bool(true)},
                       {"Mode", Str("ON_DEMAND")},
                       {"Level", Num("2")},
                       {"Tags", Value::List({tag})},
                       {"Either", Value::Map({{"A", Num("1")}})},
                       {"Any", Num("5")},
                       {"Labels", Value::Map({{"a", Num("1")}, {"b", Str("2")}})},
                       {"Prefixed", Value::Map({{"x-one", Str("1")}})},
                       {"Multi", Str("abc")}}));
  EXPECT_TRUE(diagnostics_.empty()) << diagnostics_.items()[0].message;
}

TEST_F(ValidateValueTest, WrongTypeIsReportedAtTheValue) {
  Check("Count", Str("two", 8, 14));
  Diagnostic d = Only();
  EXPECT_EQ(d.severity, Severity::kError);
  EXPECT_EQ(d.code, "wrong-type");
  EXPECT_EQ(d.message, "'Count' must be an integer, not the string 'two'");
  EXPECT_EQ(d.pointer, "/Resources/R/Properties/Count");
  EXPECT_EQ(d.location.file, "t.yaml");
  EXPECT_EQ(d.location.line, 8);
  EXPECT_EQ(d.location.column, 14);
}

TEST_F(ValidateValueTest, ListWhereStringExpected) {
  diagnostics_ = Diagnostics();
  CheckMap(Value::Map({{"Name", Value::List({Str("a")}).set_origin({9, 9})}}).set_origin({5, 7}));
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "wrong-type");
  EXPECT_EQ(d.message, "'Name' must be a string, not a list");
  EXPECT_EQ(d.location.line, 9);
}

TEST_F(ValidateValueTest, ScalarsAreStringsToo) {
  // CloudFormation stringifies a number or a bool where a string is expected.
  ExpectValid("Multi", Num("12"));
  ExpectValid("Mode", Str("PROVISIONED"));
  ExpectInvalid("Multi", Value::Bool(false), "invalid-value");  // "false" is 5 characters
}

TEST_F(ValidateValueTest, IntegerIsLenient) {
  ExpectValid("Count", Num("5"));
  ExpectValid("Count", Str("5"));
  ExpectValid("Count", Str("10"));
  ExpectInvalid("Count", Str("5.5"), "wrong-type");
  ExpectInvalid("Count", Num("5.5"), "wrong-type");
  ExpectInvalid("Count", Str(""), "wrong-type");
  ExpectInvalid("Count", Value::Bool(true), "wrong-type");
}

TEST_F(ValidateValueTest, NumberIsLenient) {
  ExpectValid("Ratio", Num("0.25"));
  ExpectValid("Ratio", Str("1e3"));
  ExpectValid("Ratio", Num("7"));
  ExpectInvalid("Ratio", Str("abc"), "wrong-type");
}

TEST_F(ValidateValueTest, BooleanIsLenient) {
  ExpectValid("Enabled", Value::Bool(false));
  ExpectValid("Enabled", Str("true"));
  ExpectValid("Enabled", Str("False"));
  ExpectInvalid("Enabled", Str("yes"), "wrong-type");
  ExpectInvalid("Enabled", Num("1"), "wrong-type");
}

TEST_F(ValidateValueTest, EnumWithHint) {
  Check("Mode", Str("ON_DEMAN", 3, 4));
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "invalid-value");
  EXPECT_NE(d.message.find("'Mode' is the string 'ON_DEMAN'"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("allowed: PROVISIONED, ON_DEMAND"), std::string::npos) << d.message;
  EXPECT_EQ(d.hint, "did you mean 'ON_DEMAND'?");
  EXPECT_EQ(d.location.line, 3);
  EXPECT_EQ(d.pointer, "/Resources/R/Properties/Mode");
}

TEST_F(ValidateValueTest, EnumOfNumbersComparesText) {
  ExpectValid("Level", Num("1"));
  ExpectValid("Level", Str("2"));
  ExpectInvalid("Level", Num("3"), "invalid-value");
}

TEST_F(ValidateValueTest, Pattern) {
  diagnostics_ = Diagnostics();
  CheckMap(Value::Map({{"Name", Str("Abc", 6, 13)}}).set_origin({5, 7}));
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "invalid-value");
  EXPECT_EQ(d.message, "'Name' 'Abc' does not match the pattern ^[a-z]+$");
  EXPECT_EQ(d.location.line, 6);
  EXPECT_EQ(d.location.column, 13);
}

TEST_F(ValidateValueTest, MinimumAndMaximum) {
  ExpectValid("Count", Num("1"));
  ExpectValid("Count", Num("10"));
  Check("Count", Num("0"));
  EXPECT_NE(Only().message.find("'Count' is 0, below the minimum of 1"), std::string::npos);
  diagnostics_ = Diagnostics();
  Check("Count", Str("11"));
  EXPECT_NE(Only().message.find("'Count' is 11, above the maximum of 10"), std::string::npos);
}

TEST_F(ValidateValueTest, MinAndMaxItems) {
  Value tag = Value::Map({{"Key", Str("k")}, {"Value", Str("v")}});
  Check("Tags", Value::List());
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "invalid-value");
  EXPECT_NE(d.message.find("'Tags' needs at least 1 items"), std::string::npos) << d.message;
  diagnostics_ = Diagnostics();
  Check("Tags", Value::List({tag, tag, tag}));
  EXPECT_NE(Only().message.find("'Tags' takes at most 2 items"), std::string::npos);
}

TEST_F(ValidateValueTest, MinAndMaxLengthThroughNestedRefs) {
  auto tags = [](const Value& key) {
    return Value::List({Value::Map({{"Key", key}, {"Value", Str("v")}})});
  };
  Check("Tags", tags(Str("", 4, 4)));
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "invalid-value");
  EXPECT_NE(d.message.find("'Key' is shorter than 1 characters"), std::string::npos) << d.message;
  EXPECT_EQ(d.pointer, "/Resources/R/Properties/Tags/0/Key");
  EXPECT_EQ(d.location.line, 4);
  diagnostics_ = Diagnostics();
  Check("Tags", tags(Str("toolong")));
  EXPECT_NE(Only().message.find("'Key' is longer than 5 characters"), std::string::npos);
  diagnostics_ = Diagnostics();
  Check("Tags", tags(Value::List()));
  EXPECT_EQ(Only().code, "wrong-type");
}

TEST_F(ValidateValueTest, MaxLengthCountsCharactersNotBytes) {
  // "äöü" is three characters in six bytes.
  ExpectValid("Multi", Str("\xc3\xa4\xc3\xb6\xc3\xbc"));
  ExpectInvalid("Multi", Str("abcd"), "invalid-value");
  ExpectValid("Multi", Value::Map({{"anything", Str("goes")}}));
  ExpectInvalid("Multi", Value::List(), "wrong-type");
}

TEST_F(ValidateValueTest, MissingRequiredIsReportedAtTheMap) {
  CheckMap(Value::Map({{"Count", Num("1")}}).set_origin({5, 7}));
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "missing-required");
  EXPECT_EQ(d.message, "missing required property 'Name' of Test::Thing");
  EXPECT_EQ(d.pointer, "/Resources/R/Properties");
  EXPECT_EQ(d.location.line, 5);
  EXPECT_EQ(d.location.column, 7);
}

TEST_F(ValidateValueTest, MissingRequiredInNestedObject) {
  Check("Tags", Value::List({Value::Map({{"Key", Str("k")}}).set_origin({12, 11})}));
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "missing-required");
  EXPECT_NE(d.message.find("missing required property 'Value'"), std::string::npos);
  EXPECT_EQ(d.pointer, "/Resources/R/Properties/Tags/0");
  EXPECT_EQ(d.location.line, 12);
}

TEST_F(ValidateValueTest, UnknownPropertyWithHint) {
  Check("Coount", Num("1", 7, 7));
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "unknown-property");
  EXPECT_EQ(d.message, "unknown property 'Coount' for Test::Thing");
  EXPECT_EQ(d.hint, "did you mean 'Count'?");
  EXPECT_EQ(d.pointer, "/Resources/R/Properties/Coount");
  EXPECT_EQ(d.location.line, 7);
  EXPECT_EQ(d.location.column, 7);
}

TEST_F(ValidateValueTest, UnknownNestedPropertyNamesItsParent) {
  Check("Tags",
        Value::List({Value::Map({{"Key", Str("k")}, {"Value", Str("v")}, {"Extra", Str("x")}})}));
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "unknown-property");
  EXPECT_NE(d.message.find("unknown property 'Extra' in '0'"), std::string::npos) << d.message;
}

TEST_F(ValidateValueTest, UnknownValuesAreSkipped) {
  ExpectValid("Count", Value::Unknown("Stream.Arn"));
  ExpectValid("Enabled", Value::Unknown("x"));
  ExpectValid("Mode", Value::Unknown("x"));
  ExpectValid("Tags", Value::Unknown("x"));
  ExpectValid("Tags", Value::List({Value::Unknown("x")}));
  ExpectValid("Labels", Value::Map({{"a", Value::Unknown("x")}}));
  diagnostics_ = Diagnostics();
  CheckMap(Value::Unknown("everything"));
  EXPECT_TRUE(diagnostics_.empty());
}

TEST_F(ValidateValueTest, OneOfNeedsExactlyOneMatch) {
  ExpectValid("Either", Value::Map({{"B", Num("1")}}));
  Check("Either", Value::Map({{"A", Num("1")}, {"B", Num("2")}}));
  Diagnostic both = Only();
  EXPECT_EQ(both.code, "invalid-value");
  EXPECT_NE(both.message.find("'Either' matches more than one of the exclusive forms"),
            std::string::npos)
      << both.message;
  diagnostics_ = Diagnostics();
  Check("Either", Value::Map({{"C", Num("1")}}));
  EXPECT_NE(Only().message.find("'Either' matches none of the allowed forms"), std::string::npos);
}

TEST_F(ValidateValueTest, AnyOfNeedsAtLeastOneMatch) {
  ExpectValid("Any", Num("5"));
  ExpectValid("Any", Str("xyz"));
  Check("Any", Str("abc"));
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "invalid-value");
  EXPECT_NE(d.message.find("matches none of the allowed forms"), std::string::npos);
}

TEST_F(ValidateValueTest, AdditionalPropertiesSchemaAppliesToEveryValue) {
  Check("Labels", Value::Map({{"a", Num("1")}, {"b", Str("x", 10, 3)}}));
  Diagnostic d = Only();
  EXPECT_EQ(d.code, "wrong-type");
  EXPECT_EQ(d.pointer, "/Resources/R/Properties/Labels/b");
  EXPECT_EQ(d.location.line, 10);
}

TEST_F(ValidateValueTest, PatternProperties) {
  ExpectValid("Prefixed", Value::Map({{"x-a", Str("1")}, {"x-b", Str("2")}}));
  ExpectInvalid("Prefixed", Value::Map({{"y", Str("1")}}), "unknown-property");
  ExpectInvalid("Prefixed", Value::Map({{"x-a", Value::List()}}), "wrong-type");
}

TEST_F(ValidateValueTest, ValueWithoutOriginUsesItsParents) {
  Value properties = Value::Map({{"Name", Str("abc")}, {"Count", Value::String("two")}});
  properties.set_origin({21, 5});
  CheckMap(properties);
  Diagnostic d = Only();
  EXPECT_EQ(d.location.line, 21);
  EXPECT_EQ(d.location.column, 5);
}

TEST_F(ValidateValueTest, ReportsEveryProblem) {
  CheckMap(Value::Map({{"Count", Str("two")},
                       {"Mode", Str("FAST")},
                       {"Nmae", Str("x")},
                       {"Tags", Value::List()}})
               .set_origin({1, 1}));
  std::vector<std::string> codes;
  for (const auto& d : diagnostics_.items()) codes.push_back(d.code);
  std::sort(codes.begin(), codes.end());
  EXPECT_EQ(codes, (std::vector<std::string>{"invalid-value", "invalid-value", "missing-required",
                                             "unknown-property", "wrong-type"}));
}

// --- ValidateValue with the built-in schemas ------------------------------------------------

class BuiltinSchemaTest : public testing::Test {
 protected:
  void Validate(const std::string& type, const Value& properties) {
    const ResourceSchema* schema = SchemaRegistry::Builtin().Find(type);
    ASSERT_NE(schema, nullptr);
    SchemaContext context{&schema->document, "t.yaml", type};
    ValidateValue(context, schema->document, properties, "/Resources/R/Properties", diagnostics_);
  }
  Diagnostics diagnostics_;
};

TEST_F(BuiltinSchemaTest, KinesisStream) {
  Validate("AWS::Kinesis::Stream",
           Value::Map({{"Name", Str("events")},
                       {"ShardCount", Str("2")},
                       {"RetentionPeriodHours", Num("9000", 9, 29)},
                       {"ShardCont", Num("1", 10, 7)},
                       {"StreamModeDetails", Value::Map({{"StreamMode", Str("PROVISIONED")}})}})
               .set_origin({4, 7}));
  ASSERT_EQ(diagnostics_.items().size(), 2u);
  const Diagnostic& range = diagnostics_.items()[0];
  EXPECT_EQ(range.code, "invalid-value");
  EXPECT_NE(range.message.find("above the maximum of 8760"), std::string::npos) << range.message;
  EXPECT_EQ(range.location.line, 9);
  const Diagnostic& unknown = diagnostics_.items()[1];
  EXPECT_EQ(unknown.code, "unknown-property");
  EXPECT_EQ(unknown.hint, "did you mean 'ShardCount'?");
  EXPECT_NE(unknown.message.find("AWS::Kinesis::Stream"), std::string::npos);
}

TEST_F(BuiltinSchemaTest, EventSourceMappingStartingPosition) {
  Validate("AWS::Lambda::EventSourceMapping",
           Value::Map({{"FunctionName", Str("f")}, {"StartingPosition", Str("OLDEST", 35, 25)}}));
  ASSERT_EQ(diagnostics_.items().size(), 1u);
  EXPECT_EQ(diagnostics_.items()[0].code, "invalid-value");
  EXPECT_NE(diagnostics_.items()[0].message.find("OLDEST"), std::string::npos);
  EXPECT_EQ(diagnostics_.items()[0].location.line, 35);
}

TEST_F(BuiltinSchemaTest, LambdaFunctionRequiresRole) {
  Validate("AWS::Lambda::Function",
           Value::Map({{"Code", Value::Map({{"ZipFile", Str("x")}})}}).set_origin({5, 5}));
  ASSERT_EQ(diagnostics_.items().size(), 1u);
  EXPECT_EQ(diagnostics_.items()[0].code, "missing-required");
  EXPECT_EQ(diagnostics_.items()[0].message,
            "missing required property 'Role' of AWS::Lambda::Function");
}

}  // namespace
}  // namespace sf
