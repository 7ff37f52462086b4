#include "plan/saved_plan.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>

#include "base/file_io.h"
#include "plan/digest.h"
#include "plan/normalize.h"

namespace sf::plan {

namespace {

namespace fs = std::filesystem;

std::string Now() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

nlohmann::json ToJson(const InputFile& file) {
  nlohmann::json out = {{"path", file.path}, {"digest", file.digest}};
  if (!file.stack.empty()) out["stack"] = file.stack;
  return out;
}

InputFile InputFileFromJson(const nlohmann::json& json) {
  return {json.value("stack", ""), json.value("path", ""), json.value("digest", "")};
}

// The document without its digest: what the digest covers.
nlohmann::json Body(const SavedPlan& plan) {
  nlohmann::json templates = nlohmann::json::array();
  for (const auto& file : plan.inputs.templates) templates.push_back(ToJson(file));
  nlohmann::json touched = nlohmann::json::array();
  for (const auto& t : plan.touched) {
    touched.push_back(
        {{"stack", t.stack},
         {"logicalId", t.logical_id},
         {"type", t.type},
         {"physicalId", t.physical_id},
         {"record", t.record},
         {"live", {{"fingerprint", t.fingerprint}, {"properties", t.live.ToTaggedJson()}}}});
  }
  return {{"format", plan.format},
          {"createdAt", plan.created_at},
          {"streamform", plan.streamform},
          {"project", plan.project},
          {"stage", plan.stage},
          {"engineInstance", plan.engine_instance},
          {"inputs",
           {{"project", ToJson(plan.inputs.project)},
            {"templates", templates},
            {"artifacts", nlohmann::json::array()}}},
          {"touched", touched},
          {"changeset", ToJson(plan.changeset)}};
}

std::string BodyDigest(const nlohmann::json& body) { return Sha256Digest(body.dump()); }

std::string Show(const std::optional<Value>& value) {
  if (!value) return "(absent)";
  if (value->IsMap() || value->IsList()) return CanonicalJson(*value);
  return value->AsString();
}

const Value* Find(const Value& map, const std::string& key) {
  return map.IsMap() ? map.Find(key) : nullptr;
}

// "Stream: ShardCount 2 -> 4 since the plan", one line per property that changed.
void LiveReasons(const TouchedResource& touched, const provider::LiveState& now,
                 std::vector<std::string>& reasons) {
  const std::string who = touched.logical_id + ": ";
  bool existed = touched.fingerprint != kAbsent;
  if (existed && !now.exists) {
    reasons.push_back(who + "deleted since the plan");
    return;
  }
  if (!existed) {
    reasons.push_back(who + "created outside streamform since the plan");
    return;
  }
  Value properties = NormalizedLive(SchemaRegistry::Builtin().Find(touched.type), now);
  size_t before = reasons.size();
  std::set<std::string> keys;
  for (const auto& [key, value] : touched.live.members()) keys.insert(key);
  for (const auto& [key, value] : properties.members()) keys.insert(key);
  for (const auto& key : keys) {
    const Value* old_value = Find(touched.live, key);
    const Value* new_value = Find(properties, key);
    if (old_value && new_value && *old_value == *new_value) continue;
    auto shown = [](const Value* v) { return v ? Show(*v) : Show(std::nullopt); };
    reasons.push_back(who + key + " " + shown(old_value) + " -> " + shown(new_value) +
                      " since the plan");
  }
  if (reasons.size() == before)
    reasons.push_back(who + "recreated or changed outside streamform since the plan");
}

}  // namespace

Result<PlanInputs> ReadPlanInputs(const Project& project, const std::vector<std::string>& stacks) {
  PlanInputs inputs;
  auto digest = FileDigest(project.file);
  if (!digest) return tl::unexpected(digest.error());
  inputs.project = {"", project.file, *digest};
  for (const auto& entry : project.stacks) {
    if (!stacks.empty() && std::find(stacks.begin(), stacks.end(), entry.name) == stacks.end())
      continue;
    std::string path =
        (fs::path(project.directory) / entry.template_path).lexically_normal().string();
    auto file = FileDigest(path);
    if (!file) return tl::unexpected(file.error());
    inputs.templates.push_back({entry.name, path, *file});
  }
  return inputs;
}

std::string RecordDigest(const stackapi::ResourceRecord* record) {
  if (record == nullptr) return "";
  nlohmann::json json = {
      {"logicalId", record->logical_id},   {"type", record->type},
      {"physicalId", record->physical_id}, {"status", record->status},
      {"properties", record->properties},  {"attributes", record->attributes},
      {"dependsOn", record->depends_on},   {"deletionPolicy", record->deletion_policy},
      {"createdMs", record->created_ms},   {"incarnation", record->incarnation}};
  return Sha256Digest(json.dump());
}

Value NormalizedLive(const ResourceSchema* schema, const provider::LiveState& live) {
  Value out = Value::Map();
  if (!live.exists) return out;
  Value normalized = Normalize(schema, live.properties, {.fill_defaults = false});
  for (const auto& name : live.observed) {
    if (const Value* value = Find(normalized, name)) out.Set(name, *value);
  }
  return out;
}

std::string LiveFingerprint(const ResourceSchema* schema, const provider::LiveState& live) {
  if (!live.exists) return kAbsent;
  nlohmann::json attributes = nlohmann::json::object();
  for (const auto& [name, value] : live.attributes) attributes[name] = value.ToJson();
  nlohmann::json json = {{"properties", NormalizedLive(schema, live).ToJson()},
                         {"attributes", attributes},
                         {"incarnation", live.incarnation}};
  return Sha256Digest(json.dump());
}

SavedPlan MakeSavedPlan(const PlanResult& result, PlanInputs inputs,
                        const std::map<std::string, stackapi::StackRecord>& records,
                        std::string streamform_version, std::string engine_instance,
                        std::string created_at) {
  SavedPlan plan;
  plan.created_at = created_at.empty() ? Now() : std::move(created_at);
  plan.streamform = std::move(streamform_version);
  plan.project = result.changeset.project;
  plan.stage = result.changeset.stage;
  plan.engine_instance = std::move(engine_instance);
  plan.inputs = std::move(inputs);
  plan.changeset = result.changeset;
  for (const auto& stack : result.changeset.stacks) {
    auto record = records.find(stack.stack_name);
    for (const auto& change : stack.resources) {
      TouchedResource touched;
      touched.stack = stack.name;
      touched.logical_id = change.logical_id;
      touched.type = change.type;
      touched.physical_id =
          change.physical_id.empty() ? change.new_physical_id : change.physical_id;
      if (record != records.end())
        touched.record = RecordDigest(record->second.Find(change.logical_id));
      touched.fingerprint = kAbsent;
      auto live = result.live.find(stack.name + "/" + change.logical_id);
      if (live != result.live.end()) {
        const ResourceSchema* schema = SchemaRegistry::Builtin().Find(change.type);
        touched.fingerprint = LiveFingerprint(schema, live->second);
        touched.live = NormalizedLive(schema, live->second);
      }
      plan.touched.push_back(std::move(touched));
    }
  }
  plan.digest = BodyDigest(Body(plan));
  return plan;
}

nlohmann::json ToJson(const SavedPlan& plan) {
  nlohmann::json body = Body(plan);
  body["digest"] = BodyDigest(body);
  return body;
}

Result<SavedPlan> SavedPlanFromJson(const nlohmann::json& json) {
  if (!json.is_object() || !json.contains("digest") || !json["digest"].is_string())
    return Fail(ErrorCode::kInvalidArgument, "the plan was edited or truncated: it has no digest");
  nlohmann::json body = json;
  body.erase("digest");
  if (BodyDigest(body) != json["digest"].get<std::string>()) {
    return Fail(ErrorCode::kInvalidArgument,
                "the plan was edited or truncated: its digest does not match its content");
  }
  if (json.value("format", "") != kSavedPlanFormat) {
    return Fail(ErrorCode::kInvalidArgument, "not a streamform plan (format '" +
                                                 json.value("format", "") + "', expected '" +
                                                 kSavedPlanFormat + "')");
  }
  SavedPlan plan;
  plan.created_at = json.value("createdAt", "");
  plan.streamform = json.value("streamform", "");
  plan.project = json.value("project", "");
  plan.stage = json.value("stage", "");
  plan.engine_instance = json.value("engineInstance", "");
  const auto& inputs = json.value("inputs", nlohmann::json::object());
  plan.inputs.project = InputFileFromJson(inputs.value("project", nlohmann::json::object()));
  for (const auto& file : inputs.value("templates", nlohmann::json::array()))
    plan.inputs.templates.push_back(InputFileFromJson(file));
  for (const auto& t : json.value("touched", nlohmann::json::array())) {
    TouchedResource touched;
    touched.stack = t.value("stack", "");
    touched.logical_id = t.value("logicalId", "");
    touched.type = t.value("type", "");
    touched.physical_id = t.value("physicalId", "");
    touched.record = t.value("record", "");
    const auto& live = t.value("live", nlohmann::json::object());
    touched.fingerprint = live.value("fingerprint", kAbsent);
    if (live.contains("properties")) touched.live = Value::FromTaggedJson(live["properties"]);
    plan.touched.push_back(std::move(touched));
  }
  auto changeset = ChangesetFromJson(json.value("changeset", nlohmann::json::object()));
  if (!changeset) return tl::unexpected(changeset.error());
  plan.changeset = std::move(*changeset);
  plan.digest = json["digest"].get<std::string>();
  return plan;
}

Status SaveSavedPlan(const SavedPlan& plan, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << ToJson(plan).dump(2) << "\n";
  out.close();
  if (!out) return Fail(ErrorCode::kIo, "cannot write " + path);
  return {};
}

Result<SavedPlan> LoadSavedPlan(const std::string& path) {
  auto text = ReadFile(path);
  if (!text) return tl::unexpected(text.error());
  nlohmann::json json = nlohmann::json::parse(*text, nullptr, false);
  if (json.is_discarded()) {
    return Fail(ErrorCode::kInvalidArgument,
                path + " was edited or truncated: it is not valid JSON");
  }
  auto plan = SavedPlanFromJson(json);
  if (!plan) return Fail(plan.error().code, path + ": " + plan.error().message);
  return plan;
}

std::vector<std::string> StaleReasons(const SavedPlan& plan, const CurrentState& current) {
  std::vector<std::string> reasons;
  auto changed = [&reasons](const InputFile& then, const InputFile* now) {
    if (now == nullptr) {
      reasons.push_back(then.path + " is no longer part of the project");
    } else if (now->digest != then.digest) {
      reasons.push_back(then.path + " changed since the plan");
    }
  };
  changed(plan.inputs.project, &current.inputs.project);
  for (const auto& then : plan.inputs.templates) {
    const InputFile* now = nullptr;
    for (const auto& file : current.inputs.templates) {
      if (file.stack == then.stack) now = &file;
    }
    changed(then, now);
  }
  if (plan.engine_instance != current.engine_instance) {
    reasons.push_back("engine instance differs: the plan was made against " + plan.engine_instance +
                      ", the engine is now " + current.engine_instance);
  }
  for (const auto& stack : plan.changeset.stacks) {
    auto record = current.records.find(stack.stack_name);
    bool live_record =
        record != current.records.end() && record->second.status != "DELETE_COMPLETE";
    int64_t revision = live_record ? record->second.revision : 0;
    if (revision != stack.record_revision) {
      reasons.push_back("stack " + stack.stack_name + " was changed since the plan (revision " +
                        std::to_string(stack.record_revision) + " -> " + std::to_string(revision) +
                        ")");
    }
    if (live_record && !record->second.open_apply.empty()) {
      reasons.push_back("stack " + stack.stack_name + " has an unfinished apply (" +
                        record->second.open_apply + ")");
    }
  }
  for (const auto& touched : plan.touched) {
    std::string stack_name;
    for (const auto& stack : plan.changeset.stacks) {
      if (stack.name == touched.stack) stack_name = stack.stack_name;
    }
    auto record = current.records.find(stack_name);
    const stackapi::ResourceRecord* resource =
        record != current.records.end() && record->second.status != "DELETE_COMPLETE"
            ? record->second.Find(touched.logical_id)
            : nullptr;
    if (RecordDigest(resource) != touched.record)
      reasons.push_back(touched.logical_id + ": its record changed since the plan");
    auto live = current.live.find(touched.stack + "/" + touched.logical_id);
    if (live == current.live.end()) continue;
    if (LiveFingerprint(SchemaRegistry::Builtin().Find(touched.type), live->second) !=
        touched.fingerprint)
      LiveReasons(touched, live->second, reasons);
  }
  return reasons;
}

}  // namespace sf::plan
