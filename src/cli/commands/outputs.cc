// streamform outputs [STACK...]: each applied stack's outputs, their export names and the
// stacks that import them.
// streamform events [STACK...] [--apply ID] [--follow]: the stacks' event log (the apply
// journal), oldest first, as CloudFormation prints it: time, resource, type, status, reason.
// Both read the engine only: no locks, no changes.

#include <chrono>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/strings.h"
#include "cli/commands/commands.h"
#include "cli/controller_setup.h"
#include "cli/views/terminal.h"
#include "controller/session.h"

namespace sf::cli {

namespace {

struct ReadOptions {
  std::vector<std::string> stacks;
  std::string apply_id;
  bool follow = false;
  EngineFlags engine;
};

std::string Text(const nlohmann::json& tagged) {
  nlohmann::json value = Value::ReadableTaggedJson(tagged);
  return value.is_string() ? value.get<std::string>() : value.dump();
}

void RunOutputs(Context& context, const ReadOptions& options) {
  auto setup = SetUpController(context, options.engine);
  if (!setup) return;
  auto session = controller::StageSession::Open(setup->target, options.stacks, "outputs", false);
  if (!session) return ReportControllerError(context, session.error(), options.engine);
  const auto& state = (*session)->state();
  nlohmann::json json = nlohmann::json::object();
  for (const auto& stack : (*session)->stacks()) {
    auto record = state.records.find(controller::StackNameOf(setup->target, stack));
    if (record == state.records.end()) {
      if (!context.json()) *context.out << stack << ": not applied\n";
      continue;
    }
    nlohmann::json outputs = nlohmann::json::object();
    if (!context.json()) *context.out << stack << " (" << record->first << ")\n";
    for (const auto& output : record->second.outputs) {
      std::vector<std::string> importers;
      for (const auto& entry : state.exports) {
        if (entry.name == output.export_name) importers = entry.importers;
      }
      outputs[output.name] = {
          {"value", Value::ReadableTaggedJson(output.value)},
          {"export", output.export_name.empty() ? nlohmann::json(nullptr)
                                                : nlohmann::json(output.export_name)},
          {"importers", importers}};
      if (context.json()) continue;
      *context.out << "  " << output.name << " = " << Text(output.value) << "\n";
      if (!output.export_name.empty()) {
        *context.out << "    exported as " << output.export_name;
        if (!importers.empty()) *context.out << ", imported by " << Join(importers, ", ");
        *context.out << "\n";
      }
    }
    json[stack] = outputs;
  }
  if (context.json()) *context.out << json.dump(2) << "\n";
}

std::string Time(int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  char with_ms[40];
  std::snprintf(with_ms, sizeof with_ms, "%s.%03dZ", text, static_cast<int>(ms % 1000));
  return with_ms;
}

void PrintEvent(Context& context, const std::string& stack, const stackapi::JournalEntry& entry) {
  if (context.json()) {
    nlohmann::json line = stackapi::ToJson(entry);
    line["stack"] = stack;
    *context.out << line.dump() << "\n";
    return;
  }
  Style style = Style::kDim;
  const std::string& status = entry.status;
  if (status.find("FAILED") != std::string::npos) style = Style::kRed;
  if (status.find("COMPLETE") != std::string::npos) style = Style::kGreen;
  if (status.find("ROLLBACK") != std::string::npos) style = Style::kYellow;
  std::string resource = entry.logical_id.empty() ? stack : stack + "/" + entry.logical_id;
  *context.out << Time(entry.time_ms) << "  " << resource << "  "
               << (entry.type.empty() ? "(stack)" : entry.type) << "  "
               << Styled(status.empty() ? entry.kind : status, style, context.color);
  if (!entry.reason.empty()) *context.out << "  " << entry.reason;
  *context.out << "\n" << std::flush;
}

void RunEvents(Context& context, const ReadOptions& options) {
  auto setup = SetUpController(context, options.engine);
  if (!setup) return;
  auto session = controller::StageSession::Open(setup->target, options.stacks, "events", false);
  if (!session) return ReportControllerError(context, session.error(), options.engine);
  std::map<std::string, int64_t> after;
  do {
    for (const auto& stack : (*session)->stacks()) {
      std::string name = controller::StackNameOf(setup->target, stack);
      while (true) {
        auto page = (*session)->client().Events(name, after[name], 1000);
        if (!page) {
          return ReportControllerError(context, controller::FromState(page.error(), "events"),
                                       options.engine);
        }
        if (page->empty()) break;
        after[name] = page->back().seq;
        for (const auto& entry : *page) {
          if (options.apply_id.empty() || entry.apply_id == options.apply_id)
            PrintEvent(context, stack, entry);
        }
      }
    }
    if (options.follow) std::this_thread::sleep_for(std::chrono::seconds(1));
  } while (options.follow);
}

}  // namespace

void RegisterOutputs(CLI::App& app, Context& context) {
  auto options = std::make_shared<ReadOptions>();
  CLI::App* command = app.add_subcommand("outputs", "Show applied stacks' outputs and exports");
  command->add_option("stacks", options->stacks, "Stacks (default: all)");
  AddEngineFlags(*command, options->engine);
  command->callback([&context, options] { RunOutputs(context, *options); });

  auto events_options = std::make_shared<ReadOptions>();
  CLI::App* events = app.add_subcommand("events", "Show the stacks' event log");
  events->add_option("stacks", events_options->stacks, "Stacks (default: all)");
  events->add_option("--apply", events_options->apply_id, "Only the events of this apply");
  events->add_flag("--follow,-f", events_options->follow, "Keep printing new events");
  AddEngineFlags(*events, events_options->engine);
  events->callback([&context, events_options] { RunEvents(context, *events_options); });
}

}  // namespace sf::cli
