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
#include "absl/synchronization/mutex.h"
#include "core/op_kernel.h"
#include "graph/graph.h"
#include "runtime/memory_plan.h"
#include "runtime/placer.h"

namespace tg {

struct ExecutorOptions {
  PlacementOptions placement;
  // After each node, scan its floating-point outputs and fail the run at
  // the first NaN or Inf, naming the node (TensorFlow's CheckNumerics
  // applied everywhere). Costs one pass over every float output.
  bool check_numerics = false;
  // Plan the memory of the outputs (runtime/memory_plan.h): the first run
  // records their lifetimes, later runs take them from one arena per
  // memory. Off: every output is allocated when produced.
  bool plan_memory = true;
};

// What the memory plan of an executor is doing (for tests and tools).
struct MemoryPlanInfo {
  int plans = 0;           // Runs recorded and turned into arenas.
  size_t arena_bytes = 0;  // Of the arena ready for the next run.
  int64_t planned_blocks = 0;
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

  size_t num_feeds() const { return feeds_.size(); }
  size_t num_fetches() const { return fetches_.size(); }
  // Number of nodes that run (for tests and tools).
  int num_nodes() const { return num_nodes_; }
  MemoryPlanInfo memory_plan() const;
  // Keeps `graph` (the one given to Create) alive as long as this executor.
  void HoldGraph(std::shared_ptr<const Graph> graph) {
    held_graph_ = std::move(graph);
  }
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
    // The node's input and output dtypes (base types), kept here so the
    // per-run checks read the step alone.
    DataTypeVector input_dtypes, output_dtypes;
    // Input k's buffer may be taken over by an output: its slot is read
    // for the last time here, by this input only (see
    // OpKernelContext::forward_input_or_allocate_output).
    std::vector<uint8_t> forwardable;
    int output_base = 0;
    int num_outputs = 0;
    std::vector<const void*> output_spaces;
    Allocator* temp_allocator = nullptr;
    // Index of the temp allocator in the run's allocator table (after the
    // value slots): a step's first scratch buffer is planned too.
    int temp_slot = 0;
    // Value slots read for the last time by this step (and outputs nobody
    // reads): released right after it, so a run holds only its live set.
    std::vector<int> release;
    bool on_host = false;  // KernelDef::on_host: runs here, not on device
    // Call the kernel directly: it runs on the host (on_host, or a CPU
    // node), where Device::Compute would only open a scope for host memory.
    bool direct = false;

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
  // Where a run's outputs come from: a recording, an arena, or neither.
  struct RunMemory {
    std::shared_ptr<Recording> recording;
    std::unique_ptr<Arena> arena;
    bool taken = false;  // This run holds the executor's plan state.
  };
  RunMemory TakeMemory() const;
  // `failed`: the run failed (its memory was dropped); the next run may
  // record again.
  void ReturnMemory(RunMemory memory, bool failed) const;
  absl::Status RunWithSlots(const RunMemory& memory,
                            absl::Span<const Tensor> feeds,
                            std::vector<Tensor>* fetched) const;
  absl::Status RunSteps(const RunMemory& memory,
                        std::vector<TensorValue>& slots) const;

  Executor() = default;
  absl::Status CheckFeed(const Feed& feed, const Tensor& t) const;
  absl::Status CheckInputs(const Step& step,
                           const std::vector<TensorValue>& slots) const;
  absl::Status CheckOutputs(const Step& step,
                            const std::vector<TensorValue>& slots) const;
  absl::Status RunKernel(const Step& step, Allocator* const* allocators,
                         std::vector<TensorValue>& slots) const;
  absl::Status RunCopy(const Step& step, std::vector<TensorValue>& slots) const;
  absl::Status FetchOutputs(const std::vector<TensorValue>& slots,
                            std::vector<Tensor>* fetched) const;

  std::shared_ptr<const Graph> held_graph_;
  bool check_numerics_ = false;
  int num_slots_ = 0;
  int num_nodes_ = 0;
  std::vector<Step> steps_;
  std::vector<Feed> feeds_;
  std::vector<Fetch> fetches_;
  std::vector<Device*> devices_;
  Allocator* host_allocator_ = nullptr;
  std::vector<CopyInfo> copies_;

  // Memory planning. default_allocators_[slot]: the real allocator of each
  // kernel output slot (null for feeds and copies), then of each kernel
  // step's scratch buffers (Step::temp_slot); memories_: the distinct ones.
  bool plan_memory_ = true;
  std::vector<Allocator*> default_allocators_;
  std::vector<Allocator*> memories_;
  mutable absl::Mutex memory_mu_;
  mutable std::unique_ptr<Arena> idle_arena_ ABSL_GUARDED_BY(memory_mu_);
  mutable bool memory_out_ ABSL_GUARDED_BY(memory_mu_) = false;
  mutable int plans_ ABSL_GUARDED_BY(memory_mu_) = 0;
  mutable bool gave_up_ ABSL_GUARDED_BY(memory_mu_) = false;
};

}  // namespace tg

#endif  // TG_RUNTIME_EXECUTOR_H_
