// Building an executor's plan: prune, place, choose every value's memory,
// insert the copies between memories, instantiate the kernels.
#include <algorithm>
#include <new>

#include "absl/strings/str_cat.h"
#include "graph/graph_def_io.h"
#include "runtime/executor.h"

namespace tg {
namespace {

using OutputKey = std::pair<int, int>;  // (node id, output index)

absl::StatusOr<OutputKey> Resolve(const Graph& graph, const std::string& name,
                                  absl::string_view what) {
  absl::StatusOr<TensorId> id = ParseTensorName(name);
  if (!id.ok() || id->index < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " '", SafeText(name), "' is not a tensor name like 'x:0'"));
  }
  const Node* n = graph.FindNode(id->node);
  if (n == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(what, " '", SafeText(name), "': no node named '",
                     SafeText(id->node), "' in the graph"));
  }
  if (id->index >= n->num_outputs()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " '", SafeText(name), "': ", n->ErrorPrefix(),
                     "has ", n->num_outputs(), " outputs"));
  }
  return OutputKey{n->id(), id->index};
}

}  // namespace

// Holds what only planning needs; fills the executor's plan.
class Executor::Planner {
 public:
  Planner(Executor* ex, const Graph& graph) : ex_(ex), graph_(graph) {}

  absl::Status Prune(const std::vector<std::string>& feeds,
                     const std::vector<std::string>& fetches,
                     const std::vector<std::string>& targets,
                     std::vector<int>* run);
  absl::Status Build(const std::vector<int>& run,
                     const std::vector<Device*>& placed,
                     VariableStore* variables);
  // Decides whether the step may be captured (Executor::capture_device_)
  // and which copies are made outside the recording; empty, or the reason
  // it may not.
  std::string PlanCapture();

 private:
  // `output_allocator`: for a kernel's output, the allocator it comes from.
  int NewSlot(const void* space, std::string name,
              Allocator* output_allocator = nullptr) {
    slot_space_.push_back(space);
    slot_name_.push_back(std::move(name));
    ex_->default_allocators_.push_back(output_allocator);
    return static_cast<int>(slot_space_.size()) - 1;
  }
  // The slot holding `slot`'s value in memory `space`, adding a copy step
  // (run before `consumer`) the first time it is asked for.
  int CopyOf(int slot, const void* space, Allocator* to, const Step& consumer);
  std::string MemoryName(const void* space) const {
    for (Device* d : ex_->devices_) {
      if (d->allocator()->memory_space() == space) {
        return d->allocator()->MemoryName();
      }
    }
    return "host";
  }
  absl::Status AddNode(const Node* n, Device* device, VariableStore* variables);
  absl::Status PlanInputs(const Node* n, const std::vector<bool>& host_in,
                          Step* step);
  // Points the back-edge inputs PlanInputs left open at their values.
  absl::Status ResolveBackEdges();
  // Fills each step's release list.
  void PlanReleases();
  std::string CheckCapturedKernel(const Step& step,
                                  const std::vector<uint8_t>& dynamic,
                                  Device** device) const;

  Executor* ex_;
  const Graph& graph_;
  absl::flat_hash_map<OutputKey, int> fed_;
  std::vector<OutputKey> fetch_keys_;
  absl::flat_hash_map<int, int> output_base_;  // node id -> first slot
  std::vector<const void*> slot_space_;        // planned memory per slot
  std::vector<std::string> slot_name_;
  absl::flat_hash_map<std::pair<int, const void*>, int> copies_;
  // Inputs fed by a NextIteration planned after their step.
  struct BackEdge {
    int step;
    int input;
    bool host;  // A host-memory arg of the kernel.
  };
  std::vector<BackEdge> back_edges_;
};

absl::Status Executor::Planner::Prune(const std::vector<std::string>& feeds,
                                      const std::vector<std::string>& fetches,
                                      const std::vector<std::string>& targets,
                                      std::vector<int>* run) {
  for (const std::string& name : feeds) {
    TG_ASSIGN_OR_RETURN(OutputKey key, Resolve(graph_, name, "feed"));
    TG_REQUIRE(!fed_.contains(key), InvalidArgument, "feed '", SafeText(name),
               "' is given twice");
    const Node* n = graph_.node(key.first);
    const int slot = NewSlot(nullptr, absl::StrCat("feed ", name));
    fed_[key] = slot;
    ex_->feeds_.push_back({slot, name, BaseType(n->output_type(key.second)),
                           n->output_shape(key.second)});
  }
  // Walk back from fetches and targets; fed tensors cut the walk.
  std::vector<bool> needed(graph_.num_nodes(), false);
  std::vector<int> stack;
  for (const std::string& name : fetches) {
    TG_ASSIGN_OR_RETURN(OutputKey key, Resolve(graph_, name, "fetch"));
    fetch_keys_.push_back(key);
    if (!fed_.contains(key)) stack.push_back(key.first);
  }
  for (const std::string& name : targets) {
    absl::StatusOr<TensorId> id = ParseTensorName(name);
    const Node* n = id.ok() ? graph_.FindNode(id->node) : nullptr;
    TG_REQUIRE(n != nullptr, NotFound, "target '", SafeText(name),
               "': no node named '", SafeText(name), "' in the graph");
    stack.push_back(n->id());
  }
  while (!stack.empty()) {
    const int id = stack.back();
    stack.pop_back();
    if (needed[id]) continue;
    needed[id] = true;
    for (const Edge* e : graph_.node(id)->in_edges()) {
      if (!e->IsControl() && fed_.contains({e->src->id(), e->src_output})) {
        continue;
      }
      stack.push_back(e->src->id());
    }
  }
  TG_ASSIGN_OR_RETURN(std::vector<int> order, graph_.TopologicalOrder());
  for (int id : order) {
    if (needed[id]) run->push_back(id);
  }
  return absl::OkStatus();
}

int Executor::Planner::CopyOf(int slot, const void* space, Allocator* to,
                              const Step& consumer) {
  auto [it, inserted] = copies_.try_emplace({slot, space}, -1);
  if (!inserted) return it->second;
  const std::string from = slot_name_[slot];
  Step copy;
  copy.is_copy = true;
  copy.node = consumer.node;
  copy.device = consumer.device;
  copy.src_slot = slot;
  copy.dst_allocator = to;
  copy.dst_slot = NewSlot(space, absl::StrCat(from, " (copy)"));
  ex_->copies_.push_back(
      {from, MemoryName(slot_space_[slot]), to->MemoryName()});
  copy.error_prefix = absl::StrCat(consumer.error_prefix, "copying '", from,
                                   "' to ", to->MemoryName(), " memory: ");
  it->second = copy.dst_slot;
  ex_->steps_.push_back(std::move(copy));
  return it->second;
}

absl::Status Executor::Planner::PlanInputs(const Node* n,
                                           const std::vector<bool>& host_in,
                                           Step* step) {
  Allocator* device_memory = step->device->allocator();
  const bool allows_uninit =
      n->op_registration().def.allows_uninitialized_input();
  for (int k = 0; k < n->num_inputs(); ++k) {
    const Edge* e = n->input_edge(k);
    const OutputKey src{e->src->id(), e->src_output};
    const bool is_ref = IsRefType(n->input_type(k));
    auto fed = fed_.find(src);
    TG_REQUIRE(!is_ref || fed == fed_.end(), InvalidArgument,
               step->error_prefix, "input ", k, " takes variable '",
               SafeText(e->src->name()), "' by reference, so it cannot be fed");
    auto base = output_base_.find(src.first);
    if (fed == fed_.end() && base == output_base_.end()) {
      // A loop's back edge: its source is planned later (Build resolves it).
      back_edges_.push_back(
          {static_cast<int>(ex_->steps_.size()), k, host_in[k]});
      step->input_slots.push_back(-1);
      step->deref_check.push_back(!is_ref && !allows_uninit);
      continue;
    }
    int slot = fed != fed_.end() ? fed->second : base->second + src.second;
    const bool on_host = device_memory->host_accessible() || host_in[k];
    const void* want = on_host ? nullptr : device_memory->memory_space();
    if (slot_space_[slot] != want) {
      TG_REQUIRE(!is_ref, InvalidArgument, step->error_prefix, "input ", k,
                 " updates variable '", SafeText(e->src->name()),
                 "' in place, but the variable is on another device (",
                 slot_name_[slot], "); place them together");
      slot = CopyOf(slot, want, on_host ? ex_->host_allocator_ : device_memory,
                    *step);
    }
    step->input_slots.push_back(slot);
    step->deref_check.push_back(!is_ref && !allows_uninit);
  }
  return absl::OkStatus();
}

absl::Status Executor::Planner::AddNode(const Node* n, Device* device,
                                        VariableStore* variables) {
  Step step;
  step.node = n;
  step.device = device;
  step.error_prefix = n->ErrorPrefix();
  TG_ASSIGN_OR_RETURN(const KernelDef* def,
                      KernelRegistry::Global()->Find(n->def(), device->type()));
  std::vector<bool> host_in, host_out;
  TG_RETURN_IF_ERROR(
      AnnotateStatus(HostMemoryArgs(*def, n->op_registration().def, n->attrs(),
                                    &host_in, &host_out),
                     step.error_prefix));
  TG_RETURN_IF_ERROR(PlanInputs(n, host_in, &step));
  for (DataType t : n->input_types()) step.input_dtypes.push_back(BaseType(t));
  for (DataType t : n->output_types()) {
    step.output_dtypes.push_back(BaseType(t));
  }
  // Outputs: the device's memory, or the host's for host-memory outputs.
  Allocator* device_memory = device->allocator();
  step.num_outputs = n->num_outputs();
  step.output_base = static_cast<int>(slot_space_.size());
  output_base_[n->id()] = step.output_base;
  for (int k = 0; k < step.num_outputs; ++k) {
    Allocator* a = host_out[k] ? ex_->host_allocator_ : device_memory;
    step.output_spaces.push_back(a->memory_space());
    NewSlot(a->memory_space(), absl::StrCat(n->name(), ":", k), a);
  }
  // A kernel run on the host keeps its own tensors in host memory.
  step.temp_allocator = def->on_host ? ex_->host_allocator_ : device_memory;
  step.on_host = def->on_host;
  step.direct = def->on_host || device->type() == kDeviceCpu;
  OpKernelConstruction construction(&n->def(), &n->input_types(),
                                    &n->output_types(), device, variables,
                                    step.temp_allocator);
  if (ex_->collective_ != nullptr) {
    construction.set_collective(ex_->collective_.get());
  }
  absl::StatusOr<std::unique_ptr<OpKernel>> kernel;
  try {
    kernel = CreateKernel(*def, construction);
  } catch (const std::bad_alloc&) {
    kernel = absl::ResourceExhaustedError("out of memory creating the kernel");
  }
  if (!kernel.ok()) return AnnotateStatus(kernel.status(), step.error_prefix);
  step.kernel = *std::move(kernel);
  ex_->steps_.push_back(std::move(step));
  ++ex_->num_nodes_;
  return absl::OkStatus();
}

absl::Status Executor::Planner::Build(const std::vector<int>& run,
                                      const std::vector<Device*>& placed,
                                      VariableStore* variables) {
  for (size_t i = 0; i < run.size(); ++i) {
    TG_RETURN_IF_ERROR(AddNode(graph_.node(run[i]), placed[i], variables));
  }
  TG_RETURN_IF_ERROR(ResolveBackEdges());
  for (size_t i = 0; i < fetch_keys_.size(); ++i) {
    const OutputKey& key = fetch_keys_[i];
    auto fed = fed_.find(key);
    const int slot = fed != fed_.end()
                         ? fed->second
                         : output_base_.at(key.first) + key.second;
    ex_->fetches_[i].slot = slot;
    if (slot_space_[slot] != nullptr) {
      ex_->copies_.push_back({absl::StrCat("fetch ", ex_->fetches_[i].name),
                              MemoryName(slot_space_[slot]), "host"});
    }
  }
  ex_->num_slots_ = static_cast<int>(slot_space_.size());
  PlanReleases();
  for (Step& step : ex_->steps_) {
    if (step.is_copy) continue;
    step.temp_slot = static_cast<int>(ex_->default_allocators_.size());
    ex_->default_allocators_.push_back(step.temp_allocator);
  }
  for (Allocator* a : ex_->default_allocators_) {
    auto& m = ex_->memories_;
    if (a != nullptr && std::find(m.begin(), m.end(), a) == m.end()) {
      m.push_back(a);
    }
  }
  return absl::OkStatus();
}

std::string Executor::Planner::CheckCapturedKernel(
    const Step& step, const std::vector<uint8_t>& dynamic,
    Device** device) const {
  const Node& n = *step.node;
  const std::string node =
      absl::StrCat("node '", SafeText(n.name()), "' (", n.op(), ")");
  bool reads_variable = false;
  for (int k = 0; k < n.num_inputs(); ++k) {
    const int slot = step.input_slots[k];
    reads_variable |= IsRefType(n.input_type(k));
    // A host value the recorded launches were planned with must be the
    // same in every run: not fed, not computed from a fed value.
    if (slot_space_[slot] == nullptr && dynamic[slot]) {
      return absl::StrCat(node, " reads a value on the host that changes ",
                          "from run to run (", slot_name_[slot], ")");
    }
  }
  const bool stateful = n.op_registration().def.is_stateful();
  if (step.direct) {
    if (stateful) {
      return absl::StrCat(node, " is stateful and runs on the host");
    }
    if (reads_variable)
      return absl::StrCat(node, " reads a variable on the host");
    return "";
  }
  if (!step.device->CanCapture()) {
    return absl::StrCat(node, " runs on ", step.device->name(),
                        ", which cannot capture a step");
  }
  if (*device != nullptr && *device != step.device) {
    return absl::StrCat("the step runs on two devices (", (*device)->name(),
                        " and ", step.device->name(), ")");
  }
  *device = step.device;
  // Device work with state of its own would not advance in a replay; a
  // variable's lives in its buffer, which the replay updates.
  const bool variable_op = n.op() == "VariableV2" || n.op() == "Variable";
  if (stateful && !variable_op && !reads_variable) {
    return absl::StrCat(node, " is stateful");
  }
  return "";
}

std::string Executor::Planner::PlanCapture() {
  const bool any =
      std::any_of(ex_->steps_.begin(), ex_->steps_.end(), [](const Step& step) {
        return !step.is_copy && !step.direct && step.device->CanCapture();
      });
  if (!any) return "no node runs on a device that can capture";
  const int num_steps = static_cast<int>(ex_->steps_.size());
  ex_->hoisted_.assign(num_steps, 0);
  ex_->static_copy_.assign(num_steps, 0);
  ex_->hoisted_feed_.assign(num_steps, -1);
  // dynamic[slot]: a host value that may differ between runs.
  std::vector<uint8_t> dynamic(slot_space_.size(), 0);
  std::vector<int> feed_of(slot_space_.size(), -1);
  for (size_t i = 0; i < ex_->feeds_.size(); ++i) {
    dynamic[ex_->feeds_[i].slot] = 1;
    feed_of[ex_->feeds_[i].slot] = static_cast<int>(i);
  }
  Device* device = nullptr;
  for (int i = 0; i < num_steps; ++i) {
    const Step& step = ex_->steps_[i];
    if (!step.is_copy) {
      std::string why = CheckCapturedKernel(step, dynamic, &device);
      if (!why.empty()) return why;
      continue;
    }
    // A feed's copy to the device is made before the recorded work, and
    // so is a copy of a host value that is the same in every run (from
    // the last run's value, checked when the recording computes it); a
    // copy to the host would sit between recorded launches.
    const int feed = feed_of[step.src_slot];
    if (feed < 0 && slot_space_[step.src_slot] == nullptr &&
        slot_space_[step.dst_slot] != nullptr && !dynamic[step.src_slot]) {
      ex_->static_copy_[i] = 1;
      continue;
    }
    if (feed < 0 || slot_space_[step.dst_slot] == nullptr) {
      return absl::StrCat("the step copies '", slot_name_[step.src_slot],
                          "' to ", step.dst_allocator->MemoryName(),
                          " memory between its kernels");
    }
    ex_->hoisted_[i] = 1;
    ex_->hoisted_feed_[i] = feed;
  }
  for (const Step& step : ex_->steps_) {
    if (step.is_copy && step.dst_allocator != device->allocator()) {
      return absl::StrCat("a feed is copied to ",
                          step.dst_allocator->MemoryName(), " memory, not ",
                          device->name(), "'s");
    }
  }
  ex_->capture_device_ = device;
  return "";
}

absl::Status Executor::Planner::ResolveBackEdges() {
  for (const auto& [index, k, host] : back_edges_) {
    const Step& consumer = ex_->steps_[index];
    const Edge* e = consumer.node->input_edge(k);
    auto base = output_base_.find(e->src->id());
    TG_REQUIRE(base != output_base_.end(), Internal, consumer.error_prefix,
               "input ", k, " comes from '", SafeText(e->src->name()),
               "', which is not planned");
    int slot = base->second + e->src_output;
    Allocator* memory = consumer.device->allocator();
    const void* want =
        memory->host_accessible() || host ? nullptr : memory->memory_space();
    if (slot_space_[slot] != want) {
      // The copy step goes last; the control-flow runner orders by data.
      slot = CopyOf(slot, want, want == nullptr ? ex_->host_allocator_ : memory,
                    consumer);
    }
    ex_->steps_[index].input_slots[k] = slot;
  }
  return absl::OkStatus();
}

void Executor::Planner::PlanReleases() {
  const int num_slots = static_cast<int>(slot_space_.size());
  // The step that produces each slot and the last step that reads it;
  // -1: a feed, or never read.
  std::vector<int> producer(num_slots, -1), last_use(num_slots, -1);
  std::vector<Step>& steps = ex_->steps_;
  for (int i = 0; i < static_cast<int>(steps.size()); ++i) {
    const Step& step = steps[i];
    if (step.is_copy) {
      producer[step.dst_slot] = i;
      last_use[step.src_slot] = std::max(last_use[step.src_slot], i);
      continue;
    }
    for (int k = 0; k < step.num_outputs; ++k) {
      producer[step.output_base + k] = i;
    }
    for (int slot : step.input_slots) {
      last_use[slot] = std::max(last_use[slot], i);
    }
  }
  std::vector<bool> fetched(num_slots, false);
  for (const Fetch& f : ex_->fetches_) fetched[f.slot] = true;
  for (int slot = 0; slot < num_slots; ++slot) {
    const int at = std::max(producer[slot], last_use[slot]);
    // Only host memory is released early: a device may still have queued
    // work reading its buffers, which live until the run's final sync.
    if (fetched[slot] || at < 0 || slot_space_[slot] != nullptr) continue;
    steps[at].release.push_back(slot);
  }
  // An input whose slot this step releases, read by no other input of it,
  // is the step's to take over.
  for (Step& step : steps) {
    if (step.is_copy) continue;
    step.forwardable.assign(step.input_slots.size(), 0);
    for (size_t k = 0; k < step.input_slots.size(); ++k) {
      const int slot = step.input_slots[k];
      const bool released = std::find(step.release.begin(), step.release.end(),
                                      slot) != step.release.end();
      const bool once = std::count(step.input_slots.begin(),
                                   step.input_slots.end(), slot) == 1;
      step.forwardable[k] =
          released && once && !IsRefType(step.node->input_type(k));
    }
  }
}

absl::StatusOr<std::unique_ptr<Executor>> Executor::Create(
    const Graph& graph, const std::vector<std::string>& feeds,
    const std::vector<std::string>& fetches,
    const std::vector<std::string>& targets,
    const std::vector<Device*>& devices, VariableStore* variables,
    const ExecutorOptions& options) {
  std::unique_ptr<Executor> ex(new Executor());
  ex->devices_ = devices;
  ex->check_numerics_ = options.check_numerics;
  ex->plan_memory_ = options.plan_memory;
  for (Device* d : devices) {
    if (d->type() == kDeviceCpu) ex->host_allocator_ = d->allocator();
  }
  TG_REQUIRE(ex->host_allocator_ != nullptr, Internal,
             "the executor's devices include no CPU");
  Planner planner(ex.get(), graph);
  ex->collective_ = options.collective;
  std::vector<int> run;
  TG_RETURN_IF_ERROR(planner.Prune(feeds, fetches, targets, &run));
  for (const std::string& f : fetches) ex->fetches_.push_back({-1, f});
  TG_ASSIGN_OR_RETURN(std::vector<Device*> placed,
                      PlaceNodes(graph, run, devices, options.placement));
  TG_RETURN_IF_ERROR(planner.Build(run, placed, variables));
  TG_ASSIGN_OR_RETURN(ex->flow_, PlanFlow(*ex, options));
  std::string refused =
      ex->flow_ != nullptr     ? "the graph has control flow (loops or conds)"
      : !options.capture_steps ? "step capture is off"
      : !options.plan_memory   ? "memory planning is off"
      : options.check_numerics ? "check_numerics reads every output on the host"
                               : planner.PlanCapture();
  absl::MutexLock lock(&ex->memory_mu_);
  ex->capture_.refused = std::move(refused);
  return ex;
}

}  // namespace tg
