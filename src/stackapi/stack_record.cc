#include "stackapi/stack_record.h"

#include <utility>

namespace sf::stackapi {

namespace {

using nlohmann::json;

// Reads the members of one JSON object, remembering the first member that is of the wrong type
// (or missing, when required). A null member counts as absent, except for the untyped ones
// (Any), where null is a value like any other. `path` prefixes member names in messages
// ("resources.Bucket.").
class Members {
 public:
  Members(const json& object, std::string what, std::string path)
      : object_(object), what_(std::move(what)), path_(std::move(path)) {
    if (!object_.is_object()) Refuse("", "must be an object");
  }

  void String(const char* name, std::string* out, bool required = false) {
    if (const json* value = Find(name, required)) {
      if (!value->is_string()) return Refuse(name, "must be a string");
      *out = value->get<std::string>();
    }
  }
  void Int(const char* name, int64_t* out) {
    if (const json* value = Find(name, false)) {
      if (!value->is_number_integer()) return Refuse(name, "must be an integer");
      *out = value->get<int64_t>();
    }
  }
  void Bool(const char* name, bool* out) {
    if (const json* value = Find(name, false)) {
      if (!value->is_boolean()) return Refuse(name, "must be a boolean");
      *out = value->get<bool>();
    }
  }
  void Any(const char* name, json* out) {
    if (ok() && object_.contains(name)) *out = object_.at(name);
  }
  void Strings(const char* name, std::vector<std::string>* out) {
    const json* value = Find(name, false);
    if (value == nullptr) return;
    if (!value->is_array()) return Refuse(name, "must be an array of strings");
    for (const auto& item : *value) {
      if (!item.is_string()) return Refuse(name, "must be an array of strings");
      out->push_back(item.get<std::string>());
    }
  }
  // The member when it is an object (or an array, with `array`); nullptr when absent.
  const json* Container(const char* name, bool array) {
    const json* value = Find(name, false);
    if (value == nullptr) return nullptr;
    if (array ? value->is_array() : value->is_object()) return value;
    Refuse(name, array ? "must be an array" : "must be an object");
    return nullptr;
  }

  bool ok() const { return !error_; }
  std::string Path(const std::string& name) const { return path_ + name; }
  // Takes over the first error of a nested reader.
  void Adopt(const Members& nested) {
    if (ok() && nested.error_) error_ = nested.error_;
  }
  Status status() const {
    if (error_) return tl::unexpected(*error_);
    return {};
  }

 private:
  const json* Find(const char* name, bool required) {
    if (!ok()) return nullptr;
    auto it = object_.find(name);
    if (it == object_.end() || it->is_null()) {
      if (required) Refuse(name, "is required");
      return nullptr;
    }
    return &*it;
  }
  void Refuse(const std::string& name, const std::string& what) {
    if (error_) return;
    std::string member = name.empty() ? (path_.empty() ? "the document" : path_) : Path(name);
    if (!member.empty() && member.back() == '.') member.pop_back();
    error_ = Error{ErrorCode::kParse, what_ + ": member '" + member + "' " + what};
  }

  const json& object_;
  std::string what_;
  std::string path_;
  std::optional<Error> error_;
};

json ToJson(const ResourceRecord& resource) {
  return {{"logicalId", resource.logical_id},   {"type", resource.type},
          {"physicalId", resource.physical_id}, {"status", resource.status},
          {"properties", resource.properties},  {"attributes", resource.attributes},
          {"dependsOn", resource.depends_on},   {"deletionPolicy", resource.deletion_policy},
          {"createdMs", resource.created_ms},   {"incarnation", resource.incarnation}};
}

void ReadResource(Members& in, ResourceRecord* out) {
  in.String("logicalId", &out->logical_id);
  in.String("type", &out->type, true);
  in.String("physicalId", &out->physical_id);
  in.String("status", &out->status);
  in.Any("properties", &out->properties);
  in.Any("attributes", &out->attributes);
  in.Strings("dependsOn", &out->depends_on);
  in.String("deletionPolicy", &out->deletion_policy);
  in.Int("createdMs", &out->created_ms);
  in.String("incarnation", &out->incarnation);
}

json ToJson(const OutputRecord& output) {
  return {{"name", output.name},
          {"value", output.value},
          {"exportName", output.export_name},
          {"description", output.description}};
}

void ReadOutput(Members& in, OutputRecord* out) {
  in.String("name", &out->name, true);
  in.Any("value", &out->value);
  in.String("exportName", &out->export_name);
  in.String("description", &out->description);
}

constexpr const char* kRecord = "stack record";

}  // namespace

const ResourceRecord* StackRecord::Find(const std::string& logical_id) const {
  auto it = resources.find(logical_id);
  return it == resources.end() ? nullptr : &it->second;
}

json ToJson(const StackRecord& record) {
  json resources = json::object();
  for (const auto& [logical_id, resource] : record.resources) {
    resources[logical_id] = ToJson(resource);
  }
  json outputs = json::array();
  for (const auto& output : record.outputs) outputs.push_back(ToJson(output));
  return {
      {"name", record.name},
      {"project", record.project},
      {"stage", record.stage},
      {"stack", record.stack},
      {"revision", record.revision},
      {"status", record.status},
      {"protected", record.protected_stage},
      {"lastApply", record.last_apply},
      {"openApply", record.open_apply},
      {"parameters", record.parameters},
      {"template",
       {{"path", record.tmpl.path}, {"digest", record.tmpl.digest}, {"text", record.tmpl.text}}},
      {"resources", std::move(resources)},
      {"outputs", std::move(outputs)},
      {"imports", record.imports},
      {"updatedMs", record.updated_ms}};
}

Result<StackRecord> StackRecordFromJson(const json& document) {
  StackRecord record;
  Members in(document, kRecord, "");
  in.String("name", &record.name, true);
  in.String("project", &record.project);
  in.String("stage", &record.stage);
  in.String("stack", &record.stack);
  in.Int("revision", &record.revision);
  in.String("status", &record.status);
  in.Bool("protected", &record.protected_stage);
  in.String("lastApply", &record.last_apply);
  in.String("openApply", &record.open_apply);
  if (const auto* parameters = in.Container("parameters", false)) record.parameters = *parameters;
  if (const auto* tmpl = in.Container("template", false)) {
    Members t(*tmpl, kRecord, "template.");
    t.String("path", &record.tmpl.path);
    t.String("digest", &record.tmpl.digest);
    t.String("text", &record.tmpl.text);
    in.Adopt(t);
  }
  if (const auto* resources = in.Container("resources", false)) {
    for (const auto& [logical_id, value] : resources->items()) {
      if (!in.ok()) break;
      ResourceRecord resource;
      Members r(value, kRecord, "resources." + logical_id + ".");
      ReadResource(r, &resource);
      if (resource.logical_id.empty()) resource.logical_id = logical_id;
      in.Adopt(r);
      record.resources.emplace(logical_id, std::move(resource));
    }
  }
  if (const auto* outputs = in.Container("outputs", true)) {
    for (size_t i = 0; i < outputs->size() && in.ok(); ++i) {
      OutputRecord output;
      Members o((*outputs)[i], kRecord, "outputs[" + std::to_string(i) + "].");
      ReadOutput(o, &output);
      in.Adopt(o);
      record.outputs.push_back(std::move(output));
    }
  }
  in.Strings("imports", &record.imports);
  in.Int("updatedMs", &record.updated_ms);
  if (auto status = in.status(); !status) return tl::unexpected(status.error());
  return record;
}

json ToJson(const StackSummary& summary) {
  return {{"name", summary.name},
          {"project", summary.project},
          {"stage", summary.stage},
          {"stack", summary.stack},
          {"status", summary.status},
          {"revision", summary.revision},
          {"updatedMs", summary.updated_ms},
          {"locked", summary.locked}};
}

Result<StackSummary> StackSummaryFromJson(const json& document) {
  StackSummary summary;
  Members in(document, "stack summary", "");
  in.String("name", &summary.name, true);
  in.String("project", &summary.project);
  in.String("stage", &summary.stage);
  in.String("stack", &summary.stack);
  in.String("status", &summary.status);
  in.Int("revision", &summary.revision);
  in.Int("updatedMs", &summary.updated_ms);
  in.Bool("locked", &summary.locked);
  if (auto status = in.status(); !status) return tl::unexpected(status.error());
  return summary;
}

json ToJson(const LockInfo& lock) {
  return {{"lockId", lock.lock_id},
          {"owner", lock.owner},
          {"operation", lock.operation},
          {"acquiredMs", lock.acquired_ms},
          {"expiresMs", lock.expires_ms}};
}

Result<LockInfo> LockInfoFromJson(const json& document) {
  LockInfo lock;
  Members in(document, "lock", "");
  in.String("lockId", &lock.lock_id, true);
  in.String("owner", &lock.owner);
  in.String("operation", &lock.operation);
  in.Int("acquiredMs", &lock.acquired_ms);
  in.Int("expiresMs", &lock.expires_ms);
  if (auto status = in.status(); !status) return tl::unexpected(status.error());
  return lock;
}

json ToJson(const JournalEntry& entry) {
  return {{"seq", entry.seq},
          {"timeMs", entry.time_ms},
          {"kind", entry.kind},
          {"applyId", entry.apply_id},
          {"logicalId", entry.logical_id},
          {"type", entry.type},
          {"operation", entry.operation},
          {"physicalId", entry.physical_id},
          {"status", entry.status},
          {"reason", entry.reason},
          {"detail", entry.detail}};
}

Result<JournalEntry> JournalEntryFromJson(const json& document) {
  JournalEntry entry;
  Members in(document, "journal entry", "");
  in.Int("seq", &entry.seq);
  in.Int("timeMs", &entry.time_ms);
  in.String("kind", &entry.kind, true);
  in.String("applyId", &entry.apply_id);
  in.String("logicalId", &entry.logical_id);
  in.String("type", &entry.type);
  in.String("operation", &entry.operation);
  in.String("physicalId", &entry.physical_id);
  in.String("status", &entry.status);
  in.String("reason", &entry.reason);
  in.Any("detail", &entry.detail);
  if (auto status = in.status(); !status) return tl::unexpected(status.error());
  return entry;
}

json ToJson(const ExportEntry& entry) {
  return {{"name", entry.name},
          {"value", entry.value},
          {"stack", entry.stack},
          {"importers", entry.importers}};
}

Result<ExportEntry> ExportEntryFromJson(const json& document) {
  ExportEntry entry;
  Members in(document, "export", "");
  in.String("name", &entry.name, true);
  in.Any("value", &entry.value);
  in.String("stack", &entry.stack);
  in.Strings("importers", &entry.importers);
  if (auto status = in.status(); !status) return tl::unexpected(status.error());
  return entry;
}

}  // namespace sf::stackapi
