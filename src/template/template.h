#pragma once
// The CloudFormation template model: what the loader reads out of a Document.
//
// A Template points into the Document it was read from (kept alive by a shared_ptr), so every
// part keeps its source position. Values are left as nodes here: intrinsic functions are
// resolved later, per stage, by the Resolver. Tags are already normalised to their long form
// (`!Ref X` is the map {Ref: X}); see intrinsics.h.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/yaml_document.h"

namespace sf {

struct Parameter {
  std::string name;
  const Node* node = nullptr;  // the parameter's declaration
  std::string type;            // "String", "Number", "CommaDelimitedList", "List<Number>", ...
  const Node* default_value = nullptr;
  std::vector<std::string> allowed_values;
  const Node* allowed_values_node = nullptr;
  std::optional<std::string> allowed_pattern;
  std::optional<double> min_length, max_length, min_value, max_value;
  std::string constraint_description;
  bool no_echo = false;
};

struct Resource {
  std::string logical_id;
  const Node* node = nullptr;  // the resource's map
  std::string type;
  const Node* type_node = nullptr;
  const Node* properties = nullptr;  // nullptr when absent
  std::vector<std::pair<std::string, Mark>> depends_on;
  std::string condition;  // "" when none
  std::string
      deletion_policy;  // "" (means Delete) or Delete | Retain | Snapshot | RetainExceptOnCreate
  std::string update_replace_policy;
};

struct Output {
  std::string name;
  const Node* node = nullptr;
  const Node* value = nullptr;
  const Node* export_name = nullptr;  // Export.Name, or nullptr
  std::string condition;
  std::string description;
};

struct Template {
  std::shared_ptr<const Document> document;
  std::string description;
  std::vector<std::string> transforms;
  std::vector<Parameter> parameters;
  const Node* mappings = nullptr;  // nullptr when absent
  std::vector<std::pair<std::string, const Node*>> conditions;
  std::vector<Resource> resources;
  std::vector<Output> outputs;
  // Logical id -> index in `resources`, filled by the loader once every resource is read, so
  // lookups in large templates stay O(1). FindResource scans when it is not filled.
  std::unordered_map<std::string, size_t> resource_index;

  const std::string& file() const { return document->file; }
  SourceLocation At(const Node& node) const { return document->At(node); }
  SourceLocation At(const Mark& mark) const { return document->At(mark); }

  const Parameter* FindParameter(const std::string& name) const;
  const Resource* FindResource(const std::string& logical_id) const;
  const Node* FindCondition(const std::string& name) const;
};

}  // namespace sf
