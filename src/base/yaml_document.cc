#include "base/yaml_document.h"

#include "base/file_io.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <cctype>
#include <map>
#include <sstream>

namespace sf {

Node Node::Null(Mark mark) {
  Node node;
  node.mark_ = mark;
  return node;
}

Node Node::Scalar(std::string value, Mark mark, bool quoted) {
  Node node;
  node.kind_ = Kind::kScalar;
  node.scalar_ = std::move(value);
  node.mark_ = mark;
  node.quoted_ = quoted;
  return node;
}

Node Node::Sequence(Mark mark) {
  Node node;
  node.kind_ = Kind::kSequence;
  node.mark_ = mark;
  return node;
}

Node Node::Map(Mark mark) {
  Node node;
  node.kind_ = Kind::kMap;
  node.mark_ = mark;
  return node;
}

const char* Node::KindName() const {
  switch (kind_) {
    case Kind::kNull:
      return "null";
    case Kind::kScalar:
      return "scalar";
    case Kind::kSequence:
      return "list";
    case Kind::kMap:
      return "mapping";
  }
  return "value";
}

bool Node::LooksNumeric() const {
  if (kind_ != Kind::kScalar || quoted_ || scalar_.empty()) return false;
  // [-+]? (digits [. digits*] | . digits) ([eE] [-+]? digits)?
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < scalar_.size() && std::isdigit(static_cast<unsigned char>(scalar_[i]))) ++i;
    return i - start;
  };
  if (scalar_[i] == '-' || scalar_[i] == '+') ++i;
  size_t mantissa = digits();
  if (i < scalar_.size() && scalar_[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) return false;
  if (i < scalar_.size() && (scalar_[i] == 'e' || scalar_[i] == 'E')) {
    ++i;
    if (i < scalar_.size() && (scalar_[i] == '-' || scalar_[i] == '+')) ++i;
    if (digits() == 0) return false;
  }
  return i == scalar_.size();
}

bool Node::LooksBool() const {
  if (kind_ != Kind::kScalar || quoted_) return false;
  return scalar_ == "true" || scalar_ == "false" || scalar_ == "True" || scalar_ == "False" ||
         scalar_ == "TRUE" || scalar_ == "FALSE";
}

const Node* Node::Find(std::string_view key) const {
  for (const auto& [k, v] : entries_) {
    if (k.scalar_ == key) return &v;
  }
  return nullptr;
}

Node* Node::Find(std::string_view key) {
  for (auto& [k, v] : entries_) {
    if (k.scalar_ == key) return &v;
  }
  return nullptr;
}

void Node::Set(std::string key, Node value) {
  if (Node* existing = Find(key)) {
    *existing = std::move(value);
    return;
  }
  Mark mark = value.mark();
  entries_.emplace_back(Scalar(std::move(key), mark), std::move(value));
}

bool Node::Erase(std::string_view key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first.scalar_ == key) {
      entries_.erase(it);
      return true;
    }
  }
  return false;
}

namespace {

Mark ToMark(const YAML::Mark& mark) {
  if (mark.line < 0) return {};
  return {mark.line + 1, mark.column + 1};
}

// Turns yaml-cpp's event stream into a Node tree. Tags: yaml-cpp reports "?" for a plain
// untagged node and "!" for a quoted one; both become "".
class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(const std::string& file, Diagnostics& diagnostics)
      : file_(file), diagnostics_(diagnostics) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Add(Node::Null(ToMark(mark)), anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    Node copy = it == anchors_.end() ? Node::Null(ToMark(mark)) : it->second;
    copy.set_mark(ToMark(mark));
    Add(std::move(copy), 0);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    Node node = Node::Scalar(value, ToMark(mark), tag == "!");
    node.set_tag(NormalTag(tag));
    Add(std::move(node), anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Node node = Node::Sequence(ToMark(mark));
    node.set_tag(NormalTag(tag));
    stack_.push_back({std::move(node), anchor, {}, false});
  }
  void OnSequenceEnd() override { Close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Node node = Node::Map(ToMark(mark));
    node.set_tag(NormalTag(tag));
    stack_.push_back({std::move(node), anchor, {}, false});
  }
  void OnMapEnd() override { Close(); }

  bool has_root() const { return has_root_; }
  Node TakeRoot() { return std::move(root_); }

 private:
  struct Frame {
    Node node;
    YAML::anchor_t anchor;
    Node pending_key;  // maps: the key waiting for its value
    bool has_key;
  };

  static std::string NormalTag(const std::string& tag) {
    return tag == "?" || tag == "!" ? "" : tag;
  }

  void Close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    Add(std::move(frame.node), frame.anchor);
  }

  void Add(Node node, YAML::anchor_t anchor) {
    if (anchor != 0) anchors_[anchor] = node;
    if (stack_.empty()) {
      if (!has_root_) root_ = std::move(node);
      has_root_ = true;
      return;
    }
    Frame& top = stack_.back();
    if (top.node.IsSequence()) {
      top.node.Append(std::move(node));
      return;
    }
    if (!top.has_key) {
      AddKey(top, std::move(node));
      return;
    }
    top.node.entries().emplace_back(std::move(top.pending_key), std::move(node));
    top.has_key = false;
  }

  void AddKey(Frame& top, Node key) {
    if (!key.IsScalar()) {
      diagnostics_.Error({file_, key.mark().line, key.mark().column}, "yaml-syntax",
                         std::string("a mapping key must be a scalar, not a ") + key.KindName());
      key = Node::Scalar("", key.mark());
    }
    for (const auto& [existing, value] : top.node.entries()) {
      if (existing.scalar() == key.scalar()) {
        diagnostics_.Error({file_, key.mark().line, key.mark().column}, "duplicate-key",
                           "duplicate key '" + key.scalar() + "' (first defined at line " +
                               std::to_string(existing.mark().line) + ")");
        break;
      }
    }
    top.pending_key = std::move(key);
    top.has_key = true;
  }

  const std::string& file_;
  Diagnostics& diagnostics_;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, Node> anchors_;
  Node root_;
  bool has_root_ = false;
};

// yaml-cpp rejects tabs with an unhelpful message; find the first tab used as indentation.
std::optional<Mark> FirstIndentTab(std::string_view text) {
  int line = 1;
  bool at_line_start = true;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      ++line;
      at_line_start = true;
      continue;
    }
    if (!at_line_start) continue;
    if (c == '\t') {
      size_t line_start = text.rfind('\n', i == 0 ? 0 : i - 1);
      int column = static_cast<int>(i - (line_start == std::string_view::npos ? 0 : line_start + 1));
      return Mark{line, column + 1};
    }
    if (c != ' ') at_line_start = false;
  }
  return std::nullopt;
}

}  // namespace

std::optional<Document> ParseYaml(std::string_view text, std::string file,
                                  Diagnostics& diagnostics) {
  Document document{std::move(file), Node::Null({1, 1})};
  Diagnostics local;
  TreeBuilder builder(document.file, local);
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    if (parser.HandleNextDocument(builder) && parser.HandleNextDocument(builder)) {
      local.Error({document.file, 0, 0}, "yaml-syntax",
                  "the file holds more than one YAML document; a template is one document");
    }
  } catch (const YAML::Exception& e) {
    Mark mark = ToMark(e.mark);
    std::string message = e.msg;
    if (auto tab = FirstIndentTab(text); tab && (mark.line == 0 || tab->line <= mark.line)) {
      mark = *tab;
      message = "tab character used for indentation; YAML indents with spaces";
    }
    diagnostics.Append(local);
    diagnostics.Error(document.At(mark), "yaml-syntax", "malformed YAML: " + message);
    return std::nullopt;
  } catch (const std::exception& e) {
    diagnostics.Append(local);
    diagnostics.Error({document.file, 0, 0}, "yaml-syntax", std::string("malformed YAML: ") + e.what());
    return std::nullopt;
  }
  diagnostics.Append(local);
  if (builder.has_root()) document.root = builder.TakeRoot();
  return document;
}

std::optional<Document> LoadYamlFile(const std::string& path, Diagnostics& diagnostics) {
  auto text = ReadFile(path);
  if (!text) {
    diagnostics.Error({path, 0, 0}, "io", "cannot read file");
    return std::nullopt;
  }
  return ParseYaml(*text, path, diagnostics);
}

}  // namespace sf
