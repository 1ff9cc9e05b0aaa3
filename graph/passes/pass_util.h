// What the graph passes share: an imported view of the GraphDef being
// rewritten, and the edits they make to it.
#ifndef TG_GRAPH_PASSES_PASS_UTIL_H_
#define TG_GRAPH_PASSES_PASS_UTIL_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "graph/graph.h"
#include "graph/passes/passes.h"

namespace tg {
namespace passes {

// "name" for output 0, "name:k" otherwise (GraphDef's input spelling).
std::string OutputName(const std::string& node, int index);

// The GraphDef imported (and so validated) into a Graph to analyse it.
absl::StatusOr<std::unique_ptr<Graph>> Analyse(const GraphDef& def);

// True for a node a pass may evaluate early, merge or drop: a stateless op
// without reference inputs or outputs that is not a placeholder, fed or
// kept.
bool IsPure(const Node& n, const PassContext& context);

// Edits to apply to a GraphDef in one sweep.
struct Edits {
  // Data inputs "node:k" (normalised to OutputName) read something else.
  absl::flat_hash_map<std::string, std::string> tensors;
  // Control inputs "^node" wait for another node instead.
  absl::flat_hash_map<std::string, std::string> controls;
  absl::flat_hash_set<std::string> removed;
  std::vector<NodeDef> added;
  // Nodes rewritten where they stand, by name (they keep their readers).
  absl::flat_hash_map<std::string, NodeDef> replaced;
  bool empty() const {
    return tensors.empty() && controls.empty() && removed.empty() &&
           added.empty() && replaced.empty();
  }
};

// Rewires inputs, drops removed nodes (a kept one is an Internal error),
// puts replacements in place, appends added ones; duplicate control inputs
// are merged.
absl::Status ApplyEdits(const PassContext& context, const Edits& edits,
                        GraphDef* def);

}  // namespace passes
}  // namespace tg

#endif  // TG_GRAPH_PASSES_PASS_UTIL_H_
