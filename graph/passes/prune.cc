// PruneDeadNodes: keeps only what the kept nodes depend on.
#include "absl/strings/str_cat.h"
#include "graph/graph_def_io.h"
#include "graph/passes/pass_util.h"

namespace tg {

absl::Status PruneDeadNodes(const PassContext& context, GraphDef* def) {
  absl::flat_hash_map<std::string, int> index;
  for (int i = 0; i < def->node_size(); ++i) index[def->node(i).name()] = i;
  std::vector<bool> live(def->node_size(), false);
  std::vector<int> stack;
  for (const std::string& name : context.keep) {
    auto it = index.find(name);
    TG_REQUIRE(it != index.end(), InvalidArgument, "node '", SafeText(name),
               "' that the signature needs is not in the graph");
    stack.push_back(it->second);
  }
  while (!stack.empty()) {
    const int i = stack.back();
    stack.pop_back();
    if (live[i]) continue;
    live[i] = true;
    for (const std::string& input : def->node(i).input()) {
      TG_ASSIGN_OR_RETURN(TensorId id, ParseTensorName(input));
      auto it = index.find(id.node);
      TG_REQUIRE(it != index.end(), InvalidArgument, "node '",
                 SafeText(def->node(i).name()), "' reads '", SafeText(input),
                 "', which is not in the graph");
      stack.push_back(it->second);
    }
  }
  passes::Edits edits;
  for (int i = 0; i < def->node_size(); ++i) {
    if (!live[i]) edits.removed.insert(def->node(i).name());
  }
  if (edits.empty()) return absl::OkStatus();
  return passes::ApplyEdits(context, edits, def);
}

}  // namespace tg
