#include "template/intrinsics.h"

#include <algorithm>

#include "base/strings.h"

namespace sf {

const std::vector<std::string>& IntrinsicNames() {
  static const std::vector<std::string> names = {
      "Ref",           "Condition",       "Fn::Sub",    "Fn::GetAtt", "Fn::Join", "Fn::Select",
      "Fn::Split",     "Fn::If",          "Fn::Equals", "Fn::And",    "Fn::Or",   "Fn::Not",
      "Fn::FindInMap", "Fn::ImportValue", "Fn::Base64", "Fn::GetAZs"};
  return names;
}

const std::vector<std::string>& PseudoParameterNames() {
  static const std::vector<std::string> names = {
      "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue",   "AWS::Partition",
      "AWS::Region",    "AWS::StackId",          "AWS::StackName", "AWS::URLSuffix"};
  return names;
}

bool IsPseudoParameter(std::string_view name) {
  const auto& names = PseudoParameterNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string_view IntrinsicName(const Node& node, bool in_condition) {
  if (!node.IsMap() || node.entries().size() != 1) return "";
  const std::string& key = node.entries().front().first.scalar();
  if (key == "Ref") return "Ref";
  if (key == "Condition") return in_condition ? std::string_view("Condition") : "";
  if (StartsWith(key, "Fn::")) return key;
  return "";
}

namespace {

const std::vector<std::string>& ShortTags() {
  static const std::vector<std::string> tags = [] {
    std::vector<std::string> out;
    for (const auto& name : IntrinsicNames()) {
      out.push_back("!" + (StartsWith(name, "Fn::") ? name.substr(4) : name));
    }
    return out;
  }();
  return tags;
}

// `!GetAtt Res.Attr.Sub` splits at the first dot: [Res, "Attr.Sub"]. The tagged node's mark
// is at the tag; the text starts after it and (as written almost always) one space.
Node GetAttArguments(const Node& scalar, size_t tag_length) {
  Node list = Node::Sequence(scalar.mark());
  const std::string& text = scalar.scalar();
  size_t dot = text.find('.');
  Mark attr_mark = scalar.mark();
  if (dot == std::string::npos) {
    list.Append(Node::Scalar(text, scalar.mark()));
    return list;  // arity is checked by the resolver
  }
  attr_mark.column += static_cast<int>(tag_length + 1 + dot + 1);
  list.Append(Node::Scalar(text.substr(0, dot), scalar.mark()));
  list.Append(Node::Scalar(text.substr(dot + 1), attr_mark));
  return list;
}

void Normalize(Node& node, const std::string& file, Diagnostics& diagnostics) {
  for (auto& item : node.items()) Normalize(item, file, diagnostics);
  for (auto& [key, value] : node.entries()) Normalize(value, file, diagnostics);

  std::string tag = node.tag();
  if (tag.empty()) return;
  node.set_tag("");
  if (StartsWith(tag, "tag:yaml.org,2002:")) {
    if (tag == "tag:yaml.org,2002:str" && node.IsScalar()) {
      node = Node::Scalar(node.scalar(), node.mark(), /*quoted=*/true);
    }
    return;  // !!int, !!map, ... describe what the node already is
  }
  const auto& tags = ShortTags();
  auto it = std::find(tags.begin(), tags.end(), tag);
  if (it == tags.end()) {
    diagnostics.Error({file, node.mark().line, node.mark().column}, "unknown-tag",
                      "unknown tag '" + tag + "'", "", DidYouMean(tag, tags));
    return;
  }
  const std::string& name = IntrinsicNames()[static_cast<size_t>(it - tags.begin())];
  Mark mark = node.mark();
  Node argument =
      name == "Fn::GetAtt" && node.IsScalar() ? GetAttArguments(node, tag.size()) : std::move(node);
  Node call = Node::Map(mark);
  call.entries().emplace_back(Node::Scalar(name, mark), std::move(argument));
  node = std::move(call);
}

}  // namespace

void NormalizeTags(Document& document, Diagnostics& diagnostics) {
  Normalize(document.root, document.file, diagnostics);
}

}  // namespace sf
