// Session: runs a graph. Variables live in the session across runs.
//
//   TG_ASSIGN_OR_RETURN(auto session, Session::Create(graph_def));
//   std::vector<Tensor> out;
//   TG_RETURN_IF_ERROR(session->Run({{"x:0", x}}, {"y:0"}, {}, &out));
//
// Any tensor can be fed, not only placeholders. The first run of a
// (feeds, fetches, targets) signature builds and caches an Executor (prune,
// place, instantiate kernels); later runs of it reuse that executor.
// Devices come from the registry (core/device_factory.h): the CPU, and each
// GPU of a CUDA build on a machine that has one.
// For a signature run many times, MakeCallable/RunCallable skip even the
// per-call signature lookup (TensorFlow's callables).
// Thread-safe: concurrent Run calls are serialized.
#ifndef TG_RUNTIME_SESSION_H_
#define TG_RUNTIME_SESSION_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "graph/graph.h"
#include "graph/passes/passes.h"
#include "runtime/executor.h"

namespace tg {

struct SessionOptions {
  // Soft placement, the default device for unconstrained nodes and
  // log_device_placement (runtime/placer.h). A default device that does not
  // exist here (no GPU) falls back to placement by priority, with one note.
  PlacementOptions placement;
  // The devices the session may use, as names or types ("GPU",
  // "/device:GPU:1"); empty: every device the build and the machine have.
  // The CPU is always used.
  std::vector<std::string> visible_devices;
  // Let GPU matrix products use TF32 tensor cores (faster, about 10 bits of
  // mantissa); off: exact FP32.
  bool allow_tf32 = false;
  // Threads of the CPU device's intra-op pool; <= 0 means one per core.
  int intra_op_threads = 0;
  // The most bytes the session's tensors (variables and a run's
  // intermediate values) may hold at once on each device; a request over it
  // fails with ResourceExhausted naming the node, before allocating.
  // <= 0: DefaultMemoryLimitBytes(), three quarters of usable memory.
  int64_t memory_limit_bytes = 0;
  // Fail a run at the first NaN or Inf any node produces, naming the node.
  bool check_numerics = false;
  // Plan each signature's output memory in one arena per device after its
  // first run (runtime/memory_plan.h); off: allocate every output afresh.
  bool plan_memory = true;
  // Replay each repeated device step as captured work (a CUDA Graph on a
  // GPU) once its memory plan holds (ExecutorOptions::capture_steps); off:
  // every kernel is launched in every run.
  bool capture_steps = true;
  // The most iterations one loop frame may run in a step
  // (ExecutorOptions::max_loop_iterations).
  int64_t max_loop_iterations = int64_t{1} << 20;
  // The processes the graph's collective ops (CollectiveReduceV2, ...) run
  // across (core/collective.h); null: this process alone (size 1).
  std::shared_ptr<CollectiveContext> collective;
  // The graph passes run on each signature's graph when its executor is
  // created (graph/passes/passes.h); the session's graph is not changed.
  GraphPassOptions graph_passes;
};

// How a signature runs: each node's device, each copy between memories and
// its memory plan.
struct RunMetadata {
  std::vector<std::pair<std::string, std::string>> placement;
  std::vector<CopyInfo> copies;
  // The signature's memory plan as it stands before this run.
  MemoryPlanInfo memory_plan;
  // Whether the signature's step is captured and replayed, before this run.
  StepCaptureInfo capture;
};

// A signature made into a callable (TensorFlow's CallableOptions): feeds
// and fetches are tensor names ("x:0"), targets node names. RunCallable
// takes the feed values in `feed`'s order and returns the fetches in
// `fetch`'s order.
struct CallableOptions {
  std::vector<std::string> feed;
  std::vector<std::string> fetch;
  std::vector<std::string> target;
};
using CallableHandle = int64_t;

class Session {
 public:
  // Imports and validates `def` (see graph/graph_def_io.h).
  static absl::StatusOr<std::unique_ptr<Session>> Create(
      const GraphDef& def, const SessionOptions& options = {});
  // Runs a graph built in this process. The graph may keep growing: a new
  // signature sees the nodes present when it is first run.
  static absl::StatusOr<std::unique_ptr<Session>> Create(
      std::shared_ptr<const Graph> graph, const SessionOptions& options = {});

  // feeds: "node:k" (or "node") -> value; fetches: tensor names; targets:
  // node names run for their effect. `outputs` gets one tensor per fetch.
  absl::Status Run(const std::vector<std::pair<std::string, Tensor>>& feeds,
                   const std::vector<std::string>& fetches,
                   const std::vector<std::string>& targets,
                   std::vector<Tensor>* outputs);
  // The same, also reporting the signature's plan in `metadata`.
  absl::Status Run(const std::vector<std::pair<std::string, Tensor>>& feeds,
                   const std::vector<std::string>& fetches,
                   const std::vector<std::string>& targets,
                   std::vector<Tensor>* outputs, RunMetadata* metadata);

  // Builds the executor of a signature once and returns a handle to it:
  // RunCallable then does no name or string work at all. Errors as the
  // first Run of the signature would give them (unknown names, a feed
  // named twice, a cycle, a missing kernel). Handles stay valid until
  // ReleaseCallable or the session's end.
  absl::StatusOr<CallableHandle> MakeCallable(const CallableOptions& options);
  // `feeds`: one host tensor per CallableOptions::feed, in that order.
  // `fetches` gets one tensor per CallableOptions::fetch (may be null when
  // there are none). NotFound for a handle this session did not make.
  absl::Status RunCallable(CallableHandle handle,
                           absl::Span<const Tensor> feeds,
                           std::vector<Tensor>* fetches,
                           RunMetadata* metadata = nullptr);
  absl::Status ReleaseCallable(CallableHandle handle);
  // Whether the callable's step is captured and replayed so far.
  absl::StatusOr<StepCaptureInfo> CallableCaptureInfo(CallableHandle handle);

  const Graph& graph() const { return *graph_; }
  VariableStore* variables() { return &variables_; }
  const std::vector<Device*>& devices() const { return device_ptrs_; }

 private:
  Session(std::shared_ptr<const Graph> graph, const SessionOptions& options,
          std::vector<std::unique_ptr<Device>> devices);

  std::shared_ptr<const Graph> graph_;
  SessionOptions options_;
  std::vector<std::unique_ptr<Device>> devices_;
  std::vector<Device*> device_ptrs_;
  absl::Mutex mu_;
  VariableStore variables_;
  // The signature's graph after the graph passes; the session's own graph
  // when they are off or a name does not resolve (the executor then says
  // which).
  absl::StatusOr<std::shared_ptr<const Graph>> OptimizedGraph(
      const std::vector<std::string>& feeds,
      const std::vector<std::string>& fetches,
      const std::vector<std::string>& targets);
  absl::StatusOr<std::unique_ptr<Executor>> NewExecutor(
      const std::vector<std::string>& feeds,
      const std::vector<std::string>& fetches,
      const std::vector<std::string>& targets);
  static absl::Status RunExecutor(const Executor& ex,
                                  absl::Span<const Tensor> feeds,
                                  std::vector<Tensor>* outputs,
                                  RunMetadata* metadata);

  // Run()'s signatures, keyed by the lists themselves (sorted feeds,
  // fetches, targets): names may contain any character, so no joined
  // string could keep two signatures apart.
  using Signature =
      std::tuple<std::vector<std::string>, std::vector<std::string>,
                 std::vector<std::string>>;
  // std::less<>: a lookup compares the caller's lists in place (a tuple of
  // references), copying them only for a new signature.
  std::map<Signature, std::unique_ptr<Executor>, std::less<>> executors_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<CallableHandle, std::unique_ptr<Executor>> callables_
      ABSL_GUARDED_BY(mu_);
  CallableHandle next_handle_ ABSL_GUARDED_BY(mu_) = 1;
  std::vector<Tensor> feed_values_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tg

#endif  // TG_RUNTIME_SESSION_H_
