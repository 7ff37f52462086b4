#pragma once
// A stack set: the stacks of a project (or loose template files) resolved for one stage.
//
// Building one loads every template, binds the stage's parameters, orders the stacks by their
// exports and imports, builds the dependency graph across resources and stacks, and resolves
// every resource's properties in dependency order, so that values one resource takes from
// another (a bucket name set in the template) are known and values only apply can produce
// (an Arn) are Unknown. Every problem found on the way is reported; what could be resolved is
// still returned. This is the offline model that validate and graph print and that plan
// diffs against the live state.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "base/value.h"
#include "plan/graph.h"
#include "project/project_file.h"
#include "template/parameters.h"
#include "template/template.h"

namespace sf {

struct ResolvedResource {
  std::string logical_id;
  std::string type;
  bool enabled = true;                  // false when its Condition is false for this stage
  Value properties;                     // a map
  std::vector<std::string> depends_on;  // logical ids in the same stack (every reference)
  std::string deletion_policy;
  std::string update_replace_policy;
  const Resource* source = nullptr;
};

struct ResolvedOutput {
  std::string name;
  Value value;
  std::string export_name;  // "" when not exported (or not resolvable)
  bool enabled = true;
};

struct ResolvedStack {
  std::string name;        // the project's name for it ("stream")
  std::string stack_name;  // AWS::StackName
  std::shared_ptr<const Template> tmpl;
  std::map<std::string, Value> parameters;
  std::map<std::string, bool> conditions;
  std::vector<ResolvedResource> resources;  // in dependency order
  std::vector<ResolvedOutput> outputs;
  std::vector<std::string> imports_from;  // names of the stacks it imports from
  std::vector<std::string> import_names;  // the export names it imports (Fn::ImportValue)
};

struct StackSet {
  std::string stage;
  std::string region;
  std::string account;
  std::vector<ResolvedStack> stacks;  // in dependency order (exporters first)
  Graph resource_graph;               // nodes "stack/LogicalId"
  Graph stack_graph;                  // nodes are stack names

  const ResolvedStack* FindStack(const std::string& name) const;
};

// One template to load, and what its stage gives it.
struct StackSource {
  std::string name;
  std::string path;
  std::optional<std::string> text;  // the template itself; when unset it is read from `path`
  std::string stack_name;
  std::map<std::string, GivenParameter> given;   // must all be declared by the template
  std::map<std::string, GivenParameter> common;  // apply only where the template declares them
  SourceLocation declared_at;                    // where the project lists it
};

struct StackSetOptions {
  std::string stage = "default";
  std::string region = "us-east-1";
  std::string account = "123456789012";
  // Project mode: an import nothing exports, and a stage value for an undeclared parameter,
  // are errors. Loose files: the first is a warning (its exporter may be elsewhere).
  bool project_mode = false;

  // Resolution hooks (plan sets them; validate leaves them empty). `known` gives what a
  // resource of stack `stack` (the project's name for it) is known to be: its physical id
  // (attribute "", for Ref) or a GetAtt attribute. It is consulted before the offline rules;
  // nullopt means not known (the offline rules apply). A GetAtt of an attribute the type does
  // not have is reported whatever it says.
  std::function<std::optional<Value>(const std::string& stack, const std::string& logical_id,
                                     const std::string& attribute)>
      known;
  // The value of an export no stack of the set makes (the live one); consulted before an
  // import nothing exports is reported. nullopt: not exported there either.
  std::function<std::optional<Value>(const std::string& export_name)> external_export;
  // The Code of a SAM function whose CodeUri is a local directory (given as an absolute,
  // normalised path), once packaged: {S3Bucket, S3Key} of its content-addressed artifact. It
  // replaces the placeholder the SAM transform leaves. nullopt, or no hook: the placeholder
  // stays (validate). An error is reported by the hook's owner, not here.
  std::function<std::optional<Value>(const std::string& code_dir)> code_artifact;
  // Where the resources live when that is not the stage's own account: plan and apply against
  // the engine set the engine's region and account, so that AWS::Region and AWS::AccountId
  // (and the ARNs templates build from them) name what the engine has. Empty: the stage's.
  std::string target_region;
  std::string target_account;
};

StackSet BuildStackSet(const std::vector<StackSource>& sources, const StackSetOptions& options,
                       Diagnostics& diagnostics);

// The project's stacks for `stage`.
StackSet BuildProjectStackSet(const Project& project, const Stage& stage, Diagnostics& diagnostics);
// The same, resolved with the hooks of `hooks` (`known`, `external_export`, `code_artifact`)
// and its target region and account; its other members are ignored: stage, region, account
// and project mode come from the project.
StackSet BuildProjectStackSet(const Project& project, const Stage& stage,
                              const StackSetOptions& hooks, Diagnostics& diagnostics);

// Loose template files, each its own stack named after its file; imports resolve among them.
StackSet BuildFileStackSet(const std::vector<std::string>& files, Diagnostics& diagnostics);

}  // namespace sf
