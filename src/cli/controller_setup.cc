#include "cli/controller_setup.h"

#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/views/diagnostics_view.h"
#include "client/http_client.h"
#include "provider/fault_injecting_provider.h"
#include "provider/fault_plan.h"
#include "provider/local/local_providers.h"
#include "version.h"

namespace sf::cli {

namespace {

std::string Owner() {
  const char* user = std::getenv("USER");
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  std::string owner =
      std::string(user ? user : "someone") + "@" + host + " pid " + std::to_string(getpid());
  for (const char* ci : {"GITHUB_RUN_ID", "CI_JOB_ID"}) {
    if (const char* id = std::getenv(ci); id != nullptr && *id != '\0')
      owner += " (" + std::string(ci) + " " + id + ")";
  }
  return owner;
}

bool EngineAnswers(const std::string& endpoint) {
  client::HttpClient http;
  auto reply = http.Get(endpoint + "/health", 2000);
  return reply && reply->status == 200;
}

// The region and account the engine serves (its /health), where the stage's resources live.
// Empty when it does not answer: the session's first read then reports that.
void ReadEngineIdentity(const std::string& endpoint, controller::Target& target) {
  client::HttpClient http;
  auto reply = http.Get(endpoint + "/health", 2000);
  if (!reply || reply->status != 200) return;
  auto health = nlohmann::json::parse(reply->body, nullptr, false);
  if (!health.is_object()) return;
  auto text = [&health](const char* name) {
    auto it = health.find(name);
    return it != health.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  target.region = text("region");
  target.account = text("account");
}

void NotRunning(Context& context, const std::string& endpoint, const EngineFlags& flags) {
  *context.err << "streamform: the engine is not running at " << endpoint << "; start it with `"
               << StartCommand(context, flags.data_dir) << "`\n";
  context.exit_code = kExitNotRunning;
}

}  // namespace

void AddEngineFlags(CLI::App& command, EngineFlags& flags) {
  command.add_option("--endpoint", flags.endpoint,
                     "The engine's URL (default: the data dir's running engine)");
  command.add_option("--data-dir", flags.data_dir,
                     "The engine's data dir, for its credentials (default: "
                     "<project>/.streamform/engine)");
}

std::unique_ptr<ControllerSetup> SetUpController(Context& context, const EngineFlags& flags) {
  auto setup = std::make_unique<ControllerSetup>();
  Diagnostics diagnostics;
  auto workspace = LoadWorkspace(context, {}, diagnostics, false);
  if (!diagnostics.empty()) PrintDiagnostics(*context.err, diagnostics, context.color);
  if (!workspace || diagnostics.has_errors()) {
    context.exit_code = kExitFailed;
    return nullptr;
  }
  setup->workspace = std::move(*workspace);

  std::string data_dir = EngineDataDir(context, flags.data_dir);
  auto access = ResolveEngineAccess(context, flags.endpoint, flags.data_dir);
  if (!access) {
    std::string endpoint = EngineEndpoint(flags.endpoint, data_dir);
    if (!EngineAnswers(endpoint)) {
      NotRunning(context, endpoint, flags);
    } else {
      *context.err << "streamform: " << access.error().message << "\n";
      context.exit_code = kExitFailed;
    }
    return nullptr;
  }
  setup->access = *access;  // an engine that is down shows at the session's first read: exit 3
  provider::RegisterLocalProviders(setup->providers, access->endpoint, access->credentials,
                                   access->region);
  // Test hook: inject provider faults (tests/README.md). Inert when unset.
  if (const char* faults = std::getenv("STREAMFORM_TEST_FAULTS"); faults && *faults) {
    auto plan = provider::ParseFaultPlan(faults);
    if (!plan) {
      *context.err << "streamform: STREAMFORM_TEST_FAULTS: " << plan.error().message << "\n";
      context.exit_code = kExitUsage;
      return nullptr;
    }
    provider::WrapWithFaults(setup->providers, *plan);
  }
  const Project& project = *setup->workspace.project;
  setup->target.project = &project;
  std::string stage =
      context.options.stage.empty() ? setup->workspace.stacks.stage : context.options.stage;
  setup->target.stage = project.FindStage(stage);
  setup->target.endpoint = {access->endpoint, access->credentials, access->region};
  ReadEngineIdentity(access->endpoint, setup->target);
  setup->target.providers = &setup->providers;
  setup->target.version = std::string(kVersion) + " (" + kGitSha + ")";
  setup->target.owner = Owner();
  return setup;
}

void ReportControllerError(Context& context, const controller::ControllerError& error,
                           const EngineFlags& flags) {
  using Kind = controller::ControllerError::Kind;
  if (error.kind == Kind::kNotRunning) {
    *context.err << "streamform: the engine is not running (" << error.message << ")\n";
    *context.err << "  start the engine with `" << StartCommand(context, flags.data_dir) << "`\n";
    context.exit_code = kExitNotRunning;
    return;
  }
  *context.err << "streamform: " << error.message << "\n";
  for (const auto& detail : error.details) *context.err << "  - " << detail << "\n";
  switch (error.kind) {
    case Kind::kStale:
      context.exit_code = kExitStale;
      break;
    case Kind::kLocked:
      context.exit_code = kExitLocked;
      break;
    case Kind::kRefused:
      context.exit_code = kExitRefused;
      break;
    default:
      context.exit_code = kExitFailed;
      break;
  }
}

}  // namespace sf::cli
