#include "plan_fixture.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/file_io.h"
#include "provider/local/kinesis_stream_provider.h"

namespace sf::plan::testing {

namespace fs = std::filesystem;

std::string SourcePath(const std::string& relative) {
  return std::string(STREAMFORM_SOURCE_DIR) + "/" + relative;
}

std::string ReadSource(const std::string& relative) {
  auto text = ReadFile(SourcePath(relative));
  EXPECT_TRUE(text.has_value()) << relative;
  return text ? *text : "";
}

std::string Describe(const Diagnostics& diagnostics) {
  std::ostringstream out;
  for (const auto& d : diagnostics.items()) {
    out << "  " << SeverityName(d.severity) << " " << d.location.file << ":" << d.location.line
        << " [" << d.code << "] " << d.message << "\n";
  }
  return out.str();
}

TestProvider::TestProvider(provider::FakeProviderOptions options,
                           std::unique_ptr<provider::Provider> planning,
                           std::vector<std::string> observed)
    : fake_(std::move(options)), planning_(std::move(planning)), observed_(std::move(observed)) {}

Result<provider::LiveState> TestProvider::Observe(Result<provider::LiveState> state) const {
  if (!state || observed_.empty() || !state->exists) return state;
  Value kept = Value::Map();
  for (const auto& name : observed_) {
    if (const Value* value = state->properties.Find(name)) kept.Set(name, *value);
  }
  state->properties = kept;
  state->observed = observed_;
  return state;
}

std::vector<Result<provider::LiveState>> TestProvider::Read(std::span<const std::string> ids) {
  auto states = fake_.Read(ids);
  for (auto& state : states) state = Observe(std::move(state));
  return states;
}

PlanFixture::PlanFixture() {
  static std::atomic<int> counter{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  directory = (fs::path(::testing::TempDir()) /
               ("plan-" + std::string(info ? info->name() : "x") + "-" +
                std::to_string(::getpid()) + "-" + std::to_string(counter++)))
                  .string();
  fs::remove_all(directory);
  fs::create_directories(directory);

  provider::FakeProviderOptions streams;
  streams.type_name = "AWS::Kinesis::Stream";
  streams.name_property = "Name";
  streams.create_only = {"Name"};
  auto stream_planning = std::make_unique<provider::KinesisStreamProvider>(
      "http://127.0.0.1:9", auth::Credentials{"AKID", "secret", std::nullopt}, "eu-west-1");
  auto stream_provider = std::make_unique<TestProvider>(
      streams, std::move(stream_planning),
      std::vector<std::string>{"Name", "ShardCount", "RetentionPeriodHours", "StreamModeDetails",
                               "Tags"});
  streams_ = stream_provider.get();
  registry_.Register(std::move(stream_provider));

  provider::FakeProviderOptions buckets;
  buckets.type_name = "AWS::S3::Bucket";
  buckets.name_property = "BucketName";
  buckets.create_only = {"BucketName"};
  buckets.names = {63, true};
  buckets.holds_data = true;
  auto bucket_provider =
      std::make_unique<TestProvider>(buckets, nullptr, std::vector<std::string>{"BucketName"});
  buckets_ = bucket_provider.get();
  registry_.Register(std::move(bucket_provider));
}

void PlanFixture::Write(const std::string& file, const std::string& text) {
  fs::path path = fs::path(directory) / file;
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

void PlanFixture::WriteProject(const std::vector<std::pair<std::string, std::string>>& stacks,
                               bool dev_protected) {
  std::string text =
      "project: demo\n"
      "defaults: {stage: dev, region: eu-west-1, account: \"123456789012\"}\n"
      "stacks:\n";
  for (const auto& [name, file] : stacks)
    text += "  - {name: " + name + ", template: " + file + "}\n";
  text +=
      "stages:\n  dev: {gitRef: HEAD, protected: " + std::string(dev_protected ? "true" : "false") +
      ", commonParameters: {Stage: dev}}\n"
      "  prod: {gitRef: main, protected: true, commonParameters: {Stage: prod}}\n";
  Write("streamform.yaml", text);
  Diagnostics load;
  auto loaded = LoadProject(directory, load);
  ASSERT_TRUE(loaded.has_value()) << Describe(load);
  ASSERT_FALSE(load.has_errors()) << Describe(load);
  project = *loaded;
}

PlanInput PlanFixture::Input(const std::vector<std::string>& stacks) const {
  PlanInput input;
  input.project = &project;
  input.stage = project.FindStage("dev");
  input.stacks = stacks;
  input.records = records;
  input.exports = exports;
  input.providers = const_cast<provider::ProviderRegistry*>(&registry_);
  return input;
}

PlanResult PlanFixture::Run(const std::vector<std::string>& stacks) {
  diagnostics = Diagnostics();
  return Plan(Input(stacks), diagnostics);
}

PlanResult PlanFixture::RunDestroy(const std::vector<std::string>& stacks) {
  diagnostics = Diagnostics();
  PlanInput input = Input(stacks);
  input.destroy = true;
  return Plan(input, diagnostics);
}

namespace {

nlohmann::json AttributesJson(const provider::LiveState& state) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : state.attributes) out[name] = value.ToTaggedJson();
  return out;
}

stackapi::ResourceRecord RecordOf(const ResourceChange& change, const std::string& id,
                                  const provider::LiveState& state) {
  stackapi::ResourceRecord record;
  record.logical_id = change.logical_id;
  record.type = change.type;
  record.physical_id = id;
  record.status = "CREATE_COMPLETE";
  record.properties = change.desired.ToTaggedJson();
  record.attributes = AttributesJson(state);
  record.depends_on = change.depends_on;
  record.created_ms = state.created_ms;
  record.incarnation = state.incarnation;
  return record;
}

}  // namespace

void PlanFixture::Apply(const PlanResult& result) {
  const Stage* stage = project.FindStage("dev");
  for (const auto& stack : result.changeset.stacks) {
    stackapi::StackRecord& record = records[stack.stack_name];
    record.name = stack.stack_name;
    record.project = project.name;
    record.stage = stage->name;
    record.stack = stack.name;
    record.status = "UPDATE_COMPLETE";
    record.protected_stage = stage->is_protected;
    ++record.revision;
    for (const auto& change : stack.resources) {
      provider::Provider* p = registry_.Find(change.type);
      provider::OperationContext context{stack.stack_name, change.logical_id, nullptr};
      const stackapi::ResourceRecord* old = record.Find(change.logical_id);
      switch (change.action) {
        case Action::kAdd:
        case Action::kReplace: {
          if (!change.desired.IsFullyKnown()) break;  // the next round knows more
          if (change.action == Action::kReplace && change.delete_first) {
            ASSERT_TRUE(p->Delete({context, change.physical_id, {}}));
          }
          auto state = p->Create({context, change.new_physical_id, change.desired});
          ASSERT_TRUE(state.has_value()) << state.error().message;
          if (change.action == Action::kReplace && !change.delete_first) {
            ASSERT_TRUE(p->Delete({context, change.physical_id, {}}));
          }
          std::string policy = old ? old->deletion_policy : "";
          record.resources[change.logical_id] = RecordOf(change, change.new_physical_id, *state);
          record.resources[change.logical_id].deletion_policy = policy;
          break;
        }
        case Action::kModify: {
          if (!change.desired.IsFullyKnown()) break;
          provider::LiveState state;
          Value before = Value::FromTaggedJson(old->properties);
          for (const auto& step : change.steps) {
            auto updated = p->Update({context, change.physical_id, before, step.properties});
            ASSERT_TRUE(updated.has_value()) << updated.error().message;
            state = *updated;
            before = step.properties;
          }
          std::string policy = old->deletion_policy;
          record.resources[change.logical_id] = RecordOf(change, change.physical_id, state);
          record.resources[change.logical_id].deletion_policy = policy;
          break;
        }
        case Action::kRemove:
          if (!change.retain) {
            ASSERT_TRUE(p->Delete({context, change.physical_id, {}}));
          }
          record.resources.erase(change.logical_id);
          break;
        case Action::kNoOp:
          break;
      }
    }
    for (const auto& output : stack.outputs) {
      auto& outputs = record.outputs;
      outputs.erase(std::remove_if(outputs.begin(), outputs.end(),
                                   [&](const auto& o) { return o.name == output.name; }),
                    outputs.end());
      if (output.after && output.after->IsFullyKnown()) {
        outputs.push_back({output.name, output.after->ToTaggedJson(), output.export_name, ""});
      }
    }
  }
}

void PlanFixture::Converge(int rounds) {
  for (int i = 0; i < rounds; ++i) {
    PlanResult result = Run();
    ASSERT_FALSE(diagnostics.has_errors()) << Describe(diagnostics);
    if (result.changeset.summary.empty()) return;
    Apply(result);
  }
}

const ResourceChange* FindChange(const Changeset& changeset, const std::string& logical_id) {
  for (const auto& stack : changeset.stacks) {
    for (const auto& change : stack.resources) {
      if (change.logical_id == logical_id) return &change;
    }
  }
  return nullptr;
}

const PropertyChange* FindProperty(const std::vector<PropertyChange>& rows,
                                   const std::string& path) {
  for (const auto& row : rows) {
    if (row.path == path) return &row;
  }
  return nullptr;
}

}  // namespace sf::plan::testing
