// Validation and resolution of a generated 1,000-resource template (docs/performance.md).
// Each group of five resources is a stream, a bucket, a role, a function and a mapping,
// wired together with Ref, GetAtt and Sub as users write them.
//
//   build/bench/validate_bench [--benchmark_repetitions=5]

#include <benchmark/benchmark.h>

#include <string>

#include "base/yaml_document.h"
#include "project/stack_set.h"
#include "template/loader.h"

namespace {

std::string GenerateTemplate(int groups) {
  std::string t =
      "AWSTemplateFormatVersion: '2010-09-09'\n"
      "Parameters:\n"
      "  Stage: {Type: String, Default: dev, AllowedValues: [dev, prod]}\n"
      "  Shards: {Type: Number, Default: 2, MinValue: 1}\n"
      "Conditions:\n"
      "  IsProd: !Equals [!Ref Stage, prod]\n"
      "Resources:\n";
  for (int i = 0; i < groups; ++i) {
    std::string n = std::to_string(i);
    t += "  Stream" + n +
         ":\n    Type: AWS::Kinesis::Stream\n    Properties:\n"
         "      Name: !Sub '${Stage}-stream-" +
         n +
         "'\n"
         "      ShardCount: !If [IsProd, 4, !Ref Shards]\n"
         "      RetentionPeriodHours: 24\n"
         "      Tags: [{Key: stage, Value: !Ref Stage}]\n";
    t += "  Bucket" + n +
         ":\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Retain\n    Properties:\n"
         "      BucketName: !Sub '${AWS::AccountId}-${Stage}-out-" +
         n +
         "'\n"
         "      LifecycleConfiguration:\n        Rules: [{Id: expire, Status: Enabled, "
         "ExpirationInDays: 30}]\n";
    t += "  Role" + n +
         ":\n    Type: AWS::IAM::Role\n    Properties:\n"
         "      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n"
         "        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: "
         "sts:AssumeRole}]\n"
         "      Policies:\n        - PolicyName: write\n          PolicyDocument:\n"
         "            Version: '2012-10-17'\n"
         "            Statement: [{Effect: Allow, Action: s3:PutObject, Resource: !Sub '${Bucket" +
         n + ".Arn}/*'}]\n";
    t += "  Function" + n +
         ":\n    Type: AWS::Lambda::Function\n    Properties:\n"
         "      Handler: app.handler\n      Runtime: python3.12\n      Timeout: 30\n      "
         "MemorySize: 256\n"
         "      Role: !GetAtt Role" +
         n +
         ".Arn\n"
         "      Code: {ZipFile: 'def handler(e, c): return e'}\n"
         "      Environment: {Variables: {BUCKET: !Ref Bucket" +
         n + ", STAGE: !Ref Stage}}\n";
    t += "  Mapping" + n +
         ":\n    Type: AWS::Lambda::EventSourceMapping\n    Properties:\n"
         "      EventSourceArn: !GetAtt Stream" +
         n + ".Arn\n      FunctionName: !Ref Function" + n +
         "\n"
         "      StartingPosition: TRIM_HORIZON\n      BatchSize: 100\n"
         "      MaximumBatchingWindowInSeconds: 1\n      BisectBatchOnFunctionError: true\n";
  }
  t += "Outputs:\n  FirstStream:\n    Value: !GetAtt Stream0.Arn\n    Export: {Name: !Sub "
       "'${Stage}-first-stream'}\n";
  return t;
}

const std::string& Template1000() {
  static const std::string text = GenerateTemplate(200);
  return text;
}

void BM_Parse(benchmark::State& state) {
  for (auto _ : state) {
    sf::Diagnostics diagnostics;
    auto document = sf::ParseYaml(Template1000(), "bench.yaml", diagnostics);
    benchmark::DoNotOptimize(document);
  }
}
BENCHMARK(BM_Parse)->Unit(benchmark::kMillisecond);

void BM_Load(benchmark::State& state) {
  for (auto _ : state) {
    sf::Diagnostics diagnostics;
    auto tmpl = sf::LoadTemplate(Template1000(), "bench.yaml", diagnostics);
    benchmark::DoNotOptimize(tmpl);
  }
}
BENCHMARK(BM_Load)->Unit(benchmark::kMillisecond);

// The whole offline pipeline: parse, load, bind parameters, order, resolve every resource,
// validate it against its schema, build the graph.
void BM_ValidateAndResolve1000(benchmark::State& state) {
  sf::StackSource source;
  source.name = "bench";
  source.path = "bench.yaml";
  source.stack_name = "bench";
  source.text = Template1000();
  for (auto _ : state) {
    sf::Diagnostics diagnostics;
    sf::StackSet set = sf::BuildStackSet({source}, sf::StackSetOptions{}, diagnostics);
    if (diagnostics.has_errors() || set.stacks.front().resources.size() != 1000) {
      state.SkipWithError("the generated template did not validate cleanly");
      break;
    }
    benchmark::DoNotOptimize(set);
  }
}
BENCHMARK(BM_ValidateAndResolve1000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
