#include "template/loader.h"

#include <cstdlib>
#include <regex>

#include "base/file_io.h"
#include "base/strings.h"
#include "template/intrinsics.h"
#include "template/sam_transform.h"

namespace sf {

namespace {

const std::vector<std::string> kSections = {"AWSTemplateFormatVersion",
                                            "Description",
                                            "Metadata",
                                            "Transform",
                                            "Parameters",
                                            "Rules",
                                            "Mappings",
                                            "Conditions",
                                            "Resources",
                                            "Outputs",
                                            "Globals"};
const std::vector<std::string> kParameterKeys = {"Type",
                                                 "Default",
                                                 "AllowedValues",
                                                 "AllowedPattern",
                                                 "MinLength",
                                                 "MaxLength",
                                                 "MinValue",
                                                 "MaxValue",
                                                 "NoEcho",
                                                 "Description",
                                                 "ConstraintDescription"};
const std::vector<std::string> kParameterTypes = {"String", "Number", "CommaDelimitedList",
                                                  "List<Number>"};
const std::vector<std::string> kResourceKeys = {
    "Type",      "Properties",     "DependsOn",
    "Condition", "DeletionPolicy", "UpdateReplacePolicy",
    "Metadata",  "CreationPolicy", "UpdatePolicy"};
const std::vector<std::string> kDeletionPolicies = {"Delete", "Retain", "Snapshot",
                                                    "RetainExceptOnCreate"};
const std::vector<std::string> kOutputKeys = {"Value", "Export", "Condition", "Description"};

// Reading context: one template's document and the diagnostics sink.
class Reader {
 public:
  Reader(std::shared_ptr<const Document> document, Diagnostics& diagnostics)
      : document_(std::move(document)), diagnostics_(diagnostics) {}

  Template Read() {
    Template t;
    t.document = document_;
    const Node& root = document_->root;
    if (root.IsNull()) {
      Error(root, "not-a-template",
            "the file is empty; a template needs at least a Resources section", "");
      return t;
    }
    if (!root.IsMap()) {
      Error(root, "not-a-template",
            std::string("a template is a mapping of sections, not a ") + root.KindName(), "");
      return t;
    }
    for (const auto& [key, value] : root.entries()) {
      if (std::find(kSections.begin(), kSections.end(), key.scalar()) == kSections.end()) {
        Error(key, "unknown-section", "unknown template section '" + key.scalar() + "'",
              "/" + PointerEscape(key.scalar()), DidYouMean(key.scalar(), kSections));
      }
    }
    ReadHeader(root, t);
    if (const Node* parameters = Section(root, "Parameters")) ReadParameters(*parameters, t);
    if (const Node* mappings = Section(root, "Mappings")) ReadMappings(*mappings, t);
    if (const Node* conditions = Section(root, "Conditions")) {
      for (const auto& [name, node] : conditions->entries())
        t.conditions.emplace_back(name.scalar(), &node);
    }
    const Node* resources = Section(root, "Resources");
    if (resources == nullptr) {
      if (const Node* empty = root.Find("Resources"); empty == nullptr) {
        Error(root, "missing-section", "a template needs a Resources section", "");
      } else if (empty->IsNull()) {
        Error(*empty, "missing-section", "Resources must declare at least one resource",
              "/Resources");
      }
    } else {
      if (resources->entries().empty()) {
        Error(*resources, "missing-section", "Resources must declare at least one resource",
              "/Resources");
      }
      for (const auto& [id, node] : resources->entries()) ReadResource(id, node, t);
      for (size_t i = 0; i < t.resources.size(); ++i)
        t.resource_index.emplace(t.resources[i].logical_id, i);
    }
    if (const Node* outputs = Section(root, "Outputs")) {
      for (const auto& [name, node] : outputs->entries()) ReadOutput(name, node, t);
    }
    return t;
  }

 private:
  void Error(const Node& node, std::string code, std::string message, std::string pointer,
             std::string hint = "") {
    diagnostics_.Error(document_->At(node), std::move(code), std::move(message), std::move(pointer),
                       std::move(hint));
  }

  // Reports every key of `node` not in `known`, as "unknown <what> '<key>'".
  void CheckKeys(const Node& node, const std::vector<std::string>& known, const char* what,
                 const std::string& pointer) {
    for (const auto& [key, value] : node.entries()) {
      if (std::find(known.begin(), known.end(), key.scalar()) != known.end()) continue;
      Error(key, "unknown-key", std::string("unknown ") + what + " '" + key.scalar() + "'",
            pointer + "/" + PointerEscape(key.scalar()), DidYouMean(key.scalar(), known));
    }
  }

  // A section that must be a mapping; reports and returns nullptr when it is not.
  const Node* Section(const Node& root, const char* name) {
    const Node* node = root.Find(name);
    if (node == nullptr) return nullptr;
    if (!node->IsMap()) {
      if (node->IsNull()) return nullptr;  // "Outputs:" with nothing under it
      Error(*node, "wrong-type",
            std::string(name) + " must be a mapping, not a " + node->KindName(),
            std::string("/") + name);
      return nullptr;
    }
    return node;
  }

  void ReadHeader(const Node& root, Template& t) {
    if (const Node* version = root.Find("AWSTemplateFormatVersion")) {
      if (!version->IsScalar() || version->scalar() != "2010-09-09") {
        Error(*version, "invalid-value",
              "AWSTemplateFormatVersion must be '2010-09-09' (the only version there is)",
              "/AWSTemplateFormatVersion");
      }
    }
    if (const Node* description = root.Find("Description")) {
      if (description->IsScalar()) {
        t.description = description->scalar();
      } else {
        Error(*description, "wrong-type", "Description must be a string", "/Description");
      }
    }
    if (const Node* transform = root.Find("Transform")) {
      std::vector<const Node*> names;
      if (transform->IsSequence()) {
        for (const auto& item : transform->items()) names.push_back(&item);
      } else {
        names.push_back(transform);
      }
      for (const Node* name : names) {
        if (!name->IsScalar()) {
          Error(*name, "wrong-type",
                "a Transform is named by a string (macros with parameters are not supported)",
                "/Transform");
          continue;
        }
        t.transforms.push_back(name->scalar());
        if (name->scalar() != kSamTransform) {
          Error(*name, "unsupported-transform",
                "transform '" + name->scalar() + "' is not supported; streamform runs only " +
                    kSamTransform,
                "/Transform", DidYouMean(name->scalar(), {kSamTransform}));
        }
      }
    }
  }

  static std::optional<double> Number(const Node* node) {
    if (node == nullptr || !node->IsScalar()) return std::nullopt;
    char* end = nullptr;
    double value = std::strtod(node->scalar().c_str(), &end);
    if (end == node->scalar().c_str() || *end != '\0') return std::nullopt;
    return value;
  }

  void ReadParameters(const Node& section, Template& t) {
    for (const auto& [name, node] : section.entries()) {
      std::string pointer = "/Parameters/" + PointerEscape(name.scalar());
      if (!node.IsMap()) {
        Error(node, "wrong-type", "parameter '" + name.scalar() + "' must be a mapping", pointer);
        continue;
      }
      Parameter p;
      p.name = name.scalar();
      p.node = &node;
      CheckKeys(node, kParameterKeys, "parameter attribute", pointer);
      const Node* type = node.Find("Type");
      if (type == nullptr) {
        Error(node, "missing-required", "parameter '" + p.name + "' has no Type", pointer);
      } else {
        p.type = type->scalar();
        bool known = std::find(kParameterTypes.begin(), kParameterTypes.end(), p.type) !=
                     kParameterTypes.end();
        bool aws_specific = StartsWith(p.type, "AWS::") || StartsWith(p.type, "List<AWS::");
        if (aws_specific) {
          bool list = StartsWith(p.type, "List<");
          bool ssm = p.type.find("SSM::Parameter") != std::string::npos;
          diagnostics_.Warning(
              document_->At(*type), "unchecked-parameter-type",
              "parameter type '" + p.type + "' is treated as " +
                  (list ? "a CommaDelimitedList" : "a String") +
                  ": streamform cannot check AWS-specific values offline" +
                  (ssm ? ", and its value is the parameter's name, not the stored value" : ""),
              pointer + "/Type");
        } else if (!known) {
          Error(*type, "unknown-parameter-type", "unknown parameter type '" + p.type + "'",
                pointer + "/Type", DidYouMean(p.type, kParameterTypes));
        }
      }
      p.default_value = node.Find("Default");
      if (const Node* allowed = node.Find("AllowedValues")) {
        p.allowed_values_node = allowed;
        if (allowed->IsSequence()) {
          for (const auto& item : allowed->items()) p.allowed_values.push_back(item.scalar());
        } else {
          Error(*allowed, "wrong-type", "AllowedValues must be a list", pointer + "/AllowedValues");
        }
      }
      if (const Node* pattern = node.Find("AllowedPattern")) {
        p.allowed_pattern = pattern->scalar();
        try {
          std::regex check(pattern->scalar());
        } catch (const std::regex_error&) {
          Error(*pattern, "invalid-value", "AllowedPattern is not a valid regular expression",
                pointer + "/AllowedPattern");
          p.allowed_pattern.reset();
        }
      }
      for (auto [key, slot] : {std::pair{"MinLength", &p.min_length},
                               {"MaxLength", &p.max_length},
                               {"MinValue", &p.min_value},
                               {"MaxValue", &p.max_value}}) {
        const Node* bound = node.Find(key);
        if (bound == nullptr) continue;
        *slot = Number(bound);
        if (!*slot) {
          Error(*bound, "wrong-type", std::string(key) + " must be a number", pointer + "/" + key);
        }
      }
      if (const Node* no_echo = node.Find("NoEcho")) p.no_echo = no_echo->scalar() == "true";
      if (const Node* text = node.Find("ConstraintDescription"))
        p.constraint_description = text->scalar();
      t.parameters.push_back(std::move(p));
    }
  }

  void ReadMappings(const Node& section, Template& t) {
    t.mappings = &section;
    for (const auto& [name, map] : section.entries()) {
      std::string pointer = "/Mappings/" + PointerEscape(name.scalar());
      if (!map.IsMap()) {
        Error(map, "wrong-type", "mapping '" + name.scalar() + "' must be a mapping of keys",
              pointer);
        continue;
      }
      for (const auto& [key, level] : map.entries()) {
        if (!level.IsMap()) {
          Error(level, "wrong-type",
                "mapping '" + name.scalar() + "' key '" + key.scalar() +
                    "' must hold a mapping of second-level keys",
                pointer + "/" + PointerEscape(key.scalar()));
        }
      }
    }
  }

  std::vector<std::pair<std::string, Mark>> ReadDependsOn(const Node& node,
                                                          const std::string& pointer) {
    std::vector<std::pair<std::string, Mark>> out;
    if (node.IsScalar()) {
      out.emplace_back(node.scalar(), node.mark());
    } else if (node.IsSequence()) {
      for (const auto& item : node.items()) {
        if (item.IsScalar()) {
          out.emplace_back(item.scalar(), item.mark());
        } else {
          Error(item, "wrong-type", "DependsOn entries must be logical ids", pointer);
        }
      }
    } else {
      Error(node, "wrong-type", "DependsOn must be a logical id or a list of them", pointer);
    }
    return out;
  }

  std::string ReadPolicy(const Node* node, const char* name, const std::string& pointer) {
    if (node == nullptr) return "";
    if (node->IsScalar() && std::find(kDeletionPolicies.begin(), kDeletionPolicies.end(),
                                      node->scalar()) != kDeletionPolicies.end()) {
      return node->scalar();
    }
    Error(*node, "invalid-value",
          std::string(name) + " must be one of " + Join(kDeletionPolicies, ", "),
          pointer + "/" + name,
          node->IsScalar() ? DidYouMean(node->scalar(), kDeletionPolicies) : "");
    return "";
  }

  void ReadResource(const Node& id, const Node& node, Template& t) {
    std::string pointer = "/Resources/" + PointerEscape(id.scalar());
    static const std::regex kLogicalId("[A-Za-z0-9]+");
    if (!std::regex_match(id.scalar(), kLogicalId)) {
      Error(id, "invalid-logical-id",
            "logical id '" + id.scalar() + "' must be alphanumeric (A-Za-z0-9)", pointer);
    }
    if (!node.IsMap()) {
      Error(node, "wrong-type", "resource '" + id.scalar() + "' must be a mapping", pointer);
      return;
    }
    Resource r;
    r.logical_id = id.scalar();
    r.node = &node;
    CheckKeys(node, kResourceKeys, "resource attribute", pointer);
    r.type_node = node.Find("Type");
    if (r.type_node == nullptr) {
      Error(node, "missing-required", "resource '" + r.logical_id + "' has no Type", pointer);
    } else if (!r.type_node->IsScalar()) {
      Error(*r.type_node, "wrong-type", "Type must be a string", pointer + "/Type");
    } else {
      r.type = r.type_node->scalar();
    }
    r.properties = node.Find("Properties");
    if (r.properties != nullptr && r.properties->IsNull()) r.properties = nullptr;
    if (r.properties != nullptr && !r.properties->IsMap()) {
      Error(*r.properties, "wrong-type", "Properties must be a mapping", pointer + "/Properties");
      r.properties = nullptr;
    }
    if (const Node* depends = node.Find("DependsOn"))
      r.depends_on = ReadDependsOn(*depends, pointer + "/DependsOn");
    if (const Node* condition = node.Find("Condition")) {
      if (condition->IsScalar()) {
        r.condition = condition->scalar();
      } else {
        Error(*condition, "wrong-type", "a resource's Condition must name a condition",
              pointer + "/Condition");
      }
    }
    r.deletion_policy = ReadPolicy(node.Find("DeletionPolicy"), "DeletionPolicy", pointer);
    r.update_replace_policy =
        ReadPolicy(node.Find("UpdateReplacePolicy"), "UpdateReplacePolicy", pointer);
    t.resources.push_back(std::move(r));
  }

  void ReadOutput(const Node& name, const Node& node, Template& t) {
    std::string pointer = "/Outputs/" + PointerEscape(name.scalar());
    if (!node.IsMap()) {
      Error(node, "wrong-type", "output '" + name.scalar() + "' must be a mapping", pointer);
      return;
    }
    Output o;
    o.name = name.scalar();
    o.node = &node;
    CheckKeys(node, kOutputKeys, "output attribute", pointer);
    o.value = node.Find("Value");
    if (o.value == nullptr) {
      Error(node, "missing-required", "output '" + o.name + "' has no Value", pointer);
    }
    if (const Node* exported = node.Find("Export")) {
      o.export_name = exported->IsMap() ? exported->Find("Name") : nullptr;
      if (o.export_name == nullptr) {
        Error(*exported, "missing-required", "Export needs a Name", pointer + "/Export");
      }
    }
    if (const Node* condition = node.Find("Condition")) o.condition = condition->scalar();
    if (const Node* description = node.Find("Description")) o.description = description->scalar();
    t.outputs.push_back(std::move(o));
  }

  std::shared_ptr<const Document> document_;
  Diagnostics& diagnostics_;
};

}  // namespace

Template ReadTemplate(std::shared_ptr<const Document> document, Diagnostics& diagnostics) {
  return Reader(std::move(document), diagnostics).Read();
}

std::optional<Template> LoadTemplate(std::string_view text, const std::string& file,
                                     Diagnostics& diagnostics) {
  auto document = ParseYaml(text, file, diagnostics);
  if (!document) return std::nullopt;
  NormalizeTags(*document, diagnostics);
  if (document->root.IsMap() && IsSamTemplate(document->root)) {
    ApplySamTransform(*document, diagnostics);
  }
  return ReadTemplate(std::make_shared<const Document>(std::move(*document)), diagnostics);
}

std::optional<Template> LoadTemplateFile(const std::string& path, Diagnostics& diagnostics) {
  auto text = ReadFile(path);
  if (!text) {
    diagnostics.Error({path, 0, 0}, "io", "cannot read template file");
    return std::nullopt;
  }
  return LoadTemplate(*text, path, diagnostics);
}

}  // namespace sf
