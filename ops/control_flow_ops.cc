// TensorFlow 1's dataflow control flow (tf.cond, tf.while_loop) and the
// boolean conversion of its functional ops. The executor gives these ops
// their meaning (runtime/control_flow_executor.h): dead values, frames and
// iterations. Here: schemas, shapes and the gradients of a conditional.
#include "ops/control_flow_ops.h"

#include "graph/gradients.h"
#include "graph/op_builder.h"
#include "ops/array_ops.h"
#include "ops/math_ops.h"

namespace tg {
namespace {

using ops::Equal;
using ops::ScalarConst;

absl::Status ScalarPredShape(InferenceContext& c, int pred) {
  PartialShape unused;
  TG_RETURN_IF_ERROR(c.WithRank(pred, 0, &unused));
  return absl::OkStatus();
}

absl::Status SwitchShape(InferenceContext& c) {
  TG_RETURN_IF_ERROR(ScalarPredShape(c, 1));
  c.set_output(0, c.input(0));
  c.set_output(1, c.input(0));
  return absl::OkStatus();
}

// The most specific shape every input may have: a dim known and equal in
// all inputs stays, others become -1. A loop's Merge sees its back edge
// before that edge's shape is inferred (unknown), so its output is unknown:
// the loop-carried value may change shape between iterations.
absl::Status MergeShape(InferenceContext& c) {
  PartialShape out = c.input(0);
  for (int i = 1; i < c.num_inputs() && out.known_rank; ++i) {
    const PartialShape& in = c.input(i);
    if (!in.known_rank || in.rank() != out.rank()) {
      out = PartialShape::Unknown();
      break;
    }
    for (int d = 0; d < out.rank(); ++d) {
      if (out.dims[d] != in.dims[d]) out.dims[d] = -1;
    }
  }
  c.set_output(0, out);
  c.set_output(1, PartialShape::Scalar());
  return absl::OkStatus();
}

absl::Status LoopCondShape(InferenceContext& c) {
  TG_RETURN_IF_ERROR(ScalarPredShape(c, 0));
  c.set_output(0, PartialShape::Scalar());
  return absl::OkStatus();
}

TG_REGISTER_OP("Switch")
    .Input("data: T")
    .Input("pred: bool")
    .Output("output_false: T")
    .Output("output_true: T")
    .Attr("T: type")
    .SetShapeFn(SwitchShape);

TG_REGISTER_OP("RefSwitch")
    .Input("data: Ref(T)")
    .Input("pred: bool")
    .Output("output_false: Ref(T)")
    .Output("output_true: Ref(T)")
    .Attr("T: type")
    .SetAllowsUninitializedInput()
    .SetShapeFn(SwitchShape);

TG_REGISTER_OP("Merge")
    .Input("inputs: N * T")
    .Output("output: T")
    .Output("value_index: int32")
    .Attr("T: type")
    .Attr("N: int >= 1")
    .SetShapeFn(MergeShape);

TG_REGISTER_OP("RefMerge")
    .Input("inputs: Ref(N * T)")
    .Output("output: Ref(T)")
    .Output("value_index: int32")
    .Attr("T: type")
    .Attr("N: int >= 1")
    .SetAllowsUninitializedInput()
    .SetShapeFn(MergeShape);

#define TG_REGISTER_ENTER_OP(NAME, ARG)      \
  TG_REGISTER_OP(NAME)                       \
      .Input("data: " ARG)                   \
      .Output("output: " ARG)                \
      .Attr("T: type")                       \
      .Attr("frame_name: string")            \
      .Attr("is_constant: bool = false")     \
      .Attr("parallel_iterations: int = 10") \
      .SetShapeFn(UnchangedShape)
TG_REGISTER_ENTER_OP("Enter", "T");
TG_REGISTER_ENTER_OP("RefEnter", "Ref(T)");

#define TG_REGISTER_FORWARD_OP(NAME, ARG) \
  TG_REGISTER_OP(NAME)                    \
      .Input("data: " ARG)                \
      .Output("output: " ARG)             \
      .Attr("T: type")                    \
      .SetShapeFn(UnchangedShape)
TG_REGISTER_FORWARD_OP("Exit", "T");
TG_REGISTER_FORWARD_OP("RefExit", "Ref(T)");
TG_REGISTER_FORWARD_OP("NextIteration", "T");
TG_REGISTER_FORWARD_OP("RefNextIteration", "Ref(T)");

TG_REGISTER_OP("LoopCond")
    .Input("input: bool")
    .Output("output: bool")
    .SetShapeFn(LoopCondShape);

TG_REGISTER_OP("ControlTrigger").SetShapeFn(NoOutputsShape);

// TensorFlow's truth of a tensor (If, While): a scalar is true when
// non-zero (a string when non-empty), any other tensor when it has
// elements.
TG_REGISTER_OP("ToBool")
    .Input("input: T")
    .Output("output: bool")
    .Attr("T: type")
    .SetShapeFn([](InferenceContext& c) {
      c.set_output(0, PartialShape::Scalar());
      return absl::OkStatus();
    });

// d Switch: the output that was live carries the gradient back, so the
// input's gradient is the Merge of the two (the executor gives a missing
// one as zeros of that output, live exactly when its branch ran).
absl::Status SwitchGrad(const Scope& s, const Operation& op,
                        const std::vector<Output>& dy,
                        std::vector<Output>* dx) {
  Operation merge = OpBuilder(s, "Merge").InputList({dy[0], dy[1]}).Finalize();
  dx->push_back(Output(merge.node(), 0));
  dx->push_back(NoGradient());
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Switch", SwitchGrad);

// d Merge: the input that was forwarded (value_index) gets the gradient,
// every other input a dead value, so the untaken branch's gradient ops do
// not run.
absl::Status MergeGrad(const Scope& s, const Operation& op,
                       const std::vector<Output>& dy, std::vector<Output>* dx) {
  const Output index(op.node(), 1);
  const Scope at_merge = s.WithControlDependencies({op});
  for (int i = 0; i < op.node()->num_inputs(); ++i) {
    Output taken = Equal(s, index, ScalarConst(at_merge, i, DT_INT32));
    Operation sw = OpBuilder(s, "Switch").Input(dy[0]).Input(taken).Finalize();
    dx->push_back(Output(sw.node(), 1));
  }
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Merge", MergeGrad);

absl::Status LoopGrad(const Scope&, const Operation& op,
                      const std::vector<Output>&, std::vector<Output>*) {
  return absl::UnimplementedError(absl::StrCat(
      op.node()->ErrorPrefix(),
      "gradients of while loops are not supported yet (only of conditionals: "
      "Switch and Merge)"));
}
TG_REGISTER_GRADIENT_OP("Enter", LoopGrad);
TG_REGISTER_GRADIENT_OP("Exit", LoopGrad);
TG_REGISTER_GRADIENT_OP("NextIteration", LoopGrad);
TG_REGISTER_GRADIENT_OP("LoopCond", LoopGrad);
TG_REGISTER_NO_GRADIENT_OP("ControlTrigger");
TG_REGISTER_NO_GRADIENT_OP("ToBool");
TG_REGISTER_NO_GRADIENT_OP("RefSwitch");
TG_REGISTER_NO_GRADIENT_OP("RefMerge");
TG_REGISTER_NO_GRADIENT_OP("RefEnter");
TG_REGISTER_NO_GRADIENT_OP("RefExit");
TG_REGISTER_NO_GRADIENT_OP("RefNextIteration");

}  // namespace
}  // namespace tg
