#include "plan/changeset.h"

#include <array>
#include <utility>

namespace sf::plan {

namespace {

constexpr std::array<std::pair<Action, const char*>, 5> kActions = {{
    {Action::kNoOp, "NoOp"},
    {Action::kAdd, "Add"},
    {Action::kModify, "Modify"},
    {Action::kReplace, "Replace"},
    {Action::kRemove, "Remove"},
}};

constexpr std::array<std::pair<Replacement, const char*>, 3> kReplacements = {{
    {Replacement::kFalse, "False"},
    {Replacement::kConditional, "Conditional"},
    {Replacement::kTrue, "True"},
}};

template <class Enum, size_t N>
std::string Name(const std::array<std::pair<Enum, const char*>, N>& table, Enum value) {
  for (const auto& [entry, name] : table) {
    if (entry == value) return name;
  }
  return "";
}

template <class Enum, size_t N>
Result<Enum> ParseName(const std::array<std::pair<Enum, const char*>, N>& table,
                       const std::string& text, const char* what) {
  std::string choices;
  for (const auto& [entry, name] : table) {
    if (text == name) return entry;
    choices += choices.empty() ? name : std::string(", ") + name;
  }
  return Fail(ErrorCode::kParse,
              "unknown " + std::string(what) + " '" + text + "' (expected " + choices + ")");
}

// --- Writing -------------------------------------------------------------------------------

nlohmann::json Optional(const std::optional<Value>& value) {
  return value ? value->ToTaggedJson() : nlohmann::json();
}

nlohmann::json ToJson(const PropertyChange& change) {
  nlohmann::json out = {{"path", change.path},
                        {"forces", ToString(change.forces)},
                        {"cause", change.cause},
                        {"reason", change.reason}};
  if (change.before) out["before"] = change.before->ToTaggedJson();
  if (change.after) out["after"] = change.after->ToTaggedJson();
  return out;
}

nlohmann::json ToJson(const std::vector<PropertyChange>& changes) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& change : changes) out.push_back(ToJson(change));
  return out;
}

nlohmann::json ToJson(const CostDelta& cost) {
  return {{"monthlyBefore", cost.monthly_before},
          {"monthlyAfter", cost.monthly_after},
          {"notes", cost.notes}};
}

nlohmann::json ToJson(const ResourceChange& change) {
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& step : change.steps) {
    steps.push_back(
        {{"description", step.description}, {"properties", step.properties.ToTaggedJson()}});
  }
  return {{"stack", change.stack},
          {"logicalId", change.logical_id},
          {"type", change.type},
          {"physicalId", change.physical_id},
          {"newPhysicalId", change.new_physical_id},
          {"action", ToString(change.action)},
          {"replacement", ToString(change.replacement)},
          {"forcedBy", change.forced_by},
          {"deleteFirst", change.delete_first},
          {"properties", ToJson(change.properties)},
          {"attributes", ToJson(change.attributes)},
          {"steps", steps},
          {"dataImpact", change.data_impact},
          {"retain", change.retain},
          {"recreate", change.recreate},
          {"dependsOn", change.depends_on},
          {"desired", change.desired.ToTaggedJson()},
          {"cost", ToJson(change.cost)}};
}

nlohmann::json ToJson(const StackChange& stack) {
  nlohmann::json resources = nlohmann::json::array();
  for (const auto& resource : stack.resources) resources.push_back(ToJson(resource));
  nlohmann::json outputs = nlohmann::json::array();
  for (const auto& output : stack.outputs) {
    nlohmann::json row = {{"name", output.name}, {"exportName", output.export_name}};
    if (output.before) row["before"] = output.before->ToTaggedJson();
    if (output.after) row["after"] = output.after->ToTaggedJson();
    outputs.push_back(std::move(row));
  }
  nlohmann::json out = {{"name", stack.name},
                        {"stackName", stack.stack_name},
                        {"recordRevision", stack.record_revision},
                        {"templatePath", stack.template_path},
                        {"templateDigest", stack.template_digest},
                        {"resources", resources},
                        {"outputs", outputs},
                        {"unchanged", stack.unchanged}};
  out["protectionChange"] =
      stack.protection_change ? nlohmann::json(*stack.protection_change) : nlohmann::json();
  return out;
}

nlohmann::json ToJson(const DriftRow& row) {
  return {{"stack", row.stack},
          {"logicalId", row.logical_id},
          {"path", row.path},
          {"template", Optional(row.template_value)},
          {"applied", Optional(row.applied)},
          {"live", Optional(row.live)},
          {"outcome", row.outcome}};
}

// --- Reading -------------------------------------------------------------------------------

// Reads members of one JSON object, remembering the first problem (a missing member or one
// of the wrong type) with its path, so a From* function checks once at the end.
class Reader {
 public:
  Reader(const nlohmann::json& json, std::string path, std::string* error)
      : json_(json), path_(std::move(path)), error_(error) {
    if (!json_.is_object()) Problem(path_ + " is not an object");
  }

  const nlohmann::json* Member(const char* key, nlohmann::json::value_t type) {
    if (!json_.is_object()) return nullptr;
    auto it = json_.find(key);
    if (it == json_.end()) {
      Problem(path_ + "." + key + " is missing");
      return nullptr;
    }
    bool ok = it->type() == type ||
              (type == nlohmann::json::value_t::number_float && it->is_number()) ||
              (type == nlohmann::json::value_t::number_integer && it->is_number_integer());
    if (!ok) {
      Problem(path_ + "." + key + " has the wrong type");
      return nullptr;
    }
    return &*it;
  }

  std::string String(const char* key) {
    const auto* member = Member(key, nlohmann::json::value_t::string);
    return member ? member->get<std::string>() : "";
  }
  bool Bool(const char* key) {
    const auto* member = Member(key, nlohmann::json::value_t::boolean);
    return member ? member->get<bool>() : false;
  }
  int64_t Int(const char* key) {
    const auto* member = Member(key, nlohmann::json::value_t::number_integer);
    return member ? member->get<int64_t>() : 0;
  }
  double Double(const char* key) {
    const auto* member = Member(key, nlohmann::json::value_t::number_float);
    return member ? member->get<double>() : 0;
  }
  std::vector<std::string> Strings(const char* key) {
    std::vector<std::string> out;
    const auto* member = Member(key, nlohmann::json::value_t::array);
    if (member == nullptr) return out;
    for (const auto& item : *member) {
      if (!item.is_string()) {
        Problem(path_ + "." + key + " holds a non-string");
        return out;
      }
      out.push_back(item.get<std::string>());
    }
    return out;
  }
  const nlohmann::json& Array(const char* key) {
    static const nlohmann::json empty = nlohmann::json::array();
    const auto* member = Member(key, nlohmann::json::value_t::array);
    return member ? *member : empty;
  }
  // A tagged Value; a missing member is an error.
  Value Tagged(const char* key) {
    if (!json_.is_object() || !json_.contains(key)) {
      Problem(path_ + "." + key + " is missing");
      return Value();
    }
    return Value::FromTaggedJson(json_[key]);
  }
  // A tagged Value that may be absent (missing or null).
  std::optional<Value> OptionalTagged(const char* key) const {
    if (!json_.is_object() || !json_.contains(key) || json_[key].is_null()) return std::nullopt;
    return Value::FromTaggedJson(json_[key]);
  }
  template <class Enum>
  Enum Parsed(const char* key, Result<Enum> (*parse)(const std::string&)) {
    std::string text = String(key);
    if (text.empty()) return Enum{};
    auto value = parse(text);
    if (!value) {
      Problem(path_ + "." + key + ": " + value.error().message);
      return Enum{};
    }
    return *value;
  }
  std::string Path(const char* key, size_t index) const {
    return path_ + "." + key + "[" + std::to_string(index) + "]";
  }
  const nlohmann::json& json() const { return json_; }
  void Problem(const std::string& message) {
    if (error_->empty()) *error_ = message;
  }

 private:
  const nlohmann::json& json_;
  std::string path_;
  std::string* error_;
};

PropertyChange ReadPropertyChange(const nlohmann::json& json, const std::string& path,
                                  std::string* error) {
  Reader r(json, path, error);
  PropertyChange change;
  change.path = r.String("path");
  change.before = r.OptionalTagged("before");
  change.after = r.OptionalTagged("after");
  change.forces = r.Parsed<Replacement>("forces", &ParseReplacement);
  change.cause = r.String("cause");
  change.reason = r.String("reason");
  return change;
}

std::vector<PropertyChange> ReadPropertyChanges(Reader& r, const char* key, std::string* error) {
  std::vector<PropertyChange> out;
  const auto& array = r.Array(key);
  for (size_t i = 0; i < array.size(); ++i)
    out.push_back(ReadPropertyChange(array[i], r.Path(key, i), error));
  return out;
}

CostDelta ReadCostDelta(const nlohmann::json& json, const std::string& path, std::string* error) {
  Reader r(json, path, error);
  CostDelta cost;
  cost.monthly_before = r.Double("monthlyBefore");
  cost.monthly_after = r.Double("monthlyAfter");
  cost.notes = r.Strings("notes");
  return cost;
}

ResourceChange ReadResourceChange(const nlohmann::json& json, const std::string& path,
                                  std::string* error) {
  Reader r(json, path, error);
  ResourceChange change;
  change.stack = r.String("stack");
  change.logical_id = r.String("logicalId");
  change.type = r.String("type");
  change.physical_id = r.String("physicalId");
  change.new_physical_id = r.String("newPhysicalId");
  change.action = r.Parsed<Action>("action", &ParseAction);
  change.replacement = r.Parsed<Replacement>("replacement", &ParseReplacement);
  change.forced_by = r.Strings("forcedBy");
  change.delete_first = r.Bool("deleteFirst");
  change.properties = ReadPropertyChanges(r, "properties", error);
  change.attributes = ReadPropertyChanges(r, "attributes", error);
  const auto& steps = r.Array("steps");
  for (size_t i = 0; i < steps.size(); ++i) {
    Reader step(steps[i], r.Path("steps", i), error);
    change.steps.push_back({step.String("description"), step.Tagged("properties")});
  }
  change.data_impact = r.String("dataImpact");
  change.retain = r.Bool("retain");
  change.recreate = r.Bool("recreate");
  change.depends_on = r.Strings("dependsOn");
  change.desired = r.Tagged("desired");
  if (const auto* cost = r.Member("cost", nlohmann::json::value_t::object))
    change.cost = ReadCostDelta(*cost, path + ".cost", error);
  return change;
}

StackChange ReadStackChange(const nlohmann::json& json, const std::string& path,
                            std::string* error) {
  Reader r(json, path, error);
  StackChange stack;
  stack.name = r.String("name");
  stack.stack_name = r.String("stackName");
  stack.record_revision = r.Int("recordRevision");
  stack.template_path = r.String("templatePath");
  stack.template_digest = r.String("templateDigest");
  const auto& resources = r.Array("resources");
  for (size_t i = 0; i < resources.size(); ++i)
    stack.resources.push_back(ReadResourceChange(resources[i], r.Path("resources", i), error));
  const auto& outputs = r.Array("outputs");
  for (size_t i = 0; i < outputs.size(); ++i) {
    Reader o(outputs[i], r.Path("outputs", i), error);
    stack.outputs.push_back({o.String("name"), o.String("exportName"), o.OptionalTagged("before"),
                             o.OptionalTagged("after")});
  }
  if (json.is_object() && json.contains("protectionChange") &&
      !json["protectionChange"].is_null()) {
    stack.protection_change = r.Bool("protectionChange");
  }
  stack.unchanged = static_cast<size_t>(r.Int("unchanged"));
  return stack;
}

DriftRow ReadDriftRow(const nlohmann::json& json, const std::string& path, std::string* error) {
  Reader r(json, path, error);
  DriftRow row;
  row.stack = r.String("stack");
  row.logical_id = r.String("logicalId");
  row.path = r.String("path");
  row.template_value = r.OptionalTagged("template");
  row.applied = r.OptionalTagged("applied");
  row.live = r.OptionalTagged("live");
  row.outcome = r.String("outcome");
  return row;
}

}  // namespace

std::string ToString(Action action) { return Name(kActions, action); }
std::string ToString(Replacement replacement) { return Name(kReplacements, replacement); }

Result<Action> ParseAction(const std::string& text) { return ParseName(kActions, text, "action"); }

Result<Replacement> ParseReplacement(const std::string& text) {
  return ParseName(kReplacements, text, "replacement");
}

nlohmann::json ToJson(const Changeset& changeset) {
  nlohmann::json stacks = nlohmann::json::array();
  for (const auto& stack : changeset.stacks) stacks.push_back(ToJson(stack));
  nlohmann::json drift = nlohmann::json::array();
  for (const auto& row : changeset.drift) drift.push_back(ToJson(row));
  const Summary& s = changeset.summary;
  const CostSummary& c = changeset.cost;
  return {{"project", changeset.project},
          {"stage", changeset.stage},
          {"region", changeset.region},
          {"stacks", stacks},
          {"drift", drift},
          {"cost",
           {{"monthlyBefore", c.monthly_before},
            {"monthlyAfter", c.monthly_after},
            {"currency", c.currency},
            {"priceTable", c.price_table},
            {"notes", c.notes}}},
          {"summary",
           {{"add", s.add},
            {"modify", s.modify},
            {"replace", s.replace},
            {"remove", s.remove},
            {"unchanged", s.unchanged},
            {"drifted", s.drifted},
            {"conditional", s.conditional}}},
          {"warnings", changeset.warnings}};
}

Result<Changeset> ChangesetFromJson(const nlohmann::json& json) {
  std::string error;
  Reader r(json, "changeset", &error);
  Changeset changeset;
  changeset.project = r.String("project");
  changeset.stage = r.String("stage");
  changeset.region = r.String("region");
  const auto& stacks = r.Array("stacks");
  for (size_t i = 0; i < stacks.size(); ++i)
    changeset.stacks.push_back(ReadStackChange(stacks[i], r.Path("stacks", i), &error));
  const auto& drift = r.Array("drift");
  for (size_t i = 0; i < drift.size(); ++i)
    changeset.drift.push_back(ReadDriftRow(drift[i], r.Path("drift", i), &error));
  if (const auto* cost = r.Member("cost", nlohmann::json::value_t::object)) {
    Reader c(*cost, "changeset.cost", &error);
    changeset.cost.monthly_before = c.Double("monthlyBefore");
    changeset.cost.monthly_after = c.Double("monthlyAfter");
    changeset.cost.currency = c.String("currency");
    changeset.cost.price_table = c.String("priceTable");
    changeset.cost.notes = c.Strings("notes");
  }
  if (const auto* summary = r.Member("summary", nlohmann::json::value_t::object)) {
    Reader s(*summary, "changeset.summary", &error);
    auto count = [&s](const char* key) { return static_cast<size_t>(s.Int(key)); };
    changeset.summary.add = count("add");
    changeset.summary.modify = count("modify");
    changeset.summary.replace = count("replace");
    changeset.summary.remove = count("remove");
    changeset.summary.unchanged = count("unchanged");
    changeset.summary.drifted = count("drifted");
    changeset.summary.conditional = count("conditional");
  }
  changeset.warnings = r.Strings("warnings");
  if (!error.empty()) return Fail(ErrorCode::kParse, error);
  return changeset;
}

}  // namespace sf::plan
