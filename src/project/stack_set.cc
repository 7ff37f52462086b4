#include "project/stack_set.h"

#include <filesystem>
#include <set>

#include "base/strings.h"
#include "schema/schema.h"
#include "schema/validator.h"
#include "template/intrinsics.h"
#include "template/loader.h"
#include "template/references.h"
#include "template/resolver.h"
#include "template/sam_transform.h"

namespace sf {

namespace fs = std::filesystem;

const ResolvedStack* StackSet::FindStack(const std::string& name) const {
  for (const auto& stack : stacks) {
    if (stack.name == name) return &stack;
  }
  return nullptr;
}

namespace {

const std::vector<std::string>& KnownTypes() {
  static const std::vector<std::string> types = [] {
    auto names = SchemaRegistry::Builtin().TypeNames();
    names.push_back("AWS::Serverless::Function");
    return names;
  }();
  return types;
}

std::map<std::string, Value> PseudoParameters(const StackSetOptions& options,
                                              const std::string& stack_name) {
  bool china = StartsWith(options.region, "cn-");
  bool gov = StartsWith(options.region, "us-gov-");
  return {
      {"AWS::Region", Value::String(options.region)},
      {"AWS::AccountId", Value::String(options.account)},
      {"AWS::Partition", Value::String(china ? "aws-cn"
                                       : gov ? "aws-us-gov"
                                             : "aws")},
      {"AWS::URLSuffix", Value::String(china ? "amazonaws.com.cn" : "amazonaws.com")},
      {"AWS::StackName", Value::String(stack_name)},
      {"AWS::StackId", Value::Unknown("AWS::StackId")},
      {"AWS::NotificationARNs", Value::List()},
  };
}

struct Export {
  size_t stack;  // index into the loaded stacks
  const Output* output;
  SourceLocation location;
};

// Builds one StackSet; a class only to share state between the steps.
class Builder {
 public:
  Builder(const StackSetOptions& options, Diagnostics& diagnostics)
      : options_(options), diagnostics_(diagnostics) {}

  StackSet Build(const std::vector<StackSource>& sources) {
    set_.stage = options_.stage;
    set_.region = options_.region;
    set_.account = options_.account;
    for (const auto& source : sources) Load(source);
    CollectExports();
    LinkStacks();
    std::vector<size_t> order = StackOrder();
    for (size_t index : order) Resolve(stacks_[index]);
    for (size_t index : order) {
      if (stacks_[index].resolved) set_.stacks.push_back(std::move(stacks_[index].result));
    }
    return std::move(set_);
  }

 private:
  struct Loaded {
    StackSource source;
    std::shared_ptr<const Template> tmpl;
    std::map<std::string, Value> parameters;
    ResolveScope scope;
    std::map<std::string, bool> conditions;
    ResolvedStack result;
    bool resolved = false;
  };

  void Load(const StackSource& source) {
    auto tmpl = source.text ? LoadTemplate(*source.text, source.path, diagnostics_)
                            : LoadTemplateFile(source.path, diagnostics_);
    if (!tmpl) return;
    Loaded loaded;
    loaded.source = source;
    loaded.tmpl = std::make_shared<const Template>(std::move(*tmpl));
    loaded.parameters = BindParameters(*loaded.tmpl, Given(source, *loaded.tmpl),
                                       options_.project_mode, diagnostics_);
    for (auto& [name, value] : PseudoParameters(options_, source.stack_name))
      loaded.parameters[name] = value;
    stacks_.push_back(std::move(loaded));
    Loaded& stack = stacks_.back();
    stack.scope.tmpl = stack.tmpl.get();
    stack.scope.parameters = stack.parameters;
    stack.scope.check_all_branches = true;
    stack.scope.ref = [&stack](const Resource& resource) { return StaticRef(stack, resource); };
    Resolver resolver(stack.scope, diagnostics_);
    stack.conditions = resolver.AllConditions();
  }

  // The stack's own values, plus the common values its template declares.
  static std::map<std::string, GivenParameter> Given(const StackSource& source,
                                                     const Template& tmpl) {
    std::map<std::string, GivenParameter> given = source.given;
    for (const auto& [name, value] : source.common) {
      if (tmpl.FindParameter(name) != nullptr) given.emplace(name, value);
    }
    return given;
  }

  // Before resources are resolved (export and import names), Ref of a resource is known only
  // when the template sets the property Ref returns to a value that needs no other resource.
  static Value StaticRef(Loaded& stack, const Resource& resource) {
    const ResourceSchema* schema = SchemaRegistry::Builtin().Find(resource.type);
    const Node* named =
        schema == nullptr || schema->ref_property.empty() || resource.properties == nullptr
            ? nullptr
            : resource.properties->Find(schema->ref_property);
    if (named == nullptr) return Value::Unknown(resource.logical_id);
    ResolveScope scope = stack.scope;
    scope.ref = nullptr;  // no chains through other resources
    scope.check_all_branches = false;
    Diagnostics discard;
    Resolver resolver(scope, discard);
    auto value = resolver.Resolve(*named, "");
    if (!value || !value->IsFullyKnown() || discard.has_errors())
      return Value::Unknown(resource.logical_id);
    return *value;
  }

  // Resolves a node without reporting (names of exports and imports, before the main pass).
  Value Quiet(Loaded& stack, const Node& node) {
    Diagnostics discard;
    Resolver resolver(stack.scope, discard);
    auto value = resolver.Resolve(node, "");
    return value ? *value : Value();
  }

  void CollectExports() {
    for (size_t i = 0; i < stacks_.size(); ++i) {
      for (const auto& output : stacks_[i].tmpl->outputs) {
        if (output.export_name == nullptr) continue;
        if (!output.condition.empty()) {
          auto condition = stacks_[i].conditions.find(output.condition);
          if (condition == stacks_[i].conditions.end() || !condition->second)
            continue;  // not exported
        }
        Value name = Quiet(stacks_[i], *output.export_name);
        if (name.IsUnknown() || name.AsString().empty()) continue;
        SourceLocation location = stacks_[i].tmpl->At(*output.export_name);
        auto [it, inserted] = exports_.emplace(name.AsString(), Export{i, &output, location});
        if (!inserted) {
          diagnostics_.Error(location, "duplicate-export",
                             "export '" + name.AsString() + "' is also exported by stack '" +
                                 stacks_[it->second.stack].source.name + "' (" +
                                 it->second.location.file + ":" +
                                 std::to_string(it->second.location.line) + ")",
                             "/Outputs/" + PointerEscape(output.name) + "/Export/Name");
        }
      }
    }
  }

  void LinkStacks() {
    for (size_t i = 0; i < stacks_.size(); ++i) {
      set_.stack_graph.AddNode(stacks_[i].source.name);
      std::vector<const Node*> imports;
      CollectImports(stacks_[i].tmpl->document->root, imports);
      for (const Node* argument : imports) {
        Value name = Quiet(stacks_[i], *argument);
        auto it = exports_.find(name.AsString());
        if (name.IsUnknown() || it == exports_.end() || it->second.stack == i) continue;
        set_.stack_graph.AddEdge({stacks_[i].source.name, stacks_[it->second.stack].source.name,
                                  "ImportValue " + name.AsString(),
                                  stacks_[i].tmpl->At(*argument)});
      }
    }
    for (const auto& cycle : set_.stack_graph.Cycles()) {
      std::vector<std::string> path;
      for (const auto* edge : cycle) path.push_back(edge->from);
      path.push_back(cycle.front()->from);
      diagnostics_.Error(cycle.front()->location, "dependency-cycle",
                         "stacks import each other in a cycle: " + Join(path, " -> ") + " (via " +
                             cycle.front()->label + ")");
    }
  }

  std::vector<size_t> StackOrder() {
    std::vector<size_t> order;
    auto names = set_.stack_graph.TopologicalOrder();
    if (!names) {  // a cycle, already reported: resolve in the order given
      for (size_t i = 0; i < stacks_.size(); ++i) order.push_back(i);
      return order;
    }
    for (const auto& name : *names) {
      for (size_t i = 0; i < stacks_.size(); ++i) {
        if (stacks_[i].source.name == name) order.push_back(i);
      }
    }
    return order;
  }

  std::optional<Value> Import(size_t importer, const std::string& name) {
    auto& names = stacks_[importer].result.import_names;
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    auto it = exports_.find(name);
    if (it == exports_.end()) {
      if (options_.external_export) {
        if (auto value = options_.external_export(name)) return value;
      }
      if (options_.project_mode) return std::nullopt;
      return Value::Unknown("import " + name);  // the exporter may be a template not given here
    }
    Loaded& exporter = stacks_[it->second.stack];
    if (it->second.stack == importer) return Value::Unknown("import " + name);
    auto& imports = stacks_[importer].result.imports_from;
    if (std::find(imports.begin(), imports.end(), exporter.source.name) == imports.end()) {
      imports.push_back(exporter.source.name);
    }
    if (!exporter.resolved) return Value::Unknown("import " + name);
    for (const auto& output : exporter.result.outputs) {
      if (output.export_name == name) return output.value;
    }
    return Value::Unknown("import " + name);
  }

  void WarnUnexportedImports(Loaded& stack) {
    if (options_.project_mode) return;
    std::vector<const Node*> imports;
    CollectImports(stack.tmpl->document->root, imports);
    for (const Node* argument : imports) {
      Value name = Quiet(stack, *argument);
      if (name.IsUnknown() || exports_.count(name.AsString()) != 0) continue;
      diagnostics_.Warning(stack.tmpl->At(*argument), "unchecked-import",
                           "no template given here exports '" + name.AsString() +
                               "'; validate the whole project to check this import");
    }
  }

  void Resolve(Loaded& stack) {
    const Template& t = *stack.tmpl;
    ResolvedStack& out = stack.result;
    out.name = stack.source.name;
    out.stack_name = stack.source.stack_name;
    out.tmpl = stack.tmpl;
    out.parameters = stack.parameters;
    out.conditions = stack.conditions;
    size_t index = static_cast<size_t>(&stack - stacks_.data());
    WarnUnexportedImports(stack);

    std::map<std::string, size_t> done;  // logical id -> index in out.resources
    stack.scope.ref = [&](const Resource& resource) {
      if (options_.known) {
        if (auto value = options_.known(out.name, resource.logical_id, "")) return *value;
      }
      auto it = done.find(resource.logical_id);
      const ResourceSchema* schema = SchemaRegistry::Builtin().Find(resource.type);
      if (it != done.end() && schema != nullptr && !schema->ref_property.empty()) {
        const Value& properties = out.resources[it->second].properties;
        if (const Value* named = properties.Find(schema->ref_property);
            named && named->IsFullyKnown()) {
          return *named;
        }
      }
      return Value::Unknown(resource.logical_id);
    };
    stack.scope.get_att = [&](const Resource& resource,
                              const std::string& attribute) -> std::optional<Value> {
      const ResourceSchema* schema = SchemaRegistry::Builtin().Find(resource.type);
      if (schema != nullptr && !schema->HasAttribute(attribute)) return std::nullopt;
      if (options_.known) {
        if (auto value = options_.known(out.name, resource.logical_id, attribute)) return value;
      }
      return Value::Unknown(resource.logical_id + "." + attribute);
    };
    stack.scope.attribute_names = [](const Resource& resource) {
      const ResourceSchema* schema = SchemaRegistry::Builtin().Find(resource.type);
      return schema ? schema->attributes : std::vector<std::string>{};
    };
    stack.scope.import_value = [this, index](const std::string& name) {
      return Import(index, name);
    };

    Resolver resolver(stack.scope, diagnostics_);
    for (const Resource* resource : ResourceOrder(stack)) {
      out.resources.push_back(ResolveResource(stack, *resource, resolver));
      done[resource->logical_id] = out.resources.size() - 1;
    }
    for (const auto& output : t.outputs) {
      std::string pointer = "/Outputs/" + PointerEscape(output.name);
      ResolvedOutput resolved;
      resolved.name = output.name;
      if (!output.condition.empty()) {
        resolved.enabled =
            resolver.Condition(output.condition, *output.node, pointer + "/Condition");
      }
      if (output.value != nullptr) {
        auto value = resolver.Resolve(*output.value, pointer + "/Value");
        if (value) resolved.value = *value;
      }
      if (output.export_name != nullptr) {
        Value name = Quiet(stack, *output.export_name);
        resolver.Resolve(*output.export_name,
                         pointer + "/Export/Name");  // report its problems once
        if (!name.IsUnknown()) resolved.export_name = name.AsString();
      }
      out.outputs.push_back(std::move(resolved));
    }
    stack.resolved = true;
  }

  // Resources in dependency order; adds the stack's edges to the resource graph and reports
  // cycles and DependsOn targets that do not exist.
  std::vector<const Resource*> ResourceOrder(Loaded& stack) {
    const Template& t = *stack.tmpl;
    Graph local;
    const std::string prefix = stack.source.name + "/";
    for (const auto& resource : t.resources) {
      local.AddNode(resource.logical_id);
      set_.resource_graph.AddNode(prefix + resource.logical_id, stack.source.name);
    }
    for (const auto& resource : t.resources) {
      for (const auto& [target, mark] : resource.depends_on) {
        if (t.FindResource(target) != nullptr) continue;
        std::vector<std::string> ids;
        for (const auto& r : t.resources) ids.push_back(r.logical_id);
        diagnostics_.Error(
            t.At(mark), "unresolved-ref",
            "DependsOn names '" + target + "', which is not a resource of this template",
            "/Resources/" + PointerEscape(resource.logical_id) + "/DependsOn",
            DidYouMean(target, ids));
      }
      for (const auto& reference : ResourceReferences(t, resource)) {
        GraphEdge edge{resource.logical_id, reference.target, ReferenceKindName(reference.kind),
                       t.At(reference.mark)};
        local.AddEdge(edge);
        set_.resource_graph.AddEdge(
            {prefix + edge.from, prefix + edge.to, edge.label, edge.location});
      }
      AddImportEdges(stack, resource);
    }
    for (const auto& cycle : local.Cycles()) {
      std::vector<std::string> path;
      for (const auto* edge : cycle) path.push_back(edge->from + " -(" + edge->label + ")->");
      path.push_back(cycle.front()->from);
      diagnostics_.Error(cycle.front()->location, "dependency-cycle",
                         "circular dependency: " + Join(path, " "),
                         "/Resources/" + PointerEscape(cycle.front()->from));
    }
    std::vector<const Resource*> order;
    auto ids = local.TopologicalOrder();
    if (!ids) {
      for (const auto& resource : t.resources) order.push_back(&resource);
      return order;
    }
    for (const auto& id : *ids) order.push_back(t.FindResource(id));
    return order;
  }

  // Cross-stack edges: a resource that imports an export depends on what that export refers to.
  void AddImportEdges(Loaded& stack, const Resource& resource) {
    if (resource.properties == nullptr) return;
    std::vector<const Node*> imports;
    CollectImports(*resource.properties, imports);
    for (const Node* argument : imports) {
      Value name = Quiet(stack, *argument);
      auto it = exports_.find(name.AsString());
      if (name.IsUnknown() || it == exports_.end()) continue;
      const Loaded& exporter = stacks_[it->second.stack];
      const Output& output = *it->second.output;
      std::string label = "ImportValue " + name.AsString();
      std::string from = stack.source.name + "/" + resource.logical_id;
      auto targets = output.value ? CollectReferences(*exporter.tmpl, *output.value)
                                  : std::vector<Reference>{};
      if (targets.empty()) {
        set_.resource_graph.AddNode(exporter.source.name + "/Outputs." + output.name,
                                    exporter.source.name);
        set_.resource_graph.AddEdge({from, exporter.source.name + "/Outputs." + output.name, label,
                                     stack.tmpl->At(*argument)});
      }
      for (const auto& target : targets) {
        set_.resource_graph.AddEdge(
            {from, exporter.source.name + "/" + target.target, label, stack.tmpl->At(*argument)});
      }
    }
  }

  ResolvedResource ResolveResource(Loaded& stack, const Resource& resource, Resolver& resolver) {
    const Template& t = *stack.tmpl;
    std::string pointer = "/Resources/" + PointerEscape(resource.logical_id);
    ResolvedResource out;
    out.logical_id = resource.logical_id;
    out.type = resource.type;
    out.source = &resource;
    out.deletion_policy = resource.deletion_policy;
    out.update_replace_policy = resource.update_replace_policy;
    if (!resource.condition.empty()) {
      const Node* at = resource.node->Find("Condition");
      out.enabled =
          resolver.Condition(resource.condition, at ? *at : *resource.node, pointer + "/Condition");
    }
    for (const auto& reference : ResourceReferences(t, resource)) {
      if (std::find(out.depends_on.begin(), out.depends_on.end(), reference.target) ==
          out.depends_on.end()) {
        out.depends_on.push_back(reference.target);
      }
    }
    out.properties = Value::Map().set_origin(resource.node->mark());
    if (resource.properties != nullptr) {
      auto value = resolver.Resolve(*resource.properties, pointer + "/Properties");
      if (value) out.properties = *value;
    }
    PackagedCode(t, resource, out);
    CheckResource(stack, resource, out, pointer);
    return out;
  }

  // A SAM function's local CodeUri, packaged by options_.code_artifact, becomes its Code.
  void PackagedCode(const Template& t, const Resource& resource, ResolvedResource& out) {
    if (!options_.code_artifact || !out.properties.IsMap()) return;
    const Node* metadata = resource.node->Find("Metadata");
    const Node* code_uri = metadata != nullptr ? metadata->Find(kCodeUriMetadata) : nullptr;
    if (code_uri == nullptr || !code_uri->IsScalar()) return;
    fs::path dir = (fs::path(t.file()).parent_path() / code_uri->scalar()).lexically_normal();
    std::error_code ignored;
    fs::path absolute = fs::absolute(dir, ignored);
    if (auto code = options_.code_artifact(absolute.empty() ? dir.string() : absolute.string()))
      out.properties.Set("Code", *code);
  }

  void CheckResource(Loaded& stack, const Resource& resource, const ResolvedResource& resolved,
                     const std::string& pointer) {
    const Template& t = *stack.tmpl;
    if (resource.type.empty()) return;  // the loader reported it
    const ResourceSchema* schema = SchemaRegistry::Builtin().Find(resource.type);
    if (schema == nullptr) {
      ReportUnknownType(t, resource, pointer);
      return;
    }
    SchemaContext context{&schema->document, t.file(), schema->type_name};
    Value properties = resolved.properties;
    if (properties.origin().line == 0) properties.set_origin(resource.node->mark());
    ValidateValue(context, schema->document, properties, pointer + "/Properties", diagnostics_);
    for (const auto& attribute : schema->attributes) {
      if (attribute.find('.') != std::string::npos) continue;
      const Value* value = resolved.properties.Find(attribute);
      if (value == nullptr) continue;
      Mark at = value->origin().line != 0 ? value->origin() : resource.node->mark();
      diagnostics_.Error(t.At(at), "read-only-property",
                         resource.type + " property '" + attribute +
                             "' is read-only: it is set by the service, and Fn::GetAtt returns it",
                         pointer + "/Properties/" + PointerEscape(attribute));
    }
    for (const std::string* policy : {&resource.deletion_policy, &resource.update_replace_policy}) {
      if (*policy != "Snapshot") continue;
      const char* key =
          policy == &resource.deletion_policy ? "DeletionPolicy" : "UpdateReplacePolicy";
      const Node* at = resource.node->Find(key);
      diagnostics_.Error(t.At(at ? *at : *resource.node), "invalid-value",
                         std::string(key) + " Snapshot is not supported for " + resource.type +
                             "; use Retain or Delete",
                         pointer + "/" + key);
    }
    if (!schema->engine_supported) {
      diagnostics_.Warning(t.At(*resource.type_node), "engine-unsupported",
                           resource.type +
                               " is accepted, but the streamform engine cannot run it; "
                               "it deploys only to AWS",
                           pointer + "/Type");
    }
    for (const auto& property : schema->engine_unsupported) {
      const Value* value = Lookup(resolved.properties, property);
      if (value == nullptr) continue;
      Mark at = value->origin().line != 0 ? value->origin() : resource.node->mark();
      std::string name = property.substr(std::string("/properties/").size());
      std::replace(name.begin(), name.end(), '*', '0');
      diagnostics_.Warning(t.At(at), "engine-unsupported",
                           resource.type + " property '" + name +
                               "' is accepted, but the streamform engine does not apply it",
                           pointer + "/Properties/" + name);
    }
    CheckLocalCode(t, resource, pointer);
  }

  // The first value at a schema pointer ("/properties/A/*/B": "*" is any list item).
  static const Value* Lookup(const Value& properties, const std::string& pointer) {
    const std::string prefix = "/properties/";
    if (pointer.rfind(prefix, 0) != 0) return nullptr;
    return LookupTokens(properties, Split(pointer.substr(prefix.size()), '/'), 0);
  }

  static const Value* LookupTokens(const Value& value, const std::vector<std::string>& tokens,
                                   size_t i) {
    if (i == tokens.size()) return &value;
    if (tokens[i] == "*") {
      for (const auto& item : value.items()) {
        if (const Value* found = LookupTokens(item, tokens, i + 1)) return found;
      }
      return nullptr;
    }
    const Value* next = value.IsMap() ? value.Find(tokens[i]) : nullptr;
    return next == nullptr ? nullptr : LookupTokens(*next, tokens, i + 1);
  }

  void ReportUnknownType(const Template& t, const Resource& resource, const std::string& pointer) {
    if (StartsWith(resource.type, "AWS::Serverless::")) {
      diagnostics_.Error(t.At(*resource.type_node), "missing-transform",
                         resource.type + " needs the SAM transform: add 'Transform: " +
                             kSamTransform + "' at the top of the template",
                         pointer + "/Type");
      return;
    }
    std::string hint = DidYouMean(resource.type, KnownTypes());
    if (!hint.empty() || !StartsWith(resource.type, "AWS::")) {
      diagnostics_.Error(t.At(*resource.type_node), "unknown-type",
                         "unknown resource type '" + resource.type + "'", pointer + "/Type", hint);
      return;
    }
    diagnostics_.Error(
        t.At(*resource.type_node), "unsupported-type",
        "resource type '" + resource.type +
            "' is not supported by streamform (supported: " + Join(KnownTypes(), ", ") + ")",
        pointer + "/Type");
  }

  // A SAM function's local CodeUri must exist, relative to its template.
  void CheckLocalCode(const Template& t, const Resource& resource, const std::string& pointer) {
    const Node* metadata = resource.node->Find("Metadata");
    const Node* code_uri = metadata != nullptr ? metadata->Find(kCodeUriMetadata) : nullptr;
    if (code_uri == nullptr || !code_uri->IsScalar()) return;
    fs::path path = fs::path(t.file()).parent_path() / code_uri->scalar();
    if (!fs::exists(path)) {
      diagnostics_.Error(
          t.At(*code_uri), "missing-code",
          "CodeUri '" + code_uri->scalar() + "' does not exist (looked for " + path.string() + ")",
          pointer + "/Properties/CodeUri");
    }
  }

  const StackSetOptions& options_;
  Diagnostics& diagnostics_;
  StackSet set_;
  std::vector<Loaded> stacks_;
  std::map<std::string, Export> exports_;
};

}  // namespace

StackSet BuildStackSet(const std::vector<StackSource>& sources, const StackSetOptions& options,
                       Diagnostics& diagnostics) {
  return Builder(options, diagnostics).Build(sources);
}

StackSet BuildProjectStackSet(const Project& project, const Stage& stage,
                              Diagnostics& diagnostics) {
  return BuildProjectStackSet(project, stage, StackSetOptions{}, diagnostics);
}

StackSet BuildProjectStackSet(const Project& project, const Stage& stage,
                              const StackSetOptions& hooks, Diagnostics& diagnostics) {
  StackSetOptions options;
  options.known = hooks.known;
  options.external_export = hooks.external_export;
  options.code_artifact = hooks.code_artifact;
  options.stage = stage.name;
  options.region = !hooks.target_region.empty() ? hooks.target_region
                   : stage.region.empty()       ? project.default_region
                                                : stage.region;
  options.account = !hooks.target_account.empty() ? hooks.target_account
                    : stage.account.empty()       ? project.default_account
                                                  : stage.account;
  options.project_mode = true;
  std::vector<StackSource> sources;
  for (const auto& entry : project.stacks) {
    StackSource source;
    source.name = entry.name;
    source.path = (fs::path(project.directory) / entry.template_path).lexically_normal().string();
    source.stack_name = project.StackName(stage, entry.name);
    if (auto own = stage.parameters.find(entry.name); own != stage.parameters.end())
      source.given = own->second;
    if (auto common = stage.parameters.find(""); common != stage.parameters.end())
      source.common = common->second;
    source.declared_at = entry.location;
    sources.push_back(std::move(source));
  }
  return BuildStackSet(sources, options, diagnostics);
}

StackSet BuildFileStackSet(const std::vector<std::string>& files, Diagnostics& diagnostics) {
  std::vector<StackSource> sources;
  std::set<std::string> names;
  for (const auto& file : files) {
    StackSource source;
    std::string stem = fs::path(file).stem().string();
    source.name = stem;
    for (int n = 2; !names.insert(source.name).second; ++n)
      source.name = stem + "-" + std::to_string(n);
    source.path = file;
    source.stack_name = source.name;
    sources.push_back(std::move(source));
  }
  return BuildStackSet(sources, StackSetOptions{}, diagnostics);
}

}  // namespace sf
