// Executor: one pruned, placed and instantiated graph for one signature
// (feeds, fetches, targets), built once and run many times.
//
// Create() does all the per-signature work: prune to what the fetches and
// targets need (a fed tensor cuts its producer off), place each node,
// instantiate every kernel (attrs parsed once), order nodes topologically and
// lay out one value slot per output. Run() then only fills the feed slots,
// calls Compute() node by node, synchronizes each device once and hands out
// the fetched tensors: no name lookups, no graph walks, no map lookups.
// Not thread-safe: the owning Session serializes runs.
#ifndef TG_CORE_RUNTIME_EXECUTOR_H_
#define TG_CORE_RUNTIME_EXECUTOR_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "core/op_kernel.h"
#include "core/runtime/placer.h"
#include "graph/graph.h"

namespace tg {

struct ExecutorOptions {
  PlacementOptions placement;
  // After each node, scan its floating-point outputs and fail the run at
  // the first NaN or Inf, naming the node (TensorFlow's CheckNumerics
  // applied everywhere). Costs one pass over every float output.
  bool check_numerics = false;
};

// What Run guarantees every kernel, so kernels need not re-check it: each
// input has the dtype the node declares (reference inputs: an initialized
// variable holding that dtype, unless the op allows uninitialized input),
// and each output a kernel leaves is set and of the declared dtype. A
// kernel that throws std::bad_alloc fails the run with ResourceExhausted.
class Executor {
 public:
  static absl::StatusOr<std::unique_ptr<Executor>> Create(
      const Graph& graph, const std::vector<std::string>& feeds,
      const std::vector<std::string>& fetches,
      const std::vector<std::string>& targets,
      const std::vector<Device*>& devices, VariableStore* variables,
      const ExecutorOptions& options);

  // `feeds` in the order given to Create; `fetched` gets one tensor per
  // fetch. Errors name the node that failed.
  absl::Status Run(absl::Span<const Tensor> feeds,
                   std::vector<Tensor>* fetched);

  // Number of nodes that run (for tests and tools).
  int num_nodes() const { return static_cast<int>(items_.size()); }

 private:
  struct Item {
    const Node* node;
    Device* device;
    std::unique_ptr<OpKernel> kernel;
    std::vector<const TensorValue*> inputs;  // Into slots_.
    std::vector<bool> deref_check;           // Input reads a variable by value.
    int output_base;
    std::string error_prefix;
  };
  struct Feed {
    int slot;
    std::string name;
    DataType dtype;
    PartialShape shape;
  };
  struct Fetch {
    int slot;
    std::string name;
  };

  Executor() = default;
  absl::Status Prune(const Graph& graph, const std::vector<std::string>& feeds,
                     const std::vector<std::string>& fetches,
                     const std::vector<std::string>& targets,
                     std::vector<int>* run);
  absl::Status InstantiateNodes(const Graph& graph, const std::vector<int>& run,
                                const std::vector<Device*>& placed,
                                VariableStore* variables);
  absl::Status CheckFeed(const Feed& feed, const Tensor& t) const;
  absl::Status CheckInputs(const Item& item) const;
  absl::Status CheckOutputs(const Item& item) const;
  absl::Status RunItem(Item& item);

  bool check_numerics_ = false;
  std::vector<TensorValue> slots_;
  // Feed slot of each fed tensor (node id, output index).
  absl::flat_hash_map<std::pair<int, int>, int> fed_;
  std::vector<std::pair<int, int>> fetch_keys_;
  std::vector<Item> items_;
  std::vector<Feed> feeds_;
  std::vector<Fetch> fetches_;
  std::vector<Device*> devices_;
};

}  // namespace tg

#endif  // TG_CORE_RUNTIME_EXECUTOR_H_
