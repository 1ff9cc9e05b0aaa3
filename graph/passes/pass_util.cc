#include "graph/passes/pass_util.h"

#include "absl/strings/str_cat.h"
#include "graph/graph_def_io.h"

namespace tg {
namespace passes {

std::string OutputName(const std::string& node, int index) {
  return index == 0 ? node : absl::StrCat(node, ":", index);
}

absl::StatusOr<std::unique_ptr<Graph>> Analyse(const GraphDef& def) {
  auto graph = std::make_unique<Graph>();
  TG_RETURN_IF_ERROR(ImportGraphDef(def, graph.get()));
  return graph;
}

bool IsPure(const Node& n, const PassContext& context) {
  if (n.op_registration().def.is_stateful()) return false;
  if (n.op() == "Placeholder" || n.op() == "PlaceholderWithDefault" ||
      n.op() == "NoOp") {
    return false;
  }
  if (context.keep.contains(n.name()) || context.fed.contains(n.name())) {
    return false;
  }
  for (DataType t : n.input_types()) {
    if (IsRefType(t)) return false;
  }
  for (DataType t : n.output_types()) {
    if (IsRefType(t)) return false;
  }
  return true;
}

namespace {

// The edited spelling of one input, or the input itself.
std::string EditedInput(const Edits& edits, const std::string& input) {
  if (!input.empty() && input[0] == '^') {
    auto it = edits.controls.find(input.substr(1));
    return it == edits.controls.end() ? input : absl::StrCat("^", it->second);
  }
  absl::StatusOr<TensorId> id = ParseTensorName(input);
  if (!id.ok()) return input;
  auto it = edits.tensors.find(OutputName(id->node, id->index));
  return it == edits.tensors.end() ? input : it->second;
}

}  // namespace

absl::Status ApplyEdits(const PassContext& context, const Edits& edits,
                        GraphDef* def) {
  GraphDef out;
  *out.mutable_versions() = def->versions();
  *out.mutable_library() = def->library();
  for (const NodeDef& n : def->node()) {
    if (edits.removed.contains(n.name())) {
      TG_REQUIRE(!context.keep.contains(n.name()), Internal,
                 "a graph pass removed node '", SafeText(n.name()),
                 "', which the signature needs");
      continue;
    }
    auto replacement = edits.replaced.find(n.name());
    const NodeDef& source =
        replacement != edits.replaced.end() ? replacement->second : n;
    NodeDef* copy = out.add_node();
    *copy = source;
    copy->clear_input();
    absl::flat_hash_set<std::string> controls;
    for (const std::string& input : source.input()) {
      std::string edited = EditedInput(edits, input);
      if (edited[0] == '^' && !controls.insert(edited).second) continue;
      copy->add_input(std::move(edited));
    }
  }
  for (const NodeDef& n : edits.added) *out.add_node() = n;
  *def = std::move(out);
  return absl::OkStatus();
}

}  // namespace passes

absl::Status RunGraphPasses(const GraphPassOptions& options,
                            const PassContext& context, GraphDef* def) {
  if (options.constant_folding) {
    TG_RETURN_IF_ERROR(FoldConstants(context, options.max_folded_bytes, def));
  }
  if (options.common_subexpression_elimination) {
    TG_RETURN_IF_ERROR(EliminateCommonSubexpressions(context, def));
  }
  if (options.fuse_matmul) TG_RETURN_IF_ERROR(FuseMatMul(context, def));
  // Folding and merging leave the replaced nodes unread: pruning drops
  // them (without it, the executor still never runs them).
  if (options.prune_dead_nodes)
    TG_RETURN_IF_ERROR(PruneDeadNodes(context, def));
  return absl::OkStatus();
}

}  // namespace tg
