// TensorFlow 2's functional control flow (If, StatelessIf, Case,
// StatelessCase, While, StatelessWhile) lowered to the dataflow ops the
// executor runs, as TensorFlow's own lowering pass does:
//   * If: the predicate's truth (ToBool: a non-zero or non-empty scalar, a
//     tensor with elements), each input through a Switch on it, the two
//     branches as calls gated on their side of the Switch, and one Merge
//     per output;
//   * Case: a chain of such conds on branch_index == k; any index outside
//     [0, n) runs the last branch;
//   * While: per loop variable Enter -> Merge -> cond call -> LoopCond ->
//     Switch -> Identity -> body call -> NextIteration back into the Merge,
//     and Exit; the loop is its own frame, named after the node.
// The node's name then belongs to an IdentityN of the results, so
// "while:1" and "^if" keep their meaning. The calls are inlined afterwards
// (graph/functions.h); ImportGraphDef does both until neither is left.
#ifndef TG_GRAPH_LOWER_CONTROL_FLOW_H_
#define TG_GRAPH_LOWER_CONTROL_FLOW_H_

#include "absl/status/statusor.h"
#include "proto/graph.pb.h"

namespace tg {

// True when a node of `def` (outside its library) is functional control
// flow.
bool HasFunctionalControlFlow(const ::tensorgraph::GraphDef& def);

// `def` with each functional control-flow node lowered. Errors name the
// node and the function: a function missing from the library, a While
// whose body's outputs do not match its loop variables (count or dtypes),
// a cond function without exactly one output, no loop variables.
absl::StatusOr<::tensorgraph::GraphDef> LowerFunctionalControlFlow(
    const ::tensorgraph::GraphDef& def);

}  // namespace tg

#endif  // TG_GRAPH_LOWER_CONTROL_FLOW_H_
