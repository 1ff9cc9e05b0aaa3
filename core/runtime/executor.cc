#include "core/runtime/executor.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "graph/graph_def_io.h"

namespace tg {
namespace {

struct OutputKey {
  int node;
  int index;
  bool operator==(const OutputKey& o) const {
    return node == o.node && index == o.index;
  }
  template <typename H>
  friend H AbslHashValue(H h, const OutputKey& k) {
    return H::combine(std::move(h), k.node, k.index);
  }
};

absl::StatusOr<OutputKey> Resolve(const Graph& graph, const std::string& name,
                                  absl::string_view what) {
  absl::StatusOr<TensorId> id = ParseTensorName(name);
  if (!id.ok() || id->index < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " '", name, "' is not a tensor name like 'x:0'"));
  }
  const Node* n = graph.FindNode(id->node);
  if (n == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        what, " '", name, "': no node named '", id->node, "' in the graph"));
  }
  if (id->index >= n->num_outputs()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " '", name, "': ", n->ErrorPrefix(), "has ",
                     n->num_outputs(), " outputs"));
  }
  return OutputKey{n->id(), id->index};
}

}  // namespace

absl::StatusOr<std::unique_ptr<Executor>> Executor::Create(
    const Graph& graph, const std::vector<std::string>& feeds,
    const std::vector<std::string>& fetches,
    const std::vector<std::string>& targets,
    const std::vector<Device*>& devices, VariableStore* variables,
    const PlacementOptions& placement) {
  std::unique_ptr<Executor> ex(new Executor());
  ex->devices_ = devices;
  absl::flat_hash_map<OutputKey, int> fed;  // -> feed slot
  int next_slot = 0;
  for (const std::string& name : feeds) {
    TG_ASSIGN_OR_RETURN(OutputKey key, Resolve(graph, name, "feed"));
    if (fed.contains(key)) {
      return absl::InvalidArgumentError(
          absl::StrCat("feed '", name, "' is given twice"));
    }
    const Node* n = graph.node(key.node);
    fed[key] = next_slot;
    ex->feeds_.push_back({next_slot++, name,
                          BaseType(n->output_type(key.index)),
                          n->output_shape(key.index)});
  }

  // Prune: walk back from fetches and targets; fed tensors cut the walk.
  std::vector<bool> needed(graph.num_nodes(), false);
  std::vector<int> stack;
  std::vector<OutputKey> fetch_keys;
  for (const std::string& name : fetches) {
    TG_ASSIGN_OR_RETURN(OutputKey key, Resolve(graph, name, "fetch"));
    fetch_keys.push_back(key);
    if (!fed.contains(key)) stack.push_back(key.node);
  }
  for (const std::string& name : targets) {
    absl::StatusOr<TensorId> id = ParseTensorName(name);
    const Node* n = id.ok() ? graph.FindNode(id->node) : nullptr;
    if (n == nullptr) {
      return absl::NotFoundError(absl::StrCat(
          "target '", name, "': no node named '", name, "' in the graph"));
    }
    stack.push_back(n->id());
  }
  while (!stack.empty()) {
    const int id = stack.back();
    stack.pop_back();
    if (needed[id]) continue;
    needed[id] = true;
    for (const Edge* e : graph.node(id)->in_edges()) {
      if (!e->IsControl() &&
          fed.contains(OutputKey{e->src->id(), e->src_output})) {
        continue;
      }
      stack.push_back(e->src->id());
    }
  }
  TG_ASSIGN_OR_RETURN(std::vector<int> order, graph.TopologicalOrder());
  std::vector<int> run;
  for (int id : order) {
    if (needed[id]) run.push_back(id);
  }
  TG_ASSIGN_OR_RETURN(std::vector<Device*> placed,
                      PlaceNodes(graph, run, devices, placement));

  // Slots: feeds first, then every output of every node that runs.
  absl::flat_hash_map<int, int> output_base;
  for (int id : run) {
    output_base[id] = next_slot;
    next_slot += graph.node(id)->num_outputs();
  }
  ex->slots_.resize(next_slot);
  auto slot_of = [&](const OutputKey& k) {
    auto it = fed.find(k);
    return it != fed.end() ? it->second : output_base.at(k.node) + k.index;
  };
  ex->items_.reserve(run.size());
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
      if (IsRefType(n->input_type(k)) && fed.contains(src)) {
        return absl::InvalidArgumentError(
            absl::StrCat(item.error_prefix, "input ", k, " takes variable '",
                         e->src->name(), "' by reference, so '", e->src->name(),
                         ":", e->src_output, "' cannot be fed"));
      }
      item.inputs.push_back(&ex->slots_[slot_of(src)]);
      item.deref_check.push_back(!IsRefType(n->input_type(k)) &&
                                 !allows_uninit);
    }
    OpKernelConstruction construction(&n->def(), &n->input_types(),
                                      &n->output_types(), item.device,
                                      variables);
    TG_ASSIGN_OR_RETURN(
        const KernelDef* def,
        KernelRegistry::Global()->Find(n->def(), item.device->type()));
    absl::StatusOr<std::unique_ptr<OpKernel>> kernel =
        CreateKernel(*def, construction);
    if (!kernel.ok()) return AnnotateStatus(kernel.status(), item.error_prefix);
    item.kernel = *std::move(kernel);
    ex->items_.push_back(std::move(item));
  }
  for (size_t i = 0; i < fetch_keys.size(); ++i) {
    ex->fetches_.push_back({slot_of(fetch_keys[i]), fetches[i]});
  }
  return ex;
}

absl::Status Executor::CheckFeed(const Feed& feed, const Tensor& t) const {
  if (t.dtype() != feed.dtype) {
    return absl::InvalidArgumentError(absl::StrCat(
        "feed '", feed.name, "' is a ", DataTypeName(t.dtype()),
        " tensor but the graph expects ", DataTypeName(feed.dtype)));
  }
  if (!feed.shape.IsCompatibleWith(t.shape())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "feed '", feed.name, "' has shape ", t.shape().DebugString(),
        " but the graph expects ", feed.shape.DebugString()));
  }
  return absl::OkStatus();
}

absl::Status Executor::Run(absl::Span<const Tensor> feeds,
                           std::vector<Tensor>* fetched) {
  if (feeds.size() != feeds_.size()) {
    return absl::InternalError("feed count does not match the executor");
  }
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
    for (size_t k = 0; k < item.inputs.size(); ++k) {
      const Variable* v = item.inputs[k]->ref;
      if (v != nullptr && item.deref_check[k] && !v->initialized) {
        return AnnotateStatus(
            UninitializedVariableError(*v),
            absl::StrCat(item.error_prefix, "input ", k, ": "));
      }
    }
    OpKernelContext ctx(
        item.device, item.inputs,
        absl::MakeSpan(&slots_[item.output_base], item.node->num_outputs()));
    absl::Status s = item.kernel->Compute(ctx);
    if (!s.ok()) return AnnotateStatus(s, item.error_prefix);
  }
  for (Device* d : devices_) TG_RETURN_IF_ERROR(d->Sync());
  fetched->clear();
  for (const Fetch& f : fetches_) {
    const TensorValue& v = slots_[f.slot];
    if (v.ref != nullptr) {
      if (!v.ref->initialized) {
        return absl::FailedPreconditionError(
            absl::StrCat("fetch '", f.name, "' reads variable '", v.ref->name,
                         "', which is not initialized"));
      }
      // A snapshot: the variable keeps changing after this run.
      fetched->push_back(v.ref->tensor.DeepCopy());
    } else {
      fetched->push_back(v.tensor);
    }
  }
  return absl::OkStatus();
}

}  // namespace tg
