// streamform graph [--format text|dot] [--stacks] [FILE...]: the dependency graph across
// resources and stacks. Fails (exit 1) if the stacks cannot be read or hold a cycle; the
// graph is printed either way.

#include <ostream>

#include "cli/commands/commands.h"
#include "cli/views/diagnostics_view.h"

namespace sf::cli {

namespace {

struct GraphOptions {
  std::string format = "text";
  bool stacks_only = false;
  std::vector<std::string> files;
};

nlohmann::json GraphJson(const Graph& graph) {
  nlohmann::json edges = nlohmann::json::array();
  for (const auto& edge : graph.edges()) {
    edges.push_back({{"from", edge.from},
                     {"to", edge.to},
                     {"label", edge.label},
                     {"file", edge.location.file},
                     {"line", edge.location.line},
                     {"column", edge.location.column}});
  }
  auto order = graph.TopologicalOrder();
  return {{"nodes", graph.nodes()},
          {"edges", edges},
          {"order", order ? nlohmann::json(*order) : nlohmann::json(nullptr)}};
}

void RunGraph(Context& context, const GraphOptions& options) {
  Diagnostics diagnostics;
  auto workspace = LoadWorkspace(context, options.files, diagnostics);
  diagnostics.SortAndDedupe();
  context.exit_code = workspace && !diagnostics.has_errors() ? kExitOk : kExitFailed;
  if (!workspace) {
    PrintDiagnostics(*context.err, diagnostics, false);
    return;
  }
  const Graph& graph =
      options.stacks_only ? workspace->stacks.stack_graph : workspace->stacks.resource_graph;
  std::ostream& out = *context.out;
  if (context.json()) {
    nlohmann::json result = GraphJson(graph);
    result["diagnostics"] = DiagnosticsJson(diagnostics);
    out << result.dump(2) << "\n";
    return;
  }
  PrintDiagnostics(*context.err, diagnostics, false);
  if (options.format == "dot") {
    std::string title = workspace->project
                            ? workspace->project->name + " (" + workspace->stacks.stage + ")"
                            : "templates";
    out << graph.ToDot(title);
  } else {
    out << graph.ToText();
  }
}

}  // namespace

void RegisterGraph(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand(
      "graph", "Print the dependency graph of the project's resources and stacks");
  auto options = std::make_shared<GraphOptions>();
  command->add_option("--format", options->format, "text or dot (Graphviz)")
      ->check(CLI::IsMember({"text", "dot"}));
  command->add_flag("--stacks", options->stacks_only,
                    "Show the stack order only (exports and imports)");
  command->add_option("files", options->files,
                      "Template files to graph instead of the project's stacks");
  command->callback([&context, options] { RunGraph(context, *options); });
}

}  // namespace sf::cli
