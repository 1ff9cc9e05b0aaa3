// The C++ graph-building API: Scope, Operation, Output and Input.
//
// A Scope carries the graph being built, a name prefix, a device request and
// control dependencies. Building never throws and never aborts: the first
// error is kept in the scope (shared by all scopes derived from the same
// root) and later building calls do nothing, so code checks once at the end.
//
//   Scope root = Scope::NewRootScope();
//   Scope dense = root.NewSubScope("dense");
//   Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
//   Output y = ops::MatMul(dense, x, w);        // named "dense/MatMul"
//   if (!root.ok()) return root.status();
//
// Not thread-safe.
#ifndef TG_GRAPH_SCOPE_H_
#define TG_GRAPH_SCOPE_H_

#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "core/tensor.h"
#include "graph/graph.h"

namespace tg {

class Output;

// A node of the graph, as the builder sees it. Null when building failed.
class Operation {
 public:
  Operation() = default;
  explicit Operation(Node* node) : node_(node) {}
  Node* node() const { return node_; }
  const std::string& name() const { return node_->name(); }
  int num_outputs() const { return node_->num_outputs(); }
  int num_inputs() const { return node_->num_inputs(); }
  Output output(int i) const;
  Output input(int i) const;  // The tensor feeding input i.
  bool valid() const { return node_ != nullptr; }

 private:
  Node* node_ = nullptr;
};

// One output of a node: (node, index). The null Output means "no value"
// (see NoGradient() in graph/gradients.h).
class Output {
 public:
  Output() = default;
  Output(Node* node, int index = 0) : node_(node), index_(index) {}  // NOLINT
  Output(const Operation& op) : node_(op.node()) {}                  // NOLINT

  Node* node() const { return node_; }
  int index() const { return index_; }
  Operation op() const { return Operation(node_); }
  DataType type() const { return node_->output_type(index_); }
  const PartialShape& shape() const { return node_->output_shape(index_); }
  // "node:index".
  std::string name() const;
  bool valid() const { return node_ != nullptr; }

  bool operator==(const Output& o) const {
    return node_ == o.node_ && index_ == o.index_;
  }
  template <typename H>
  friend H AbslHashValue(H h, const Output& o) {
    return H::combine(std::move(h), o.node_, o.index_);
  }

 private:
  Node* node_ = nullptr;
  int index_ = 0;
};

class Scope {
 public:
  static Scope NewRootScope();

  // Names created under the returned scope start with "<prefix>/<name>/".
  // The sub-scope name is made unique like an op name.
  Scope NewSubScope(absl::string_view name) const;
  // A scope for the helpers of an existing op: names start with
  // "<op name>/<name>/" whatever this scope's prefix (e.g. a variable's
  // "W/Initializer/").
  Scope SubScopeOf(const Operation& op, absl::string_view name) const;
  // The next op built gets exactly this name (made unique if taken).
  Scope WithOpName(absl::string_view name) const;
  Scope WithDevice(absl::string_view device) const;
  Scope WithControlDependencies(const std::vector<Operation>& deps) const;
  Scope WithNoControlDependencies() const;
  // Variables made under the returned scope (ops::CreateVariable, layers,
  // optimizer slots) are resource variables (TensorFlow 2's) when `on`.
  Scope WithResourceVariables(bool on = true) const;

  bool ok() const { return state_->status.ok(); }
  const absl::Status& status() const { return state_->status; }
  // Keeps `s` if it is the first error.
  void UpdateStatus(const absl::Status& s) const;

  Graph* graph() const { return state_->graph.get(); }
  std::shared_ptr<Graph> graph_as_shared_ptr() const { return state_->graph; }
  const std::string& device() const { return device_; }
  // "" or "a/b/": what names made under this scope start with.
  const std::string& name_prefix() const { return prefix_; }
  const std::vector<Operation>& control_deps() const { return control_deps_; }
  bool resource_variables() const { return resource_variables_; }

  // The full, unique name for a new op: the WithOpName name if set, else
  // `default_name`, under this scope's prefix.
  std::string GetUniqueNameForOp(absl::string_view default_name) const;

  absl::Status ToGraphDef(GraphDef* def) const;

 private:
  struct State {
    std::shared_ptr<Graph> graph;
    absl::Status status;
    // Op names and sub-scope names are made unique separately, as in
    // TensorFlow: an op "Adam" and the scope "Adam/" of its helpers coexist.
    absl::flat_hash_map<std::string, int> op_names;
    absl::flat_hash_map<std::string, int> scope_names;
  };
  Scope() = default;
  std::string MakeUnique(const std::string& name,
                         absl::flat_hash_map<std::string, int>* counts,
                         bool check_graph) const;

  std::shared_ptr<State> state_;
  std::string prefix_;  // "" or "a/b/"
  std::string op_name_;
  std::string device_;
  std::vector<Operation> control_deps_;
  bool resource_variables_ = false;
};

// Anything that can feed an op input: an Output, or a constant that becomes
// a Const node when used (scalars, nested initializer lists, a Tensor).
class Input {
 public:
  Input(const Output& o) : output_(o) {}                 // NOLINT
  Input(const Operation& o) : output_(o) {}              // NOLINT
  Input(const Tensor& t) : tensor_(t) {}                 // NOLINT
  Input(float v) : tensor_(Tensor::Scalar(v)) {}         // NOLINT
  Input(double v) : tensor_(Tensor::Scalar(v)) {}        // NOLINT
  Input(int v) : tensor_(Tensor::Scalar<int32_t>(v)) {}  // NOLINT
  Input(int64_t v) : tensor_(Tensor::Scalar(v)) {}       // NOLINT
  Input(bool v) : tensor_(Tensor::Scalar(v)) {}          // NOLINT
  Input(std::initializer_list<float> v)                  // NOLINT
      : tensor_(Tensor::FromVector(std::vector<float>(v))) {}
  Input(std::initializer_list<int> v)  // NOLINT
      : tensor_(Tensor::FromVector(std::vector<int32_t>(v.begin(), v.end()))) {}
  Input(std::initializer_list<std::initializer_list<float>> rows);  // NOLINT

  // The Output this input refers to, adding a Const for a constant. Returns
  // the null Output if the scope has an error.
  Output ToOutput(const Scope& scope) const;

 private:
  Output output_;
  Tensor tensor_;
  absl::Status status_;
};

}  // namespace tg

#endif  // TG_GRAPH_SCOPE_H_
