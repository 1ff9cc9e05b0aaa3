// Neural-network ops: schemas, shape functions, gradients and builders.
#include "ops/nn_ops.h"

#include "absl/strings/str_cat.h"
#include "graph/gradients.h"
#include "graph/op_builder.h"
#include "ops/array_ops.h"
#include "ops/math_ops.h"
#include "ops/op_types.h"

namespace tg {
namespace {

// The channel axis of a rank-`rank` tensor in `format`.
absl::StatusOr<int> ChannelAxis(const InferenceContext& c, int rank) {
  TG_ASSIGN_OR_RETURN(std::string format,
                      c.GetAttr<std::string>("data_format"));
  return format == "NCHW" ? 1 : rank - 1;
}

absl::Status BiasAddShape(InferenceContext& c) {
  const PartialShape& value = c.input(0);
  PartialShape bias;
  TG_RETURN_IF_ERROR(c.WithRank(1, 1, &bias));
  if (!value.known_rank) return UnchangedShape(c);
  if (value.rank() < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "value must have rank at least 2, got shape ", value.DebugString()));
  }
  TG_ASSIGN_OR_RETURN(int axis, ChannelAxis(c, value.rank()));
  PartialShape out = value;
  const int64_t channels = value.dims[axis];
  if (channels >= 0 && bias.dims[0] >= 0 && channels != bias.dims[0]) {
    return absl::InvalidArgumentError(
        absl::StrCat("bias of shape ", bias.DebugString(),
                     " does not match the channel dimension of value ",
                     value.DebugString()));
  }
  if (out.dims[axis] < 0) out.dims[axis] = bias.dims[0];
  c.set_output(0, std::move(out));
  return absl::OkStatus();
}

TG_REGISTER_OP("BiasAdd")
    .Input("value: T")
    .Input("bias: T")
    .Output("output: T")
    .Attr("T: " TG_NUMBER_TYPES)
    .Attr("data_format: {'NHWC', 'NCHW'} = 'NHWC'")
    .SetShapeFn(BiasAddShape);

TG_REGISTER_OP("BiasAddGrad")
    .Input("out_backprop: T")
    .Output("output: T")
    .Attr("T: " TG_NUMBER_TYPES)
    .Attr("data_format: {'NHWC', 'NCHW'} = 'NHWC'")
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      const PartialShape& in = c.input(0);
      if (!in.known_rank) {
        c.set_output(0, PartialShape::UnknownDims(1));
        return absl::OkStatus();
      }
      if (in.rank() < 2) {
        return absl::InvalidArgumentError(
            absl::StrCat("out_backprop must have rank at least 2, got shape ",
                         in.DebugString()));
      }
      TG_ASSIGN_OR_RETURN(int axis, ChannelAxis(c, in.rank()));
      c.set_output(0, PartialShape::Of({in.dims[axis]}));
      return absl::OkStatus();
    });

TG_REGISTER_OP("Relu")
    .Input("features: T")
    .Output("activations: T")
    .Attr("T: " TG_REAL_NUMBER_TYPES)
    .SetShapeFn(UnchangedShape);

TG_REGISTER_OP("ReluGrad")
    .Input("gradients: T")
    .Input("features: T")
    .Output("backprops: T")
    .Attr("T: " TG_REAL_NUMBER_TYPES)
    .SetShapeFn(BroadcastBinaryShape);

TG_REGISTER_OP("Relu6")
    .Input("features: T")
    .Output("activations: T")
    .Attr("T: " TG_REAL_NUMBER_TYPES)
    .SetShapeFn(UnchangedShape);

TG_REGISTER_OP("Relu6Grad")
    .Input("gradients: T")
    .Input("features: T")
    .Output("backprops: T")
    .Attr("T: " TG_REAL_NUMBER_TYPES)
    .SetShapeFn(BroadcastBinaryShape);

TG_REGISTER_OP("LeakyRelu")
    .Input("features: T")
    .Output("activations: T")
    .Attr("alpha: float = 0.2")
    .Attr("T: " TG_FLOAT_TYPES)
    .SetShapeFn(UnchangedShape);

TG_REGISTER_OP("LeakyReluGrad")
    .Input("gradients: T")
    .Input("features: T")
    .Output("backprops: T")
    .Attr("alpha: float = 0.2")
    .Attr("T: " TG_FLOAT_TYPES)
    .SetShapeFn(BroadcastBinaryShape);

TG_REGISTER_OP("Elu")
    .Input("features: T")
    .Output("activations: T")
    .Attr("T: " TG_FLOAT_TYPES)
    .SetShapeFn(UnchangedShape);

TG_REGISTER_OP("EluGrad")
    .Input("gradients: T")
    .Input("outputs: T")
    .Output("backprops: T")
    .Attr("T: " TG_FLOAT_TYPES)
    .SetShapeFn(BroadcastBinaryShape);

TG_REGISTER_OP("Softmax")
    .Input("logits: T")
    .Output("softmax: T")
    .Attr("T: " TG_FLOAT_TYPES)
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      if (c.input(0).known_rank && c.input(0).rank() < 1) {
        return absl::InvalidArgumentError("logits must have rank >= 1");
      }
      return UnchangedShape(c);
    });

TG_REGISTER_OP("LogSoftmax")
    .Input("logits: T")
    .Output("logsoftmax: T")
    .Attr("T: " TG_FLOAT_TYPES)
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      if (c.input(0).known_rank && c.input(0).rank() < 1) {
        return absl::InvalidArgumentError("logits must have rank >= 1");
      }
      return UnchangedShape(c);
    });

TG_REGISTER_OP("L2Loss")
    .Input("t: T")
    .Output("output: T")
    .Attr("T: " TG_FLOAT_TYPES)
    .SetShapeFn(ScalarShape);

TG_REGISTER_OP("SoftmaxCrossEntropyWithLogits")
    .Input("features: T")
    .Input("labels: T")
    .Output("loss: T")
    .Output("backprop: T")
    .Attr("T: " TG_FLOAT_TYPES)
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      PartialShape features, labels;
      TG_RETURN_IF_ERROR(c.WithRank(0, 2, &features));
      TG_RETURN_IF_ERROR(c.WithRank(1, 2, &labels));
      for (int d = 0; d < 2; ++d) {
        if (features.dims[d] >= 0 && labels.dims[d] >= 0 &&
            features.dims[d] != labels.dims[d]) {
          return absl::InvalidArgumentError(
              absl::StrCat("features ", features.DebugString(), " and labels ",
                           labels.DebugString(), " differ"));
        }
      }
      const int64_t batch =
          features.dims[0] >= 0 ? features.dims[0] : labels.dims[0];
      const int64_t classes =
          features.dims[1] >= 0 ? features.dims[1] : labels.dims[1];
      c.set_output(0, PartialShape::Of({batch}));
      c.set_output(1, PartialShape::Of({batch, classes}));
      return absl::OkStatus();
    });

TG_REGISTER_OP("SparseSoftmaxCrossEntropyWithLogits")
    .Input("features: T")
    .Input("labels: Tlabels")
    .Output("loss: T")
    .Output("backprop: T")
    .Attr("T: " TG_FLOAT_TYPES)
    .Attr("Tlabels: " TG_INDEX_TYPES " = int64")
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      PartialShape features, labels;
      TG_RETURN_IF_ERROR(c.WithRank(0, 2, &features));
      TG_RETURN_IF_ERROR(c.WithRank(1, 1, &labels));
      int64_t batch = features.dims[0];
      if (batch >= 0 && labels.dims[0] >= 0 && batch != labels.dims[0]) {
        return absl::InvalidArgumentError(
            absl::StrCat("features ", features.DebugString(), " and labels ",
                         labels.DebugString(), " have different batch sizes"));
      }
      if (batch < 0) batch = labels.dims[0];
      c.set_output(0, PartialShape::Of({batch}));
      c.set_output(1, PartialShape::Of({batch, features.dims[1]}));
      return absl::OkStatus();
    });

// ---------------------------------------------------------------------------
// Gradients.

// d(value + bias) = (dy, sum of dy over all but the channel axis).
absl::Status BiasAddGradFn(const Scope& s, const Operation& op,
                           const std::vector<Output>& dy,
                           std::vector<Output>* dx) {
  const std::string format =
      GetAttr<std::string>(op.node()->attrs(), "data_format").value();
  dx->push_back(dy[0]);
  dx->push_back(ops::BiasAddGrad(s, dy[0], format));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("BiasAdd", BiasAddGradFn);

// BiasAddGrad is linear in its input: its adjoint broadcasts the incoming
// [C] gradient back over out_backprop's shape.
absl::Status BiasAddGradGrad(const Scope& s, const Operation& op,
                             const std::vector<Output>& dy,
                             std::vector<Output>* dx) {
  const std::string format =
      GetAttr<std::string>(op.node()->attrs(), "data_format").value();
  dx->push_back(ops::BiasAdd(s, ops::ZerosLike(s, op.input(0)), dy[0], format));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("BiasAddGrad", BiasAddGradGrad);

// d/dx relu(x) = dy where x > 0, else 0.
absl::Status ReluGradFn(const Scope& s, const Operation& op,
                        const std::vector<Output>& dy,
                        std::vector<Output>* dx) {
  dx->push_back(ops::ReluGrad(s, dy[0], op.output(0)));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Relu", ReluGradFn);

// z = g (x > 0): dz/dg = incoming (x > 0); dz/dx = 0 away from the kink.
absl::Status ReluGradGrad(const Scope& s, const Operation& op,
                          const std::vector<Output>& dz,
                          std::vector<Output>* dx) {
  dx->push_back(ops::ReluGrad(s, dz[0], op.input(1)));
  dx->push_back(ops::ZerosLike(s, op.input(1)));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("ReluGrad", ReluGradGrad);

// d/dx relu6(x) = dy where 0 < x < 6, else 0.
absl::Status Relu6GradFn(const Scope& s, const Operation& op,
                         const std::vector<Output>& dy,
                         std::vector<Output>* dx) {
  dx->push_back(ops::Relu6Grad(s, dy[0], op.input(0)));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Relu6", Relu6GradFn);

// z = g (0 < x < 6): dz/dg = incoming where 0 < x < 6; dz/dx = 0 away from
// the kinks.
absl::Status Relu6GradGrad(const Scope& s, const Operation& op,
                           const std::vector<Output>& dz,
                           std::vector<Output>* dx) {
  dx->push_back(ops::Relu6Grad(s, dz[0], op.input(1)));
  dx->push_back(ops::ZerosLike(s, op.input(1)));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Relu6Grad", Relu6GradGrad);

float AlphaOf(const Operation& op) {
  return GetAttr<float>(op.node()->attrs(), "alpha").value_or(0.2f);
}

// d/dx leaky_relu(x) = dy for x > 0, alpha dy below.
absl::Status LeakyReluGradFn(const Scope& s, const Operation& op,
                             const std::vector<Output>& dy,
                             std::vector<Output>* dx) {
  dx->push_back(ops::LeakyReluGrad(s, dy[0], op.input(0), AlphaOf(op)));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("LeakyRelu", LeakyReluGradFn);

// z = g (x > 0 ? 1 : alpha): linear in g, flat in x away from the kink.
absl::Status LeakyReluGradGrad(const Scope& s, const Operation& op,
                               const std::vector<Output>& dz,
                               std::vector<Output>* dx) {
  dx->push_back(ops::LeakyReluGrad(s, dz[0], op.input(1), AlphaOf(op)));
  dx->push_back(ops::ZerosLike(s, op.input(1)));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("LeakyReluGrad", LeakyReluGradGrad);

// d/dx elu(x) = 1 for x > 0, exp(x) = y + 1 below: EluGrad from the output.
absl::Status EluGradFn(const Scope& s, const Operation& op,
                       const std::vector<Output>& dy, std::vector<Output>* dx) {
  dx->push_back(ops::EluGrad(s, dy[0], op.output(0)));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Elu", EluGradFn);

// z = g (y > 0 ? 1 : y + 1): dz/dg = EluGrad(incoming, y); dz/dy =
// incoming * g where y <= 0, else 0.
absl::Status EluGradGrad(const Scope& s, const Operation& op,
                         const std::vector<Output>& dz,
                         std::vector<Output>* dx) {
  const Output g = op.input(0), y = op.input(1);
  dx->push_back(ops::EluGrad(s, dz[0], y));
  const Output below =
      ops::Cast(s, ops::LessEqual(s, y, ops::ZerosLike(s, y)), y.type());
  dx->push_back(ops::Mul(s, ops::Mul(s, dz[0], g), below));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("EluGrad", EluGradGrad);

// d softmax: dx = (dy - sum(dy * y, last axis)) * y.
absl::Status SoftmaxGrad(const Scope& s, const Operation& op,
                         const std::vector<Output>& dy,
                         std::vector<Output>* dx) {
  const Output y = op.output(0);
  Output dot = ops::Sum(s, ops::Mul(s, dy[0], y), -1, /*keep_dims=*/true);
  dx->push_back(ops::Mul(s, ops::Sub(s, dy[0], dot), y));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Softmax", SoftmaxGrad);

// d loss_i / d features_i = backprop_i (softmax - one_hot), scaled by the
// incoming gradient of loss_i. Labels are not differentiable.
absl::Status SparseXentGrad(const Scope& s, const Operation& op,
                            const std::vector<Output>& dy,
                            std::vector<Output>* dx) {
  if (dy[1].node()->op() != "ZerosLike") {
    return absl::UnimplementedError(
        "gradients flowing into the backprop output are not supported");
  }
  Output scale = ops::Reshape(s, dy[0], {-1, 1});
  dx->push_back(ops::Mul(s, scale, op.output(1)));
  dx->push_back(NoGradient());
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("SparseSoftmaxCrossEntropyWithLogits", SparseXentGrad);

// d log_softmax: dx = dy - sum(dy, last axis) * softmax, softmax = exp(y).
absl::Status LogSoftmaxGrad(const Scope& s, const Operation& op,
                            const std::vector<Output>& dy,
                            std::vector<Output>* dx) {
  Output total = ops::Sum(s, dy[0], -1, /*keep_dims=*/true);
  dx->push_back(
      ops::Sub(s, dy[0], ops::Mul(s, total, ops::Exp(s, op.output(0)))));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("LogSoftmax", LogSoftmaxGrad);

// d (sum(t^2) / 2) = t dy.
absl::Status L2LossGrad(const Scope& s, const Operation& op,
                        const std::vector<Output>& dy,
                        std::vector<Output>* dx) {
  dx->push_back(ops::Mul(s, op.input(0), dy[0]));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("L2Loss", L2LossGrad);

// loss_i = -sum_j labels_ij log softmax(features)_ij:
// d/dfeatures = dloss_i (softmax - labels) = dloss_i backprop_i;
// d/dlabels = -dloss_i log_softmax(features)_i.
absl::Status XentGrad(const Scope& s, const Operation& op,
                      const std::vector<Output>& dy, std::vector<Output>* dx) {
  if (dy[1].node()->op() != "ZerosLike") {
    return absl::UnimplementedError(
        "gradients flowing into the backprop output are not supported");
  }
  Output scale = ops::Reshape(s, dy[0], {-1, 1});
  dx->push_back(ops::Mul(s, scale, op.output(1)));
  dx->push_back(
      ops::Neg(s, ops::Mul(s, scale, ops::LogSoftmax(s, op.input(0)))));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("SoftmaxCrossEntropyWithLogits", XentGrad);

}  // namespace

namespace ops {

Output BiasAdd(const Scope& s, const Input& value, const Input& bias,
               const std::string& data_format) {
  return OpBuilder(s, "BiasAdd")
      .Input(value)
      .Input(bias)
      .Attr("data_format", data_format)
      .Finalize();
}
Output BiasAddGrad(const Scope& s, const Input& out_backprop,
                   const std::string& data_format) {
  return OpBuilder(s, "BiasAddGrad")
      .Input(out_backprop)
      .Attr("data_format", data_format)
      .Finalize();
}
Output Relu(const Scope& s, const Input& features) {
  return UnaryOp(s, "Relu", features);
}
Output ReluGrad(const Scope& s, const Input& gradients, const Input& features) {
  return BinaryOp(s, "ReluGrad", gradients, features);
}
Output Relu6(const Scope& s, const Input& features) {
  return UnaryOp(s, "Relu6", features);
}
Output Relu6Grad(const Scope& s, const Input& gradients,
                 const Input& features) {
  return BinaryOp(s, "Relu6Grad", gradients, features);
}
Output LeakyRelu(const Scope& s, const Input& features, float alpha) {
  return OpBuilder(s, "LeakyRelu")
      .Input(features)
      .Attr("alpha", alpha)
      .Finalize();
}
Output LeakyReluGrad(const Scope& s, const Input& gradients,
                     const Input& features, float alpha) {
  return OpBuilder(s, "LeakyReluGrad")
      .Input(gradients)
      .Input(features)
      .Attr("alpha", alpha)
      .Finalize();
}
Output Elu(const Scope& s, const Input& features) {
  return UnaryOp(s, "Elu", features);
}
Output EluGrad(const Scope& s, const Input& gradients, const Input& outputs) {
  return BinaryOp(s, "EluGrad", gradients, outputs);
}
Output Softmax(const Scope& s, const Input& logits) {
  return UnaryOp(s, "Softmax", logits);
}
Output LogSoftmax(const Scope& s, const Input& logits) {
  return UnaryOp(s, "LogSoftmax", logits);
}
Output L2Loss(const Scope& s, const Input& t) {
  return UnaryOp(s, "L2Loss", t);
}
SoftmaxCrossEntropyWithLogitsOutputs SoftmaxCrossEntropyWithLogits(
    const Scope& s, const Input& features, const Input& labels) {
  Operation op = OpBuilder(s, "SoftmaxCrossEntropyWithLogits")
                     .Input(features)
                     .Input(labels)
                     .Finalize();
  if (!op.valid()) return {};
  return {op.output(0), op.output(1)};
}
SparseSoftmaxCrossEntropyWithLogitsOutputs SparseSoftmaxCrossEntropyWithLogits(
    const Scope& s, const Input& features, const Input& labels) {
  Operation op = OpBuilder(s, "SparseSoftmaxCrossEntropyWithLogits")
                     .Input(features)
                     .Input(labels)
                     .Finalize();
  if (!op.valid()) return {};
  return {op.output(0), op.output(1)};
}

}  // namespace ops
}  // namespace tg
