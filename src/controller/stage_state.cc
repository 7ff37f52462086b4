#include "controller/stage_state.h"

#include <future>

namespace sf::controller {

state::StateResult<StageState> FetchStageState(state::StackStateClient& client,
                                               const Project& project, const Stage& stage) {
  StageState out;
  auto health = client.Health();
  if (!health) return tl::unexpected(health.error());
  if (health->is_object()) out.instance = health->value("instance", "");
  auto exports = std::async(std::launch::async, [&] { return client.Exports(stage.name); });
  std::vector<std::future<state::StateResult<std::optional<stackapi::StackRecord>>>> reads;
  for (const auto& entry : project.stacks) {
    std::string name = project.StackName(stage, entry.name);
    reads.push_back(
        std::async(std::launch::async, [&client, name] { return client.GetStack(name); }));
  }
  std::optional<state::StateError> error;
  for (auto& read : reads) {
    auto record = read.get();
    if (!record) {
      if (!error) error = record.error();
      continue;
    }
    if (*record && (*record)->status != "DELETE_COMPLETE") {
      out.records.emplace((*record)->name, std::move(**record));
    }
  }
  auto listed = exports.get();
  if (error) return tl::unexpected(*error);
  if (!listed) return tl::unexpected(listed.error());
  out.exports = std::move(*listed);
  return out;
}

StackSetOptions ResolutionHooks(
    const Target& target, const std::map<std::string, stackapi::StackRecord>& records,
    const std::vector<stackapi::ExportEntry>& exports,
    std::function<std::optional<Value>(const std::string&)> code_artifact) {
  const Project& project = *target.project;
  const Stage& stage = *target.stage;
  StackSetOptions options;
  options.code_artifact = std::move(code_artifact);
  options.target_region = target.region;
  options.target_account = target.account;
  std::map<std::string, const stackapi::StackRecord*> by_stack;  // project stack name -> record
  for (const auto& entry : project.stacks) {
    auto it = records.find(project.StackName(stage, entry.name));
    if (it != records.end()) by_stack[entry.name] = &it->second;
  }
  options.known = [by_stack](const std::string& stack, const std::string& logical_id,
                             const std::string& attribute) -> std::optional<Value> {
    auto record = by_stack.find(stack);
    if (record == by_stack.end()) return std::nullopt;
    const stackapi::ResourceRecord* resource = record->second->Find(logical_id);
    if (resource == nullptr || resource->physical_id.empty()) return std::nullopt;
    if (attribute.empty()) return Value::String(resource->physical_id);
    if (!resource->attributes.is_object()) return std::nullopt;
    auto value = resource->attributes.find(attribute);
    if (value == resource->attributes.end()) return std::nullopt;
    return Value::FromTaggedJson(*value);
  };
  options.external_export = [&exports](const std::string& name) -> std::optional<Value> {
    for (const auto& entry : exports) {
      if (entry.name == name) return Value::FromTaggedJson(entry.value);
    }
    return std::nullopt;
  };
  return options;
}

StackSet ResolveApplied(const Target& target,
                        const std::map<std::string, stackapi::StackRecord>& records,
                        const std::vector<stackapi::ExportEntry>& exports, Diagnostics& diagnostics,
                        std::function<std::optional<Value>(const std::string&)> code_artifact) {
  return BuildProjectStackSet(*target.project, *target.stage,
                              ResolutionHooks(target, records, exports, std::move(code_artifact)),
                              diagnostics);
}

}  // namespace sf::controller
