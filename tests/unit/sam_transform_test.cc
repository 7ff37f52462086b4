// Tests of the SAM transform, through LoadTemplate (parse, normalise tags, transform, read).

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "base/value.h"
#include "base/yaml_value.h"
#include "template/loader.h"
#include "template/sam_transform.h"

namespace sf {

// How gtest prints a Value in failure messages (the same in every test file).
inline void PrintTo(const Value& value, std::ostream* out) { *out << value.ToTaggedJson().dump(); }

namespace {

Value Str(const std::string& text) { return Value::String(text); }
Value Ref(const std::string& name) { return Value::Map({{"Ref", Str(name)}}); }
Value GetAtt(const std::string& id, const std::string& attribute) {
  return Value::Map({{"Fn::GetAtt", Value::List({Str(id), Str(attribute)})}});
}
Value Sub(const std::string& text) { return Value::Map({{"Fn::Sub", Str(text)}}); }

class SamTransformTest : public testing::Test {
 protected:
  // Loads a SAM template: `body` follows the Transform line (line 2 onwards).
  void Load(const std::string& body) {
    auto loaded =
        LoadTemplate("Transform: AWS::Serverless-2016-10-31\n" + body, "sam.yaml", diagnostics_);
    ASSERT_TRUE(loaded.has_value());
    tmpl_ = std::move(*loaded);
  }

  // Loads and expects no diagnostics at all.
  void LoadOk(const std::string& body) {
    Load(body);
    for (const auto& d : diagnostics_.items()) {
      ADD_FAILURE() << d.location.line << ":" << d.location.column << " " << d.code << " "
                    << d.message;
    }
  }

  std::vector<std::string> Ids() const {
    std::vector<std::string> ids;
    for (const auto& resource : tmpl_->resources) ids.push_back(resource.logical_id);
    return ids;
  }

  const Resource& Get(const std::string& id) const {
    const Resource* resource = tmpl_->FindResource(id);
    if (resource == nullptr) {
      ADD_FAILURE() << "no resource " << id;
      static const Resource kNone{};
      return kNone;
    }
    return *resource;
  }

  std::string Type(const std::string& id) const { return Get(id).type; }

  // The resource's Properties as plain data (intrinsics stay maps).
  Value Properties(const std::string& id) const {
    const Resource& resource = Get(id);
    return resource.properties ? NodeToValue(*resource.properties) : Value();
  }

  Value Property(const std::string& id, const std::string& name) const {
    Value properties = Properties(id);
    const Value* value = properties.Find(name);
    if (value == nullptr) {
      ADD_FAILURE() << id << " has no property " << name;
      return Value();
    }
    return *value;
  }

  // The diagnostics with this code.
  std::vector<Diagnostic> WithCode(const std::string& code) const {
    std::vector<Diagnostic> out;
    for (const auto& d : diagnostics_.items()) {
      if (d.code == code) out.push_back(d);
    }
    return out;
  }

  std::optional<Template> tmpl_;
  Diagnostics diagnostics_;
};

constexpr const char* kKinesisAndSchedule = R"(Resources:
  Stream:
    Type: AWS::Kinesis::Stream
    Properties:
      ShardCount: 1
  F:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(event, context): pass"
      Events:
        Records:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Stream.Arn
            StartingPosition: LATEST
            BatchSize: 10
        Nightly:
          Type: Schedule
          Properties:
            Schedule: rate(1 day)
)";

TEST_F(SamTransformTest, FunctionWithKinesisAndScheduleEventsExpandsToExactlyTheseResources) {
  LoadOk(kKinesisAndSchedule);
  EXPECT_EQ(Ids(), (std::vector<std::string>{"Stream", "F", "FRole", "FRecords", "FNightly",
                                             "FNightlyPermission"}));
  EXPECT_EQ(Type("Stream"), "AWS::Kinesis::Stream");
  EXPECT_EQ(Type("F"), "AWS::Lambda::Function");
  EXPECT_EQ(Type("FRole"), "AWS::IAM::Role");
  EXPECT_EQ(Type("FRecords"), "AWS::Lambda::EventSourceMapping");
  EXPECT_EQ(Type("FNightly"), "AWS::Events::Rule");
  EXPECT_EQ(Type("FNightlyPermission"), "AWS::Lambda::Permission");
}

TEST_F(SamTransformTest, FunctionGetsRuntimeCodeAndGeneratedRole) {
  LoadOk(kKinesisAndSchedule);
  EXPECT_EQ(Property("F", "Runtime"), Str("python3.12"));
  EXPECT_EQ(Property("F", "Handler"), Str("app.handler"));
  EXPECT_EQ(Property("F", "Role"), GetAtt("FRole", "Arn"));
  EXPECT_EQ(Property("F", "Code"),
            Value::Map({{"ZipFile", Str("def handler(event, context): pass")}}));
  Value properties = Properties("F");
  EXPECT_EQ(properties.Find("Events"), nullptr);
  EXPECT_EQ(properties.Find("InlineCode"), nullptr);
}

TEST_F(SamTransformTest, KinesisEventBecomesAnEventSourceMapping) {
  LoadOk(kKinesisAndSchedule);
  EXPECT_EQ(Properties("FRecords"), Value::Map({{"EventSourceArn", GetAtt("Stream", "Arn")},
                                                {"FunctionName", Ref("F")},
                                                {"StartingPosition", Str("LATEST")},
                                                {"BatchSize", Value::Number("10")}}));
}

TEST_F(SamTransformTest, ScheduleEventBecomesARuleAndAPermission) {
  LoadOk(kKinesisAndSchedule);
  EXPECT_EQ(Property("FNightly", "ScheduleExpression"), Str("rate(1 day)"));
  EXPECT_EQ(Property("FNightly", "Targets"),
            Value::List(
                {Value::Map({{"Arn", GetAtt("F", "Arn")}, {"Id", Str("FNightlyLambdaTarget")}})}));
  EXPECT_EQ(Properties("FNightlyPermission"),
            Value::Map({{"Action", Str("lambda:InvokeFunction")},
                        {"FunctionName", Ref("F")},
                        {"Principal", Str("events.amazonaws.com")},
                        {"SourceArn", GetAtt("FNightly", "Arn")}}));
}

TEST_F(SamTransformTest, GeneratedRoleTrustsLambdaAndHasTheEventPolicies) {
  LoadOk(kKinesisAndSchedule);
  Value statement = Value::Map(
      {{"Action", Value::List({Str("sts:AssumeRole")})},
       {"Effect", Str("Allow")},
       {"Principal", Value::Map({{"Service", Value::List({Str("lambda.amazonaws.com")})}})}});
  EXPECT_EQ(Property("FRole", "AssumeRolePolicyDocument"),
            Value::Map({{"Version", Str("2012-10-17")}, {"Statement", Value::List({statement})}}));
  EXPECT_EQ(Property("FRole", "ManagedPolicyArns"),
            Value::List({Sub("arn:${AWS::Partition}:iam::aws:policy/service-role/"
                             "AWSLambdaBasicExecutionRole"),
                         Sub("arn:${AWS::Partition}:iam::aws:policy/service-role/"
                             "AWSLambdaKinesisExecutionRole")}));
  EXPECT_EQ(Properties("FRole").Find("Policies"), nullptr);
}

TEST_F(SamTransformTest, GeneratedResourcesPointIntoTheUsersFile) {
  LoadOk(kKinesisAndSchedule);
  // Line 1 is the Transform: F's map starts on line 8, Records' on 15, Nightly's on 21.
  EXPECT_EQ(Get("F").node->mark().line, 8);
  const Node* type = Get("FRecords").type_node;
  ASSERT_NE(type, nullptr);
  EXPECT_EQ(type->mark().line, 15);
  EXPECT_EQ(Get("FNightlyPermission").type_node->mark().line, 21);
  const Node* stream = Get("FRecords").properties->Find("EventSourceArn");
  ASSERT_NE(stream, nullptr);
  EXPECT_EQ(stream->mark().line, 17);
}

TEST_F(SamTransformTest, TransformIsRecordedAndGlobalsRemoved) {
  LoadOk(R"(Globals:
  Function:
    Timeout: 5
Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: x
)");
  EXPECT_EQ(tmpl_->transforms, (std::vector<std::string>{"AWS::Serverless-2016-10-31"}));
  EXPECT_EQ(tmpl_->document->root.Find("Globals"), nullptr);
  EXPECT_EQ(Property("F", "Timeout"), Value::Number("5"));
}

TEST_F(SamTransformTest, GlobalsMerge) {
  LoadOk(R"(Globals:
  Function:
    Runtime: python3.11
    Timeout: 30
    MemorySize: 128
    Layers: [arn:aws:lambda:eu-west-1:123456789012:layer:global:1]
    Environment:
      Variables:
        LOG_LEVEL: INFO
        SHARED: global
    Tags:
      team: data
Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      InlineCode: x
      Timeout: 60
      Layers: [arn:aws:lambda:eu-west-1:123456789012:layer:own:1]
      Environment:
        Variables:
          SHARED: local
          OWN: mine
)");
  EXPECT_EQ(Property("F", "Runtime"), Str("python3.11"));    // from Globals
  EXPECT_EQ(Property("F", "Timeout"), Value::Number("60"));  // the function's own wins
  EXPECT_EQ(Property("F", "MemorySize"), Value::Number("128"));
  EXPECT_EQ(Property("F", "Environment"),
            Value::Map({{"Variables", Value::Map({{"LOG_LEVEL", Str("INFO")},
                                                  {"SHARED", Str("local")},
                                                  {"OWN", Str("mine")}})}}));
  EXPECT_EQ(Property("F", "Layers"),
            Value::List({Str("arn:aws:lambda:eu-west-1:123456789012:layer:global:1"),
                         Str("arn:aws:lambda:eu-west-1:123456789012:layer:own:1")}));
  EXPECT_EQ(Property("F", "Tags"),
            Value::List({Value::Map({{"Key", Str("lambda:createdBy")}, {"Value", Str("SAM")}}),
                         Value::Map({{"Key", Str("team")}, {"Value", Str("data")}})}));
}

TEST_F(SamTransformTest, GlobalsCannotSetEvents) {
  Load(R"(Globals:
  Function:
    Events: {}
Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: x
)");
  auto unknown = WithCode("unknown-property");
  ASSERT_FALSE(unknown.empty());
  EXPECT_NE(unknown[0].message.find("'Events' cannot be set in Globals.Function"),
            std::string::npos)
      << unknown[0].message;
  EXPECT_EQ(unknown[0].location.line, 4);
}

TEST_F(SamTransformTest, GivenRoleMeansNoGeneratedRole) {
  LoadOk(R"(Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: x
      Role: arn:aws:iam::123456789012:role/existing
      Events:
        Tick:
          Type: Schedule
          Properties:
            Schedule: rate(5 minutes)
)");
  EXPECT_EQ(Ids(), (std::vector<std::string>{"F", "FTick", "FTickPermission"}));
  EXPECT_EQ(Property("F", "Role"), Str("arn:aws:iam::123456789012:role/existing"));
}

TEST_F(SamTransformTest, LocalCodeUriBecomesArtifactBucketAndMetadata) {
  LoadOk(R"(Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: functions/echo/
)");
  EXPECT_EQ(Property("F", "Code"), Value::Map({{"S3Bucket", Str("streamform-artifacts")},
                                               {"S3Key", Str("local/F/functions/echo")}}));
  EXPECT_STREQ(kArtifactBucket, "streamform-artifacts");
  const Node* metadata = Get("F").node->Find("Metadata");
  ASSERT_NE(metadata, nullptr);
  const Node* code_uri = metadata->Find(kCodeUriMetadata);
  ASSERT_NE(code_uri, nullptr);
  EXPECT_EQ(code_uri->scalar(), "functions/echo/");
  EXPECT_EQ(code_uri->mark().line, 8);
  ASSERT_NE(metadata->Find("SamResourceId"), nullptr);
  EXPECT_EQ(metadata->Find("SamResourceId")->scalar(), "F");
}

TEST_F(SamTransformTest, S3CodeUriBecomesBucketAndKey) {
  LoadOk(R"(Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: s3://my-bucket/path/to/code.zip
)");
  EXPECT_EQ(Property("F", "Code"),
            Value::Map({{"S3Bucket", Str("my-bucket")}, {"S3Key", Str("path/to/code.zip")}}));
  const Node* metadata = Get("F").node->Find("Metadata");
  ASSERT_NE(metadata, nullptr);
  EXPECT_EQ(metadata->Find(kCodeUriMetadata), nullptr);
}

TEST_F(SamTransformTest, CodeUriMapBecomesS3Location) {
  LoadOk(R"(Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: {Bucket: b, Key: k.zip, Version: "3"}
)");
  EXPECT_EQ(
      Property("F", "Code"),
      Value::Map({{"S3Bucket", Str("b")}, {"S3Key", Str("k.zip")}, {"S3ObjectVersion", Str("3")}}));
}

TEST_F(SamTransformTest, MissingCodeIsReported) {
  Load(R"(Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
)");
  auto missing = WithCode("missing-required");
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_NE(missing[0].message.find("CodeUri, InlineCode or ImageUri"), std::string::npos);
}

TEST_F(SamTransformTest, PoliciesExpand) {
  LoadOk(R"(Resources:
  Bucket:
    Type: AWS::S3::Bucket
  F:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: x
      Policies:
        - AmazonS3ReadOnlyAccess
        - arn:aws:iam::123456789012:policy/custom
        - Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Action: s3:GetObject
              Resource: "*"
        - S3WritePolicy:
            BucketName: !Ref Bucket
)");
  EXPECT_EQ(Property("FRole", "ManagedPolicyArns"),
            Value::List({Sub("arn:${AWS::Partition}:iam::aws:policy/service-role/"
                             "AWSLambdaBasicExecutionRole"),
                         Sub("arn:${AWS::Partition}:iam::aws:policy/AmazonS3ReadOnlyAccess"),
                         Str("arn:aws:iam::123456789012:policy/custom")}));

  Value inline_statement = Value::Map(
      {{"Effect", Str("Allow")}, {"Action", Str("s3:GetObject")}, {"Resource", Str("*")}});
  auto sub_bucket = [](const std::string& pattern) {
    return Value::Map(
        {{"Fn::Sub", Value::List({Str(pattern), Value::Map({{"BucketName", Ref("Bucket")}})})}});
  };
  Value write_statement = Value::Map(
      {{"Effect", Str("Allow")},
       {"Action", Value::List({Str("s3:PutObject"), Str("s3:PutObjectAcl"),
                               Str("s3:PutLifecycleConfiguration")})},
       {"Resource", Value::List({sub_bucket("arn:${AWS::Partition}:s3:::${BucketName}"),
                                 sub_bucket("arn:${AWS::Partition}:s3:::${BucketName}/*")})}});
  EXPECT_EQ(
      Property("FRole", "Policies"),
      Value::List({Value::Map({{"PolicyName", Str("FRolePolicy0")},
                               {"PolicyDocument",
                                Value::Map({{"Version", Str("2012-10-17")},
                                            {"Statement", Value::List({inline_statement})}})}}),
                   Value::Map({{"PolicyName", Str("FRolePolicy1")},
                               {"PolicyDocument",
                                Value::Map({{"Version", Str("2012-10-17")},
                                            {"Statement", Value::List({write_statement})}})}})}));
}

TEST_F(SamTransformTest, SinglePolicyNameIsAccepted) {
  LoadOk(R"(Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: x
      Policies: AWSLambdaExecute
)");
  Value arns = Property("FRole", "ManagedPolicyArns");
  ASSERT_EQ(arns.items().size(), 2u);
  EXPECT_EQ(arns.items()[1], Sub("arn:${AWS::Partition}:iam::aws:policy/AWSLambdaExecute"));
}

TEST_F(SamTransformTest, ShortServiceRolePolicyNamesGetTheirPathAndAreListedOnce) {
  LoadOk(R"(Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: x
      Policies:
        - AWSLambdaKinesisExecutionRole
        - AWSLambdaBasicExecutionRole
      Events:
        Records:
          Type: Kinesis
          Properties:
            Stream: arn:aws:kinesis:eu-west-1:123456789012:stream/s
            StartingPosition: LATEST
)");
  EXPECT_EQ(Property("FRole", "ManagedPolicyArns"),
            Value::List({Sub("arn:${AWS::Partition}:iam::aws:policy/service-role/"
                             "AWSLambdaBasicExecutionRole"),
                         Sub("arn:${AWS::Partition}:iam::aws:policy/service-role/"
                             "AWSLambdaKinesisExecutionRole")}));
}

TEST_F(SamTransformTest, UnsupportedPolicyTemplateIsReported) {
  Load(R"(Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: x
      Policies:
        - SQSPollerPolicy:
            QueueName: q
)");
  auto errors = WithCode("unsupported-policy-template");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("'SQSPollerPolicy'"), std::string::npos) << errors[0].message;
  EXPECT_NE(errors[0].message.find("S3WritePolicy"), std::string::npos) << errors[0].message;
  EXPECT_EQ(errors[0].location.line, 10);
  EXPECT_EQ(diagnostics_.error_count(), 1);
}

TEST_F(SamTransformTest, PolicyTemplateWithoutItsParameterIsReported) {
  Load(R"(Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: x
      Policies:
        - S3ReadPolicy: {Bucket: b}
)");
  auto errors = WithCode("missing-required");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("S3ReadPolicy needs BucketName"), std::string::npos)
      << errors[0].message;
}

TEST_F(SamTransformTest, UnsupportedEventTypeIsReported) {
  Load(R"(Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: x
      Events:
        Queue:
          Type: SQS
          Properties:
            Queue: arn:aws:sqs:eu-west-1:123456789012:q
)");
  auto errors = WithCode("unsupported-event");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("'SQS'"), std::string::npos) << errors[0].message;
  EXPECT_NE(errors[0].message.find("Kinesis, Schedule"), std::string::npos) << errors[0].message;
  EXPECT_EQ(errors[0].location.line, 11);
  EXPECT_EQ(errors[0].location.column, 17);
  EXPECT_EQ(errors[0].pointer, "/Resources/F/Properties/Events/Queue/Type");
  EXPECT_EQ(diagnostics_.error_count(), 1);
  EXPECT_EQ(Ids(), (std::vector<std::string>{"F", "FRole"}));
}

TEST_F(SamTransformTest, KinesisEventWithoutStreamIsReported) {
  Load(R"(Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: x
      Events:
        Records:
          Type: Kinesis
          Properties:
            StartingPosition: LATEST
)");
  auto errors = WithCode("missing-required");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("Stream"), std::string::npos) << errors[0].message;
}

TEST_F(SamTransformTest, UnknownEventPropertyIsReportedWithHint) {
  Load(R"(Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: x
      Events:
        Tick:
          Type: Schedule
          Properties:
            Schedul: rate(1 hour)
)");
  auto errors = WithCode("unknown-property");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("'Schedul'"), std::string::npos) << errors[0].message;
  EXPECT_EQ(errors[0].hint, "did you mean 'Schedule'?");
  EXPECT_EQ(errors[0].location.line, 13);
}

TEST_F(SamTransformTest, ScheduleEnabledFalseDisablesTheRule) {
  LoadOk(R"(Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: x
      Events:
        Tick:
          Type: Schedule
          Properties:
            Schedule: cron(0 12 * * ? *)
            Enabled: false
            Name: tick-rule
            Input: '{"k": 1}'
)");
  EXPECT_EQ(Property("FTick", "State"), Str("DISABLED"));
  EXPECT_EQ(Property("FTick", "Name"), Str("tick-rule"));
  EXPECT_EQ(Property("FTick", "Targets"),
            Value::List({Value::Map({{"Arn", GetAtt("F", "Arn")},
                                     {"Id", Str("FTickLambdaTarget")},
                                     {"Input", Str("{\"k\": 1}")}})}));
}

TEST_F(SamTransformTest, UnknownFunctionPropertyIsReportedWithHint) {
  Load(R"(Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: x
      Timout: 30
)");
  auto errors = WithCode("unknown-property");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("'Timout'"), std::string::npos) << errors[0].message;
  EXPECT_EQ(errors[0].hint, "did you mean 'Timeout'?");
  EXPECT_EQ(errors[0].location.line, 9);
  EXPECT_EQ(errors[0].location.column, 7);
  EXPECT_EQ(errors[0].pointer, "/Resources/F/Properties/Timout");
}

TEST_F(SamTransformTest, UnsupportedFunctionPropertyIsReported) {
  Load(R"(Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: x
      AutoPublishAlias: live
)");
  auto errors = WithCode("engine-unsupported");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("'AutoPublishAlias'"), std::string::npos);
}

TEST_F(SamTransformTest, OtherServerlessTypesAreUnsupported) {
  Load(R"(Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
  Table:
    Type: AWS::Serverless::SimpleTable
  Stream:
    Type: AWS::Kinesis::Stream
)");
  auto errors = WithCode("unsupported-type");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].message.find("'AWS::Serverless::Api'"), std::string::npos)
      << errors[0].message;
  EXPECT_EQ(errors[0].location.line, 4);
  EXPECT_EQ(errors[0].pointer, "/Resources/Api/Type");
  EXPECT_NE(errors[1].message.find("'AWS::Serverless::SimpleTable'"), std::string::npos);
  EXPECT_EQ(diagnostics_.error_count(), 2);
  EXPECT_EQ(Ids(), (std::vector<std::string>{"Stream"}));
}

// SAM rejects a template where a generated resource takes the logical id of an existing one
// (DuplicateLogicalIdException); the generated role must not silently disappear.
TEST_F(SamTransformTest, GeneratedIdCollidingWithAnExistingResourceIsReported) {
  Load(R"(Resources:
  FRole:
    Type: AWS::S3::Bucket
  F:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: x
)");
  bool reported = false;
  for (const auto& d : diagnostics_.items()) {
    if (d.severity == Severity::kError && d.message.find("FRole") != std::string::npos) {
      reported = true;
    }
  }
  EXPECT_TRUE(reported) << "no error names FRole; resources: " << testing::PrintToString(Ids());
}

TEST_F(SamTransformTest, MisspelledServerlessFunctionTypeGetsAHint) {
  Load(R"(Resources:
  F:
    Type: AWS::Serverless::Functoin
)");
  auto errors = WithCode("unsupported-type");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].hint, "did you mean 'AWS::Serverless::Function'?");
}

// SAM gives the function's Condition (and DeletionPolicy, UpdateReplacePolicy) to every
// resource it generates for it, so none of them exists when the function does not.
TEST_F(SamTransformTest, FunctionConditionIsCarriedToEveryGeneratedResource) {
  LoadOk(R"(Parameters:
  Stage: {Type: String, Default: dev}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  Stream:
    Type: AWS::Kinesis::Stream
  F:
    Type: AWS::Serverless::Function
    Condition: IsProd
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: x
      Events:
        Records:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Stream.Arn
            StartingPosition: LATEST
        Tick:
          Type: Schedule
          Properties:
            Schedule: rate(1 hour)
)");
  for (const char* id : {"F", "FRole", "FRecords", "FTick", "FTickPermission"}) {
    EXPECT_EQ(Get(id).condition, "IsProd") << id;
  }
  EXPECT_EQ(Get("Stream").condition, "");
}

// SAM's pass-through attributes are Condition, DeletionPolicy and UpdateReplacePolicy
// (samtranslator Resource._pass_through_attributes).
TEST_F(SamTransformTest, FunctionRetentionPoliciesAreCarriedToEveryGeneratedResource) {
  LoadOk(R"(Resources:
  F:
    Type: AWS::Serverless::Function
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: x
      Events:
        Tick:
          Type: Schedule
          Properties:
            Schedule: rate(1 hour)
)");
  for (const char* id : {"F", "FRole", "FTick", "FTickPermission"}) {
    EXPECT_EQ(Get(id).deletion_policy, "Retain") << id;
    EXPECT_EQ(Get(id).update_replace_policy, "Retain") << id;
  }
}

TEST(IsSamTemplateTest, RecognisesTheTransformAsScalarOrList) {
  auto root = [](const std::string& text) {
    Diagnostics diagnostics;
    auto document = ParseYaml(text, "t.yaml", diagnostics);
    return document ? document->root : Node();
  };
  EXPECT_TRUE(IsSamTemplate(root("Transform: AWS::Serverless-2016-10-31\n")));
  EXPECT_TRUE(
      IsSamTemplate(root("Transform: [AWS::LanguageExtensions, "
                         "AWS::Serverless-2016-10-31]\n")));
  EXPECT_FALSE(IsSamTemplate(root("Transform: AWS::Include\n")));
  EXPECT_FALSE(IsSamTemplate(root("Resources: {}\n")));
}

TEST_F(SamTransformTest, PlainTemplateIsUntouched) {
  auto loaded = LoadTemplate(
      "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties: {InlineCode: x}\n",
      "plain.yaml", diagnostics_);
  ASSERT_TRUE(loaded.has_value());
  ASSERT_EQ(loaded->resources.size(), 1u);
  EXPECT_EQ(loaded->resources[0].type, "AWS::Serverless::Function");
}

}  // namespace
}  // namespace sf
