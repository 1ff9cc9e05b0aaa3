// Graph passes: rewrites of a signature's graph made when its executor is
// created (runtime/session.cc), never of the graph the user built or saved.
//
// Each pass takes a GraphDef and the names the signature needs intact
// (PassContext::keep: fed, fetched and target nodes keep their names and
// outputs), rewrites it in place and leaves every value the signature can
// observe unchanged:
//   FoldConstants        evaluates nodes whose inputs are all constants
//                        and replaces their used outputs by Const nodes.
//   EliminateCommonSubexpressions
//                        merges nodes with the same op, attrs, device and
//                        inputs into one (stateless ops only).
//   FuseMatMul           MatMul + BiasAdd [+ activation] -> _FusedMatMul,
//                        TensorFlow's fused op, whose kernel applies the
//                        bias and activation while the product is in cache.
//   PruneDeadNodes       drops nodes nothing kept depends on.
// Stateful ops (variables, random ops, I/O), ops with reference inputs or
// outputs and placeholders are never folded, merged or removed while kept
// nodes depend on them.
#ifndef TG_GRAPH_PASSES_PASSES_H_
#define TG_GRAPH_PASSES_PASSES_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "core/tensor.h"
#include "graph/graph.h"

namespace tg {

struct GraphPassOptions {
  bool constant_folding = true;
  bool common_subexpression_elimination = true;
  bool fuse_matmul = true;
  bool prune_dead_nodes = true;
  // Outputs larger than this stay computed rather than folded into the
  // graph as constants.
  int64_t max_folded_bytes = int64_t{10} << 20;

  bool any() const {
    return constant_folding || common_subexpression_elimination ||
           fuse_matmul || prune_dead_nodes;
  }
};

// Runs `fetches` ("node:k") of a graph of constant nodes on the CPU; given
// by the runtime, which the passes do not link.
using ConstantEvaluator = std::function<absl::StatusOr<std::vector<Tensor>>(
    const GraphDef& graph, const std::vector<std::string>& fetches)>;

struct PassContext {
  // Nodes that keep their names and outputs: those the signature feeds,
  // fetches or runs as targets.
  absl::flat_hash_set<std::string> keep;
  // Nodes with a fed output: never constant, whatever their op.
  absl::flat_hash_set<std::string> fed;
  ConstantEvaluator evaluate;  // Needed by FoldConstants.
  // Fuse only nodes whose kernels will run on the CPU: true when the
  // session has another device, where only nodes pinned to the CPU fuse.
  bool fuse_cpu_pinned_only = false;
};

// The passes in order (folding, CSE, fusion, pruning), as `options` enables.
absl::Status RunGraphPasses(const GraphPassOptions& options,
                            const PassContext& context, GraphDef* def);

absl::Status FoldConstants(const PassContext& context, int64_t max_bytes,
                           GraphDef* def);
absl::Status EliminateCommonSubexpressions(const PassContext& context,
                                           GraphDef* def);
absl::Status FuseMatMul(const PassContext& context, GraphDef* def);
absl::Status PruneDeadNodes(const PassContext& context, GraphDef* def);

}  // namespace tg

#endif  // TG_GRAPH_PASSES_PASSES_H_
