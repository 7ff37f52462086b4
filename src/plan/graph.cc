#include "plan/graph.h"

#include <algorithm>
#include <functional>
#include <set>
#include <sstream>

namespace sf {

void Graph::AddNode(const std::string& name, const std::string& group) {
  if (groups_.count(name) != 0) return;
  nodes_.push_back(name);
  groups_[name] = group;
}

void Graph::AddEdge(GraphEdge edge) {
  AddNode(edge.from);
  AddNode(edge.to);
  for (const auto& existing : edges_) {
    if (existing.from == edge.from && existing.to == edge.to) return;
  }
  edges_.push_back(std::move(edge));
}

std::vector<const GraphEdge*> Graph::EdgesFrom(const std::string& node) const {
  std::vector<const GraphEdge*> out;
  for (const auto& edge : edges_) {
    if (edge.from == node) out.push_back(&edge);
  }
  return out;
}

std::vector<std::vector<const GraphEdge*>> Graph::Cycles() const {
  std::vector<std::vector<const GraphEdge*>> cycles;
  std::set<std::set<std::string>> seen;  // a cycle is the same whichever node it starts from
  std::map<std::string, int> state;      // 0 unvisited, 1 on the stack, 2 done
  std::vector<const GraphEdge*> path;
  std::function<void(const std::string&)> visit = [&](const std::string& node) {
    state[node] = 1;
    for (const GraphEdge* edge : EdgesFrom(node)) {
      path.push_back(edge);
      if (state[edge->to] == 1) {
        auto start = std::find_if(path.begin(), path.end(),
                                  [&](const GraphEdge* e) { return e->from == edge->to; });
        std::vector<const GraphEdge*> cycle(start, path.end());
        std::set<std::string> members;
        for (const auto* e : cycle) members.insert(e->from);
        if (seen.insert(members).second) cycles.push_back(std::move(cycle));
      } else if (state[edge->to] == 0) {
        visit(edge->to);
      }
      path.pop_back();
    }
    state[node] = 2;
  };
  for (const auto& node : nodes_) {
    if (state[node] == 0) visit(node);
  }
  return cycles;
}

std::optional<std::vector<std::string>> Graph::TopologicalOrder() const {
  std::map<std::string, int> pending;  // dependencies not yet placed
  for (const auto& node : nodes_) pending[node] = 0;
  for (const auto& edge : edges_) ++pending[edge.from];
  std::vector<std::string> order;
  std::set<std::string> placed;
  while (order.size() < nodes_.size()) {
    bool progress = false;
    for (const auto& node : nodes_) {
      if (placed.count(node) != 0 || pending[node] != 0) continue;
      order.push_back(node);
      placed.insert(node);
      progress = true;
      for (const auto& edge : edges_) {
        if (edge.to == node) --pending[edge.from];
      }
    }
    if (!progress) return std::nullopt;
  }
  return order;
}

std::string Graph::ToText() const {
  std::ostringstream out;
  auto order = TopologicalOrder();
  const auto& listed = order ? *order : nodes_;
  for (const auto& node : listed) {
    out << node << "\n";
    for (const GraphEdge* edge : EdgesFrom(node)) {
      out << "  -> " << edge->to << "  (" << edge->label << ")\n";
    }
  }
  return out.str();
}

namespace {

std::string Quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string Graph::ToDot(const std::string& title) const {
  std::ostringstream out;
  out << "digraph " << Quote(title)
      << " {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n";
  std::map<std::string, std::vector<std::string>> by_group;
  for (const auto& node : nodes_) by_group[groups_.at(node)].push_back(node);
  int cluster = 0;
  for (const auto& [group, members] : by_group) {
    std::string indent = "  ";
    if (!group.empty()) {
      out << "  subgraph cluster_" << cluster++ << " {\n    label=" << Quote(group) << ";\n";
      indent = "    ";
    }
    for (const auto& node : members) {
      std::string label = node;
      if (!group.empty() && label.rfind(group + "/", 0) == 0)
        label = label.substr(group.size() + 1);
      out << indent << Quote(node) << " [label=" << Quote(label) << "];\n";
    }
    if (!group.empty()) out << "  }\n";
  }
  for (const auto& edge : edges_) {
    out << "  " << Quote(edge.from) << " -> " << Quote(edge.to) << " [label=" << Quote(edge.label)
        << "];\n";
  }
  out << "}\n";
  return out.str();
}

}  // namespace sf
