#pragma once
// The project file, streamform.yaml: the stacks of a project and its stages.
// Its schema is schemas/streamform-project.json; docs/project-file.md describes it.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "base/yaml_document.h"
#include "template/parameters.h"

namespace sf {

inline constexpr const char* kProjectFileName = "streamform.yaml";

struct StackEntry {
  std::string name;
  std::string template_path;  // as written, relative to the project directory
  SourceLocation location;
};

// What a stage expects to carry, for plan's cost estimate; unset terms are not estimated.
struct StageUsage {
  std::optional<double> records_per_second, average_record_bytes, stored_gb, invocations_per_second,
      seconds_per_invocation;
};

struct Stage {
  std::string name;
  std::string account;
  std::string region;
  std::string git_ref;
  bool is_protected = false;
  StageUsage usage;
  // Stack name -> parameter name -> value; "" holds commonParameters.
  std::map<std::string, std::map<std::string, GivenParameter>> parameters;
  SourceLocation location;
};

struct Project {
  std::string directory;  // where streamform.yaml is
  std::string file;       // its path
  std::string name;
  std::string description;
  std::string default_stage;
  std::string default_region = "us-east-1";
  std::string default_account = "123456789012";
  std::vector<StackEntry> stacks;
  std::vector<Stage> stages;

  const Stage* FindStage(const std::string& name) const;
  std::vector<std::string> StageNames() const;
  // The CloudFormation stack name: <project>-<stage>-<stack>.
  std::string StackName(const Stage& stage, const std::string& stack) const;
};

// Reads `directory`/streamform.yaml (or the file itself when a file is given). Problems are
// reported with their locations; nullopt when the file cannot be read as a project at all.
std::optional<Project> LoadProject(const std::string& path, Diagnostics& diagnostics);

}  // namespace sf
