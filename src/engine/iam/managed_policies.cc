#include "engine/iam/managed_policies.h"

#include <deque>

namespace sf::engine::iam {

namespace {

struct Builtin {
  const char* path;  // after arn:aws:iam::aws:policy/
  const char* document;
};

// Copied from the AWS Managed Policy Reference (default versions).
const Builtin kBuiltins[] = {
    {"AdministratorAccess",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"},
    {"service-role/AWSLambdaBasicExecutionRole",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup",)"
     R"("logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]})"},
    {"service-role/AWSLambdaKinesisExecutionRole",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kinesis:DescribeStream",)"
     R"("kinesis:DescribeStreamSummary","kinesis:GetRecords","kinesis:GetShardIterator",)"
     R"("kinesis:ListShards","kinesis:ListStreams","kinesis:SubscribeToShard",)"
     R"("logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]})"},
    {"service-role/AWSLambdaDynamoDBExecutionRole",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:DescribeStream",)"
     R"("dynamodb:GetRecords","dynamodb:GetShardIterator","dynamodb:ListStreams",)"
     R"("logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]})"},
    {"service-role/AWSLambdaSQSQueueExecutionRole",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage",)"
     R"("sqs:DeleteMessage","sqs:GetQueueAttributes","logs:CreateLogGroup",)"
     R"("logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]})"},
    {"service-role/AWSLambdaRole",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:InvokeFunction"],)"
     R"("Resource":["*"]}]})"},
    {"AWSLambdaExecute",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:*"],)"
     R"("Resource":"arn:aws:logs:*:*:*"},{"Effect":"Allow","Action":["s3:GetObject",)"
     R"("s3:PutObject"],"Resource":"arn:aws:s3:::*"}]})"},
    {"AmazonKinesisFullAccess",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kinesis:*","Resource":"*"}]})"},
    {"AmazonKinesisReadOnlyAccess",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kinesis:Get*",)"
     R"("kinesis:List*","kinesis:Describe*"],"Resource":"*"}]})"},
    {"AmazonKinesisFirehoseFullAccess",
     R"({"Version":"2012-10-17","Statement":[{"Action":["firehose:*"],"Effect":"Allow",)"
     R"("Resource":"*"}]})"},
    {"AmazonS3FullAccess",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*",)"
     R"("s3-object-lambda:*"],"Resource":"*"}]})"},
    {"AmazonS3ReadOnlyAccess",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*",)"
     R"("s3:Describe*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]})"},
    {"service-role/CloudWatchEventsInvocationAccess",
     R"({"Version":"2012-10-17","Statement":[{"Sid":"CloudWatchEventsInvocationAccess",)"
     R"("Effect":"Allow","Action":["kinesis:PutRecord"],"Resource":"*"}]})"},
};

struct Table {
  std::deque<PolicyDocument> documents;  // stable addresses
  std::vector<ManagedPolicy> policies;
  std::vector<std::string> arns;
};

const Table& BuiltTable() {
  // Built in place and never destroyed: the views in `policies` point into `arns`.
  static const Table* const table = [] {
    auto* t = new Table;
    t->arns.reserve(std::size(kBuiltins));
    for (const Builtin& builtin : kBuiltins) {
      t->arns.push_back(std::string("arn:aws:iam::aws:policy/") + builtin.path);
    }
    for (size_t i = 0; i < std::size(kBuiltins); ++i) {
      auto parsed = ParsePolicy(kBuiltins[i].document, PolicyKind::kPermissions);
      // The documents are constants checked by tests/engine/iam; a failure here is a bug.
      t->documents.push_back(parsed ? std::move(*parsed) : PolicyDocument{});
      std::string_view arn = t->arns[i];
      t->policies.push_back(
          {arn, arn.substr(arn.rfind('/') + 1), kBuiltins[i].document, &t->documents.back()});
    }
    return t;
  }();
  return *table;
}

}  // namespace

const ManagedPolicy* FindManagedPolicy(std::string_view arn) {
  for (const ManagedPolicy& policy : BuiltTable().policies) {
    if (policy.arn == arn) return &policy;
  }
  return nullptr;
}

const std::vector<ManagedPolicy>& ManagedPolicies() { return BuiltTable().policies; }

}  // namespace sf::engine::iam
