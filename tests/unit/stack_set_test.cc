// Tests of stack sets: loose files, projects, cross-stack imports and resolution.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "base/value.h"
#include "project/project_file.h"
#include "project/stack_set.h"

namespace sf {

// How gtest prints a Value in failure messages (the same in every test file).
inline void PrintTo(const Value& value, std::ostream* out) { *out << value.ToTaggedJson().dump(); }

namespace {

namespace fs = std::filesystem;

std::string SourcePath(const std::string& relative) {
  return std::string(STREAMFORM_SOURCE_DIR) + "/" + relative;
}

std::string Describe(const Diagnostics& diagnostics) {
  std::ostringstream out;
  for (const auto& d : diagnostics.items()) {
    out << "  " << SeverityName(d.severity) << " " << d.location.file << ":" << d.location.line
        << ":" << d.location.column << " [" << d.code << "] " << d.message << "\n";
  }
  return out.str();
}

std::vector<std::string> Errors(const Diagnostics& diagnostics, const std::string& code) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics.items()) {
    if (d.severity == Severity::kError && d.code == code) out.push_back(d.message);
  }
  return out;
}

const ResolvedResource* FindResource(const ResolvedStack& stack, const std::string& id) {
  for (const auto& resource : stack.resources) {
    if (resource.logical_id == id) return &resource;
  }
  return nullptr;
}

const ResolvedOutput* FindOutput(const ResolvedStack& stack, const std::string& name) {
  for (const auto& output : stack.outputs) {
    if (output.name == name) return &output;
  }
  return nullptr;
}

// The value at a path of map keys, or nullptr.
const Value* At(const Value& value, const std::vector<std::string>& path) {
  const Value* current = &value;
  for (const auto& key : path) {
    current = current->IsMap() ? current->Find(key) : nullptr;
    if (current == nullptr) return nullptr;
  }
  return current;
}

std::vector<std::string> StackNames(const StackSet& set) {
  std::vector<std::string> names;
  for (const auto& stack : set.stacks) names.push_back(stack.name);
  return names;
}

std::vector<std::string> CorpusFiles(const std::string& folder) {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(SourcePath("tests/templates/" + folder))) {
    std::string extension = entry.path().extension().string();
    if (extension == ".yaml" || extension == ".json") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// A project from tests/templates/projects/<name> (or any directory) for `stage`.
struct ProjectRun {
  std::optional<Project> project;
  StackSet set;
  Diagnostics diagnostics;
};

ProjectRun BuildProject(const std::string& directory, const std::string& stage) {
  ProjectRun run;
  run.project = LoadProject(directory, run.diagnostics);
  if (!run.project) {
    ADD_FAILURE() << "cannot load " << directory << "\n" << Describe(run.diagnostics);
    return run;
  }
  const Stage* found = run.project->FindStage(stage);
  if (found == nullptr) {
    ADD_FAILURE() << "no stage " << stage << " in " << directory;
    return run;
  }
  run.set = BuildProjectStackSet(*run.project, *found, run.diagnostics);
  return run;
}

StackSource InMemory(const std::string& name, const std::string& text) {
  StackSource source;
  source.name = name;
  source.path = name + ".yaml";
  source.text = text;
  source.stack_name = "test-" + name;
  return source;
}

GivenParameter Given(Value value) {
  return GivenParameter{std::move(value), {"streamform.yaml", 1, 1}, "/x"};
}

// --- The template corpus ---------------------------------------------------------------------

TEST(StackSetCorpusTest, EveryValidFileHasNoErrors) {
  auto files = CorpusFiles("valid");
  EXPECT_GE(files.size(), 17u);
  for (const auto& file : files) {
    SCOPED_TRACE(file);
    Diagnostics diagnostics;
    StackSet set = BuildFileStackSet({file}, diagnostics);
    EXPECT_EQ(diagnostics.error_count(), 0) << Describe(diagnostics);
    ASSERT_EQ(set.stacks.size(), 1u);
    EXPECT_EQ(set.stacks[0].name, fs::path(file).stem().string());
    EXPECT_FALSE(set.stacks[0].resources.empty());
  }
}

TEST(StackSetCorpusTest, EveryInvalidFileHasAnError) {
  for (const auto& file : CorpusFiles("invalid")) {
    SCOPED_TRACE(file);
    Diagnostics diagnostics;
    BuildFileStackSet({file}, diagnostics);
    EXPECT_GT(diagnostics.error_count(), 0);
  }
}

TEST(StackSetCorpusTest, SamFunctionExpandsInAStackSet) {
  Diagnostics diagnostics;
  StackSet set = BuildFileStackSet(
      {SourcePath("tests/templates/valid/sam-scheduled-function.yaml")}, diagnostics);
  ASSERT_EQ(set.stacks.size(), 1u);
  std::vector<std::string> types;
  for (const auto& resource : set.stacks[0].resources) types.push_back(resource.type);
  EXPECT_NE(std::find(types.begin(), types.end(), "AWS::Lambda::Function"), types.end());
  EXPECT_NE(std::find(types.begin(), types.end(), "AWS::Events::Rule"), types.end());
  EXPECT_NE(std::find(types.begin(), types.end(), "AWS::Lambda::Permission"), types.end());
  EXPECT_EQ(std::find(types.begin(), types.end(), "AWS::Serverless::Function"), types.end());
}

// --- The reference project -------------------------------------------------------------------

TEST(ReferenceProjectTest, DevHasNoErrorsAndFourStacksInOrder) {
  ProjectRun run = BuildProject(SourcePath("stacks"), "dev");
  EXPECT_EQ(run.diagnostics.error_count(), 0) << Describe(run.diagnostics);
  EXPECT_EQ(StackNames(run.set),
            (std::vector<std::string>{"data-sources", "delivery", "stream", "alarms"}));
  EXPECT_EQ(run.set.stage, "dev");
  EXPECT_EQ(run.set.region, "eu-west-1");
  EXPECT_EQ(run.set.account, "123456789012");
  const ResolvedStack* stream = run.set.FindStack("stream");
  ASSERT_NE(stream, nullptr);
  EXPECT_EQ(stream->stack_name, "streaming-pipeline-dev-stream");
}

TEST(ReferenceProjectTest, ProdHasNoErrorsAndFourStacksInOrder) {
  ProjectRun run = BuildProject(SourcePath("stacks"), "prod");
  EXPECT_EQ(run.diagnostics.error_count(), 0) << Describe(run.diagnostics);
  EXPECT_EQ(StackNames(run.set),
            (std::vector<std::string>{"data-sources", "delivery", "stream", "alarms"}));
  EXPECT_EQ(run.set.account, "210987654321");
}

TEST(ReferenceProjectTest, StreamShardCountComesFromTheStage) {
  for (const auto& [stage, shards] : {std::pair{"dev", "2"}, std::pair{"prod", "4"}}) {
    SCOPED_TRACE(stage);
    ProjectRun run = BuildProject(SourcePath("stacks"), stage);
    const ResolvedStack* stack = run.set.FindStack("stream");
    ASSERT_NE(stack, nullptr);
    EXPECT_EQ(stack->parameters.at("ShardCount"), Value::Number(shards));
    const ResolvedResource* stream = FindResource(*stack, "Stream");
    ASSERT_NE(stream, nullptr);
    EXPECT_EQ(stream->type, "AWS::Kinesis::Stream");
    const Value* count = stream->properties.Find("ShardCount");
    ASSERT_NE(count, nullptr);
    EXPECT_EQ(*count, Value::Number(shards));
    EXPECT_EQ(*stream->properties.Find("Name"),
              Value::String(std::string("streaming-pipeline-") + stage + "-stream"));
  }
}

TEST(ReferenceProjectTest, RefToNamedBucketIsKnownAndGetAttArnIsUnknown) {
  ProjectRun run = BuildProject(SourcePath("stacks"), "dev");
  const ResolvedStack* data = run.set.FindStack("data-sources");
  ASSERT_NE(data, nullptr);
  const ResolvedOutput* name = FindOutput(*data, "OutputBucketName");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->value, Value::String("streaming-pipeline-dev-output"));
  EXPECT_EQ(name->export_name, "streaming-pipeline-dev-OutputBucketName");
  const ResolvedOutput* arn = FindOutput(*data, "OutputBucketArn");
  ASSERT_NE(arn, nullptr);
  ASSERT_TRUE(arn->value.IsUnknown());
  EXPECT_EQ(arn->value.text(), "OutputBucket.Arn");
}

TEST(ReferenceProjectTest, ImportResolvesToTheExportersValue) {
  ProjectRun run = BuildProject(SourcePath("stacks"), "prod");
  const ResolvedStack* stream = run.set.FindStack("stream");
  ASSERT_NE(stream, nullptr);
  const ResolvedResource* function = FindResource(*stream, "WriteToBucketFunction");
  ASSERT_NE(function, nullptr);
  EXPECT_EQ(function->type, "AWS::Lambda::Function");
  const Value* bucket = At(function->properties, {"Environment", "Variables", "OUTPUT_BUCKET"});
  ASSERT_NE(bucket, nullptr);
  EXPECT_EQ(*bucket, Value::String("streaming-pipeline-prod-output"));
  // The delivery stream's name is set in its template, so its Ref is known too.
  const ResolvedResource* forward = FindResource(*stream, "ForwardToDeliveryFunction");
  ASSERT_NE(forward, nullptr);
  const Value* delivery =
      At(forward->properties, {"Environment", "Variables", "DELIVERY_STREAM_NAME"});
  ASSERT_NE(delivery, nullptr);
  EXPECT_EQ(*delivery, Value::String("streaming-pipeline-prod-delivery"));
  std::vector<std::string> imports = stream->imports_from;
  std::sort(imports.begin(), imports.end());
  EXPECT_EQ(imports, (std::vector<std::string>{"data-sources", "delivery"}));
}

TEST(ReferenceProjectTest, StackGraphHasTheImportEdges) {
  ProjectRun run = BuildProject(SourcePath("stacks"), "dev");
  EXPECT_EQ(run.set.stack_graph.TopologicalOrder(),
            (std::vector<std::string>{"data-sources", "delivery", "stream", "alarms"}));
  bool stream_to_delivery = false;
  for (const auto& edge : run.set.stack_graph.edges()) {
    if (edge.from == "stream" && edge.to == "delivery") stream_to_delivery = true;
    EXPECT_EQ(edge.label.rfind("ImportValue ", 0), 0u) << edge.label;
  }
  EXPECT_TRUE(stream_to_delivery);
  EXPECT_TRUE(run.set.stack_graph.Cycles().empty());
  EXPECT_TRUE(run.set.resource_graph.Cycles().empty());
}

// --- The project corpus ----------------------------------------------------------------------

TEST(ProjectCorpusTest, GoodProjectIsValidInBothStages) {
  for (const char* stage : {"dev", "prod"}) {
    SCOPED_TRACE(stage);
    ProjectRun run = BuildProject(SourcePath("tests/templates/projects/good"), stage);
    EXPECT_EQ(run.diagnostics.error_count(), 0) << Describe(run.diagnostics);
    EXPECT_EQ(StackNames(run.set), (std::vector<std::string>{"storage", "stream"}));
    const ResolvedStack* stream = run.set.FindStack("stream");
    ASSERT_NE(stream, nullptr);
    const ResolvedResource* consumer = FindResource(*stream, "Consumer");
    ASSERT_NE(consumer, nullptr);
    const Value* bucket = At(consumer->properties, {"Environment", "Variables", "OUTPUT_BUCKET"});
    ASSERT_NE(bucket, nullptr);
    EXPECT_EQ(*bucket, Value::String(std::string("good-") + stage + "-output"));
  }
}

TEST(ProjectCorpusTest, ImportCycleIsADependencyCycle) {
  ProjectRun run = BuildProject(SourcePath("tests/templates/projects/import-cycle"), "dev");
  auto cycles = Errors(run.diagnostics, "dependency-cycle");
  ASSERT_EQ(cycles.size(), 1u) << Describe(run.diagnostics);
  EXPECT_NE(cycles[0].find("left"), std::string::npos) << cycles[0];
  EXPECT_NE(cycles[0].find("right"), std::string::npos) << cycles[0];
  EXPECT_FALSE(run.set.stack_graph.TopologicalOrder().has_value());
}

TEST(ProjectCorpusTest, BadImportIsUnresolved) {
  ProjectRun run = BuildProject(SourcePath("tests/templates/projects/bad-import"), "dev");
  ASSERT_EQ(run.diagnostics.error_count(), 1) << Describe(run.diagnostics);
  const Diagnostic& d = run.diagnostics.items()[0];
  EXPECT_EQ(d.code, "unresolved-import");
  EXPECT_NE(d.message.find("'bad-import-dev-OutputBucketArn'"), std::string::npos) << d.message;
  EXPECT_EQ(fs::path(d.location.file).filename(), "stream.yaml");
  EXPECT_EQ(d.location.line, 18);
}

TEST(ProjectCorpusTest, BadParameterReportsBothValuesWhereTheStageGivesThem) {
  ProjectRun dev = BuildProject(SourcePath("tests/templates/projects/bad-parameter"), "dev");
  ASSERT_EQ(dev.diagnostics.error_count(), 2) << Describe(dev.diagnostics);
  dev.diagnostics.SortAndDedupe();
  const Diagnostic& values = dev.diagnostics.items()[0];
  EXPECT_EQ(values.code, "allowed-values");
  EXPECT_NE(values.message.find("'VERBOSE'"), std::string::npos) << values.message;
  EXPECT_EQ(fs::path(values.location.file).filename(), "streamform.yaml");
  EXPECT_EQ(values.location.line, 20);
  EXPECT_EQ(values.pointer, "/stages/dev/parameters/stream/LogLevel");
  const Diagnostic& pattern = dev.diagnostics.items()[1];
  EXPECT_EQ(pattern.code, "allowed-pattern");
  EXPECT_NE(pattern.message.find("'Orders_Stream'"), std::string::npos) << pattern.message;
  EXPECT_EQ(pattern.location.line, 20);

  ProjectRun prod = BuildProject(SourcePath("tests/templates/projects/bad-parameter"), "prod");
  EXPECT_EQ(prod.diagnostics.error_count(), 0) << Describe(prod.diagnostics);
}

TEST(ProjectCorpusTest, UnknownStackParameterIsReportedWithHint) {
  ProjectRun run = BuildProject(SourcePath("tests/templates/projects/unknown-stack-param"), "dev");
  ASSERT_EQ(run.diagnostics.error_count(), 1) << Describe(run.diagnostics);
  const Diagnostic& d = run.diagnostics.items()[0];
  EXPECT_EQ(d.code, "unknown-parameter");
  EXPECT_EQ(d.hint, "did you mean 'ShardCount'?");
  EXPECT_EQ(d.location.line, 19);
}

// --- In-memory stacks ------------------------------------------------------------------------

constexpr const char* kConditional = R"(Parameters:
  Stage: {Type: String, Default: dev}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  Archive:
    Type: AWS::S3::Bucket
    Condition: IsProd
  Stream:
    Type: AWS::Kinesis::Stream
    Properties:
      ShardCount: !If [IsProd, 4, 1]
)";

TEST(StackSetTest, ResourceWithFalseConditionIsDisabled) {
  Diagnostics diagnostics;
  StackSet set = BuildStackSet({InMemory("s", kConditional)}, StackSetOptions{}, diagnostics);
  EXPECT_EQ(diagnostics.error_count(), 0) << Describe(diagnostics);
  ASSERT_EQ(set.stacks.size(), 1u);
  const ResolvedStack& stack = set.stacks[0];
  EXPECT_FALSE(stack.conditions.at("IsProd"));
  ASSERT_NE(FindResource(stack, "Archive"), nullptr);
  EXPECT_FALSE(FindResource(stack, "Archive")->enabled);
  EXPECT_TRUE(FindResource(stack, "Stream")->enabled);
  EXPECT_EQ(*FindResource(stack, "Stream")->properties.Find("ShardCount"), Value::Number("1"));
}

TEST(StackSetTest, ResourceWithTrueConditionIsEnabled) {
  StackSource source = InMemory("s", kConditional);
  source.given["Stage"] = Given(Value::String("prod"));
  Diagnostics diagnostics;
  StackSet set = BuildStackSet({source}, StackSetOptions{}, diagnostics);
  EXPECT_EQ(diagnostics.error_count(), 0) << Describe(diagnostics);
  ASSERT_EQ(set.stacks.size(), 1u);
  EXPECT_TRUE(set.stacks[0].conditions.at("IsProd"));
  EXPECT_TRUE(FindResource(set.stacks[0], "Archive")->enabled);
  EXPECT_EQ(*FindResource(set.stacks[0], "Stream")->properties.Find("ShardCount"),
            Value::Number("4"));
}

TEST(StackSetTest, RefToNamedBucketIsItsNameAndUnnamedIsUnknown) {
  Diagnostics diagnostics;
  StackSet set = BuildStackSet({InMemory("s", R"(Resources:
  Named:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: my-literal-bucket
  Unnamed:
    Type: AWS::S3::Bucket
  Stream:
    Type: AWS::Kinesis::Stream
    Properties:
      ShardCount: 1
      Tags:
        - {Key: named, Value: !Ref Named}
        - {Key: unnamed, Value: !Ref Unnamed}
        - {Key: arn, Value: !GetAtt Named.Arn}
)")},
                               StackSetOptions{}, diagnostics);
  EXPECT_EQ(diagnostics.error_count(), 0) << Describe(diagnostics);
  ASSERT_EQ(set.stacks.size(), 1u);
  const ResolvedStack& stack = set.stacks[0];
  // Dependencies first: both buckets come before the stream that refers to them.
  ASSERT_EQ(stack.resources.size(), 3u);
  EXPECT_EQ(stack.resources[2].logical_id, "Stream");
  const ResolvedResource* stream = FindResource(stack, "Stream");
  std::vector<std::string> depends = stream->depends_on;
  std::sort(depends.begin(), depends.end());
  EXPECT_EQ(depends, (std::vector<std::string>{"Named", "Unnamed"}));
  const Value& tags = *stream->properties.Find("Tags");
  ASSERT_EQ(tags.items().size(), 3u);
  EXPECT_EQ(*tags.items()[0].Find("Value"), Value::String("my-literal-bucket"));
  const Value& unnamed = *tags.items()[1].Find("Value");
  ASSERT_TRUE(unnamed.IsUnknown());
  EXPECT_EQ(unnamed.text(), "Unnamed");
  const Value& arn = *tags.items()[2].Find("Value");
  ASSERT_TRUE(arn.IsUnknown());
  EXPECT_EQ(arn.text(), "Named.Arn");
}

TEST(StackSetTest, UnknownAttributeIsReported) {
  Diagnostics diagnostics;
  BuildStackSet({InMemory("s", R"(Resources:
  Stream:
    Type: AWS::Kinesis::Stream
    Properties:
      ShardCount: 1
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      Tags:
        - Key: source
          Value: !GetAtt Stream.StreamArn
)")},
                StackSetOptions{}, diagnostics);
  ASSERT_EQ(diagnostics.error_count(), 1) << Describe(diagnostics);
  const Diagnostic& d = diagnostics.items()[0];
  EXPECT_EQ(d.code, "unknown-attribute");
  EXPECT_NE(d.message.find("AWS::Kinesis::Stream has no attribute 'StreamArn'"), std::string::npos)
      << d.message;
  EXPECT_NE(d.message.find("Arn"), std::string::npos);
  EXPECT_EQ(d.location.file, "s.yaml");
  EXPECT_EQ(d.location.line, 11);
}

constexpr const char* kExporter = R"(Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: shared-bucket
Outputs:
  BucketName:
    Value: !Ref Bucket
    Export:
      Name: !Sub "${AWS::StackName}-BucketName"
  BucketArn:
    Value: !GetAtt Bucket.Arn
    Export:
      Name: shared-BucketArn
)";

constexpr const char* kImporter = R"(Resources:
  Stream:
    Type: AWS::Kinesis::Stream
    Properties:
      ShardCount: 1
      Tags:
        - Key: bucket
          Value: !ImportValue test-exporter-BucketName
        - Key: arn
          Value: !ImportValue shared-BucketArn
)";

TEST(StackSetTest, CrossStackImportResolvesToTheExportersValue) {
  Diagnostics diagnostics;
  // The importer is listed first; the exporter must still be resolved first.
  StackSet set = BuildStackSet({InMemory("importer", kImporter), InMemory("exporter", kExporter)},
                               StackSetOptions{}, diagnostics);
  EXPECT_EQ(diagnostics.error_count(), 0) << Describe(diagnostics);
  EXPECT_EQ(StackNames(set), (std::vector<std::string>{"exporter", "importer"}));
  const ResolvedStack* importer = set.FindStack("importer");
  ASSERT_NE(importer, nullptr);
  EXPECT_EQ(importer->imports_from, (std::vector<std::string>{"exporter"}));
  const Value& tags = *FindResource(*importer, "Stream")->properties.Find("Tags");
  ASSERT_EQ(tags.items().size(), 2u);
  EXPECT_EQ(*tags.items()[0].Find("Value"), Value::String("shared-bucket"));
  EXPECT_TRUE(tags.items()[1].Find("Value")->IsUnknown());

  const ResolvedStack* exporter = set.FindStack("exporter");
  ASSERT_NE(exporter, nullptr);
  EXPECT_EQ(FindOutput(*exporter, "BucketName")->export_name, "test-exporter-BucketName");

  ASSERT_EQ(set.stack_graph.edges().size(), 1u);
  EXPECT_EQ(set.stack_graph.edges()[0].from, "importer");
  EXPECT_EQ(set.stack_graph.edges()[0].to, "exporter");
  bool cross = false;
  for (const auto& edge : set.resource_graph.edges()) {
    if (edge.from == "importer/Stream" && edge.to == "exporter/Bucket") cross = true;
  }
  EXPECT_TRUE(cross) << set.resource_graph.ToText();
}

// Ref of a bucket with a BucketName is known (stack_set.h), in an export name as anywhere.
TEST(StackSetTest, ExportNameMayUseARefToANamedResource) {
  StackSetOptions options;
  options.project_mode = true;
  Diagnostics diagnostics;
  StackSet set = BuildStackSet({InMemory("exporter", R"(Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties: {BucketName: named}
Outputs:
  Name:
    Value: !Ref Bucket
    Export: {Name: !Sub "${Bucket}-export"}
)"),
                                InMemory("importer", R"(Resources:
  Other:
    Type: AWS::S3::Bucket
    Properties:
      Tags: [{Key: k, Value: !ImportValue named-export}]
)")},
                               options, diagnostics);
  EXPECT_EQ(diagnostics.error_count(), 0) << Describe(diagnostics);
  const ResolvedStack* exporter = set.FindStack("exporter");
  ASSERT_NE(exporter, nullptr);
  EXPECT_EQ(FindOutput(*exporter, "Name")->export_name, "named-export");
  const ResolvedStack* importer = set.FindStack("importer");
  ASSERT_NE(importer, nullptr);
  const Value& tags = *FindResource(*importer, "Other")->properties.Find("Tags");
  EXPECT_EQ(*tags.items()[0].Find("Value"), Value::String("named"));
}

TEST(StackSetTest, MissingExportIsAnErrorInProjectModeAndAWarningForLooseFiles) {
  StackSetOptions project;
  project.project_mode = true;
  Diagnostics strict;
  BuildStackSet({InMemory("importer", kImporter)}, project, strict);
  auto errors = Errors(strict, "unresolved-import");
  EXPECT_EQ(errors.size(), 2u) << Describe(strict);

  Diagnostics loose;
  StackSet set = BuildStackSet({InMemory("importer", kImporter)}, StackSetOptions{}, loose);
  EXPECT_EQ(loose.error_count(), 0) << Describe(loose);
  EXPECT_EQ(loose.warning_count(), 2) << Describe(loose);
  EXPECT_EQ(loose.items()[0].code, "unchecked-import");
  const Value& tags = *FindResource(set.stacks[0], "Stream")->properties.Find("Tags");
  EXPECT_TRUE(tags.items()[0].Find("Value")->IsUnknown());
}

TEST(StackSetTest, DuplicateExportIsReported) {
  Diagnostics diagnostics;
  BuildStackSet({InMemory("one", kExporter), InMemory("two", kExporter)}, StackSetOptions{},
                diagnostics);
  // Each stack's name export differs (it uses AWS::StackName); shared-BucketArn does not.
  auto duplicates = Errors(diagnostics, "duplicate-export");
  ASSERT_EQ(duplicates.size(), 1u) << Describe(diagnostics);
  EXPECT_NE(duplicates[0].find("'shared-BucketArn'"), std::string::npos) << duplicates[0];
  EXPECT_NE(duplicates[0].find("'one'"), std::string::npos) << duplicates[0];
}

TEST(StackSetTest, ImportCycleBetweenInMemoryStacks) {
  const char* left = R"(Resources:
  Stream:
    Type: AWS::Kinesis::Stream
    Properties:
      ShardCount: 1
      Tags: [{Key: k, Value: !ImportValue right-name}]
Outputs:
  Name: {Value: !Ref Stream, Export: {Name: left-name}}
)";
  const char* right = R"(Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      Tags: [{Key: k, Value: !ImportValue left-name}]
Outputs:
  Name: {Value: !Ref Bucket, Export: {Name: right-name}}
)";
  Diagnostics diagnostics;
  StackSet set = BuildStackSet({InMemory("left", left), InMemory("right", right)},
                               StackSetOptions{}, diagnostics);
  auto cycles = Errors(diagnostics, "dependency-cycle");
  ASSERT_EQ(cycles.size(), 1u) << Describe(diagnostics);
  EXPECT_NE(cycles[0].find("left -> right -> left"), std::string::npos) << cycles[0];
  EXPECT_EQ(set.stacks.size(), 2u);  // still resolved, in the order given
}

TEST(StackSetTest, CircularResourceDependencyIsReported) {
  Diagnostics diagnostics;
  StackSet set = BuildStackSet({InMemory("s", R"(Resources:
  A:
    Type: AWS::S3::Bucket
    DependsOn: B
  B:
    Type: AWS::S3::Bucket
    Properties:
      Tags: [{Key: k, Value: !Ref A}]
)")},
                               StackSetOptions{}, diagnostics);
  auto cycles = Errors(diagnostics, "dependency-cycle");
  ASSERT_EQ(cycles.size(), 1u) << Describe(diagnostics);
  EXPECT_NE(cycles[0].find("A"), std::string::npos);
  EXPECT_NE(cycles[0].find("B"), std::string::npos);
  ASSERT_EQ(set.stacks.size(), 1u);
  EXPECT_EQ(set.stacks[0].resources.size(), 2u);
}

TEST(StackSetTest, DependsOnUnknownResourceIsReportedWithHint) {
  Diagnostics diagnostics;
  BuildStackSet({InMemory("s", R"(Resources:
  OutputBucket:
    Type: AWS::S3::Bucket
  Stream:
    Type: AWS::Kinesis::Stream
    DependsOn: OutputBuckt
    Properties: {ShardCount: 1}
)")},
                StackSetOptions{}, diagnostics);
  auto errors = Errors(diagnostics, "unresolved-ref");
  ASSERT_EQ(errors.size(), 1u) << Describe(diagnostics);
  EXPECT_NE(errors[0].find("'OutputBuckt'"), std::string::npos);
  EXPECT_EQ(diagnostics.items()[0].hint, "did you mean 'OutputBucket'?");
  EXPECT_EQ(diagnostics.items()[0].location.line, 6);
}

TEST(StackSetTest, PseudoParametersComeFromTheOptions) {
  StackSetOptions options;
  options.region = "cn-north-1";
  options.account = "111122223333";
  Diagnostics diagnostics;
  StackSource source = InMemory("s", R"(Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${AWS::StackName}-${AWS::Region}-${AWS::AccountId}-${AWS::Partition}"
)");
  StackSet set = BuildStackSet({source}, options, diagnostics);
  EXPECT_EQ(diagnostics.error_count(), 0) << Describe(diagnostics);
  ASSERT_EQ(set.stacks.size(), 1u);
  EXPECT_EQ(*set.stacks[0].resources[0].properties.Find("BucketName"),
            Value::String("test-s-cn-north-1-111122223333-aws-cn"));
  EXPECT_EQ(set.stacks[0].parameters.at("AWS::URLSuffix"), Value::String("amazonaws.com.cn"));
}

TEST(StackSetTest, CommonParametersApplyOnlyWhereDeclared) {
  StackSource source = InMemory("s", R"(Parameters:
  Stage: {Type: String, AllowedValues: [dev, prod], Default: dev}
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "b-${Stage}"
)");
  source.common["Stage"] = Given(Value::String("prod"));
  source.common["Unrelated"] = Given(Value::String("x"));
  StackSetOptions options;
  options.project_mode = true;
  Diagnostics diagnostics;
  StackSet set = BuildStackSet({source}, options, diagnostics);
  EXPECT_EQ(diagnostics.error_count(), 0) << Describe(diagnostics);
  EXPECT_EQ(*set.stacks[0].resources[0].properties.Find("BucketName"), Value::String("b-prod"));
}

TEST(StackSetTest, StageValueForUndeclaredParameterIsAnErrorInProjectMode) {
  StackSource source = InMemory("s", R"(Parameters:
  ShardCount: {Type: Number, Default: 1}
Resources:
  Stream:
    Type: AWS::Kinesis::Stream
    Properties: {ShardCount: !Ref ShardCount}
)");
  source.given["ShardCont"] = Given(Value::Number("2"));
  StackSetOptions options;
  options.project_mode = true;
  Diagnostics diagnostics;
  BuildStackSet({source}, options, diagnostics);
  auto errors = Errors(diagnostics, "unknown-parameter");
  ASSERT_EQ(errors.size(), 1u) << Describe(diagnostics);
  EXPECT_EQ(diagnostics.items()[0].hint, "did you mean 'ShardCount'?");
}

TEST(StackSetTest, SchemaProblemsAreReportedAtTheirSource) {
  Diagnostics diagnostics;
  BuildStackSet({InMemory("s", R"(Resources:
  Stream:
    Type: AWS::Kinesis::Stream
    Properties:
      ShardCount: "two"
      ShardCont: 1
)")},
                StackSetOptions{}, diagnostics);
  ASSERT_EQ(diagnostics.error_count(), 2) << Describe(diagnostics);
  diagnostics.SortAndDedupe();
  EXPECT_EQ(diagnostics.items()[0].code, "wrong-type");
  EXPECT_EQ(diagnostics.items()[0].location.line, 5);
  EXPECT_EQ(diagnostics.items()[0].location.column, 19);
  EXPECT_EQ(diagnostics.items()[0].pointer, "/Resources/Stream/Properties/ShardCount");
  EXPECT_EQ(diagnostics.items()[1].code, "unknown-property");
  EXPECT_EQ(diagnostics.items()[1].location.line, 6);
  EXPECT_EQ(diagnostics.items()[1].hint, "did you mean 'ShardCount'?");
}

TEST(StackSetTest, UnknownTypeIsReportedWithHint) {
  Diagnostics diagnostics;
  BuildStackSet({InMemory("s", "Resources:\n  S:\n    Type: AWS::Kinesis::Steam\n")},
                StackSetOptions{}, diagnostics);
  auto errors = Errors(diagnostics, "unknown-type");
  ASSERT_EQ(errors.size(), 1u) << Describe(diagnostics);
  EXPECT_EQ(diagnostics.items()[0].hint, "did you mean 'AWS::Kinesis::Stream'?");
  EXPECT_EQ(diagnostics.items()[0].location.line, 3);
}

TEST(StackSetTest, ReadOnlyPropertyIsReported) {
  Diagnostics diagnostics;
  BuildStackSet({InMemory("s", R"(Resources:
  Stream:
    Type: AWS::Kinesis::Stream
    Properties:
      ShardCount: 1
      Arn: arn:aws:kinesis:eu-west-1:123456789012:stream/s
)")},
                StackSetOptions{}, diagnostics);
  auto errors = Errors(diagnostics, "read-only-property");
  ASSERT_EQ(errors.size(), 1u) << Describe(diagnostics);
  EXPECT_NE(errors[0].find("'Arn'"), std::string::npos) << errors[0];
  EXPECT_EQ(diagnostics.error_count(), 1) << Describe(diagnostics);
}

TEST(StackSetTest, SnapshotPolicyIsReported) {
  Diagnostics diagnostics;
  BuildStackSet({InMemory("s", R"(Resources:
  Bucket:
    Type: AWS::S3::Bucket
    DeletionPolicy: Snapshot
)")},
                StackSetOptions{}, diagnostics);
  ASSERT_EQ(diagnostics.error_count(), 1) << Describe(diagnostics);
  EXPECT_EQ(diagnostics.items()[0].code, "invalid-value");
  EXPECT_NE(diagnostics.items()[0].message.find("Snapshot"), std::string::npos);
  EXPECT_EQ(diagnostics.items()[0].location.line, 4);
}

TEST(StackSetTest, ServerlessTypeWithoutTransformIsReported) {
  Diagnostics diagnostics;
  BuildStackSet({InMemory("s", R"(Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: x
)")},
                StackSetOptions{}, diagnostics);
  auto errors = Errors(diagnostics, "missing-transform");
  ASSERT_EQ(errors.size(), 1u) << Describe(diagnostics);
  EXPECT_NE(errors[0].find("AWS::Serverless-2016-10-31"), std::string::npos) << errors[0];
}

TEST(StackSetTest, LocalCodeUriMustExistNextToTheTemplate) {
  auto source = [](const std::string& code_uri) {
    StackSource s = InMemory("s", R"(Transform: AWS::Serverless-2016-10-31
Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: )" + code_uri + "\n");
    // Not a real file: only its directory matters.
    s.path = SourcePath("tests/templates/valid/in-memory.yaml");
    return s;
  };
  Diagnostics present;
  BuildStackSet({source("../functions/echo/")}, StackSetOptions{}, present);
  EXPECT_EQ(present.error_count(), 0) << Describe(present);

  Diagnostics missing;
  BuildStackSet({source("../functions/nope/")}, StackSetOptions{}, missing);
  auto errors = Errors(missing, "missing-code");
  ASSERT_EQ(errors.size(), 1u) << Describe(missing);
  EXPECT_NE(errors[0].find("'../functions/nope/'"), std::string::npos) << errors[0];
  EXPECT_EQ(missing.items()[0].location.line, 8);
}

TEST(StackSetTest, EngineUnsupportedPropertyIsAWarning) {
  Diagnostics diagnostics;
  BuildStackSet({InMemory("s", R"(Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration:
        Status: Enabled
)")},
                StackSetOptions{}, diagnostics);
  EXPECT_EQ(diagnostics.error_count(), 0) << Describe(diagnostics);
  ASSERT_EQ(diagnostics.warning_count(), 1) << Describe(diagnostics);
  const Diagnostic& d = diagnostics.items()[0];
  EXPECT_EQ(d.code, "engine-unsupported");
  EXPECT_NE(d.message.find("'VersioningConfiguration'"), std::string::npos) << d.message;
  EXPECT_EQ(d.location.line, 6);
  EXPECT_EQ(d.pointer, "/Resources/Bucket/Properties/VersioningConfiguration");
}

TEST(BuildFileStackSetTest, SameStemGetsANumberedName) {
  Diagnostics diagnostics;
  StackSet set = BuildFileStackSet({SourcePath("tests/templates/projects/good/storage.yaml"),
                                    SourcePath("tests/templates/projects/bad-import/storage.yaml")},
                                   diagnostics);
  EXPECT_EQ(diagnostics.error_count(), 0) << Describe(diagnostics);
  std::vector<std::string> names = StackNames(set);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"storage", "storage-2"}));
}

TEST(BuildFileStackSetTest, LooseFilesImportFromEachOther) {
  Diagnostics diagnostics;
  StackSet set = BuildFileStackSet({SourcePath("tests/templates/projects/good/stream.yaml"),
                                    SourcePath("tests/templates/projects/good/storage.yaml")},
                                   diagnostics);
  EXPECT_EQ(diagnostics.error_count(), 0) << Describe(diagnostics);
  EXPECT_EQ(diagnostics.warning_count(), 0) << Describe(diagnostics);
  EXPECT_EQ(StackNames(set), (std::vector<std::string>{"storage", "stream"}));
  const Value* bucket = At(FindResource(*set.FindStack("stream"), "Consumer")->properties,
                           {"Environment", "Variables", "OUTPUT_BUCKET"});
  ASSERT_NE(bucket, nullptr);
  EXPECT_EQ(*bucket, Value::String("good-dev-output"));
}

}  // namespace
}  // namespace sf
