#include "runtime/session.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/device_factory.h"
#include "graph/graph_def_io.h"

namespace tg {

namespace {

// Clears a default device that names none of `devices`, telling the user
// once per device type.
absl::Status CheckDefaultDevice(
    const std::vector<std::unique_ptr<Device>>& devices,
    PlacementOptions* placement) {
  if (placement->default_device.empty()) return absl::OkStatus();
  TG_ASSIGN_OR_RETURN(DeviceSpec spec,
                      ParseDeviceSpec(placement->default_device));
  for (const auto& d : devices) {
    if (spec.Matches(*d)) return absl::OkStatus();
  }
  std::string why = NoDevicesReason(spec.type);
  if (why.empty()) {
    why = DevicePriority(spec.type) < 0 ? "this build has no such device type"
                                        : "the machine has none";
  }
  NoteDeviceTypeOnce(
      spec.type,
      absl::StrCat("no device '", placement->default_device, "' here (", why,
                   "); nodes run on ", devices.front()->name()));
  placement->default_device.clear();
  return absl::OkStatus();
}

}  // namespace

Session::Session(std::shared_ptr<const Graph> graph,
                 const SessionOptions& options,
                 std::vector<std::unique_ptr<Device>> devices)
    : graph_(std::move(graph)),
      options_(options),
      devices_(std::move(devices)) {
  for (const auto& d : devices_) device_ptrs_.push_back(d.get());
}

absl::StatusOr<std::unique_ptr<Session>> Session::Create(
    const GraphDef& def, const SessionOptions& options) {
  auto graph = std::make_shared<Graph>();
  TG_RETURN_IF_ERROR(ImportGraphDef(def, graph.get()));
  return Create(std::shared_ptr<const Graph>(std::move(graph)), options);
}

absl::StatusOr<std::unique_ptr<Session>> Session::Create(
    std::shared_ptr<const Graph> graph, const SessionOptions& options) {
  if (graph == nullptr) {
    return absl::InvalidArgumentError("Session::Create: null graph");
  }
  TG_RETURN_IF_ERROR(graph->CheckInputsConnected());
  DeviceOptions device_options;
  device_options.intra_op_threads = options.intra_op_threads;
  device_options.memory_limit_bytes = options.memory_limit_bytes;
  device_options.allow_tf32 = options.allow_tf32;
  TG_ASSIGN_OR_RETURN(std::vector<std::unique_ptr<Device>> devices,
                      CreateDevices(device_options, options.visible_devices));
  SessionOptions checked = options;
  TG_RETURN_IF_ERROR(CheckDefaultDevice(devices, &checked.placement));
  return std::unique_ptr<Session>(
      new Session(std::move(graph), checked, std::move(devices)));
}

absl::Status Session::Run(
    const std::vector<std::pair<std::string, Tensor>>& feeds,
    const std::vector<std::string>& fetches,
    const std::vector<std::string>& targets, std::vector<Tensor>* outputs) {
  return Run(feeds, fetches, targets, outputs, nullptr);
}

namespace {

// Evaluates a graph of constants for constant folding: a CPU session of
// its own, without passes (no recursion) and without a memory plan, under
// the session's memory limit (a graph file decides what gets folded).
absl::StatusOr<std::vector<Tensor>> EvaluateConstants(
    int64_t memory_limit_bytes, const GraphDef& def,
    const std::vector<std::string>& fetches) {
  SessionOptions options;
  options.memory_limit_bytes = memory_limit_bytes;
  options.visible_devices = {"CPU"};
  options.intra_op_threads = 1;
  options.plan_memory = false;
  options.graph_passes = {false, false, false, false};
  TG_ASSIGN_OR_RETURN(std::unique_ptr<Session> session,
                      Session::Create(def, options));
  std::vector<Tensor> out;
  TG_RETURN_IF_ERROR(session->Run({}, fetches, {}, &out));
  return out;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Graph>> Session::OptimizedGraph(
    const std::vector<std::string>& feeds,
    const std::vector<std::string>& fetches,
    const std::vector<std::string>& targets) {
  // The passes assume one value per node and run: folding or merging
  // nodes of a loop or a branch would move them out of their frame.
  if (!options_.graph_passes.any() || graph_->HasControlFlow()) return graph_;
  PassContext context;
  context.evaluate = [limit = options_.memory_limit_bytes](
                         const GraphDef& def,
                         const std::vector<std::string>& fetches) {
    return EvaluateConstants(limit, def, fetches);
  };
  for (const auto* names : {&feeds, &fetches, &targets}) {
    for (const std::string& name : *names) {
      absl::StatusOr<TensorId> id = ParseTensorName(name);
      if (!id.ok() || graph_->FindNode(id->node) == nullptr) return graph_;
      context.keep.insert(id->node);
      if (names == &feeds) context.fed.insert(id->node);
    }
  }
  for (Device* d : device_ptrs_) {
    if (d->type() != kDeviceCpu) context.fuse_cpu_pinned_only = true;
  }
  GraphDef def = graph_->ToGraphDef();
  TG_RETURN_IF_ERROR(AnnotateStatus(
      RunGraphPasses(options_.graph_passes, context, &def), "graph passes: "));
  auto graph = std::make_shared<Graph>();
  TG_RETURN_IF_ERROR(AnnotateStatus(ImportGraphDef(def, graph.get()),
                                    "the graph after its passes: "));
  return std::shared_ptr<const Graph>(std::move(graph));
}

absl::StatusOr<std::unique_ptr<Executor>> Session::NewExecutor(
    const std::vector<std::string>& feeds,
    const std::vector<std::string>& fetches,
    const std::vector<std::string>& targets) {
  ExecutorOptions ex_options;
  ex_options.placement = options_.placement;
  ex_options.check_numerics = options_.check_numerics;
  ex_options.plan_memory = options_.plan_memory;
  ex_options.capture_steps = options_.capture_steps;
  ex_options.max_loop_iterations = options_.max_loop_iterations;
  ex_options.collective = options_.collective;
  TG_ASSIGN_OR_RETURN(std::shared_ptr<const Graph> graph,
                      OptimizedGraph(feeds, fetches, targets));
  TG_ASSIGN_OR_RETURN(std::unique_ptr<Executor> ex,
                      Executor::Create(*graph, feeds, fetches, targets,
                                       device_ptrs_, &variables_, ex_options));
  ex->HoldGraph(std::move(graph));
  return ex;
}

absl::Status Session::RunExecutor(const Executor& ex,
                                  absl::Span<const Tensor> feeds,
                                  std::vector<Tensor>* outputs,
                                  RunMetadata* metadata) {
  if (metadata != nullptr) {
    metadata->placement = ex.Placement();
    metadata->copies = ex.copies();
    metadata->memory_plan = ex.memory_plan();
    metadata->capture = ex.capture_info();
  }
  std::vector<Tensor> discard;
  return ex.Run(feeds, outputs != nullptr ? outputs : &discard);
}

absl::Status Session::Run(
    const std::vector<std::pair<std::string, Tensor>>& feeds,
    const std::vector<std::string>& fetches,
    const std::vector<std::string>& targets, std::vector<Tensor>* outputs,
    RunMetadata* metadata) {
  if (outputs == nullptr && !fetches.empty()) {
    return absl::InvalidArgumentError("Session::Run: outputs is null");
  }
  // Feed order does not change the signature: sort feeds by name.
  std::vector<int> order(feeds.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::sort(order.begin(), order.end(),
            [&](int a, int b) { return feeds[a].first < feeds[b].first; });
  std::vector<std::string> feed_names;
  feed_names.reserve(feeds.size());
  for (int i : order) feed_names.push_back(feeds[i].first);
  absl::MutexLock lock(&mu_);
  auto it = executors_.find(std::tie(feed_names, fetches, targets));
  if (it == executors_.end()) {
    TG_ASSIGN_OR_RETURN(std::unique_ptr<Executor> ex,
                        NewExecutor(feed_names, fetches, targets));
    it = executors_
             .emplace(Signature{std::move(feed_names), fetches, targets},
                      std::move(ex))
             .first;
  }
  feed_values_.clear();
  for (int i : order) feed_values_.push_back(feeds[i].second);
  absl::Status s = RunExecutor(*it->second, feed_values_, outputs, metadata);
  feed_values_.clear();
  return s;
}

absl::StatusOr<CallableHandle> Session::MakeCallable(
    const CallableOptions& options) {
  absl::MutexLock lock(&mu_);
  TG_ASSIGN_OR_RETURN(std::unique_ptr<Executor> ex,
                      NewExecutor(options.feed, options.fetch, options.target));
  const CallableHandle handle = next_handle_++;
  callables_.emplace(handle, std::move(ex));
  return handle;
}

absl::Status Session::RunCallable(CallableHandle handle,
                                  absl::Span<const Tensor> feeds,
                                  std::vector<Tensor>* fetches,
                                  RunMetadata* metadata) {
  absl::MutexLock lock(&mu_);
  auto it = callables_.find(handle);
  TG_REQUIRE(it != callables_.end(), NotFound, "no callable with handle ",
             handle, " in this session");
  const Executor& ex = *it->second;
  TG_REQUIRE(feeds.size() == ex.num_feeds(), InvalidArgument, "callable ",
             handle, " takes ", ex.num_feeds(), " feeds, not ", feeds.size());
  TG_REQUIRE(fetches != nullptr || ex.num_fetches() == 0, InvalidArgument,
             "RunCallable: fetches is null");
  return RunExecutor(ex, feeds, fetches, metadata);
}

absl::StatusOr<StepCaptureInfo> Session::CallableCaptureInfo(
    CallableHandle handle) {
  absl::MutexLock lock(&mu_);
  auto it = callables_.find(handle);
  TG_REQUIRE(it != callables_.end(), NotFound, "no callable with handle ",
             handle, " in this session");
  return it->second->capture_info();
}

absl::Status Session::ReleaseCallable(CallableHandle handle) {
  absl::MutexLock lock(&mu_);
  TG_REQUIRE(callables_.erase(handle) == 1, NotFound,
             "no callable with handle ", handle, " in this session");
  return absl::OkStatus();
}

}  // namespace tg
