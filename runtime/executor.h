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
  // Replay repeated steps as captured device work (a CUDA Graph on a GPU):
  // once a signature's memory plan has served a run exactly, the next run
  // records the device's part of the step, and later runs with the same
  // feed shapes replay it. Needs plan_memory. Signatures that cannot be
  // captured (see StepCaptureInfo::refused) run as without it.
  bool capture_steps = true;
  // A graph with control flow (Switch, Merge, Enter, ...) runs each loop
  // frame at most this many iterations; past it the run fails naming the
  // loop, so a loop whose condition never turns false cannot hang.
  int64_t max_loop_iterations = int64_t{1} << 20;
  // The processes collective ops run across; null: this process alone.
  std::shared_ptr<CollectiveContext> collective;
};

// Whether and how an executor replays its step as captured device work.
struct StepCaptureInfo {
  // Why the signature is never captured (empty when it may be): a node on
  // the host that reads a fed value, a stateful host node, a copy in the
  // middle of the step, no device that can capture, the option off.
  std::string refused;
  int captures = 0;     // Steps recorded.
  int64_t replays = 0;  // Runs that replayed a recording.
  std::string failure;  // Why the last recording failed, if one did.
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
  ~Executor();
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
  StepCaptureInfo capture_info() const;
  // Keeps `graph` (the one given to Create) alive as long as this executor.
  void HoldGraph(std::shared_ptr<const Graph> graph) {
    held_graph_ = std::move(graph);
  }
  // Every copy a run makes, in plan order.
  const std::vector<CopyInfo>& copies() const { return copies_; }
  // (node name, device name) of each node that runs, in run order.
  std::vector<std::pair<std::string, std::string>> Placement() const;

  // Internal: how a graph with control flow runs (runtime/control_flow.h):
  // frames, iterations and dead values instead of the fixed step order.
  struct Flow;

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
    // Control flow: a Merge is run with its dead inputs unset, and a
    // Switch leaves its untaken output unset (dead).
    bool takes_dead_inputs = false;
    bool leaves_outputs_unset = false;

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
  static absl::StatusOr<std::shared_ptr<const Flow>> PlanFlow(
      Executor& ex, const ExecutorOptions& options);
  absl::Status RunFlow(absl::Span<const Tensor> feeds,
                       std::vector<Tensor>* fetched) const;
  // Synchronizes every device when a run ends, however it ends, before the
  // run's values (declared before it) are released: a device may still
  // have queued work that reads them.
  class SyncDevicesAtExit {
   public:
    explicit SyncDevicesAtExit(const std::vector<Device*>& devices)
        : devices_(devices) {}
    ~SyncDevicesAtExit() {
      if (!synced_) SyncAll().IgnoreError();
    }
    absl::Status SyncAll() {
      synced_ = true;
      absl::Status first;
      for (Device* d : devices_) first.Update(d->Sync());
      return first;
    }

   private:
    const std::vector<Device*>& devices_;
    bool synced_ = false;
  };
  // Where a run's outputs come from: a recording, an arena, or neither.
  struct RunMemory {
    std::shared_ptr<Recording> recording;
    std::unique_ptr<Arena> arena;
    bool taken = false;    // This run holds the executor's plan state.
    bool capture = false;  // Record the device's work (with the arena).
    // Keep the host values of the static copies (Executor::static_copy_)
    // for the capture run; filled as the run goes.
    bool stashing = false;
    mutable std::vector<std::pair<int, Tensor>> stash;
  };
  // A recorded step and what its replays need (runtime/executor_capture.cc).
  struct Captured;
  // What a capture run did: `ran` false when none of the step's work ran
  // (the run is to be made again without capture).
  struct CaptureOutcome {
    absl::Status status;
    bool ran = false;
  };
  CaptureOutcome CaptureRun(RunMemory& memory, absl::Span<const Tensor> feeds,
                            std::vector<Tensor>* fetched,
                            std::unique_ptr<Captured>* captured) const;
  absl::Status RunCapturedSteps(const RunMemory& memory,
                                std::vector<TensorValue>& slots,
                                Captured* c) const;
  // The static copies of a capture run, from memory.stash.
  absl::Status MakeStaticCopies(const RunMemory& memory, Captured* c) const;
  absl::Status UseStaticCopy(const Step& step, const Captured& c, int index,
                             std::vector<TensorValue>& slots) const;
  // Replays `c` when the feeds' shapes and the variables' buffers are those
  // it was recorded with; false when they are not (nothing ran).
  absl::StatusOr<bool> Replay(const Captured& c, absl::Span<const Tensor> feeds,
                              std::vector<Tensor>* fetched) const;
  // Runs the step through the executor's recording when there is one.
  // False when the run is still to be made.
  absl::StatusOr<bool> RunCaptured(absl::Span<const Tensor> feeds,
                                   std::vector<Tensor>* fetched) const;
  // A capture run (memory.capture) and, when it ran nothing, the plain run.
  absl::Status RunCapturing(RunMemory memory, absl::Span<const Tensor> feeds,
                            std::vector<Tensor>* fetched) const;
  RunMemory TakeMemory() const;
  // `failed`: the run failed (its memory was dropped); the next run may
  // record again.
  void ReturnMemory(RunMemory memory, bool failed) const;
  // A run with `memory`, then the plan state given back.
  absl::Status RunPlanned(RunMemory memory, absl::Span<const Tensor> feeds,
                          std::vector<Tensor>* fetched) const;
  absl::Status RunWithSlots(const RunMemory& memory,
                            absl::Span<const Tensor> feeds,
                            std::vector<Tensor>* fetched) const;
  absl::Status RunSteps(const RunMemory& memory,
                        std::vector<TensorValue>& slots) const;

  Executor();
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
  // Kept alive as long as the kernels that use it.
  std::shared_ptr<CollectiveContext> collective_;
  // Set when the graph has control flow: runs go through RunFlow.
  std::shared_ptr<const Flow> flow_;
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

  // Step capture. capture_device_: the one device whose work is recorded
  // (null: never captured, capture_.refused says why); hoisted_[i]: step i
  // is a feed's copy to it, made before the recording and again before
  // each replay (hoisted_feed_[i]: which feed).
  Device* capture_device_ = nullptr;
  std::vector<uint8_t> hoisted_;
  std::vector<int> hoisted_feed_;
  // static_copy_[i]: step i copies a host value that is the same in every
  // run to the device; the capture run makes it before recording, from
  // the value the run before it stashed.
  std::vector<uint8_t> static_copy_;
  mutable std::vector<std::pair<int, Tensor>> stash_
      ABSL_GUARDED_BY(memory_mu_);
  // An arena run served its plan exactly: the next arena run may record.
  mutable bool arena_exact_ ABSL_GUARDED_BY(memory_mu_) = false;
  mutable StepCaptureInfo capture_ ABSL_GUARDED_BY(memory_mu_);
  // Declared last: released before the kernels its work names.
  mutable std::unique_ptr<Captured> captured_ ABSL_GUARDED_BY(memory_mu_);
};

}  // namespace tg

#endif  // TG_RUNTIME_EXECUTOR_H_
