#include "base/yaml_document.h"

#include "base/file_io.h"

#include <yaml.h>

#include <cctype>
#include <map>

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

// Limits that keep hostile input from exhausting the stack or memory: the recursive walks
// over the tree are bounded by the depth, and alias expansion ("billion laughs") by the
// total node count.
constexpr size_t kMaxDepth = 256;
constexpr size_t kMaxNodes = 1'000'000;  // 50 times a 1,000-resource template

Mark ToMark(const yaml_mark_t& mark) {
  return {static_cast<int>(mark.line) + 1, static_cast<int>(mark.column) + 1};
}

std::string Text(const yaml_char_t* text) {
  return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text));
}

size_t CountNodes(const Node& node) {
  size_t count = 1;
  for (const auto& item : node.items()) count += CountNodes(item);
  for (const auto& [key, value] : node.entries()) count += 1 + CountNodes(value);
  return count;
}

// Turns libyaml's event stream into a Node tree. Tags: libyaml reports the resolved tag
// ("!Ref", "tag:yaml.org,2002:str") or nothing for an untagged node.
class TreeBuilder {
 public:
  TreeBuilder(const std::string& file, Diagnostics& diagnostics)
      : file_(file), diagnostics_(diagnostics) {}

  // Handles one event; returns false with `error` set when the input must be rejected.
  bool Handle(const yaml_event_t& event, std::string& error, Mark& where) {
    Mark mark = ToMark(event.start_mark);
    switch (event.type) {
      case YAML_DOCUMENT_START_EVENT:
        if (++documents_ > 1) {
          error = "the file holds more than one YAML document; a template is one document";
          where = mark;
          return false;
        }
        return true;
      case YAML_SCALAR_EVENT: {
        const auto& scalar = event.data.scalar;
        std::string value(reinterpret_cast<const char*>(scalar.value), scalar.length);
        std::string tag = Text(scalar.tag);
        bool quoted =
            scalar.style != YAML_PLAIN_SCALAR_STYLE && scalar.style != YAML_ANY_SCALAR_STYLE;
        bool is_null = !quoted && tag.empty() &&
                       (value.empty() || value == "~" || value == "null" || value == "Null" ||
                        value == "NULL");
        Node node = is_null ? Node::Null(mark) : Node::Scalar(std::move(value), mark, quoted);
        if (is_null && !tag.empty()) node = Node::Scalar("", mark);  // `!Sub` with no argument
        node.set_tag(tag);
        return Add(std::move(node), Text(scalar.anchor), error, where);
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        if (stack_.size() >= kMaxDepth) {
          error = "nested more than " + std::to_string(kMaxDepth) + " levels deep";
          where = mark;
          return false;
        }
        bool sequence = event.type == YAML_SEQUENCE_START_EVENT;
        Node node = sequence ? Node::Sequence(mark) : Node::Map(mark);
        node.set_tag(Text(sequence ? event.data.sequence_start.tag : event.data.mapping_start.tag));
        std::string anchor =
            Text(sequence ? event.data.sequence_start.anchor : event.data.mapping_start.anchor);
        stack_.push_back({std::move(node), std::move(anchor), {}, false});
        return true;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        Frame frame = std::move(stack_.back());
        stack_.pop_back();
        return Add(std::move(frame.node), frame.anchor, error, where);
      }
      case YAML_ALIAS_EVENT: {
        auto it = anchors_.find(Text(event.data.alias.anchor));
        if (it == anchors_.end()) {
          error = "unknown alias *" + Text(event.data.alias.anchor);
          where = mark;
          return false;
        }
        nodes_ += it->second.second;
        if (nodes_ > kMaxNodes) {
          error = "aliases expand to more than " + std::to_string(kMaxNodes) + " nodes";
          where = mark;
          return false;
        }
        Node copy = it->second.first;
        copy.set_mark(mark);
        return Add(std::move(copy), "", error, where);
      }
      default:
        return true;
    }
  }

  bool has_root() const { return has_root_; }
  Node TakeRoot() { return std::move(root_); }

 private:
  struct Frame {
    Node node;
    std::string anchor;
    Node pending_key;  // maps: the key waiting for its value
    bool has_key;
  };

  bool Add(Node node, const std::string& anchor, std::string& error, Mark& where) {
    if (++nodes_ > kMaxNodes) {
      error = "the document has more than " + std::to_string(kMaxNodes) + " nodes";
      where = node.mark();
      return false;
    }
    if (!anchor.empty()) anchors_[anchor] = {node, CountNodes(node)};
    if (stack_.empty()) {
      root_ = std::move(node);
      has_root_ = true;
      return true;
    }
    Frame& top = stack_.back();
    if (top.node.IsSequence()) {
      top.node.Append(std::move(node));
    } else if (!top.has_key) {
      AddKey(top, std::move(node));
    } else {
      top.node.entries().emplace_back(std::move(top.pending_key), std::move(node));
      top.has_key = false;
    }
    return true;
  }

  void AddKey(Frame& top, Node key) {
    if (key.IsNull()) key = Node::Scalar("", key.mark());
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
  std::map<std::string, std::pair<Node, size_t>> anchors_;  // node and its node count
  Node root_;
  bool has_root_ = false;
  int documents_ = 0;
  size_t nodes_ = 0;
};

// The owner of a libyaml parser.
struct Parser {
  yaml_parser_t parser;
  Parser() { yaml_parser_initialize(&parser); }
  ~Parser() { yaml_parser_delete(&parser); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
};

}  // namespace

std::optional<Document> ParseYaml(std::string_view text, std::string file,
                                  Diagnostics& diagnostics) {
  Document document{std::move(file), Node::Null({1, 1})};
  TreeBuilder builder(document.file, diagnostics);
  Parser owner;
  yaml_parser_set_input_string(&owner.parser, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  std::string error;
  Mark where;
  bool done = false;
  while (!done) {
    yaml_event_t event;
    if (!yaml_parser_parse(&owner.parser, &event)) {
      const yaml_parser_t& p = owner.parser;
      error = p.problem != nullptr ? p.problem : "cannot parse";
      if (p.context != nullptr) error = std::string(p.context) + ": " + error;
      where = ToMark(p.problem_mark);
      if (p.problem_mark.index < text.size() && text[p.problem_mark.index] == '\t') {
        error = "tab character used for indentation; YAML indents with spaces";
      }
      break;
    }
    done = event.type == YAML_STREAM_END_EVENT;
    bool ok = builder.Handle(event, error, where);
    yaml_event_delete(&event);
    if (!ok) break;
  }
  if (!done) {
    bool json = document.file.size() >= 5 &&
                document.file.compare(document.file.size() - 5, 5, ".json") == 0;
    diagnostics.Error(document.At(where), "yaml-syntax",
                      (json ? "malformed JSON: " : "malformed YAML: ") + error);
    return std::nullopt;
  }
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
