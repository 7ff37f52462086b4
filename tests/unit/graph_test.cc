// Tests of the dependency Graph.

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "plan/graph.h"

namespace sf {
namespace {

GraphEdge Edge(const std::string& from, const std::string& to, const std::string& label = "Ref",
               int line = 0) {
  return GraphEdge{from, to, label, {"t.yaml", line, 1}};
}

// The position of `node` in `order`.
size_t IndexOf(const std::vector<std::string>& order, const std::string& node) {
  return static_cast<size_t>(std::find(order.begin(), order.end(), node) - order.begin());
}

TEST(GraphTest, AddNodeKeepsInsertionOrderAndIgnoresRepeats) {
  Graph graph;
  graph.AddNode("b");
  graph.AddNode("a", "stack");
  graph.AddNode("b", "other");
  EXPECT_EQ(graph.nodes(), (std::vector<std::string>{"b", "a"}));
  EXPECT_TRUE(graph.edges().empty());
}

TEST(GraphTest, AddEdgeAddsMissingNodesAndKeepsDuplicatesOnce) {
  Graph graph;
  graph.AddNode("a");
  graph.AddEdge(Edge("a", "b", "Ref", 3));
  graph.AddEdge(Edge("a", "b", "GetAtt", 7));  // same ends: kept once, the first one
  graph.AddEdge(Edge("b", "a", "Ref", 9));     // the reverse is a different edge
  graph.AddEdge(Edge("c", "a", "Sub", 11));
  EXPECT_EQ(graph.nodes(), (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(graph.edges().size(), 3u);
  EXPECT_EQ(graph.edges()[0].label, "Ref");
  EXPECT_EQ(graph.edges()[0].location.line, 3);
  auto from_a = graph.EdgesFrom("a");
  ASSERT_EQ(from_a.size(), 1u);
  EXPECT_EQ(from_a[0]->to, "b");
  EXPECT_TRUE(graph.EdgesFrom("nothing").empty());
}

TEST(GraphTest, TopologicalOrderPutsDependenciesFirst) {
  Graph graph;
  for (const char* node : {"Function", "Mapping", "Role", "Stream", "Bucket"}) graph.AddNode(node);
  graph.AddEdge(Edge("Mapping", "Function"));
  graph.AddEdge(Edge("Mapping", "Stream"));
  graph.AddEdge(Edge("Function", "Role"));
  graph.AddEdge(Edge("Role", "Stream"));
  auto order = graph.TopologicalOrder();
  ASSERT_TRUE(order.has_value());
  ASSERT_EQ(order->size(), 5u);
  for (const auto& edge : graph.edges()) {
    EXPECT_LT(IndexOf(*order, edge.to), IndexOf(*order, edge.from))
        << edge.from << " -> " << edge.to;
  }
  std::set<std::string> all(order->begin(), order->end());
  EXPECT_EQ(all.size(), 5u);
}

TEST(GraphTest, TopologicalOrderIsDeterministicAndKeepsInsertionOrderForTies) {
  Graph graph;
  for (const char* node : {"d", "c", "b", "a"}) graph.AddNode(node);
  auto independent = graph.TopologicalOrder();
  ASSERT_TRUE(independent.has_value());
  EXPECT_EQ(*independent, (std::vector<std::string>{"d", "c", "b", "a"}));

  graph.AddEdge(Edge("d", "a"));  // d needs a
  auto order = graph.TopologicalOrder();
  ASSERT_TRUE(order.has_value());
  EXPECT_EQ(*order, (std::vector<std::string>{"c", "b", "a", "d"}));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(graph.TopologicalOrder(), order);
}

TEST(GraphTest, TopologicalOrderOfStacks) {
  Graph graph;
  for (const char* stack : {"data-sources", "delivery", "stream", "alarms"}) graph.AddNode(stack);
  graph.AddEdge(Edge("alarms", "stream", "ImportValue x"));
  graph.AddEdge(Edge("stream", "delivery", "ImportValue y"));
  graph.AddEdge(Edge("stream", "data-sources", "ImportValue z"));
  graph.AddEdge(Edge("delivery", "data-sources", "ImportValue w"));
  EXPECT_EQ(graph.TopologicalOrder(),
            (std::vector<std::string>{"data-sources", "delivery", "stream", "alarms"}));
}

TEST(GraphTest, TopologicalOrderFailsOnACycle) {
  Graph graph;
  graph.AddNode("free");
  graph.AddEdge(Edge("a", "b"));
  graph.AddEdge(Edge("b", "a"));
  EXPECT_FALSE(graph.TopologicalOrder().has_value());
  Graph self;
  self.AddEdge(Edge("x", "x"));
  EXPECT_FALSE(self.TopologicalOrder().has_value());
}

TEST(GraphTest, NoCyclesInADag) {
  Graph graph;
  graph.AddEdge(Edge("a", "b"));
  graph.AddEdge(Edge("b", "c"));
  graph.AddEdge(Edge("a", "c"));
  EXPECT_TRUE(graph.Cycles().empty());
}

TEST(GraphTest, CycleIsReportedOnceWithItsEdges) {
  Graph graph;
  graph.AddEdge(Edge("Stream", "ConsumerFunction", "DependsOn", 7));
  graph.AddEdge(Edge("ConsumerFunction", "ConsumerRole", "GetAtt", 38));
  graph.AddEdge(Edge("ConsumerRole", "Stream", "Sub", 31));
  graph.AddEdge(Edge("Other", "Stream", "Ref", 40));
  auto cycles = graph.Cycles();
  ASSERT_EQ(cycles.size(), 1u);
  const auto& cycle = cycles[0];
  ASSERT_EQ(cycle.size(), 3u);
  // The edges follow each other around the cycle.
  for (size_t i = 0; i < cycle.size(); ++i) {
    EXPECT_EQ(cycle[i]->to, cycle[(i + 1) % cycle.size()]->from);
  }
  std::set<std::string> labels;
  for (const auto* edge : cycle) labels.insert(edge->label);
  EXPECT_EQ(labels, (std::set<std::string>{"DependsOn", "GetAtt", "Sub"}));
  EXPECT_EQ(cycle[0]->from, "Stream");  // found from the first node inserted
}

TEST(GraphTest, SeparateCyclesAreEachReported) {
  Graph graph;
  graph.AddEdge(Edge("a", "b"));
  graph.AddEdge(Edge("b", "a"));
  graph.AddEdge(Edge("c", "d"));
  graph.AddEdge(Edge("d", "e"));
  graph.AddEdge(Edge("e", "c"));
  graph.AddEdge(Edge("s", "s"));
  auto cycles = graph.Cycles();
  ASSERT_EQ(cycles.size(), 3u);
  std::multiset<size_t> sizes;
  for (const auto& cycle : cycles) sizes.insert(cycle.size());
  EXPECT_EQ(sizes, (std::multiset<size_t>{1, 2, 3}));
}

TEST(GraphTest, TwoCyclesThroughOneNode) {
  Graph graph;
  graph.AddEdge(Edge("a", "b"));
  graph.AddEdge(Edge("b", "a"));
  graph.AddEdge(Edge("b", "c"));
  graph.AddEdge(Edge("c", "b"));
  auto cycles = graph.Cycles();
  ASSERT_EQ(cycles.size(), 2u);
  EXPECT_EQ(cycles[0].size(), 2u);
  EXPECT_EQ(cycles[1].size(), 2u);
}

TEST(GraphTest, ToDotHasClustersNodesAndEdges) {
  Graph graph;
  graph.AddNode("stream/Stream", "stream");
  graph.AddNode("stream/Function", "stream");
  graph.AddNode("storage/Bucket", "storage");
  graph.AddNode("loose");
  graph.AddEdge(Edge("stream/Function", "stream/Stream", "GetAtt"));
  graph.AddEdge(Edge("stream/Function", "storage/Bucket", "ImportValue name"));
  std::string dot = graph.ToDot("my \"project\"");
  EXPECT_EQ(dot.rfind("digraph \"my \\\"project\\\"\" {\n", 0), 0u) << dot;
  EXPECT_NE(dot.find("subgraph cluster_"), std::string::npos) << dot;
  EXPECT_NE(dot.find("label=\"stream\";"), std::string::npos) << dot;
  EXPECT_NE(dot.find("label=\"storage\";"), std::string::npos) << dot;
  // Nodes inside a cluster are labelled without their stack prefix.
  EXPECT_NE(dot.find("\"stream/Stream\" [label=\"Stream\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"storage/Bucket\" [label=\"Bucket\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"loose\" [label=\"loose\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"stream/Function\" -> \"stream/Stream\" [label=\"GetAtt\"];"),
            std::string::npos)
      << dot;
  EXPECT_NE(dot.find("\"stream/Function\" -> \"storage/Bucket\" [label=\"ImportValue name\"];"),
            std::string::npos)
      << dot;
  EXPECT_EQ(dot.substr(dot.size() - 2), "}\n");
  // Two clusters, each opened once.
  size_t clusters = 0;
  for (size_t at = dot.find("subgraph cluster_"); at != std::string::npos;
       at = dot.find("subgraph cluster_", at + 1)) {
    ++clusters;
  }
  EXPECT_EQ(clusters, 2u);
}

TEST(GraphTest, ToTextListsNodesInOrderWithTheirEdges) {
  Graph graph;
  graph.AddNode("Function");
  graph.AddNode("Role");
  graph.AddEdge(Edge("Function", "Role", "GetAtt"));
  EXPECT_EQ(graph.ToText(), "Role\nFunction\n  -> Role  (GetAtt)\n");
}

TEST(GraphTest, ToTextWithACycleListsInsertionOrder) {
  Graph graph;
  graph.AddEdge(Edge("a", "b", "Ref"));
  graph.AddEdge(Edge("b", "a", "Sub"));
  EXPECT_EQ(graph.ToText(), "a\n  -> b  (Ref)\nb\n  -> a  (Sub)\n");
}

}  // namespace
}  // namespace sf
