#pragma once
// A directed dependency graph over named nodes: "stack/LogicalId" for resources, and one
// node per stack for the stack order. An edge from A to B means A depends on B (B is created
// first, deleted last).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/diagnostics.h"

namespace sf {

struct GraphEdge {
  std::string from;
  std::string to;
  std::string label;        // "Ref", "GetAtt", "Sub", "DependsOn", "ImportValue <name>"
  SourceLocation location;  // where the reference is written
};

class Graph {
 public:
  // Adds a node; `group` (a stack name) clusters it in DOT output. Adding twice is harmless.
  void AddNode(const std::string& name, const std::string& group = "");
  // Adds an edge; both ends are added as nodes if missing. Duplicate edges are kept once.
  void AddEdge(GraphEdge edge);

  const std::vector<std::string>& nodes() const { return nodes_; }
  const std::vector<GraphEdge>& edges() const { return edges_; }
  std::vector<const GraphEdge*> EdgesFrom(const std::string& node) const;

  // Every elementary cycle found by a depth-first search, each as the edges around it
  // (each cycle reported once).
  std::vector<std::vector<const GraphEdge*>> Cycles() const;

  // Nodes with every dependency before its dependents; nullopt if there is a cycle.
  // Ties keep insertion order, so the order is deterministic.
  std::optional<std::vector<std::string>> TopologicalOrder() const;

  std::string ToText() const;
  std::string ToDot(const std::string& title) const;

 private:
  std::vector<std::string> nodes_;
  std::map<std::string, std::string> groups_;
  std::vector<GraphEdge> edges_;
};

}  // namespace sf
