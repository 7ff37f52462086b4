#include "cli/views/changeset_view.h"

#include <cmath>
#include <initializer_list>
#include <vector>

#include "base/strings.h"
#include "cli/views/terminal.h"
#include "plan/cost_table.h"

namespace sf::cli {
namespace {

using plan::Action;
using plan::Replacement;
using plan::ResourceChange;

constexpr size_t kMaxValueWidth = 80;  // an Add's property values are cut beyond this
constexpr const char* kKnownAfterApply = "(known after apply)";

std::string Plural(size_t count, const char* one, const char* many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

class Renderer {
 public:
  Renderer(std::ostream& out, const plan::Changeset& changeset, const ChangesetViewOptions& options)
      : out_(out), changeset_(changeset), options_(options) {
    for (const auto& stack : changeset.stacks) {
      for (const auto& resource : stack.resources) resources_.push_back(&resource);
    }
  }

  void Render() {
    if (!HasChanges()) {
      Drift();
      Warnings();
      if (printed_) out_ << "\n";
      Line(EmptyLine());
      return;
    }
    RemoveAndReplace();
    Modify();
    Add();
    Outputs();
    Drift();
    if (printed_) out_ << "\n";
    Unchanged();
    Cost();
    Warnings();
    Summary();
  }

 private:
  std::string Paint(const std::string& text, Style style) const {
    return Styled(text, style, options_.color);
  }
  void Line(const std::string& text) { out_ << text << "\n"; }
  void Title(const std::string& title) {
    if (printed_) out_ << "\n";
    printed_ = true;
    Line(Paint(title, Style::kBold));
  }

  std::string Stage() const { return options_.stage.empty() ? changeset_.stage : options_.stage; }

  size_t Count(Action action) const { return With({action}).size(); }
  bool HasChanges() const {
    return !With({Action::kAdd, Action::kModify, Action::kReplace, Action::kRemove}).empty();
  }
  size_t UnchangedResources() const {
    size_t count = 0;
    for (const auto& stack : changeset_.stacks) count += stack.unchanged;
    return count;
  }

  // A value as compact JSON; Unknowns (and absent values) in words.
  std::string Show(const Value& value) const {
    if (value.IsUnknown()) return Paint(kKnownAfterApply, Style::kDim);
    return value.ToJson().dump();
  }
  std::string Show(const std::optional<Value>& value, const char* absent) const {
    return value ? Show(*value) : Paint(absent, Style::kDim);
  }

  static std::string Name(const ResourceChange& resource) {
    return resource.stack + "/" + resource.logical_id + " (" + resource.type + ")";
  }

  // "/Name (createOnlyProperties), /ShardCount": the paths that force the replacement, each
  // with its reason; the forcing properties when `forced_by` is empty.
  static std::string ForcedBy(const ResourceChange& resource) {
    auto reason_of = [&](const std::string& path) {
      for (const auto& property : resource.properties) {
        if (property.path == path && !property.reason.empty()) return " (" + property.reason + ")";
      }
      return std::string();
    };
    std::vector<std::string> parts;
    for (const auto& path : resource.forced_by) parts.push_back(path + reason_of(path));
    if (parts.empty()) {
      for (const auto& property : resource.properties) {
        if (property.forces != Replacement::kFalse) {
          parts.push_back(property.path + reason_of(property.path));
        }
      }
    }
    return Join(parts, ", ");
  }

  void PropertyLines(const ResourceChange& resource) {
    for (const auto& property : resource.properties) {
      std::string line = "      " + property.path + ": " + Show(property.before, "(not set)") +
                         " -> " + Show(property.after, "(removed)");
      if (property.forces == Replacement::kTrue) line += " (forces replacement)";
      if (property.forces == Replacement::kConditional) line += " (may force replacement)";
      if (property.cause == "drift") line += " (reverts drift)";
      Line(line);
    }
    for (const auto& attribute : resource.attributes) {
      std::string name =
          StartsWith(attribute.path, "/") ? attribute.path.substr(1) : attribute.path;
      Line("      attribute " + name + ": " + Show(attribute.before, "(not set)") + " -> " +
           Show(attribute.after, "(removed)"));
    }
  }

  // The changed resources with one of `actions`, in stack order.
  std::vector<const ResourceChange*> With(std::initializer_list<Action> actions) const {
    std::vector<const ResourceChange*> found;
    for (const auto* resource : resources_) {
      for (Action action : actions) {
        if (resource->action == action) found.push_back(resource);
      }
    }
    return found;
  }

  void RemoveAndReplace() {
    auto resources = With({Action::kRemove, Action::kReplace});
    if (!resources.empty()) Title("Remove and replace:");
    for (const auto* resource : resources) {
      if (resource->action == Action::kRemove) {
        Remove(*resource);
      } else {
        Replace(*resource);
      }
    }
  }

  void Remove(const ResourceChange& resource) {
    if (resource.retain) {
      Line(Paint("  - " + Name(resource) + " remove: " + resource.physical_id, Style::kYellow));
      Line(Paint("      retained: forgotten, not deleted", Style::kYellow));
      return;
    }
    Line(Paint("  - " + Name(resource) + " remove: " + resource.physical_id, Style::kRed));
    Line(Paint("      deleted" + (resource.data_impact.empty() ? "" : ": " + resource.data_impact),
               Style::kRed));
  }

  void Replace(const ResourceChange& resource) {
    std::string ids = resource.physical_id;
    if (!resource.new_physical_id.empty() && resource.new_physical_id != resource.physical_id) {
      ids += " -> " + resource.new_physical_id;
    }
    Line(Paint("  " + std::string(resource.delete_first ? "-/+ " : "+/- ") + Name(resource) +
                   " replace: " + ids,
               Style::kRed));
    std::string forced = ForcedBy(resource);
    if (!forced.empty()) Line(Paint("      forced by " + forced, Style::kRed));
    std::string impact = resource.data_impact.empty() ? "" : ": " + resource.data_impact;
    Line(Paint(resource.delete_first
                   ? "      deleted first, then created, so the data is lost" + impact
                   : "      created first, then the old one deleted" + impact,
               Style::kRed));
    PropertyLines(resource);
  }

  // "UpdateShardCount 2 -> 4, then 4 -> 8": a step repeating the previous step's operation
  // is shown without it.
  static std::string Steps(const std::vector<plan::Step>& steps) {
    std::string text, previous;
    for (const auto& step : steps) {
      std::string operation = step.description.substr(0, step.description.find(' '));
      bool repeats =
          !text.empty() && operation == previous && step.description.size() > operation.size();
      if (!text.empty()) text += ", then ";
      text += repeats ? step.description.substr(operation.size() + 1) : step.description;
      previous = operation;
    }
    return text;
  }

  void Modify() {
    auto resources = With({Action::kModify});
    if (!resources.empty()) Title("Modify:");
    for (const auto* resource : resources) {
      Line(Paint("  ~ " + Name(*resource) + " modify: " + resource->physical_id, Style::kYellow));
      if (resource->replacement == Replacement::kConditional) {
        Line(Paint("      may be replaced once known: " + ForcedBy(*resource), Style::kYellow));
      }
      PropertyLines(*resource);
      if (!resource->steps.empty()) Line("      steps: " + Steps(resource->steps));
      if (!resource->data_impact.empty()) Line("      " + resource->data_impact);
    }
  }

  void Add() {
    auto resources = With({Action::kAdd});
    if (!resources.empty()) Title("Add:");
    for (const auto* resource : resources) {
      std::string id =
          resource->new_physical_id.empty() ? "(id known after apply)" : resource->new_physical_id;
      std::string verb =
          resource->recreate ? " add again (deleted outside streamform): " : " add: ";
      Line(Paint("  + " + Name(*resource) + verb + id, Style::kGreen));
      if (!resource->desired.IsMap()) continue;
      for (const auto& [key, value] : resource->desired.members()) {
        std::string shown = value.IsUnknown() ? "" : value.ToJson().dump();
        if (shown.size() > kMaxValueWidth) shown = shown.substr(0, kMaxValueWidth - 3) + "...";
        Line("      " + key + ": " + (value.IsUnknown() ? Show(value) : shown));
      }
    }
  }

  void Outputs() {
    bool titled = false;
    for (const auto& stack : changeset_.stacks) {
      for (const auto& output : stack.outputs) {
        if (!titled) Title("Outputs:");
        titled = true;
        std::string line = "  " + stack.name + " " + output.name;
        if (!output.export_name.empty()) line += " (export " + output.export_name + ")";
        Line(line + ": " + Show(output.before, "(none)") + " -> " + Show(output.after, "(none)"));
      }
    }
  }

  // Drift rows, three-way. Properties the engine does not keep ("not checked") are not drift:
  // they are counted on one line, so an up-to-date stage does not list them on every plan.
  void Drift() {
    size_t unchecked = 0;
    bool titled = false;
    for (const auto& row : changeset_.drift) {
      if (row.outcome == "not checked") {
        ++unchecked;
        continue;
      }
      if (!titled) Title("Drift (live state differs from the last apply):");
      titled = true;
      Line("  " + row.stack + "/" + row.logical_id + " " + row.path + ": template " +
           Show(row.template_value, "(none)") + ", last applied " + Show(row.applied, "(none)") +
           ", live " + Show(row.live, "(none)") + ": " + Paint(row.outcome, Style::kCyan));
    }
    if (unchecked > 0) {
      Line(Plural(unchecked, "property", "properties") +
           " not checked for drift: the engine does not keep them (--output json lists them)");
    }
  }

  void Unchanged() {
    size_t resources = UnchangedResources();
    if (resources == 0) return;
    size_t stacks = 0;
    for (const auto& stack : changeset_.stacks) stacks += stack.unchanged > 0 ? 1 : 0;
    Line(Plural(resources, "resource", "resources") + " unchanged in " +
         Plural(stacks, "stack", "stacks"));
  }

  void Cost() {
    const auto& cost = changeset_.cost;
    double delta = cost.monthly_after - cost.monthly_before;
    std::string change = std::fabs(delta) < 0.005 ? "no change"
                         : delta > 0              ? "+" + plan::FormatUsd(delta)
                                                  : plan::FormatUsd(delta);
    std::string line = "estimated monthly cost: " + plan::FormatUsd(cost.monthly_before) + " -> " +
                       plan::FormatUsd(cost.monthly_after) + " (" + change + ")";
    if (!cost.price_table.empty()) line += ", " + cost.price_table;
    Line(line);
    for (const auto& note : cost.notes) Line("  " + note);
  }

  void Warnings() {
    for (const auto& stack : changeset_.stacks) {
      if (stack.protection_change) {
        Line(Paint(std::string("stage ") + Stage() + " becomes " +
                       (*stack.protection_change ? "protected" : "unprotected"),
                   Style::kYellow));
        break;
      }
    }
    for (const auto& warning : changeset_.warnings) {
      Line(Paint("warning: " + warning, Style::kYellow));
    }
  }

  void Summary() {
    size_t retained = 0, conditional = 0;
    for (const auto* resource : resources_) {
      retained += resource->action == Action::kRemove && resource->retain ? 1 : 0;
      conditional +=
          resource->action == Action::kModify && resource->replacement == Replacement::kConditional
              ? 1
              : 0;
    }
    std::string line = std::string(options_.destroy ? "Destroy: " : "Plan: ") +
                       std::to_string(Count(Action::kAdd)) + " to add, " +
                       std::to_string(Count(Action::kModify)) + " to change, " +
                       std::to_string(Count(Action::kReplace)) + " to replace, " +
                       std::to_string(Count(Action::kRemove)) + " to remove";
    std::vector<std::string> notes;
    if (conditional > 0) notes.push_back(std::to_string(conditional) + " may be replaced");
    if (retained > 0) notes.push_back(std::to_string(retained) + " retained");
    if (!notes.empty()) line += " (" + Join(notes, ", ") + ")";
    out_ << "\n";
    Line(Paint(line + ".", Style::kBold));
  }

  std::string EmptyLine() const {
    if (options_.destroy) return "No changes. Stage " + Stage() + " has nothing to destroy.";
    return "No changes. " + Stage() + " is up to date (" +
           Plural(UnchangedResources(), "resource", "resources") + ").";
  }

  std::ostream& out_;
  const plan::Changeset& changeset_;
  const ChangesetViewOptions& options_;
  std::vector<const ResourceChange*> resources_;  // across stacks, in stack order
  bool printed_ = false;  // a section has been printed: the next one starts after a blank line
};

}  // namespace

void RenderChangeset(std::ostream& out, const plan::Changeset& changeset,
                     const ChangesetViewOptions& options) {
  Renderer(out, changeset, options).Render();
}

}  // namespace sf::cli
