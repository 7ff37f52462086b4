// streamform: the command line. It parses the global options, lets each command register
// itself, and maps the outcome to an exit code (docs/cli.md).

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "cli/commands/commands.h"
#include "cli/context.h"
#include "cli/views/terminal.h"
#include "version.h"

int main(int argc, char** argv) {
  using namespace sf::cli;
  Context context;
  context.out = &std::cout;
  context.err = &std::cerr;

  CLI::App app{
      "streamform: deploy Kinesis, Lambda, Firehose and S3 stacks to a local engine or AWS"};
  app.require_subcommand(0, 1);
  app.fallthrough();  // global options may also follow the command: `destroy --stage dev`
  app.set_version_flag("--version",
                       std::string("streamform ") + sf::kVersion + " (" + sf::kGitSha + ")");
  app.add_option("--project", context.options.project, "Project directory (holds streamform.yaml)")
      ->capture_default_str();
  app.add_option("--stage", context.options.stage,
                 "Stage to work on (default: the project's defaults.stage)");
  app.add_option("--output", context.options.output, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app.add_option("--color", context.options.color, "Colour: auto, always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  app.parse_complete_callback([&] { context.color = ShouldColor(context.options.color); });

  RegisterValidate(app, context);
  RegisterGraph(app, context);
  RegisterEngine(app, context);
  RegisterPut(app, context);
  RegisterTail(app, context);
  RegisterEnv(app, context);
  RegisterPlan(app, context);
  RegisterApply(app, context);
  RegisterDestroy(app, context);
  RegisterOutputs(app, context);
  RegisterFunctionCommands(app, context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "streamform: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
  if (app.get_subcommands().empty()) {
    std::cout << app.help();
    return kExitUsage;
  }
  return context.exit_code;
}
