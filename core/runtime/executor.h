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

#include "absl/status/statusor.h"
#include "core/op_kernel.h"
#include "core/runtime/placer.h"
#include "graph/graph.h"

namespace tg {

class Executor {
 public:
  static absl::StatusOr<std::unique_ptr<Executor>> Create(
      const Graph& graph, const std::vector<std::string>& feeds,
      const std::vector<std::string>& fetches,
      const std::vector<std::string>& targets,
      const std::vector<Device*>& devices, VariableStore* variables,
      const PlacementOptions& placement);

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
  absl::Status CheckFeed(const Feed& feed, const Tensor& t) const;

  std::vector<TensorValue> slots_;
  std::vector<Item> items_;
  std::vector<Feed> feeds_;
  std::vector<Fetch> fetches_;
  std::vector<Device*> devices_;
};

}  // namespace tg

#endif  // TG_CORE_RUNTIME_EXECUTOR_H_
