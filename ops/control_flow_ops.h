// Control flow in graphs, TensorFlow 1's way: Switch and Merge make a
// conditional, Enter, Merge, LoopCond, Switch, NextIteration and Exit make
// a loop, and the executor runs them with dead values, frames and
// iterations (runtime/control_flow_executor.h).
//
//   // y = x > 0 ? x * x : -x
//   absl::StatusOr<std::vector<Output>> y = ops::Cond(
//       s, Greater(s, x, 0.0f),
//       [&](const Scope& t) -> absl::StatusOr<std::vector<Output>> {
//         return std::vector<Output>{Mul(t, x, x)};
//       },
//       [&](const Scope& e) -> absl::StatusOr<std::vector<Output>> {
//         return std::vector<Output>{Neg(e, x)};
//       });
//
//   // i = 0; while (i < 10) i += 1
//   absl::StatusOr<std::vector<Output>> r = ops::WhileLoop(
//       s,
//       [](const Scope& c, const std::vector<Output>& v) ->
//       absl::StatusOr<Output> {
//         return Less(c, v[0], 10);
//       },
//       [](const Scope& b, const std::vector<Output>& v)
//           -> absl::StatusOr<std::vector<Output>> {
//         return std::vector<Output>{Add(b, v[0], 1)};
//       },
//       {ScalarConst(s, 0, DT_INT32)});
#ifndef TG_OPS_CONTROL_FLOW_OPS_H_
#define TG_OPS_CONTROL_FLOW_OPS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/scope.h"

namespace tg {
namespace ops {

struct SwitchOutputs {
  Output output_false, output_true;
};
// `data` to output_true when the scalar bool `pred` is true, else to
// output_false; the other output is dead.
SwitchOutputs Switch(const Scope& s, const Input& data, const Input& pred);

struct MergeOutputs {
  Output output, value_index;
};
// The first of `inputs` that is live, and its position.
MergeOutputs Merge(const Scope& s, const std::vector<Output>& inputs);

// `data` into the loop frame `frame_name` (every iteration of it when
// `is_constant`).
Output Enter(const Scope& s, const Input& data, const std::string& frame_name,
             bool is_constant = false, int parallel_iterations = 10);
Output Exit(const Scope& s, const Input& data);
Output NextIteration(const Scope& s, const Input& data);
Output LoopCond(const Scope& s, const Input& pred);

// A branch builds its ops under the scope given (so that they run only
// when the branch is taken) and returns its results.
using BranchFn =
    std::function<absl::StatusOr<std::vector<Output>>(const Scope& scope)>;

// tf.cond: the results of `then_fn` when the scalar bool `pred` is true,
// else of `else_fn`; only the taken branch runs. Both branches return the
// same number of results with the same dtypes. A tensor from outside that a
// branch uses is passed in through a Switch on `pred`, as TensorFlow does,
// so gradients flow back through the cond (Switch and Merge have
// gradients). Ops go under "<name>/" ("cond" by default): switch_t,
// switch_f, pivots, the branches' own ops and one Merge per result.
absl::StatusOr<std::vector<Output>> Cond(const Scope& scope, const Output& pred,
                                         const BranchFn& then_fn,
                                         const BranchFn& else_fn,
                                         const std::string& name = "cond");

using LoopCondFn = std::function<absl::StatusOr<Output>(
    const Scope& scope, const std::vector<Output>& vars)>;
using LoopBodyFn = std::function<absl::StatusOr<std::vector<Output>>(
    const Scope& scope, const std::vector<Output>& vars)>;

struct WhileLoopOptions {
  std::string name = "while";    // Ops go under "<name>/"; the frame too.
  int parallel_iterations = 10;  // How many iterations may be in flight.
};

// tf.while_loop: vars = inputs; while (cond_fn(vars)) vars = body_fn(vars);
// returns vars. cond_fn returns a scalar bool; body_fn as many tensors as
// `inputs`, of the same dtypes (shapes may change between iterations). A
// tensor from outside the loop that cond_fn or body_fn uses enters the
// frame once, as a loop invariant. Emits TensorFlow's v1 loop: per input
// Enter -> Merge(Enter, NextIteration) -> Switch(·, LoopCond) -> Identity
// (the body's input) and Exit (the result). Gradients of the loop are not
// supported (AddSymbolicGradients says so, naming the node).
absl::StatusOr<std::vector<Output>> WhileLoop(
    const Scope& scope, const LoopCondFn& cond_fn, const LoopBodyFn& body_fn,
    const std::vector<Output>& inputs,
    const WhileLoopOptions& options = WhileLoopOptions());

}  // namespace ops
}  // namespace tg

#endif  // TG_OPS_CONTROL_FLOW_OPS_H_
