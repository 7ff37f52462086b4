// streamform validate [FILE...]: offline validation of the project for a stage, or of the
// template files given. Exit 0 when no errors (warnings allowed), 1 otherwise.

#include <ostream>

#include "cli/commands/commands.h"
#include "cli/views/diagnostics_view.h"
#include "cli/views/terminal.h"

namespace sf::cli {

namespace {

size_t CountResources(const StackSet& stacks) {
  size_t count = 0;
  for (const auto& stack : stacks.stacks) count += stack.resources.size();
  return count;
}

void RunValidate(Context& context, const std::vector<std::string>& files) {
  Diagnostics diagnostics;
  auto workspace = LoadWorkspace(context, files, diagnostics);
  diagnostics.SortAndDedupe();
  bool ok = workspace.has_value() && !diagnostics.has_errors();
  context.exit_code = ok ? kExitOk : kExitFailed;
  std::ostream& out = *context.out;
  if (context.json()) {
    nlohmann::json stacks = nlohmann::json::array();
    if (workspace) {
      for (const auto& stack : workspace->stacks.stacks) {
        stacks.push_back({{"name", stack.name},
                          {"stackName", stack.stack_name},
                          {"template", stack.tmpl->file()},
                          {"resources", stack.resources.size()}});
      }
    }
    nlohmann::json result = {{"valid", ok},
                             {"stage", workspace ? workspace->stacks.stage : ""},
                             {"errors", diagnostics.error_count()},
                             {"warnings", diagnostics.warning_count()},
                             {"stacks", stacks},
                             {"diagnostics", DiagnosticsJson(diagnostics)}};
    out << result.dump(2) << "\n";
    return;
  }
  PrintDiagnostics(out, diagnostics, context.color);
  std::string counts = std::to_string(diagnostics.error_count()) + " error(s), " +
                       std::to_string(diagnostics.warning_count()) + " warning(s)";
  if (!ok) {
    out << Styled("validation failed: " + counts, Style::kRed, context.color) << "\n";
    return;
  }
  std::string scope = workspace->project ? "stage " + workspace->stacks.stage : "the given files";
  out << Styled("valid: ", Style::kGreen, context.color) << workspace->stacks.stacks.size()
      << " stack(s), " << CountResources(workspace->stacks) << " resource(s) for " << scope << "; "
      << counts << "\n";
}

}  // namespace

void RegisterValidate(CLI::App& app, Context& context) {
  auto* command =
      app.add_subcommand("validate", "Validate the project (or the given template files) offline");
  auto files = std::make_shared<std::vector<std::string>>();
  command->add_option("files", *files,
                      "Template files to validate instead of the project's stacks");
  command->callback([&context, files] { RunValidate(context, *files); });
}

}  // namespace sf::cli
