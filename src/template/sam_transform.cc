#include "template/sam_transform.h"

#include <algorithm>

#include "base/strings.h"

namespace sf {

namespace {

// Function properties SAM documents, and the subset streamform expands.
const std::vector<std::string> kFunctionProperties = {"Architectures",
                                                      "AssumeRolePolicyDocument",
                                                      "AutoPublishAlias",
                                                      "AutoPublishCodeSha256",
                                                      "CodeSigningConfigArn",
                                                      "CodeUri",
                                                      "DeadLetterQueue",
                                                      "DeploymentPreference",
                                                      "Description",
                                                      "Environment",
                                                      "EphemeralStorage",
                                                      "EventInvokeConfig",
                                                      "Events",
                                                      "FileSystemConfigs",
                                                      "FunctionName",
                                                      "FunctionUrlConfig",
                                                      "Handler",
                                                      "ImageConfig",
                                                      "ImageUri",
                                                      "InlineCode",
                                                      "KmsKeyArn",
                                                      "Layers",
                                                      "LoggingConfig",
                                                      "MemorySize",
                                                      "PackageType",
                                                      "PermissionsBoundary",
                                                      "Policies",
                                                      "ProvisionedConcurrencyConfig",
                                                      "ReservedConcurrentExecutions",
                                                      "Role",
                                                      "RolePath",
                                                      "Runtime",
                                                      "RuntimeManagementConfig",
                                                      "SnapStart",
                                                      "Tags",
                                                      "Timeout",
                                                      "Tracing",
                                                      "VpcConfig"};
const std::vector<std::string> kUnsupportedFunctionProperties = {
    "AutoPublishAlias",  "AutoPublishCodeSha256", "DeploymentPreference",
    "EventInvokeConfig", "FunctionUrlConfig",     "ProvisionedConcurrencyConfig"};
// Properties copied to AWS::Lambda::Function under the same name.
const std::vector<std::string> kPassThrough = {"Architectures",
                                               "CodeSigningConfigArn",
                                               "Description",
                                               "Environment",
                                               "EphemeralStorage",
                                               "FileSystemConfigs",
                                               "FunctionName",
                                               "Handler",
                                               "ImageConfig",
                                               "KmsKeyArn",
                                               "Layers",
                                               "LoggingConfig",
                                               "MemorySize",
                                               "PackageType",
                                               "ReservedConcurrentExecutions",
                                               "Runtime",
                                               "RuntimeManagementConfig",
                                               "SnapStart",
                                               "Timeout",
                                               "VpcConfig"};
const std::vector<std::string> kKinesisEventProperties = {"BatchSize",
                                                          "BisectBatchOnFunctionError",
                                                          "DestinationConfig",
                                                          "Enabled",
                                                          "FilterCriteria",
                                                          "FunctionResponseTypes",
                                                          "KmsKeyArn",
                                                          "MaximumBatchingWindowInSeconds",
                                                          "MaximumRecordAgeInSeconds",
                                                          "MaximumRetryAttempts",
                                                          "MetricsConfig",
                                                          "ParallelizationFactor",
                                                          "StartingPosition",
                                                          "StartingPositionTimestamp",
                                                          "Stream",
                                                          "TumblingWindowInSeconds"};
const std::vector<std::string> kScheduleEventProperties = {
    "DeadLetterConfig", "Description", "Enabled", "Input", "Name",
    "RetryPolicy",      "Schedule",    "State"};
const std::vector<std::string> kEventTypes = {"Kinesis", "Schedule"};
// Resource attributes a serverless function may carry; they go to the generated function
// (Condition to every generated resource, as SAM does).
const std::vector<std::string> kFunctionAttributes = {
    "Type",      "Properties",     "DependsOn",
    "Condition", "DeletionPolicy", "UpdateReplacePolicy",
    "Metadata",  "CreationPolicy", "UpdatePolicy"};
// AWS managed policies SAM users name without their path.
const std::vector<std::pair<std::string, std::string>> kManagedPolicyPaths = {
    {"AWSLambdaBasicExecutionRole", "service-role/"},
    {"AWSLambdaKinesisExecutionRole", "service-role/"},
    {"AWSLambdaVPCAccessExecutionRole", "service-role/"},
    {"AWSLambdaDynamoDBExecutionRole", "service-role/"},
    {"AWSLambdaSQSQueueExecutionRole", "service-role/"},
    {"AWSLambdaRole", "service-role/"},
    {"AWSLambdaMSKExecutionRole", "service-role/"},
    {"AWSLambdaENIManagementAccess", "service-role/"},
};
const std::vector<std::string> kServerlessTypes = {"AWS::Serverless::Function"};

// SAM policy templates streamform expands: name -> (parameter, actions, resource pattern).
struct PolicyTemplate {
  const char* name;
  const char* parameter;
  std::vector<const char*> actions;
  std::vector<const char*> resources;  // ${Param} is the template parameter
};
const std::vector<PolicyTemplate>& PolicyTemplates() {
  static const std::vector<PolicyTemplate> templates = {
      {"S3ReadPolicy",
       "BucketName",
       {"s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:GetObjectVersion"},
       {"arn:${AWS::Partition}:s3:::${BucketName}", "arn:${AWS::Partition}:s3:::${BucketName}/*"}},
      {"S3WritePolicy",
       "BucketName",
       {"s3:PutObject", "s3:PutObjectAcl", "s3:PutLifecycleConfiguration"},
       {"arn:${AWS::Partition}:s3:::${BucketName}", "arn:${AWS::Partition}:s3:::${BucketName}/*"}},
      {"S3CrudPolicy",
       "BucketName",
       {"s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:GetObjectVersion",
        "s3:PutObject", "s3:PutObjectAcl", "s3:GetLifecycleConfiguration",
        "s3:PutLifecycleConfiguration", "s3:DeleteObject"},
       {"arn:${AWS::Partition}:s3:::${BucketName}", "arn:${AWS::Partition}:s3:::${BucketName}/*"}},
      {"KinesisStreamReadPolicy",
       "StreamName",
       {"kinesis:ListStreams", "kinesis:DescribeStreamSummary", "kinesis:DescribeStream",
        "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"},
       {"arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/${StreamName}"}},
      {"KinesisCrudPolicy",
       "StreamName",
       {"kinesis:AddTagsToStream", "kinesis:CreateStream", "kinesis:DecreaseStreamRetentionPeriod",
        "kinesis:DeleteStream", "kinesis:DescribeStream", "kinesis:DescribeStreamSummary",
        "kinesis:GetShardIterator", "kinesis:IncreaseStreamRetentionPeriod",
        "kinesis:ListTagsForStream", "kinesis:MergeShards", "kinesis:PutRecord",
        "kinesis:PutRecords", "kinesis:SplitShard", "kinesis:RemoveTagsFromStream"},
       {"arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/${StreamName}"}},
      {"FirehoseWritePolicy",
       "DeliveryStreamName",
       {"firehose:PutRecord", "firehose:PutRecordBatch"},
       {"arn:${AWS::Partition}:firehose:${AWS::Region}:${AWS::AccountId}:deliverystream/"
        "${DeliveryStreamName}"}},
      {"LambdaInvokePolicy",
       "FunctionName",
       {"lambda:InvokeFunction"},
       {"arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${FunctionName}*"}},
      {"CloudWatchPutMetricPolicy", nullptr, {"cloudwatch:PutMetricData"}, {"*"}},
  };
  return templates;
}

Node Str(std::string text, Mark mark) { return Node::Scalar(std::move(text), mark, true); }

Node MapOf(std::vector<std::pair<std::string, Node>> entries, Mark mark) {
  Node map = Node::Map(mark);
  for (auto& [key, value] : entries) map.entries().emplace_back(Str(key, mark), std::move(value));
  return map;
}

Node ListOf(std::vector<Node> items, Mark mark) {
  Node list = Node::Sequence(mark);
  for (auto& item : items) list.Append(std::move(item));
  return list;
}

Node Call(const char* name, Node argument, Mark mark) {
  return MapOf({{name, std::move(argument)}}, mark);
}

Node GetAtt(const std::string& id, const char* attribute, Mark mark) {
  return Call("Fn::GetAtt", ListOf({Str(id, mark), Str(attribute, mark)}, mark), mark);
}

// Globals merge: maps merge key by key, lists append (globals first), scalars are overridden.
Node MergeGlobal(const Node& global, const Node& local) {
  if (global.IsMap() && local.IsMap()) {
    Node merged = global;
    for (const auto& [key, value] : local.entries()) {
      const Node* existing = merged.Find(key.scalar());
      merged.Set(key.scalar(), existing ? MergeGlobal(*existing, value) : value);
    }
    merged.set_mark(local.mark());
    return merged;
  }
  if (global.IsSequence() && local.IsSequence()) {
    Node merged = global;
    for (const auto& item : local.items()) merged.Append(item);
    merged.set_mark(local.mark());
    return merged;
  }
  return local;
}

class SamExpander {
 public:
  SamExpander(Document& document, Diagnostics& diagnostics)
      : document_(document), diagnostics_(diagnostics) {}

  void Run() {
    Node& root = document_.root;
    const Node* globals = ReadGlobals(root);
    Node* resources = root.Find("Resources");
    if (resources == nullptr || !resources->IsMap()) return;
    std::vector<Node::Entry> expanded;
    for (auto& [id, resource] : resources->entries()) {
      const Node* type = resource.IsMap() ? resource.Find("Type") : nullptr;
      if (type == nullptr || !type->IsScalar() ||
          !StartsWith(type->scalar(), "AWS::Serverless::")) {
        expanded.emplace_back(std::move(id), std::move(resource));
        continue;
      }
      if (type->scalar() != "AWS::Serverless::Function") {
        Error(*type, "unsupported-type",
              "resource type '" + type->scalar() + "' is not supported by streamform yet",
              Pointer(id.scalar()) + "/Type", DidYouMean(type->scalar(), kServerlessTypes));
        continue;
      }
      ExpandFunction(id, resource, globals, expanded);
    }
    ReportCollisions(expanded);
    resources->entries() = std::move(expanded);
    root.Erase("Globals");
  }

 private:
  void Error(const Node& at, std::string code, std::string message, std::string pointer,
             std::string hint = "") {
    diagnostics_.Error(document_.At(at), std::move(code), std::move(message), std::move(pointer),
                       std::move(hint));
  }
  static std::string Pointer(const std::string& id) { return "/Resources/" + PointerEscape(id); }

  // A generated logical id that the template also uses would silently shadow one of them.
  void ReportCollisions(const std::vector<Node::Entry>& resources) {
    for (size_t i = 0; i < resources.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (resources[i].first.scalar() != resources[j].first.scalar()) continue;
        Error(resources[i].first, "duplicate-logical-id",
              "logical id '" + resources[i].first.scalar() +
                  "' is used twice: the SAM transform generates it for a serverless function, and "
                  "the "
                  "template declares it too; rename one",
              Pointer(resources[i].first.scalar()));
        break;
      }
    }
  }

  const Node* ReadGlobals(const Node& root) {
    const Node* globals = root.Find("Globals");
    if (globals == nullptr || !globals->IsMap()) return nullptr;
    const Node* function = nullptr;
    for (const auto& [key, value] : globals->entries()) {
      if (key.scalar() == "Function") {
        function = &value;
        continue;
      }
      Error(key, "unsupported-global",
            "Globals." + key.scalar() + " is not supported by streamform (only Globals.Function)",
            "/Globals/" + PointerEscape(key.scalar()));
    }
    if (function == nullptr || !function->IsMap()) return nullptr;
    for (const auto& [key, value] : function->entries()) {
      bool known = std::find(kFunctionProperties.begin(), kFunctionProperties.end(),
                             key.scalar()) != kFunctionProperties.end();
      if (!known || key.scalar() == "Events" || key.scalar() == "FunctionName") {
        Error(key, "unknown-property", "'" + key.scalar() + "' cannot be set in Globals.Function",
              "/Globals/Function/" + PointerEscape(key.scalar()),
              known ? "" : DidYouMean(key.scalar(), kFunctionProperties));
      }
    }
    return function;
  }

  void ExpandFunction(const Node& id, const Node& resource, const Node* globals,
                      std::vector<Node::Entry>& out) {
    const std::string& name = id.scalar();
    const std::string pointer = Pointer(name) + "/Properties";
    Mark mark = resource.mark();
    for (const auto& [key, value] : resource.entries()) {
      if (std::find(kFunctionAttributes.begin(), kFunctionAttributes.end(), key.scalar()) ==
          kFunctionAttributes.end()) {
        Error(key, "unknown-key", "unknown resource attribute '" + key.scalar() + "'",
              Pointer(name) + "/" + PointerEscape(key.scalar()),
              DidYouMean(key.scalar(), kFunctionAttributes));
      }
    }
    Node properties = Node::Map(mark);
    if (const Node* own = resource.Find("Properties"); own != nullptr && own->IsMap())
      properties = *own;
    if (globals != nullptr) properties = MergeGlobal(*globals, properties);

    for (const auto& [key, value] : properties.entries()) {
      const std::string& property = key.scalar();
      if (std::find(kFunctionProperties.begin(), kFunctionProperties.end(), property) ==
          kFunctionProperties.end()) {
        Error(key, "unknown-property",
              "unknown property '" + property + "' for AWS::Serverless::Function",
              pointer + "/" + PointerEscape(property), DidYouMean(property, kFunctionProperties));
      } else if (std::find(kUnsupportedFunctionProperties.begin(),
                           kUnsupportedFunctionProperties.end(),
                           property) != kUnsupportedFunctionProperties.end()) {
        Error(key, "engine-unsupported",
              "AWS::Serverless::Function property '" + property +
                  "' is not supported by streamform yet",
              pointer + "/" + PointerEscape(property));
      }
    }

    const Node* package_type = properties.Find("PackageType");
    bool image = properties.Find("ImageUri") != nullptr ||
                 (package_type != nullptr && package_type->scalar() == "Image");
    for (const char* required : {"Handler", "Runtime"}) {
      if (!image && properties.Find(required) == nullptr) {
        Error(resource, "missing-required",
              std::string("AWS::Serverless::Function '") + name + "' needs a " + required +
                  " (in its Properties or in Globals.Function)",
              pointer);
      }
    }

    Node function = Node::Map(mark);
    for (const auto& property : kPassThrough) {
      if (const Node* value = properties.Find(property)) function.Set(property, *value);
    }
    function.Set("Code", Code(name, properties, mark, pointer));
    if (const Node* tracing = properties.Find("Tracing")) {
      function.Set("TracingConfig", MapOf({{"Mode", *tracing}}, tracing->mark()));
    }
    if (const Node* dlq = properties.Find("DeadLetterQueue"); dlq != nullptr && dlq->IsMap()) {
      if (const Node* target = dlq->Find("TargetArn")) {
        function.Set("DeadLetterConfig", MapOf({{"TargetArn", *target}}, dlq->mark()));
      }
    }
    function.Set("Tags", Tags(properties.Find("Tags"), mark));

    std::vector<Node::Entry> events;
    std::vector<std::string> managed_policies = {"service-role/AWSLambdaBasicExecutionRole"};
    if (const Node* declared = properties.Find("Events")) {
      ExpandEvents(name, *declared, pointer + "/Events", managed_policies, events);
    }

    const Node* role = properties.Find("Role");
    if (role != nullptr) {
      function.Set("Role", *role);
    } else {
      function.Set("Role", GetAtt(name + "Role", "Arn", mark));
    }
    Node metadata = Node::Map(mark);
    if (const Node* own = resource.Find("Metadata"); own != nullptr && own->IsMap())
      metadata = *own;
    metadata.Set("SamResourceId", Str(name, mark));
    if (const Node* code_uri = properties.Find("CodeUri");
        code_uri != nullptr && code_uri->IsScalar() && !StartsWith(code_uri->scalar(), "s3://")) {
      metadata.Set(kCodeUriMetadata, *code_uri);
    }

    Node lambda = CopyAttributes(resource, "AWS::Lambda::Function", mark);
    lambda.Set("Properties", std::move(function));
    lambda.Set("Metadata", std::move(metadata));
    out.emplace_back(Str(name, id.mark()), std::move(lambda));
    if (role == nullptr) {
      out.emplace_back(Str(name + "Role", id.mark()),
                       Role(name, properties, managed_policies, mark, pointer));
    }
    for (auto& event : events) out.push_back(std::move(event));
    // SAM passes these through to every resource it generates.
    for (const char* attribute : {"Condition", "DeletionPolicy", "UpdateReplacePolicy"}) {
      const Node* value = resource.Find(attribute);
      if (value == nullptr) continue;
      for (size_t i = out.size() - events.size() - (role == nullptr ? 1 : 0); i < out.size(); ++i) {
        out[i].second.Set(attribute, *value);
      }
    }
  }

  // Resource attributes SAM carries over to the generated function.
  static Node CopyAttributes(const Node& resource, const char* type, Mark mark) {
    Node out = MapOf({{"Type", Str(type, mark)}}, mark);
    for (const char* key : {"DependsOn", "Condition", "DeletionPolicy", "UpdateReplacePolicy",
                            "CreationPolicy", "UpdatePolicy"}) {
      if (const Node* value = resource.Find(key)) out.Set(key, *value);
    }
    return out;
  }

  Node Code(const std::string& name, const Node& properties, Mark mark,
            const std::string& pointer) {
    const Node* inline_code = properties.Find("InlineCode");
    const Node* code_uri = properties.Find("CodeUri");
    const Node* image_uri = properties.Find("ImageUri");
    int given = (inline_code != nullptr) + (code_uri != nullptr) + (image_uri != nullptr);
    if (given == 0) {
      Error(properties.IsMap() && properties.mark().line ? properties : Node::Null(mark),
            "missing-required", "AWS::Serverless::Function needs CodeUri, InlineCode or ImageUri",
            pointer);
      return MapOf({{"ZipFile", Str("", mark)}}, mark);
    }
    if (given > 1) {
      Error(*(inline_code ? inline_code : code_uri), "invalid-value",
            "give only one of CodeUri, InlineCode and ImageUri", pointer);
    }
    if (inline_code != nullptr) return MapOf({{"ZipFile", *inline_code}}, inline_code->mark());
    if (image_uri != nullptr) return MapOf({{"ImageUri", *image_uri}}, image_uri->mark());
    Mark at = code_uri->mark();
    if (code_uri->IsMap()) {  // {Bucket, Key, Version}
      Node code = Node::Map(at);
      for (auto [from, to] :
           {std::pair{"Bucket", "S3Bucket"}, {"Key", "S3Key"}, {"Version", "S3ObjectVersion"}}) {
        if (const Node* value = code_uri->Find(from)) code.Set(to, *value);
      }
      return code;
    }
    const std::string& uri = code_uri->scalar();
    if (StartsWith(uri, "s3://")) {
      std::string rest = uri.substr(5);
      size_t slash = rest.find('/');
      return MapOf({{"S3Bucket", Str(rest.substr(0, slash), at)},
                    {"S3Key", Str(slash == std::string::npos ? "" : rest.substr(slash + 1), at)}},
                   at);
    }
    std::string path = uri;
    while (!path.empty() && path.back() == '/') path.pop_back();
    return MapOf(
        {{"S3Bucket", Str(kArtifactBucket, at)}, {"S3Key", Str("local/" + name + "/" + path, at)}},
        at);
  }

  // SAM's Tags is a map; Lambda's is a list of {Key, Value}, plus SAM's own marker tag.
  static Node Tags(const Node* tags, Mark mark) {
    Node list = Node::Sequence(mark);
    list.Append(MapOf({{"Key", Str("lambda:createdBy", mark)}, {"Value", Str("SAM", mark)}}, mark));
    if (tags != nullptr && tags->IsMap()) {
      for (const auto& [key, value] : tags->entries()) {
        list.Append(MapOf({{"Key", Str(key.scalar(), key.mark())}, {"Value", value}}, key.mark()));
      }
    }
    return list;
  }

  void CheckEventProperties(const Node& properties, const std::vector<std::string>& known,
                            const std::string& type, const std::string& pointer) {
    for (const auto& [key, value] : properties.entries()) {
      if (std::find(known.begin(), known.end(), key.scalar()) == known.end()) {
        Error(key, "unknown-property",
              "unknown property '" + key.scalar() + "' for a " + type + " event",
              pointer + "/" + PointerEscape(key.scalar()), DidYouMean(key.scalar(), known));
      }
    }
  }

  void ExpandEvents(const std::string& function, const Node& events, const std::string& pointer,
                    std::vector<std::string>& managed_policies, std::vector<Node::Entry>& out) {
    if (!events.IsMap()) {
      Error(events, "wrong-type", "Events must be a mapping of event names to events", pointer);
      return;
    }
    for (const auto& [event_id, event] : events.entries()) {
      std::string event_pointer = pointer + "/" + PointerEscape(event_id.scalar());
      const Node* type = event.IsMap() ? event.Find("Type") : nullptr;
      if (type == nullptr || !type->IsScalar()) {
        Error(event, "missing-required", "event '" + event_id.scalar() + "' has no Type",
              event_pointer);
        continue;
      }
      Node properties = Node::Map(event.mark());
      if (const Node* own = event.Find("Properties"); own != nullptr && own->IsMap())
        properties = *own;
      std::string logical_id = function + event_id.scalar();
      if (type->scalar() == "Kinesis") {
        CheckEventProperties(properties, kKinesisEventProperties, "Kinesis",
                             event_pointer + "/Properties");
        if (std::find(managed_policies.begin(), managed_policies.end(),
                      "service-role/AWSLambdaKinesisExecutionRole") == managed_policies.end()) {
          managed_policies.push_back("service-role/AWSLambdaKinesisExecutionRole");
        }
        out.emplace_back(Str(logical_id, event_id.mark()),
                         KinesisMapping(function, properties, event, event_pointer));
      } else if (type->scalar() == "Schedule") {
        CheckEventProperties(properties, kScheduleEventProperties, "Schedule",
                             event_pointer + "/Properties");
        ExpandSchedule(function, logical_id, properties, event, event_pointer, out);
      } else {
        Error(*type, "unsupported-event",
              "SAM event type '" + type->scalar() +
                  "' is not supported by streamform (supported: " + Join(kEventTypes, ", ") + ")",
              event_pointer + "/Type", DidYouMean(type->scalar(), kEventTypes));
      }
    }
  }

  Node KinesisMapping(const std::string& function, const Node& properties, const Node& event,
                      const std::string& pointer) {
    Mark mark = event.mark();
    Node mapping = Node::Map(mark);
    const Node* stream = properties.Find("Stream");
    if (stream == nullptr) {
      Error(event, "missing-required", "a Kinesis event needs a Stream (the stream's ARN)",
            pointer + "/Properties");
    } else {
      mapping.Set("EventSourceArn", *stream);
    }
    mapping.Set("FunctionName", MapOf({{"Ref", Str(function, mark)}}, mark));
    if (properties.Find("StartingPosition") == nullptr) {
      Error(event, "missing-required", "a Kinesis event needs a StartingPosition",
            pointer + "/Properties");
    }
    for (const auto& [key, value] : properties.entries()) {
      bool known = std::find(kKinesisEventProperties.begin(), kKinesisEventProperties.end(),
                             key.scalar()) != kKinesisEventProperties.end();
      if (known && key.scalar() != "Stream") mapping.Set(key.scalar(), value);
    }
    Node resource = MapOf({{"Type", Str("AWS::Lambda::EventSourceMapping", mark)}}, mark);
    resource.Set("Properties", std::move(mapping));
    return resource;
  }

  void ExpandSchedule(const std::string& function, const std::string& logical_id,
                      const Node& properties, const Node& event, const std::string& pointer,
                      std::vector<Node::Entry>& out) {
    Mark mark = event.mark();
    Node rule = Node::Map(mark);
    const Node* schedule = properties.Find("Schedule");
    if (schedule == nullptr) {
      Error(event, "missing-required", "a Schedule event needs a Schedule expression",
            pointer + "/Properties");
    } else {
      rule.Set("ScheduleExpression", *schedule);
    }
    for (const char* key : {"Name", "Description"}) {
      if (const Node* value = properties.Find(key)) rule.Set(key, *value);
    }
    if (const Node* state = properties.Find("State")) {
      rule.Set("State", *state);
    } else if (const Node* enabled = properties.Find("Enabled")) {
      rule.Set("State",
               Str(enabled->scalar() == "false" ? "DISABLED" : "ENABLED", enabled->mark()));
    }
    Node target = MapOf(
        {{"Arn", GetAtt(function, "Arn", mark)}, {"Id", Str(logical_id + "LambdaTarget", mark)}},
        mark);
    for (const char* key : {"Input", "RetryPolicy", "DeadLetterConfig"}) {
      if (const Node* value = properties.Find(key)) target.Set(key, *value);
    }
    rule.Set("Targets", ListOf({std::move(target)}, mark));
    Node resource = MapOf({{"Type", Str("AWS::Events::Rule", mark)}}, mark);
    resource.Set("Properties", std::move(rule));
    out.emplace_back(Str(logical_id, mark), std::move(resource));

    Node permission = MapOf({{"Action", Str("lambda:InvokeFunction", mark)},
                             {"FunctionName", MapOf({{"Ref", Str(function, mark)}}, mark)},
                             {"Principal", Str("events.amazonaws.com", mark)},
                             {"SourceArn", GetAtt(logical_id, "Arn", mark)}},
                            mark);
    Node permission_resource = MapOf({{"Type", Str("AWS::Lambda::Permission", mark)}}, mark);
    permission_resource.Set("Properties", std::move(permission));
    out.emplace_back(Str(logical_id + "Permission", mark), std::move(permission_resource));
  }

  Node Role(const std::string& function, const Node& properties,
            std::vector<std::string> managed_policies, Mark mark, const std::string& pointer) {
    Node statement =
        MapOf({{"Action", ListOf({Str("sts:AssumeRole", mark)}, mark)},
               {"Effect", Str("Allow", mark)},
               {"Principal",
                MapOf({{"Service", ListOf({Str("lambda.amazonaws.com", mark)}, mark)}}, mark)}},
              mark);
    Node assume = MapOf(
        {{"Version", Str("2012-10-17", mark)}, {"Statement", ListOf({std::move(statement)}, mark)}},
        mark);
    if (const Node* custom = properties.Find("AssumeRolePolicyDocument")) assume = *custom;

    Node inline_policies = Node::Sequence(mark);
    if (const Node* policies = properties.Find("Policies")) {
      std::vector<const Node*> items;
      if (policies->IsSequence()) {
        for (const auto& item : policies->items()) items.push_back(&item);
      } else {
        items.push_back(policies);
      }
      int index = 0;
      for (const Node* item : items) {
        ExpandPolicy(function, *item, index, managed_policies, inline_policies,
                     pointer + "/Policies");
      }
    }
    Node managed = Node::Sequence(mark);
    std::vector<std::string> seen;
    for (auto policy : managed_policies) {
      for (const auto& [known, path] : kManagedPolicyPaths) {
        if (policy == known) policy = path + policy;
      }
      if (std::find(seen.begin(), seen.end(), policy) != seen.end()) continue;  // listed twice
      seen.push_back(policy);
      managed.Append(StartsWith(policy, "arn:")
                         ? Str(policy, mark)
                         : Call("Fn::Sub",
                                Str("arn:${AWS::Partition}:iam::aws:policy/" + policy, mark),
                                mark));
    }
    Node role = MapOf({{"AssumeRolePolicyDocument", std::move(assume)},
                       {"ManagedPolicyArns", std::move(managed)}},
                      mark);
    if (!inline_policies.items().empty()) role.Set("Policies", std::move(inline_policies));
    if (const Node* boundary = properties.Find("PermissionsBoundary"))
      role.Set("PermissionsBoundary", *boundary);
    if (const Node* path = properties.Find("RolePath")) role.Set("Path", *path);
    role.Set(
        "Tags",
        ListOf({MapOf({{"Key", Str("lambda:createdBy", mark)}, {"Value", Str("SAM", mark)}}, mark)},
               mark));
    Node resource = MapOf({{"Type", Str("AWS::IAM::Role", mark)}}, mark);
    resource.Set("Properties", std::move(role));
    return resource;
  }

  void ExpandPolicy(const std::string& function, const Node& item, int& index,
                    std::vector<std::string>& managed, Node& inline_policies,
                    const std::string& pointer) {
    Mark mark = item.mark();
    if (item.IsScalar()) {  // a managed policy name or ARN
      managed.push_back(item.scalar());
      return;
    }
    if (item.IsMap() && item.Find("Statement") != nullptr) {  // an inline policy document
      inline_policies.Append(
          MapOf({{"PolicyName", Str(function + "RolePolicy" + std::to_string(index++), mark)},
                 {"PolicyDocument", item}},
                mark));
      return;
    }
    if (item.IsMap() && item.entries().size() == 1) {  // a SAM policy template
      const Node& name = item.entries().front().first;
      const Node& arguments = item.entries().front().second;
      const auto& templates = PolicyTemplates();
      auto it = std::find_if(templates.begin(), templates.end(),
                             [&](const PolicyTemplate& t) { return name.scalar() == t.name; });
      if (it == templates.end()) {
        std::vector<std::string> names;
        for (const auto& t : templates) names.push_back(t.name);
        Error(name, "unsupported-policy-template",
              "SAM policy template '" + name.scalar() +
                  "' is not supported by streamform (supported: " + Join(names, ", ") + ")",
              pointer, DidYouMean(name.scalar(), names));
        return;
      }
      Node variables = Node::Map(mark);
      if (it->parameter != nullptr) {
        const Node* value = arguments.IsMap() ? arguments.Find(it->parameter) : nullptr;
        if (value == nullptr) {
          Error(arguments, "missing-required",
                std::string("policy template ") + it->name + " needs " + it->parameter, pointer);
          return;
        }
        variables.Set(it->parameter, *value);
      }
      Node actions = Node::Sequence(mark);
      for (const char* action : it->actions) actions.Append(Str(action, mark));
      Node resources = Node::Sequence(mark);
      for (const char* resource : it->resources) {
        resources.Append(Call("Fn::Sub", ListOf({Str(resource, mark), variables}, mark), mark));
      }
      Node statement = MapOf({{"Effect", Str("Allow", mark)},
                              {"Action", std::move(actions)},
                              {"Resource", std::move(resources)}},
                             mark);
      Node document = MapOf({{"Version", Str("2012-10-17", mark)},
                             {"Statement", ListOf({std::move(statement)}, mark)}},
                            mark);
      inline_policies.Append(
          MapOf({{"PolicyName", Str(function + "RolePolicy" + std::to_string(index++), mark)},
                 {"PolicyDocument", std::move(document)}},
                mark));
      return;
    }
    Error(item, "wrong-type",
          "a Policies entry is a managed policy name, a policy document or a SAM policy template",
          pointer);
  }

  Document& document_;
  Diagnostics& diagnostics_;
};

}  // namespace

bool IsSamTemplate(const Node& root) {
  const Node* transform = root.Find("Transform");
  if (transform == nullptr) return false;
  if (transform->IsScalar()) return transform->scalar() == kSamTransform;
  for (const auto& item : transform->items()) {
    if (item.scalar() == kSamTransform) return true;
  }
  return false;
}

void ApplySamTransform(Document& document, Diagnostics& diagnostics) {
  SamExpander(document, diagnostics).Run();
}

}  // namespace sf
