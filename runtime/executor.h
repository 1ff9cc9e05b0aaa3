// Executor: one pruned, placed, partitioned and instantiated graph for one
// signature (feeds, fetches, targets), built once and run many times.
//
// Create() does all the per-signature work: prune to what the fetches and
// targets need (a fed tensor cuts its producer off), place each node
// (runtime/placer.h), instantiate every kernel (attrs parsed once), order
// nodes topologically, decide the memory of every value (a device's, or the
// host's for host-memory args and CPU nodes) and insert a copy wherever a
// value must move: on each edge whose ends are in different memories, for
// feeds (host -> the consumer's memory) and for fetches (-> host), one copy
// per (value, destination memory) however many consumers read it. The plan
// is immutable; Run() keeps its values in state of its own, fills the
// feeds, runs each step, synchronizes every device once and hands out the
// fetched tensors: no name lookups, no graph walks, no map lookups.
#ifndef TG_RUNTIME_EXECUTOR_H_
#define TG_RUNTIME_EXECUTOR_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "core/op_kernel.h"
#include "graph/graph.h"
#include "runtime/placer.h"

namespace tg {

struct ExecutorOptions {
  PlacementOptions placement;
  // After each node, scan its floating-point outputs and fail the run at
  // the first NaN or Inf, naming the node (TensorFlow's CheckNumerics
  // applied everywhere). Costs one pass over every float output.
  bool check_numerics = false;
};

// One copy the plan makes in every run.
struct CopyInfo {
  std::string tensor;  // "node:k", or "feed x:0" / "fetch y:0"
  std::string from;    // memory names: "host", "/device:GPU:0"
  std::string to;
};

// What Run guarantees every kernel, so kernels need not re-check it: each
// input has the dtype the node declares (reference inputs: an initialized
// variable holding that dtype, unless the op allows uninitialized input)
// and is in the memory the kernel expects (its device's, or the host's for
// a host-memory arg); each output a kernel leaves is set, of the declared
// dtype and in its planned memory. A kernel that throws std::bad_alloc
// fails the run with ResourceExhausted. Whatever way a run ends, every
// device is synchronized before any of its buffers is released.
class Executor {
 public:
  // `devices`: the session's, the CPU among them (its allocator is the
  // host memory of host-memory args and of copies to the host).
  static absl::StatusOr<std::unique_ptr<Executor>> Create(
      const Graph& graph, const std::vector<std::string>& feeds,
      const std::vector<std::string>& fetches,
      const std::vector<std::string>& targets,
      const std::vector<Device*>& devices, VariableStore* variables,
      const ExecutorOptions& options);

  // `feeds` in the order given to Create, in host memory; `fetched` gets
  // one host tensor per fetch. Errors name the node that failed. Runs of
  // one executor keep separate values; the caller still serializes them
  // when kernels share state (variables).
  absl::Status Run(absl::Span<const Tensor> feeds,
                   std::vector<Tensor>* fetched) const;

  // Number of nodes that run (for tests and tools).
  int num_nodes() const { return num_nodes_; }
  // Every copy a run makes, in plan order.
  const std::vector<CopyInfo>& copies() const { return copies_; }
  // (node name, device name) of each node that runs, in run order.
  std::vector<std::pair<std::string, std::string>> Placement() const;

 private:
  // One kernel node, or one copy between memories.
  struct Step {
    bool is_copy = false;
    const Node* node = nullptr;  // For a copy: the first consumer.
    Device* device = nullptr;
    std::unique_ptr<OpKernel> kernel;
    std::vector<int> input_slots;
    std::vector<bool> deref_check;  // Input reads a variable by value.
    int output_base = 0;
    int num_outputs = 0;
    std::vector<Allocator*> output_allocators;
    std::vector<const void*> output_spaces;
    Allocator* temp_allocator = nullptr;
    bool on_host = false;  // KernelDef::on_host: runs here, not on device

    // A copy: the value in src_slot, copied into dst_allocator's memory.
    int src_slot = -1;
    int dst_slot = -1;
    Allocator* dst_allocator = nullptr;
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
  class Planner;

  Executor() = default;
  absl::Status CheckFeed(const Feed& feed, const Tensor& t) const;
  absl::Status CheckInputs(const Step& step,
                           const std::vector<TensorValue>& slots) const;
  absl::Status CheckOutputs(const Step& step,
                            const std::vector<TensorValue>& slots) const;
  absl::Status RunKernel(const Step& step,
                         std::vector<TensorValue>& slots) const;
  absl::Status RunCopy(const Step& step, std::vector<TensorValue>& slots) const;
  absl::Status FetchOutputs(const std::vector<TensorValue>& slots,
                            std::vector<Tensor>* fetched) const;

  bool check_numerics_ = false;
  int num_slots_ = 0;
  int num_nodes_ = 0;
  std::vector<Step> steps_;
  std::vector<Feed> feeds_;
  std::vector<Fetch> fetches_;
  std::vector<Device*> devices_;
  Allocator* host_allocator_ = nullptr;
  std::vector<CopyInfo> copies_;
};

}  // namespace tg

#endif  // TG_RUNTIME_EXECUTOR_H_
