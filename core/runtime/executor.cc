#include "core/runtime/executor.h"

#include <cmath>
#include <new>

#include "absl/strings/str_cat.h"
#include "graph/graph_def_io.h"

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

// The first non-finite value of a floating-point tensor, as text; empty
// when all are finite or the dtype is not floating.
template <typename T>
std::string FirstNonFinite(const Tensor& t) {
  auto v = t.flat<T>();
  for (int64_t i = 0; i < static_cast<int64_t>(v.size()); ++i) {
    if (!std::isfinite(v[i])) {
      return absl::StrCat(std::isnan(v[i]) ? "NaN" : "Inf", " at element ", i);
    }
  }
  return "";
}

}  // namespace

absl::Status Executor::Prune(const Graph& graph,
                             const std::vector<std::string>& feeds,
                             const std::vector<std::string>& fetches,
                             const std::vector<std::string>& targets,
                             std::vector<int>* run) {
  int next_slot = 0;
  for (const std::string& name : feeds) {
    TG_ASSIGN_OR_RETURN(OutputKey key, Resolve(graph, name, "feed"));
    TG_REQUIRE(!fed_.contains(key), InvalidArgument, "feed '", SafeText(name),
               "' is given twice");
    const Node* n = graph.node(key.first);
    fed_[key] = next_slot;
    feeds_.push_back({next_slot++, name, BaseType(n->output_type(key.second)),
                      n->output_shape(key.second)});
  }
  // Walk back from fetches and targets; fed tensors cut the walk.
  std::vector<bool> needed(graph.num_nodes(), false);
  std::vector<int> stack;
  for (const std::string& name : fetches) {
    TG_ASSIGN_OR_RETURN(OutputKey key, Resolve(graph, name, "fetch"));
    fetch_keys_.push_back(key);
    if (!fed_.contains(key)) stack.push_back(key.first);
  }
  for (const std::string& name : targets) {
    absl::StatusOr<TensorId> id = ParseTensorName(name);
    const Node* n = id.ok() ? graph.FindNode(id->node) : nullptr;
    TG_REQUIRE(n != nullptr, NotFound, "target '", SafeText(name),
               "': no node named '", SafeText(name), "' in the graph");
    stack.push_back(n->id());
  }
  while (!stack.empty()) {
    const int id = stack.back();
    stack.pop_back();
    if (needed[id]) continue;
    needed[id] = true;
    for (const Edge* e : graph.node(id)->in_edges()) {
      if (!e->IsControl() && fed_.contains({e->src->id(), e->src_output})) {
        continue;
      }
      stack.push_back(e->src->id());
    }
  }
  TG_ASSIGN_OR_RETURN(std::vector<int> order, graph.TopologicalOrder());
  for (int id : order) {
    if (needed[id]) run->push_back(id);
  }
  return absl::OkStatus();
}

absl::Status Executor::InstantiateNodes(const Graph& graph,
                                        const std::vector<int>& run,
                                        const std::vector<Device*>& placed,
                                        VariableStore* variables) {
  // Slots: feeds first, then every output of every node that runs.
  int next_slot = static_cast<int>(feeds_.size());
  absl::flat_hash_map<int, int> output_base;
  for (int id : run) {
    output_base[id] = next_slot;
    next_slot += graph.node(id)->num_outputs();
  }
  slots_.resize(next_slot);
  auto slot_of = [&](const OutputKey& k) {
    auto it = fed_.find(k);
    return it != fed_.end() ? it->second : output_base.at(k.first) + k.second;
  };
  items_.reserve(run.size());
  for (size_t i = 0; i < run.size(); ++i) {
    const Node* n = graph.node(run[i]);
    Item item;
    item.node = n;
    item.device = placed[i];
    item.output_base = output_base[n->id()];
    item.error_prefix = n->ErrorPrefix();
    const bool allows_uninit =
        n->op_registration().def.allows_uninitialized_input();
    for (int k = 0; k < n->num_inputs(); ++k) {
      const Edge* e = n->input_edge(k);
      const OutputKey src{e->src->id(), e->src_output};
      TG_REQUIRE(!IsRefType(n->input_type(k)) || !fed_.contains(src),
                 InvalidArgument, item.error_prefix, "input ", k,
                 " takes variable '", SafeText(e->src->name()),
                 "' by reference, so it cannot be fed");
      item.inputs.push_back(&slots_[slot_of(src)]);
      item.deref_check.push_back(!IsRefType(n->input_type(k)) &&
                                 !allows_uninit);
    }
    OpKernelConstruction construction(&n->def(), &n->input_types(),
                                      &n->output_types(), item.device,
                                      variables);
    TG_ASSIGN_OR_RETURN(
        const KernelDef* def,
        KernelRegistry::Global()->Find(n->def(), item.device->type()));
    absl::StatusOr<std::unique_ptr<OpKernel>> kernel;
    try {
      kernel = CreateKernel(*def, construction);
    } catch (const std::bad_alloc&) {
      kernel =
          absl::ResourceExhaustedError("out of memory creating the kernel");
    }
    if (!kernel.ok()) return AnnotateStatus(kernel.status(), item.error_prefix);
    item.kernel = *std::move(kernel);
    items_.push_back(std::move(item));
  }
  for (size_t i = 0; i < fetch_keys_.size(); ++i) {
    fetches_[i].slot = slot_of(fetch_keys_[i]);
  }
  return absl::OkStatus();
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
  std::vector<int> run;
  TG_RETURN_IF_ERROR(ex->Prune(graph, feeds, fetches, targets, &run));
  for (const std::string& f : fetches) ex->fetches_.push_back({-1, f});
  TG_ASSIGN_OR_RETURN(std::vector<Device*> placed,
                      PlaceNodes(graph, run, devices, options.placement));
  TG_RETURN_IF_ERROR(ex->InstantiateNodes(graph, run, placed, variables));
  return ex;
}

absl::Status Executor::CheckFeed(const Feed& feed, const Tensor& t) const {
  TG_REQUIRE(t.dtype() == feed.dtype, InvalidArgument, "feed '",
             SafeText(feed.name), "' is a ", DataTypeName(t.dtype()),
             " tensor but the graph expects ", DataTypeName(feed.dtype));
  TG_REQUIRE(feed.shape.IsCompatibleWith(t.shape()), InvalidArgument, "feed '",
             SafeText(feed.name), "' has shape ", t.shape().DebugString(),
             " but the graph expects ", feed.shape.DebugString());
  return absl::OkStatus();
}

absl::Status Executor::CheckInputs(const Item& item) const {
  for (size_t k = 0; k < item.inputs.size(); ++k) {
    const TensorValue* in = item.inputs[k];
    const DataType want = BaseType(item.node->input_type(static_cast<int>(k)));
    if (in->ref != nullptr) {
      const Variable* v = in->ref;
      if (!v->initialized) {
        if (!item.deref_check[k]) continue;
        return AnnotateStatus(UninitializedVariableError(*v),
                              absl::StrCat("input ", k, ": "));
      }
      TG_REQUIRE(v->tensor.dtype() == want, InvalidArgument, "input ", k,
                 ": variable '", SafeText(v->name), "' holds a ",
                 DataTypeName(v->tensor.dtype()), " tensor, not ",
                 DataTypeName(want));
      continue;
    }
    TG_REQUIRE(in->tensor.dtype() == want, Internal, "input ", k, " is a ",
               DataTypeName(in->tensor.dtype()), " tensor, not the declared ",
               DataTypeName(want));
  }
  return absl::OkStatus();
}

absl::Status Executor::CheckOutputs(const Item& item) const {
  for (int k = 0; k < item.node->num_outputs(); ++k) {
    const TensorValue& out = slots_[item.output_base + k];
    const DataType want = BaseType(item.node->output_type(k));
    if (out.ref != nullptr) continue;
    TG_REQUIRE(out.tensor.dtype() == want, Internal, "output ", k, " is a ",
               DataTypeName(out.tensor.dtype()), " tensor, not the declared ",
               DataTypeName(want));
    if (!check_numerics_) continue;
    std::string bad;
    if (want == DT_FLOAT) bad = FirstNonFinite<float>(out.tensor);
    if (want == DT_DOUBLE) bad = FirstNonFinite<double>(out.tensor);
    TG_REQUIRE(bad.empty(), InvalidArgument, "output ", k, " of shape ",
               out.tensor.shape().DebugString(), " has ", bad,
               " (check_numerics)");
  }
  return absl::OkStatus();
}

absl::Status Executor::RunItem(Item& item) {
  TG_RETURN_IF_ERROR(CheckInputs(item));
  // data() + base, not &slots_[base]: a node without outputs may sit at the
  // end of the slots.
  OpKernelContext ctx(item.device, item.inputs,
                      absl::MakeSpan(slots_.data() + item.output_base,
                                     item.node->num_outputs()));
  try {
    TG_RETURN_IF_ERROR(item.kernel->Compute(ctx));
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError(
        "out of memory in the kernel's own bookkeeping");
  }
  return CheckOutputs(item);
}

absl::Status Executor::Run(absl::Span<const Tensor> feeds,
                           std::vector<Tensor>* fetched) {
  TG_REQUIRE(feeds.size() == feeds_.size(), Internal,
             "feed count does not match the executor");
  // Release every intermediate value when the run ends, however it ends.
  struct Clear {
    std::vector<TensorValue>* slots;
    ~Clear() {
      for (TensorValue& v : *slots) v = TensorValue();
    }
  } clear{&slots_};
  for (size_t i = 0; i < feeds.size(); ++i) {
    TG_RETURN_IF_ERROR(CheckFeed(feeds_[i], feeds[i]));
    slots_[feeds_[i].slot].tensor = feeds[i];
  }
  for (Item& item : items_) {
    absl::Status s = RunItem(item);
    if (!s.ok()) {
      for (Device* d : devices_) d->Sync().IgnoreError();
      return AnnotateStatus(s, item.error_prefix);
    }
  }
  for (Device* d : devices_) TG_RETURN_IF_ERROR(d->Sync());
  fetched->clear();
  for (const Fetch& f : fetches_) {
    const TensorValue& v = slots_[f.slot];
    if (v.ref != nullptr) {
      TG_REQUIRE(v.ref->initialized, FailedPrecondition, "fetch '",
                 SafeText(f.name), "' reads variable '", SafeText(v.ref->name),
                 "', which is not initialized");
      // A snapshot: the variable keeps changing after this run.
      fetched->push_back(v.ref->tensor.DeepCopy());
    } else {
      fetched->push_back(v.tensor);
    }
  }
  return absl::OkStatus();
}

}  // namespace tg
