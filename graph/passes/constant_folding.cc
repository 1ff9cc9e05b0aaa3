// FoldConstants: nodes computed from constants alone become constants.
#include "absl/strings/str_cat.h"
#include "core/tensor_proto.h"
#include "graph/graph_def_io.h"
#include "graph/passes/pass_util.h"

namespace tg {
namespace {

// Nodes whose value is known before any run: Const, and pure nodes with
// only data inputs from such nodes and no control inputs (a control input
// orders the node after something that has to run).
std::vector<bool> ConstantNodes(const Graph& g, const std::vector<int>& order,
                                const PassContext& context) {
  std::vector<bool> constant(g.num_nodes(), false);
  for (int id : order) {
    const Node* n = g.node(id);
    if (context.fed.contains(n->name())) continue;
    if (n->op() == "Const") {
      constant[id] = true;
      continue;
    }
    if (n->num_inputs() == 0 || !passes::IsPure(*n, context)) continue;
    bool all = true;
    for (const Edge* e : n->in_edges()) {
      all = all && !e->IsControl() && constant[e->src->id()];
    }
    constant[id] = all;
  }
  return constant;
}

}  // namespace

absl::Status FoldConstants(const PassContext& context, int64_t max_bytes,
                           GraphDef* def) {
  TG_REQUIRE(context.evaluate != nullptr, Internal,
             "constant folding needs an evaluator");
  TG_ASSIGN_OR_RETURN(std::unique_ptr<Graph> g, passes::Analyse(*def));
  TG_ASSIGN_OR_RETURN(std::vector<int> order, g->TopologicalOrder());
  const std::vector<bool> constant = ConstantNodes(*g, order, context);
  // The outputs to fold: of non-Const constant nodes, read by a node that
  // is not constant. (Kept nodes are never pure, so never folded.)
  std::vector<std::string> fetches;
  GraphDef sub;
  *sub.mutable_versions() = def->versions();
  absl::flat_hash_set<std::string> listed;
  // The GraphDef's nodes (a Graph's node defs hold no inputs: edges do).
  absl::flat_hash_map<std::string, const NodeDef*> defs;
  for (const NodeDef& n : def->node()) defs[n.name()] = &n;
  for (int id : order) {
    const Node* n = g->node(id);
    if (!constant[id]) continue;
    // Evaluated on the CPU whatever the node asks for (the folded constant
    // keeps the request), and without colocation with nodes not copied.
    NodeDef* copy = sub.add_node();
    *copy = *defs.at(n->name());
    copy->clear_device();
    copy->mutable_attr()->erase("_class");
    if (n->op() == "Const") continue;
    for (const Edge* e : n->out_edges()) {
      if (e->IsControl() || constant[e->dst->id()]) continue;
      const std::string name = passes::OutputName(n->name(), e->src_output);
      if (listed.insert(name).second) fetches.push_back(name);
    }
  }
  if (fetches.empty()) return absl::OkStatus();
  // An output that fails to evaluate (an op the graph has wrong) is left
  // to fail, with its usual error, when the signature runs.
  absl::StatusOr<std::vector<Tensor>> values = context.evaluate(sub, fetches);
  if (!values.ok()) return absl::OkStatus();
  passes::Edits edits;
  for (size_t i = 0; i < fetches.size(); ++i) {
    const Tensor& t = (*values)[i];
    if (t.dtype() == DT_STRING ||
        static_cast<int64_t>(t.TotalBytes()) > max_bytes) {
      continue;
    }
    TG_ASSIGN_OR_RETURN(TensorId id, ParseTensorName(fetches[i]));
    const Node* n = g->FindNode(id.node);
    NodeDef c;
    c.set_name(absl::StrCat(id.node, "/folded_", id.index));
    if (g->FindNode(c.name()) != nullptr) continue;  // Name taken: unfolded.
    c.set_op("Const");
    c.set_device(n->requested_device());
    (*c.mutable_attr())["dtype"].set_type(t.dtype());
    TensorToProto(t, (*c.mutable_attr())["value"].mutable_tensor());
    edits.tensors[fetches[i]] = c.name();
    edits.added.push_back(std::move(c));
  }
  if (edits.empty()) return absl::OkStatus();
  return passes::ApplyEdits(context, edits, def);
}

}  // namespace tg
