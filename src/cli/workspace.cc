#include <filesystem>

#include "base/strings.h"
#include "cli/context.h"

namespace sf::cli {

std::optional<Workspace> LoadWorkspace(const Context& context,
                                       const std::vector<std::string>& files,
                                       Diagnostics& diagnostics, bool resolve) {
  Workspace workspace;
  if (!files.empty()) {
    for (const auto& file : files) {
      if (!std::filesystem::is_regular_file(file)) {
        diagnostics.Error({file, 0, 0}, "io", "no such template file");
        continue;
      }
      workspace.files.push_back(file);
    }
    workspace.stacks = BuildFileStackSet(workspace.files, diagnostics);
    return workspace;
  }
  workspace.project = LoadProject(context.options.project, diagnostics);
  if (!workspace.project) return std::nullopt;
  const Project& project = *workspace.project;
  std::string stage_name = context.options.stage;
  if (stage_name.empty()) stage_name = project.default_stage;
  if (stage_name.empty() && project.stages.size() == 1) stage_name = project.stages.front().name;
  if (stage_name.empty()) {
    diagnostics.Error({project.file, 0, 0}, "no-stage",
                      "choose a stage with --stage (the project has " +
                          Join(project.StageNames(), ", ") + " and no defaults.stage)");
    return std::nullopt;
  }
  const Stage* stage = project.FindStage(stage_name);
  if (stage == nullptr) {
    diagnostics.Error({project.file, 0, 0}, "unknown-stage",
                      "unknown stage '" + stage_name + "'; the project's stages are " +
                          Join(project.StageNames(), ", "),
                      "/stages", DidYouMean(stage_name, project.StageNames()));
    return std::nullopt;
  }
  for (const auto& entry : project.stacks) {
    workspace.files.push_back((std::filesystem::path(project.directory) / entry.template_path)
                                  .lexically_normal()
                                  .string());
  }
  if (resolve) {
    workspace.stacks = BuildProjectStackSet(project, *stage, diagnostics);
  } else {
    workspace.stacks.stage = stage->name;
  }
  return workspace;
}

}  // namespace sf::cli
