// TensorFlow's collective ops (V2: the keys are int32 scalar inputs), with
// its names, signatures and attrs, so a graph written here is one
// TensorFlow understands. A session's CollectiveContext (core/collective.h)
// is the transport: MPI across processes on host tensors, NCCL on GPU
// tensors, a context of size 1 when the process runs alone.
#include "ops/collective_ops.h"

#include "graph/gradients.h"
#include "graph/op_builder.h"
#include "ops/math_ops.h"

namespace tg {
namespace {

// A gradient collective's instance key: the forward's plus this, so the
// two never share an instance.
constexpr int32_t kGradientInstanceOffset = 1 << 30;

absl::Status ScalarKeys(InferenceContext& c, int first, int count) {
  for (int i = first; i < first + count; ++i) {
    PartialShape unused;
    TG_RETURN_IF_ERROR(c.WithRank(i, 0, &unused));
  }
  return absl::OkStatus();
}

TG_REGISTER_OP("CollectiveReduceV2")
    .Input("input: T")
    .Input("group_size: int32")
    .Input("group_key: int32")
    .Input("instance_key: int32")
    .Input("ordering_token: Nordering_token * resource")
    .Output("data: T")
    .Attr("T: {bfloat16, float, half, double, int32, int64}")
    .Attr("merge_op: {'Min', 'Max', 'Mul', 'Add'}")
    .Attr("final_op: {'Id', 'Div'}")
    .Attr("communication_hint: string = 'auto'")
    .Attr("timeout_seconds: float = 0")
    .Attr("is_stateless: bool = false")
    .Attr("Nordering_token: int >= 0 = 0")
    .Attr("max_subdivs_per_device: int = -1")
    .SetIsStateful()
    .SetShapeFn([](InferenceContext& c) {
      TG_RETURN_IF_ERROR(ScalarKeys(c, 1, 3));
      c.set_output(0, c.input(0));
      return absl::OkStatus();
    });

TG_REGISTER_OP("CollectiveBcastSendV2")
    .Input("input: T")
    .Input("group_size: int32")
    .Input("group_key: int32")
    .Input("instance_key: int32")
    .Output("data: T")
    .Attr("T: {bool, float, half, double, int32, int64}")
    .Attr("communication_hint: string = 'auto'")
    .Attr("timeout_seconds: float = 0")
    .SetIsStateful()
    .SetShapeFn([](InferenceContext& c) {
      TG_RETURN_IF_ERROR(ScalarKeys(c, 1, 3));
      c.set_output(0, c.input(0));
      return absl::OkStatus();
    });

TG_REGISTER_OP("CollectiveBcastRecvV2")
    .Input("group_size: int32")
    .Input("group_key: int32")
    .Input("instance_key: int32")
    .Input("shape: Tshape")
    .Output("data: T")
    .Attr("T: {bool, float, half, double, int32, int64}")
    .Attr("Tshape: {int32, int64} = DT_INT32")
    .Attr("communication_hint: string = 'auto'")
    .Attr("timeout_seconds: float = 0")
    .SetIsStateful()
    .SetShapeFn([](InferenceContext& c) {
      TG_RETURN_IF_ERROR(ScalarKeys(c, 0, 3));
      c.set_output(0, PartialShape::Unknown());
      return absl::OkStatus();
    });

// The gradient of a sum all-reduce is the all-reduce of the gradients
// (and of a mean, their mean): each rank's input reached every rank's
// output. It runs as its own collective instance, keyed past the forward's.
absl::Status CollectiveReduceGrad(const Scope& s, const Operation& op,
                                  const std::vector<Output>& dy,
                                  std::vector<Output>* dx) {
  const AttrMap& attrs = op.node()->attrs();
  TG_ASSIGN_OR_RETURN(std::string merge,
                      GetAttr<std::string>(attrs, "merge_op"));
  TG_REQUIRE(merge == "Add", Unimplemented, op.node()->ErrorPrefix(),
             "only a sum all-reduce (merge_op Add) has a gradient, not ",
             merge);
  OpBuilder b(s, "CollectiveReduceV2");
  b.Input(dy[0]).Input(op.input(1)).Input(op.input(2));
  b.Input(ops::Add(s, op.input(3), kGradientInstanceOffset));
  b.InputList({});  // No ordering tokens.
  for (const char* attr : {"merge_op", "final_op", "communication_hint",
                           "timeout_seconds", "is_stateless"}) {
    b.Attr(attr, attrs.at(attr));
  }
  dx->push_back(Output(b.Finalize().node(), 0));
  for (int i = 1; i < op.node()->num_inputs(); ++i) dx->push_back(NoGradient());
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("CollectiveReduceV2", CollectiveReduceGrad);
TG_REGISTER_NO_GRADIENT_OP("CollectiveBcastSendV2");
TG_REGISTER_NO_GRADIENT_OP("CollectiveBcastRecvV2");

}  // namespace

namespace ops {
namespace {

OpBuilder& Keys(OpBuilder& b, const CollectiveKeys& keys) {
  return b.Input(keys.group_size)
      .Input(keys.group_key)
      .Input(keys.instance_key);
}

}  // namespace

Output CollectiveReduce(const Scope& s, const Input& input,
                        const CollectiveKeys& keys, const std::string& merge_op,
                        const std::string& final_op) {
  OpBuilder b(s, "CollectiveReduceV2");
  b.Input(input);
  return Keys(b, keys)
      .InputList({})
      .Attr("merge_op", merge_op)
      .Attr("final_op", final_op)
      .Attr("timeout_seconds", keys.timeout_seconds)
      .Finalize();
}

Output CollectiveBcastSend(const Scope& s, const Input& input,
                           const CollectiveKeys& keys) {
  OpBuilder b(s, "CollectiveBcastSendV2");
  b.Input(input);
  return Keys(b, keys).Attr("timeout_seconds", keys.timeout_seconds).Finalize();
}

Output CollectiveBcastRecv(const Scope& s, DataType dtype, const Input& shape,
                           const CollectiveKeys& keys) {
  OpBuilder b(s, "CollectiveBcastRecvV2");
  return Keys(b, keys)
      .Input(shape)
      .Attr("T", dtype)
      .Attr("timeout_seconds", keys.timeout_seconds)
      .Finalize();
}

}  // namespace ops
}  // namespace tg
