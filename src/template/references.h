#pragma once
// What a template refers to, read syntactically (no parameter values needed): the edges of
// the dependency graph.

#include <string>
#include <vector>

#include "base/mark.h"
#include "base/yaml_document.h"
#include "template/template.h"

namespace sf {

struct Reference {
  enum class Kind { kRef, kGetAtt, kSub, kDependsOn };
  std::string target;  // a logical id of this template's resources
  Kind kind;
  Mark mark;
};

const char* ReferenceKindName(Reference::Kind kind);

// References from `node` to resources of `tmpl` (parameters and pseudo parameters are left
// out, and so are names that match nothing: the resolver reports those).
std::vector<Reference> CollectReferences(const Template& tmpl, const Node& node);

// Everything a resource depends on: its properties, its DependsOn.
std::vector<Reference> ResourceReferences(const Template& tmpl, const Resource& resource);

// The argument nodes of every Fn::ImportValue inside `node`.
void CollectImports(const Node& node, std::vector<const Node*>& out);

}  // namespace sf
