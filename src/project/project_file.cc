#include "project/project_file.h"

#include <cstdlib>

#include <filesystem>
#include <set>

#include "base/strings.h"
#include "base/yaml_value.h"
#include "schema/schema.h"
#include "schema/validator.h"

namespace sf {

namespace fs = std::filesystem;

const Stage* Project::FindStage(const std::string& stage_name) const {
  for (const auto& stage : stages) {
    if (stage.name == stage_name) return &stage;
  }
  return nullptr;
}

std::vector<std::string> Project::StageNames() const {
  std::vector<std::string> names;
  for (const auto& stage : stages) names.push_back(stage.name);
  return names;
}

std::string Project::StackName(const Stage& stage, const std::string& stack) const {
  return name + "-" + stage.name + "-" + stack;
}

namespace {

std::string Text(const Node* node) {
  return node != nullptr && node->IsScalar() ? node->scalar() : "";
}

void ReadParameterMap(const Document& doc, const Node& map, const std::string& pointer,
                      std::map<std::string, GivenParameter>& out) {
  for (const auto& [key, value] : map.entries()) {
    out[key.scalar()] = {NodeToValue(value), doc.At(value),
                         pointer + "/" + PointerEscape(key.scalar())};
  }
}

Stage ReadStage(const Document& doc, const Node& name, const Node& node) {
  Stage stage;
  stage.name = name.scalar();
  stage.location = doc.At(name);
  stage.account = Text(node.Find("account"));
  stage.region = Text(node.Find("region"));
  stage.git_ref = Text(node.Find("gitRef"));
  stage.is_protected = Text(node.Find("protected")) == "true";
  if (const Node* usage = node.Find("usage"); usage != nullptr && usage->IsMap()) {
    auto number = [usage](const char* member) -> std::optional<double> {
      const Node* value = usage->Find(member);
      if (value == nullptr || !value->IsScalar()) return std::nullopt;
      char* end = nullptr;
      double parsed = std::strtod(value->scalar().c_str(), &end);
      if (end == value->scalar().c_str() || *end != '\0')
        return std::nullopt;  // the schema says why
      return parsed;
    };
    stage.usage = {number("recordsPerSecond"), number("averageRecordBytes"), number("storedGB"),
                   number("invocationsPerSecond"), number("secondsPerInvocation")};
  }
  std::string pointer = "/stages/" + PointerEscape(stage.name);
  if (const Node* common = node.Find("commonParameters"); common != nullptr && common->IsMap()) {
    ReadParameterMap(doc, *common, pointer + "/commonParameters", stage.parameters[""]);
  }
  if (const Node* per_stack = node.Find("parameters"); per_stack != nullptr && per_stack->IsMap()) {
    for (const auto& [stack, values] : per_stack->entries()) {
      if (!values.IsMap()) continue;
      ReadParameterMap(doc, values, pointer + "/parameters/" + PointerEscape(stack.scalar()),
                       stage.parameters[stack.scalar()]);
    }
  }
  return stage;
}

}  // namespace

std::optional<Project> LoadProject(const std::string& path, Diagnostics& diagnostics) {
  fs::path file = path;
  if (fs::is_directory(file)) file /= kProjectFileName;
  if (!fs::exists(file)) {
    diagnostics.Error({file.string(), 0, 0}, "no-project",
                      "no project file here; create streamform.yaml, pass --project DIR, or "
                      "validate template files directly (streamform validate FILE...)");
    return std::nullopt;
  }
  auto document = LoadYamlFile(file.string(), diagnostics);
  if (!document) return std::nullopt;
  const Node& root = document->root;
  if (!root.IsMap()) {
    diagnostics.Error(document->At(root), "not-a-project", "a project file is a mapping");
    return std::nullopt;
  }
  const auto& registry = SchemaRegistry::Builtin();
  SchemaContext context{&registry.project_schema(), document->file, "the project file"};
  Diagnostics schema_problems;
  ValidateValue(context, registry.project_schema(), NodeToValue(root), "", schema_problems);
  diagnostics.Append(schema_problems);

  Project project;
  project.file = file.string();
  project.directory = file.parent_path().empty() ? "." : file.parent_path().string();
  project.name = Text(root.Find("project"));
  project.description = Text(root.Find("description"));
  if (const Node* defaults = root.Find("defaults"); defaults != nullptr && defaults->IsMap()) {
    project.default_stage = Text(defaults->Find("stage"));
    if (auto region = Text(defaults->Find("region")); !region.empty())
      project.default_region = region;
    if (auto account = Text(defaults->Find("account")); !account.empty())
      project.default_account = account;
  }
  std::set<std::string> names;
  if (const Node* stacks = root.Find("stacks"); stacks != nullptr && stacks->IsSequence()) {
    int index = 0;
    for (const auto& item : stacks->items()) {
      std::string pointer = "/stacks/" + std::to_string(index++);
      if (!item.IsMap()) continue;
      StackEntry entry{Text(item.Find("name")), Text(item.Find("template")), document->At(item)};
      if (entry.name.empty() || entry.template_path.empty()) continue;  // the schema reported it
      if (!names.insert(entry.name).second) {
        diagnostics.Error(entry.location, "duplicate-stack",
                          "stack '" + entry.name + "' is listed twice", pointer + "/name");
        continue;
      }
      fs::path template_file = fs::path(project.directory) / entry.template_path;
      if (!fs::exists(template_file)) {
        const Node* at = item.Find("template");
        diagnostics.Error(document->At(*at), "missing-template",
                          "template file '" + entry.template_path + "' of stack '" + entry.name +
                              "' does not exist",
                          pointer + "/template");
        continue;
      }
      project.stacks.push_back(std::move(entry));
    }
  }
  if (const Node* stages = root.Find("stages"); stages != nullptr && stages->IsMap()) {
    for (const auto& [name, stage] : stages->entries()) {
      if (stage.IsMap()) project.stages.push_back(ReadStage(*document, name, stage));
    }
  }
  for (const auto& stage : project.stages) {
    for (const auto& [stack, values] : stage.parameters) {
      if (stack.empty() || names.count(stack) != 0) continue;
      std::vector<std::string> stack_names(names.begin(), names.end());
      diagnostics.Error(
          stage.location, "unknown-stack",
          "stage '" + stage.name + "' sets parameters for stack '" + stack +
              "', which the project does not list",
          "/stages/" + PointerEscape(stage.name) + "/parameters/" + PointerEscape(stack),
          DidYouMean(stack, stack_names));
    }
  }
  if (!project.default_stage.empty() && project.FindStage(project.default_stage) == nullptr) {
    diagnostics.Error({project.file, 0, 0}, "unknown-stage",
                      "defaults.stage '" + project.default_stage + "' is not one of the stages (" +
                          Join(project.StageNames(), ", ") + ")",
                      "/defaults/stage");
  }
  return project;
}

}  // namespace sf
