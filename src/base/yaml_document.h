#pragma once
// A YAML (or JSON) document as a tree of located nodes.
//
// Unlike yaml-cpp's own Node, this tree keeps what diagnostics need: the line and column of
// every node, the tag as written (`!Ref`, `!Sub`, ...), whether a scalar was quoted, and map
// entries in source order, duplicates included (the loader reports them). Nodes own their
// children; the tree is plain data and safe to read from several threads.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/diagnostics.h"
#include "base/mark.h"

namespace sf {

class Node {
 public:
  enum class Kind { kNull, kScalar, kSequence, kMap };
  using Entry = std::pair<Node, Node>;

  Node() = default;
  static Node Null(Mark mark = {});
  static Node Scalar(std::string value, Mark mark = {}, bool quoted = false);
  static Node Sequence(Mark mark = {});
  static Node Map(Mark mark = {});

  Kind kind() const { return kind_; }
  bool IsNull() const { return kind_ == Kind::kNull; }
  bool IsScalar() const { return kind_ == Kind::kScalar; }
  bool IsSequence() const { return kind_ == Kind::kSequence; }
  bool IsMap() const { return kind_ == Kind::kMap; }
  const char* KindName() const;

  const Mark& mark() const { return mark_; }
  void set_mark(Mark mark) { mark_ = mark; }

  // The local tag as written ("!Ref"), or "" for none. Standard tags (`!!str`) are kept in
  // their long form ("tag:yaml.org,2002:str").
  const std::string& tag() const { return tag_; }
  void set_tag(std::string tag) { tag_ = std::move(tag); }

  // Scalars.
  const std::string& scalar() const { return scalar_; }
  bool quoted() const { return quoted_; }
  // A plain scalar that YAML or JSON would read as a number, a bool or null.
  bool LooksNumeric() const;
  bool LooksBool() const;

  // Sequences.
  const std::vector<Node>& items() const { return items_; }
  std::vector<Node>& items() { return items_; }
  void Append(Node node) { items_.push_back(std::move(node)); }

  // Maps. Keys are scalar nodes. Find returns the first entry with that key, or nullptr.
  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<Entry>& entries() { return entries_; }
  const Node* Find(std::string_view key) const;
  Node* Find(std::string_view key);
  void Set(std::string key, Node value);  // replaces the first entry with that key, or appends
  bool Erase(std::string_view key);

  size_t size() const { return kind_ == Kind::kMap ? entries_.size() : items_.size(); }

 private:
  Kind kind_ = Kind::kNull;
  Mark mark_;
  std::string tag_;
  std::string scalar_;
  bool quoted_ = false;
  std::vector<Node> items_;
  std::vector<Entry> entries_;
};

// A parsed file: its path (as given, used in diagnostics) and its root node.
struct Document {
  std::string file;
  Node root;

  SourceLocation At(const Mark& mark) const { return {file, mark.line, mark.column}; }
  SourceLocation At(const Node& node) const { return At(node.mark()); }
};

// Parses one YAML or JSON document. Syntax errors and duplicate map keys are reported to
// `diagnostics` with their location; on a syntax error the result is nullopt. An empty input
// yields a Null root. Never throws.
std::optional<Document> ParseYaml(std::string_view text, std::string file,
                                  Diagnostics& diagnostics);

// Reads and parses a file; an unreadable file is a diagnostic.
std::optional<Document> LoadYamlFile(const std::string& path, Diagnostics& diagnostics);

}  // namespace sf
