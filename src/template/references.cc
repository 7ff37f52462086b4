#include "template/references.h"

#include "template/intrinsics.h"

namespace sf {

const char* ReferenceKindName(Reference::Kind kind) {
  switch (kind) {
    case Reference::Kind::kRef:
      return "Ref";
    case Reference::Kind::kGetAtt:
      return "GetAtt";
    case Reference::Kind::kSub:
      return "Sub";
    case Reference::Kind::kDependsOn:
      return "DependsOn";
  }
  return "Ref";
}

namespace {

void AddIfResource(const Template& tmpl, const std::string& name, Reference::Kind kind, Mark mark,
                   std::vector<Reference>& out) {
  if (tmpl.FindResource(name) != nullptr) out.push_back({name, kind, mark});
}

// Variables of a Fn::Sub string: ${Name} and ${Name.Attr}; ${!Literal} is not a variable.
void SubVariables(const Template& tmpl, const Node& text, const Node* locals,
                  std::vector<Reference>& out) {
  const std::string& s = text.scalar();
  for (size_t start = s.find("${"); start != std::string::npos; start = s.find("${", start + 2)) {
    size_t end = s.find('}', start);
    if (end == std::string::npos) return;
    std::string name = s.substr(start + 2, end - start - 2);
    if (name.empty() || name[0] == '!') continue;
    if (locals != nullptr && locals->Find(name) != nullptr) continue;
    size_t dot = name.find('.');
    std::string target = dot == std::string::npos ? name : name.substr(0, dot);
    AddIfResource(tmpl, target, Reference::Kind::kSub, text.mark(), out);
  }
}

void Walk(const Template& tmpl, const Node& node, std::vector<Reference>& out) {
  if (node.IsSequence()) {
    for (const auto& item : node.items()) Walk(tmpl, item, out);
    return;
  }
  if (!node.IsMap()) return;
  std::string_view name = IntrinsicName(node);
  const Node& argument = node.entries().empty() ? node : node.entries().front().second;
  if (name == "Ref" && argument.IsScalar()) {
    AddIfResource(tmpl, argument.scalar(), Reference::Kind::kRef, argument.mark(), out);
    return;
  }
  if (name == "Fn::GetAtt" && argument.IsSequence() && !argument.items().empty()) {
    AddIfResource(tmpl, argument.items()[0].scalar(), Reference::Kind::kGetAtt, argument.mark(),
                  out);
    return;
  }
  if (name == "Fn::Sub") {
    if (argument.IsScalar()) {
      SubVariables(tmpl, argument, nullptr, out);
    } else if (argument.IsSequence() && argument.items().size() == 2) {
      if (argument.items()[0].IsScalar())
        SubVariables(tmpl, argument.items()[0], &argument.items()[1], out);
      Walk(tmpl, argument.items()[1], out);
    }
    return;
  }
  for (const auto& [key, value] : node.entries()) Walk(tmpl, value, out);
}

}  // namespace

std::vector<Reference> CollectReferences(const Template& tmpl, const Node& node) {
  std::vector<Reference> out;
  Walk(tmpl, node, out);
  return out;
}

std::vector<Reference> ResourceReferences(const Template& tmpl, const Resource& resource) {
  std::vector<Reference> out;
  if (resource.properties != nullptr) Walk(tmpl, *resource.properties, out);
  for (const auto& [target, mark] : resource.depends_on) {
    AddIfResource(tmpl, target, Reference::Kind::kDependsOn, mark, out);
  }
  return out;
}

void CollectImports(const Node& node, std::vector<const Node*>& out) {
  if (node.IsSequence()) {
    for (const auto& item : node.items()) CollectImports(item, out);
    return;
  }
  if (!node.IsMap()) return;
  if (IntrinsicName(node) == "Fn::ImportValue") {
    out.push_back(&node.entries().front().second);
    return;
  }
  for (const auto& [key, value] : node.entries()) CollectImports(value, out);
}

}  // namespace sf
