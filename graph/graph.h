// Graph: nodes (each a validated NodeDef with its op's schema) and the data
// and control edges between them.
//
// Nodes are added through AddNode, which checks the NodeDef against the op
// registry (known op, attrs with defaults filled, arg types computed), so
// every node in a Graph is well formed. Edges are added separately; a node's
// NodeDef `input` list is regenerated from its edges on export. Node ids are
// dense, in insertion order. Not thread-safe.
#ifndef TG_GRAPH_GRAPH_H_
#define TG_GRAPH_GRAPH_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "core/op_registry.h"
#include "core/shape_inference.h"
#include "core/types.h"
#include "proto/graph.pb.h"

namespace tg {

using ::tensorgraph::GraphDef;

class Node;

struct Edge {
  Node* src;
  int src_output;  // kControlSlot for a control edge.
  Node* dst;
  int dst_input;  // kControlSlot for a control edge.
  static constexpr int kControlSlot = -1;
  bool IsControl() const { return src_output == kControlSlot; }
};

// TensorFlow 1's control-flow ops (Switch, Merge, Enter, Exit,
// NextIteration, LoopCond, ControlTrigger and their Ref forms), which the
// executor runs with dead values, frames and iterations.
bool IsControlFlowOp(absl::string_view op);

// An edge out of a NextIteration: a while loop's back edge, the one edge a
// cycle of the graph may close.
bool IsBackEdge(const Edge& e);

class Node {
 public:
  int id() const { return id_; }
  const std::string& name() const { return def_.name(); }
  const std::string& op() const { return def_.op(); }
  const NodeDef& def() const { return def_; }
  const AttrMap& attrs() const { return def_.attr(); }
  const OpRegistration& op_registration() const { return *reg_; }
  const std::string& requested_device() const { return def_.device(); }

  int num_inputs() const { return static_cast<int>(input_types_.size()); }
  int num_outputs() const { return static_cast<int>(output_types_.size()); }
  DataType input_type(int i) const { return input_types_[i]; }
  DataType output_type(int i) const { return output_types_[i]; }
  const DataTypeVector& input_types() const { return input_types_; }
  const DataTypeVector& output_types() const { return output_types_; }

  // Data edge into input i (null until connected), and all edges.
  const Edge* input_edge(int i) const { return data_inputs_[i]; }
  const std::vector<const Edge*>& in_edges() const { return in_edges_; }
  const std::vector<const Edge*>& out_edges() const { return out_edges_; }

  // Output shapes from shape inference (unknown where not inferred).
  const PartialShape& output_shape(int i) const { return output_shapes_[i]; }
  void set_output_shape(int i, PartialShape s) {
    output_shapes_[i] = std::move(s);
  }
  // "[Op] node 'name': ".
  std::string ErrorPrefix() const { return NodeErrorPrefix(op(), name()); }

 private:
  friend class Graph;
  int id_ = -1;
  NodeDef def_;
  const OpRegistration* reg_ = nullptr;
  DataTypeVector input_types_, output_types_;
  std::vector<const Edge*> data_inputs_;
  std::vector<const Edge*> in_edges_, out_edges_;
  std::vector<PartialShape> output_shapes_;
};

class Graph {
 public:
  Graph() = default;
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  // Validates `def` (its `input` field is ignored) and adds it. Errors name
  // the node and op; a duplicate name is an error.
  absl::StatusOr<Node*> AddNode(NodeDef def);
  // Data edge src:src_output -> dst:dst_input. Checks indices and dtypes
  // (a reference output may feed a value input; not the reverse).
  absl::Status AddEdge(Node* src, int src_output, Node* dst, int dst_input);
  void AddControlEdge(Node* src, Node* dst);
  // Points data input `dst_input` of `dst` at `src:src_output` instead of
  // what fed it (a loop's back edge, a tensor captured into a branch or a
  // loop); dtypes are checked as AddEdge does.
  absl::Status ReplaceInput(Node* src, int src_output, Node* dst,
                            int dst_input);

  // Removes the nodes flagged in `dead` (indexed by id) and their edges, and
  // renumbers the rest densely in their old order. Fails, changing nothing,
  // if a surviving node has a data or control input from a dead one.
  // Pointers to surviving nodes stay valid.
  absl::Status RemoveNodes(const std::vector<bool>& dead);

  Node* FindNode(absl::string_view name) const;
  int num_nodes() const { return static_cast<int>(nodes_.size()); }
  Node* node(int id) const { return nodes_[id].get(); }
  std::vector<Node*> nodes() const;

  const ::tensorgraph::VersionDef& versions() const { return versions_; }
  ::tensorgraph::VersionDef* mutable_versions() { return &versions_; }

  // Fails if a node's data input is unconnected.
  absl::Status CheckInputsConnected() const;
  // Node ids in an order where every node follows its inputs (data and
  // control), a loop's back edges (out of NextIteration) aside. Fails
  // naming a node on any other cycle.
  absl::StatusOr<std::vector<int>> TopologicalOrder() const;
  // Whether any node is a control-flow op (IsControlFlowOp).
  bool HasControlFlow() const;

  // Exports every node, inputs as "src", "src:k" and "^src".
  GraphDef ToGraphDef() const;

  // Named lists of nodes, as TensorFlow's graph collections: "variables",
  // "trainable_variables" and "initializers" (the ops that give each
  // variable its first value). Adding a node twice keeps one entry.
  void AddToCollection(const std::string& key, Node* node);
  const std::vector<Node*>& GetCollection(const std::string& key) const;

 private:
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<std::unique_ptr<Edge>> edges_;
  absl::flat_hash_map<std::string, Node*> by_name_;
  ::tensorgraph::VersionDef versions_;
  absl::flat_hash_map<std::string, std::vector<Node*>> collections_;
};

// The producer version tensorgraph writes into GraphDefs.
inline constexpr int kGraphDefProducer = 1882;

}  // namespace tg

#endif  // TG_GRAPH_GRAPH_H_
