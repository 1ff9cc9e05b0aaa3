// EliminateCommonSubexpressions: one node per (op, attrs, device, inputs).
#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "graph/passes/pass_util.h"

namespace tg {
namespace {

// The identity of a node's computation, with its inputs spelled through
// the representatives chosen so far (so chains of duplicates merge too).
std::string Key(const Node& n, const std::vector<const Node*>& rep) {
  std::string key = absl::StrCat(n.op(), "|", n.requested_device(), "|");
  for (int k = 0; k < n.num_inputs(); ++k) {
    const Edge* e = n.input_edge(k);
    absl::StrAppend(&key, rep[e->src->id()]->id(), ":", e->src_output, ",");
  }
  std::vector<int> controls;
  for (const Edge* e : n.in_edges()) {
    if (e->IsControl()) controls.push_back(rep[e->src->id()]->id());
  }
  std::sort(controls.begin(), controls.end());
  controls.erase(std::unique(controls.begin(), controls.end()), controls.end());
  for (int c : controls) absl::StrAppend(&key, "^", c, ",");
  // Attrs in name order; each value's bytes (no maps inside: stable).
  std::map<std::string, const AttrValue*> attrs;
  for (const auto& [name, value] : n.attrs()) attrs[name] = &value;
  for (const auto& [name, value] : attrs) {
    absl::StrAppend(&key, "|", name, "=", value->SerializeAsString());
  }
  return key;
}

}  // namespace

absl::Status EliminateCommonSubexpressions(const PassContext& context,
                                           GraphDef* def) {
  TG_ASSIGN_OR_RETURN(std::unique_ptr<Graph> g, passes::Analyse(*def));
  TG_ASSIGN_OR_RETURN(std::vector<int> order, g->TopologicalOrder());
  std::vector<const Node*> rep(g->num_nodes());
  for (int id = 0; id < g->num_nodes(); ++id) rep[id] = g->node(id);
  absl::flat_hash_map<std::string, const Node*> seen;
  passes::Edits edits;
  for (int id : order) {
    const Node* n = g->node(id);
    // Kept nodes may be representatives but are never replaced; impure
    // nodes are neither.
    const bool kept = context.keep.contains(n->name());
    if (!kept && !passes::IsPure(*n, context)) continue;
    if (kept && (n->op_registration().def.is_stateful() ||
                 n->op() == "Placeholder" || n->op() == "NoOp")) {
      continue;
    }
    auto [it, inserted] = seen.try_emplace(Key(*n, rep), n);
    if (inserted || kept) continue;
    const Node* r = it->second;
    rep[id] = r;
    edits.removed.insert(n->name());
    edits.controls[n->name()] = r->name();
    for (int k = 0; k < n->num_outputs(); ++k) {
      edits.tensors[passes::OutputName(n->name(), k)] =
          passes::OutputName(r->name(), k);
    }
  }
  if (edits.empty()) return absl::OkStatus();
  return passes::ApplyEdits(context, edits, def);
}

}  // namespace tg
