// Pooling and batch-normalization ops: schemas, shape functions, gradients
// and builders (declared in ops/conv_ops.h).
#include "absl/strings/str_cat.h"
#include "core/conv_geometry.h"
#include "graph/gradients.h"
#include "graph/op_builder.h"
#include "ops/array_ops.h"
#include "ops/conv_ops.h"
#include "ops/window_shapes.h"

namespace tg {
namespace {

TG_REGISTER_OP("MaxPool")
    .Input("input: T")
    .Output("output: T")
    .Attr(
        "T: {half, bfloat16, float, double, int32, int64, uint8, int16, "
        "int8, uint16} = DT_FLOAT")
    .Attr("ksize: list(int)")
    .Attr("strides: list(int)")
    .Attr("padding: {'SAME', 'VALID', 'EXPLICIT'}")
    .Attr("explicit_paddings: list(int) = []")
    .Attr("data_format: {'NHWC', 'NCHW', 'NCHW_VECT_C'} = 'NHWC'")
    .SetShapeFn(PoolForwardShape);

#define TG_MAX_POOL_GRAD_ATTRS                                       \
  Attr("ksize: list(int)")                                           \
      .Attr("strides: list(int)")                                    \
      .Attr("data_format: {'NHWC', 'NCHW'} = 'NHWC'")                \
      .Attr(                                                         \
          "T: {half, bfloat16, float, double, int32, int64, uint8, " \
          "int16, int8, uint16, uint32, uint64} = DT_FLOAT")

TG_REGISTER_OP("MaxPoolGrad")
    .Input("orig_input: T")
    .Input("orig_output: T")
    .Input("grad: T")
    .Output("output: T")
    .Attr("padding: {'SAME', 'VALID', 'EXPLICIT'}")
    .Attr("explicit_paddings: list(int) = []")
    .TG_MAX_POOL_GRAD_ATTRS.SetShapeFn(UnchangedShape);

// TensorFlow's MaxPoolGradGrad takes only SAME and VALID; EXPLICIT here
// too, so that MaxPoolGrad of an explicitly padded pool has a gradient.
TG_REGISTER_OP("MaxPoolGradGrad")
    .Input("orig_input: T")
    .Input("orig_output: T")
    .Input("grad: T")
    .Output("output: T")
    .Attr("padding: {'SAME', 'VALID', 'EXPLICIT'}")
    .Attr("explicit_paddings: list(int) = []")
    .TG_MAX_POOL_GRAD_ATTRS.SetShapeFn([](InferenceContext& c) {
      c.set_output(0, c.input(1));
      return absl::OkStatus();
    });
#undef TG_MAX_POOL_GRAD_ATTRS

TG_REGISTER_OP("AvgPool")
    .Input("value: T")
    .Output("output: T")
    .Attr("ksize: list(int)")
    .Attr("strides: list(int)")
    .Attr("padding: {'SAME', 'VALID'}")
    .Attr("data_format: {'NHWC', 'NCHW'} = 'NHWC'")
    .Attr("T: {half, bfloat16, float, double}")
    .SetShapeFn(PoolForwardShape);

TG_REGISTER_OP("AvgPoolGrad")
    .Input("orig_input_shape: int32")
    .Input("grad: T")
    .Output("output: T")
    .Attr("ksize: list(int)")
    .Attr("strides: list(int)")
    .Attr("padding: {'SAME', 'VALID'}")
    .Attr("data_format: {'NHWC', 'NCHW'} = 'NHWC'")
    .Attr("T: {half, bfloat16, float, double}")
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      PartialShape out;
      TG_RETURN_IF_ERROR(ShapeFromShapeTensor(c, 0, &out));
      TG_REQUIRE(!out.known_rank || out.rank() == 4, InvalidArgument,
                 "orig_input_shape must hold 4 values, got ", out.rank());
      c.set_output(0, out.known_rank ? out : PartialShape::UnknownDims(4));
      return absl::OkStatus();
    });

// x and y share a shape; every statistic is [C].
// x is input `x_index`; inputs `first_stat`..`last_stat` are [C] vectors.
absl::Status BatchNormShape(InferenceContext& c, int x_index, int first_stat,
                            int last_stat, int num_stats) {
  PartialShape x;
  TG_RETURN_IF_ERROR(c.WithRank(x_index, 4, &x));
  TG_ASSIGN_OR_RETURN(std::string format,
                      c.GetAttr<std::string>("data_format"));
  TG_REQUIRE(format == "NHWC" || format == "NCHW", Unimplemented,
             "data_format ", format,
             " is not supported: batch norm takes 4-D NHWC or NCHW");
  int64_t channels = x.dims[format == "NCHW" ? 1 : 3];
  for (int i = first_stat; i <= last_stat; ++i) {
    PartialShape v;
    TG_RETURN_IF_ERROR(c.WithRank(i, 1, &v));
    if (channels < 0 && v.dims[0] > 0) channels = v.dims[0];
  }
  c.set_output(0, x);
  for (int i = 1; i <= num_stats; ++i) {
    c.set_output(i, PartialShape::Of({channels}));
  }
  return absl::OkStatus();
}

TG_REGISTER_OP("FusedBatchNormV3")
    .Input("x: T")
    .Input("scale: U")
    .Input("offset: U")
    .Input("mean: U")
    .Input("variance: U")
    .Output("y: T")
    .Output("batch_mean: U")
    .Output("batch_variance: U")
    .Output("reserve_space_1: U")
    .Output("reserve_space_2: U")
    .Output("reserve_space_3: U")
    .Attr("T: {half, bfloat16, float, double}")
    .Attr("U: {bfloat16, float, double}")
    .Attr("epsilon: float = 0.0001")
    .Attr("exponential_avg_factor: float = 1.0")
    .Attr("data_format: {'NHWC', 'NCHW', 'NDHWC', 'NCDHW'} = 'NHWC'")
    .Attr("is_training: bool = true")
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      TG_RETURN_IF_ERROR(BatchNormShape(c, 0, 1, 4, 4));
      c.set_output(5, PartialShape::Unknown());
      return absl::OkStatus();
    });

// TensorFlow fixes `scale` at float; here it is U, which is the same for
// every graph TensorFlow writes (U = float) and lets double graphs check
// gradients.
TG_REGISTER_OP("FusedBatchNormGradV3")
    .Input("y_backprop: T")
    .Input("x: T")
    .Input("scale: U")
    .Input("reserve_space_1: U")
    .Input("reserve_space_2: U")
    .Input("reserve_space_3: U")
    .Output("x_backprop: T")
    .Output("scale_backprop: U")
    .Output("offset_backprop: U")
    .Output("reserve_space_4: U")
    .Output("reserve_space_5: U")
    .Attr("T: {half, bfloat16, float, double}")
    .Attr("U: {float, double}")
    .Attr("epsilon: float = 0.0001")
    .Attr("data_format: {'NHWC', 'NCHW', 'NDHWC', 'NCDHW'} = 'NHWC'")
    .Attr("is_training: bool = true")
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      PartialShape dy;
      TG_RETURN_IF_ERROR(c.WithRank(0, 4, &dy));
      TG_RETURN_IF_ERROR(BatchNormShape(c, 1, 2, 4, 2));
      c.set_output(3, PartialShape::Of({0}));
      c.set_output(4, PartialShape::Of({0}));
      return absl::OkStatus();
    });

// ---------------------------------------------------------------------------
// Gradients.

absl::Status MaxPoolGradFn(const Scope& s, const Operation& op,
                           const std::vector<Output>& dy,
                           std::vector<Output>* dx) {
  dx->push_back(
      WindowOpLike(s, op, "MaxPoolGrad", {op.input(0), op.output(0), dy[0]}));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("MaxPool", MaxPoolGradFn);

// MaxPoolGrad and MaxPoolGradGrad are linear in their grad input and flat
// in the others (the argmax moves only at ties): each one's gradient is
// the other applied to the incoming gradient.
template <const char* kOther>
absl::Status MaxPoolSecondGrad(const Scope& s, const Operation& op,
                               const std::vector<Output>& dz,
                               std::vector<Output>* dx) {
  dx->push_back(ops::ZerosLike(s, op.input(0)));
  dx->push_back(ops::ZerosLike(s, op.input(1)));
  dx->push_back(WindowOpLike(s, op, kOther, {op.input(0), op.input(1), dz[0]}));
  return absl::OkStatus();
}
constexpr char kMaxPoolGrad[] = "MaxPoolGrad";
constexpr char kMaxPoolGradGrad[] = "MaxPoolGradGrad";
TG_REGISTER_GRADIENT_OP("MaxPoolGrad", MaxPoolSecondGrad<kMaxPoolGradGrad>);
TG_REGISTER_GRADIENT_OP("MaxPoolGradGrad", MaxPoolSecondGrad<kMaxPoolGrad>);

absl::Status AvgPoolGradFn(const Scope& s, const Operation& op,
                           const std::vector<Output>& dy,
                           std::vector<Output>* dx) {
  dx->push_back(
      WindowOpLike(s, op, "AvgPoolGrad", {ops::Shape(s, op.input(0)), dy[0]}));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("AvgPool", AvgPoolGradFn);

// AvgPoolGrad is linear in grad; its adjoint is AvgPool.
absl::Status AvgPoolGradGrad(const Scope& s, const Operation& op,
                             const std::vector<Output>& dz,
                             std::vector<Output>* dx) {
  dx->push_back(NoGradient());
  dx->push_back(WindowOpLike(s, op, "AvgPool", {dz[0]}));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("AvgPoolGrad", AvgPoolGradGrad);

// Only y's gradient flows back (TensorFlow's choice too: the statistics
// outputs feed moving averages, not the loss). Training reads the batch
// statistics the forward op saved; inference the population ones it used.
absl::Status FusedBatchNormGradFn(const Scope& s, const Operation& op,
                                  const std::vector<Output>& dy,
                                  std::vector<Output>* dx) {
  const AttrMap& attrs = op.node()->attrs();
  const bool training = GetAttr<bool>(attrs, "is_training").value_or(true);
  const Output mean = training ? op.output(3) : op.input(3);
  const Output variance = training ? op.output(4) : op.input(4);
  OpBuilder b(s, "FusedBatchNormGradV3");
  b.Input(dy[0]).Input(op.input(0)).Input(op.input(1));
  b.Input(mean).Input(variance).Input(op.output(5));
  for (const char* name : {"epsilon", "data_format", "is_training"}) {
    auto it = attrs.find(name);
    if (it != attrs.end()) b.Attr(name, it->second);
  }
  Operation grad = b.Finalize();
  if (!grad.valid()) return absl::InternalError("FusedBatchNormGradV3 failed");
  dx->push_back(grad.output(0));
  dx->push_back(grad.output(1));
  dx->push_back(grad.output(2));
  dx->push_back(NoGradient());
  dx->push_back(NoGradient());
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("FusedBatchNormV3", FusedBatchNormGradFn);
TG_REGISTER_NO_GRADIENT_OP("FusedBatchNormGradV3");

OpBuilder& PoolAttrs(OpBuilder& b, const ops::PoolOptions& o,
                     bool explicit_ok) {
  b.Attr("ksize", o.ksize)
      .Attr("strides", o.strides)
      .Attr("padding", o.padding)
      .Attr("data_format", o.data_format);
  if (explicit_ok) b.Attr("explicit_paddings", o.explicit_paddings);
  return b;
}

Output PoolOp(const Scope& s, const char* type, std::vector<Input> inputs,
              const ops::PoolOptions& o, bool explicit_ok) {
  OpBuilder b(s, type);
  for (const Input& in : inputs) b.Input(in);
  return PoolAttrs(b, o, explicit_ok).Finalize().output(0);
}

}  // namespace

namespace ops {

Output MaxPool(const Scope& s, const Input& input, const PoolOptions& o) {
  return PoolOp(s, "MaxPool", {input}, o, true);
}
Output MaxPoolGrad(const Scope& s, const Input& orig_input,
                   const Input& orig_output, const Input& grad,
                   const PoolOptions& o) {
  return PoolOp(s, "MaxPoolGrad", {orig_input, orig_output, grad}, o, true);
}
Output MaxPoolGradGrad(const Scope& s, const Input& orig_input,
                       const Input& orig_output, const Input& grad,
                       const PoolOptions& o) {
  return PoolOp(s, "MaxPoolGradGrad", {orig_input, orig_output, grad}, o, true);
}
Output AvgPool(const Scope& s, const Input& value, const PoolOptions& o) {
  return PoolOp(s, "AvgPool", {value}, o, false);
}
Output AvgPoolGrad(const Scope& s, const Input& orig_input_shape,
                   const Input& grad, const PoolOptions& o) {
  return PoolOp(s, "AvgPoolGrad", {orig_input_shape, grad}, o, false);
}

FusedBatchNormOutputs FusedBatchNormV3(const Scope& s, const Input& x,
                                       const Input& scale, const Input& offset,
                                       const Input& mean, const Input& variance,
                                       const FusedBatchNormOptions& o) {
  Operation op = OpBuilder(s, "FusedBatchNormV3")
                     .Input(x)
                     .Input(scale)
                     .Input(offset)
                     .Input(mean)
                     .Input(variance)
                     .Attr("epsilon", o.epsilon)
                     .Attr("exponential_avg_factor", o.exponential_avg_factor)
                     .Attr("data_format", o.data_format)
                     .Attr("is_training", o.is_training)
                     .Finalize();
  if (!op.valid()) return {};
  return {op.output(0), op.output(1), op.output(2),
          op.output(3), op.output(4), op.output(5)};
}

FusedBatchNormGradOutputs FusedBatchNormGradV3(
    const Scope& s, const Input& y_backprop, const Input& x, const Input& scale,
    const Input& reserve_space_1, const Input& reserve_space_2,
    const Input& reserve_space_3, const FusedBatchNormOptions& o) {
  Operation op = OpBuilder(s, "FusedBatchNormGradV3")
                     .Input(y_backprop)
                     .Input(x)
                     .Input(scale)
                     .Input(reserve_space_1)
                     .Input(reserve_space_2)
                     .Input(reserve_space_3)
                     .Attr("epsilon", o.epsilon)
                     .Attr("data_format", o.data_format)
                     .Attr("is_training", o.is_training)
                     .Finalize();
  if (!op.valid()) return {};
  return {op.output(0), op.output(1), op.output(2), op.output(3), op.output(4)};
}

}  // namespace ops
}  // namespace tg
