// Gradients of the math ops (schemas are in math_ops.cc).
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/gradients.h"
#include "graph/op_builder.h"
#include "ops/array_ops.h"
#include "ops/gather_ops.h"
#include "ops/manip_ops.h"
#include "ops/math_ops.h"
#include "ops/nn_ops.h"
#include "ops/slicing_ops.h"

namespace tg {
namespace {

using ops::Mul;
using ops::ScalarConst;

// Undoes NumPy broadcasting: sums gx and gy (shaped like the broadcast
// result) over the broadcast axes and reshapes them to x's and y's shapes.
void UnbroadcastGrads(const Scope& s, const Output& x, const Output& y,
                      Output gx, Output gy, std::vector<Output>* dx) {
  if (x.shape().IsFullyDefined() && x.shape() == y.shape()) {
    dx->push_back(gx);
    dx->push_back(gy);
    return;
  }
  Output sx = ops::Shape(s, x), sy = ops::Shape(s, y);
  ops::BroadcastGradientArgsOutputs r = ops::BroadcastGradientArgs(s, sx, sy);
  dx->push_back(gx.valid() ? ops::Reshape(s, ops::Sum(s, gx, r.r0), sx)
                           : NoGradient());
  dx->push_back(gy.valid() ? ops::Reshape(s, ops::Sum(s, gy, r.r1), sy)
                           : NoGradient());
}

// d(a b) : da = g b^T, db = a^T g, with the transposes folded into the
// products.
void MatMulInputGrads(const Scope& s, const Operation& op, const Output& g,
                      std::vector<Output>* dx) {
  const bool ta = GetAttr<bool>(op.node()->attrs(), "transpose_a").value();
  const bool tb = GetAttr<bool>(op.node()->attrs(), "transpose_b").value();
  const Output a = op.input(0), b = op.input(1);
  if (!ta && !tb) {
    dx->push_back(ops::MatMul(s, g, b, false, true));
    dx->push_back(ops::MatMul(s, a, g, true, false));
  } else if (!ta && tb) {
    dx->push_back(ops::MatMul(s, g, b, false, false));
    dx->push_back(ops::MatMul(s, g, a, true, false));
  } else if (ta && !tb) {
    dx->push_back(ops::MatMul(s, b, g, false, true));
    dx->push_back(ops::MatMul(s, a, g, false, false));
  } else {
    dx->push_back(ops::MatMul(s, b, g, true, true));
    dx->push_back(ops::MatMul(s, g, a, true, true));
  }
}

absl::Status MatMulGrad(const Scope& s, const Operation& op,
                        const std::vector<Output>& dy,
                        std::vector<Output>* dx) {
  MatMulInputGrads(s, op, dy[0], dx);
  return absl::OkStatus();
}

// y = act(a b + bias): the activation's gradient from y (each supported
// activation's gradient can be computed from its output), then MatMul's
// and BiasAdd's.
absl::Status FusedMatMulGrad(const Scope& s, const Operation& op,
                             const std::vector<Output>& dy,
                             std::vector<Output>* dx) {
  const auto& attrs = op.node()->attrs();
  TG_ASSIGN_OR_RETURN(std::vector<std::string> fused,
                      GetAttr<std::vector<std::string>>(attrs, "fused_ops"));
  const Output y = op.output(0);
  Output g = dy[0];
  const std::string act = fused.size() == 2 ? fused[1] : "";
  if (act == "Sigmoid") {
    g = ops::SigmoidGrad(s, y, g);
  } else if (act == "Tanh") {
    g = ops::TanhGrad(s, y, g);
  } else if (act == "Relu") {
    g = ops::ReluGrad(s, g, y);
  } else if (act == "Relu6") {
    g = ops::Relu6Grad(s, g, y);
  } else if (act == "Elu") {
    g = ops::EluGrad(s, g, y);
  } else if (act == "LeakyRelu") {
    TG_ASSIGN_OR_RETURN(float alpha, GetAttr<float>(attrs, "leakyrelu_alpha"));
    TG_REQUIRE(alpha > 0, Unimplemented,
               "the gradient of _FusedMatMul with "
               "LeakyRelu needs leakyrelu_alpha > 0, got ",
               alpha);
    g = ops::LeakyReluGrad(s, g, y, alpha);
  } else if (!act.empty() || fused.empty() || fused[0] != "BiasAdd") {
    return absl::UnimplementedError(
        absl::StrCat("no gradient for _FusedMatMul with fused_ops [",
                     absl::StrJoin(fused, ", "), "]"));
  }
  MatMulInputGrads(s, op, g, dx);
  dx->push_back(ops::BiasAddGrad(s, g));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("_FusedMatMul", FusedMatMulGrad);
TG_REGISTER_GRADIENT_OP("MatMul", MatMulGrad);

// As MatMul's gradient per batch, then summed over broadcast batch dims.
absl::Status BatchMatMulGrad(const Scope& s, const Operation& op,
                             const std::vector<Output>& dy,
                             std::vector<Output>* dx) {
  const bool ax = GetAttr<bool>(op.node()->attrs(), "adj_x").value();
  const bool ay = GetAttr<bool>(op.node()->attrs(), "adj_y").value();
  const Output x = op.input(0), y = op.input(1), g = dy[0];
  const int rx = x.shape().rank(), ry = y.shape().rank();
  if (rx < 0 || ry < 0) {
    return absl::UnimplementedError(
        "the gradient of BatchMatMulV2 needs inputs of known rank");
  }
  Output gx, gy;
  if (!ax && !ay) {
    gx = ops::BatchMatMulV2(s, g, y, false, true);
    gy = ops::BatchMatMulV2(s, x, g, true, false);
  } else if (!ax && ay) {
    gx = ops::BatchMatMulV2(s, g, y, false, false);
    gy = ops::BatchMatMulV2(s, g, x, true, false);
  } else if (ax && !ay) {
    gx = ops::BatchMatMulV2(s, y, g, false, true);
    gy = ops::BatchMatMulV2(s, x, g, false, false);
  } else {
    gx = ops::BatchMatMulV2(s, y, g, true, true);
    gy = ops::BatchMatMulV2(s, g, x, true, true);
  }
  Output sx = ops::Shape(s, x), sy = ops::Shape(s, y);
  auto batch = [&](const Output& shape, int rank) {
    return ops::Slice(s, shape, {0}, Tensor::FromVector<int32_t>({rank - 2}));
  };
  ops::BroadcastGradientArgsOutputs r =
      ops::BroadcastGradientArgs(s, batch(sx, rx), batch(sy, ry));
  dx->push_back(ops::Reshape(s, ops::Sum(s, gx, r.r0), sx));
  dx->push_back(ops::Reshape(s, ops::Sum(s, gy, r.r1), sy));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("BatchMatMulV2", BatchMatMulGrad);

// d(x + y) = (dy, dy), unbroadcast.
absl::Status AddGrad(const Scope& s, const Operation& op,
                     const std::vector<Output>& dy, std::vector<Output>* dx) {
  UnbroadcastGrads(s, op.input(0), op.input(1), dy[0], dy[0], dx);
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Add", AddGrad);
TG_REGISTER_GRADIENT_OP("AddV2", AddGrad);

// d(x - y) = (dy, -dy), unbroadcast.
absl::Status SubGrad(const Scope& s, const Operation& op,
                     const std::vector<Output>& dy, std::vector<Output>* dx) {
  UnbroadcastGrads(s, op.input(0), op.input(1), dy[0], ops::Neg(s, dy[0]), dx);
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Sub", SubGrad);

// d(x y) = (dy y, x dy), unbroadcast.
absl::Status MulGrad(const Scope& s, const Operation& op,
                     const std::vector<Output>& dy, std::vector<Output>* dx) {
  const Output x = op.input(0), y = op.input(1);
  UnbroadcastGrads(s, x, y, Mul(s, dy[0], y), Mul(s, x, dy[0]), dx);
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Mul", MulGrad);

// d(x / y) = (dy / y, -dy x / y^2), unbroadcast.
absl::Status RealDivGrad(const Scope& s, const Operation& op,
                         const std::vector<Output>& dy,
                         std::vector<Output>* dx) {
  const Output x = op.input(0), y = op.input(1);
  Output gx = ops::RealDiv(s, dy[0], y);
  Output gy =
      ops::Neg(s, Mul(s, dy[0], ops::RealDiv(s, ops::RealDiv(s, x, y), y)));
  UnbroadcastGrads(s, x, y, gx, gy, dx);
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("RealDiv", RealDivGrad);
TG_REGISTER_GRADIENT_OP("Div", RealDivGrad);
// Piecewise constant: zero almost everywhere, as in TensorFlow.
TG_REGISTER_NO_GRADIENT_OP("FloorDiv");

// x mod y = x - floor(x / y) y: (dy, -dy floor(x / y)), unbroadcast.
absl::Status FloorModGrad(const Scope& s, const Operation& op,
                          const std::vector<Output>& dy,
                          std::vector<Output>* dx) {
  const Output x = op.input(0), y = op.input(1);
  UnbroadcastGrads(s, x, y, dy[0],
                   ops::Neg(s, Mul(s, dy[0], ops::FloorDiv(s, x, y))), dx);
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("FloorMod", FloorModGrad);

// d(-x) = -dy.
absl::Status NegGrad(const Scope& s, const Operation&,
                     const std::vector<Output>& dy, std::vector<Output>* dx) {
  dx->push_back(ops::Neg(s, dy[0]));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Neg", NegGrad);

// d(x^2) = 2 x dy.
absl::Status SquareGrad(const Scope& s, const Operation& op,
                        const std::vector<Output>& dy,
                        std::vector<Output>* dx) {
  const Output x = op.input(0);
  dx->push_back(
      Mul(s, dy[0], Mul(s, ScalarConst(s, 2, BaseType(x.type())), x)));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Square", SquareGrad);

// d/dx sigmoid(x) = y (1 - y) dy, computed by SigmoidGrad(y, dy).
absl::Status SigmoidGradFn(const Scope& s, const Operation& op,
                           const std::vector<Output>& dy,
                           std::vector<Output>* dx) {
  dx->push_back(ops::SigmoidGrad(s, op.output(0), dy[0]));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Sigmoid", SigmoidGradFn);

// d/dx tanh(x) = (1 - y^2) dy, computed by TanhGrad(y, dy).
absl::Status TanhGradFn(const Scope& s, const Operation& op,
                        const std::vector<Output>& dy,
                        std::vector<Output>* dx) {
  dx->push_back(ops::TanhGrad(s, op.output(0), dy[0]));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Tanh", TanhGradFn);

// z = g y (1 - y): dz/dy = g (1 - 2y) * incoming, dz/dg = SigmoidGrad(y, .).
absl::Status SigmoidGradGrad(const Scope& s, const Operation& op,
                             const std::vector<Output>& dz,
                             std::vector<Output>* dx) {
  const Output y = op.input(0), g = op.input(1);
  const DataType t = BaseType(y.type());
  Output one_minus_2y =
      ops::Sub(s, ScalarConst(s, 1, t), Mul(s, ScalarConst(s, 2, t), y));
  dx->push_back(Mul(s, dz[0], Mul(s, g, one_minus_2y)));
  dx->push_back(ops::SigmoidGrad(s, y, dz[0]));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("SigmoidGrad", SigmoidGradGrad);

// z = g (1 - y^2): dz/dy = -2 y g * incoming, dz/dg = TanhGrad(y, .).
absl::Status TanhGradGrad(const Scope& s, const Operation& op,
                          const std::vector<Output>& dz,
                          std::vector<Output>* dx) {
  const Output y = op.input(0), g = op.input(1);
  const DataType t = BaseType(y.type());
  dx->push_back(Mul(s, dz[0], Mul(s, Mul(s, ScalarConst(s, -2, t), y), g)));
  dx->push_back(ops::TanhGrad(s, y, dz[0]));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("TanhGrad", TanhGradGrad);

// Each summand receives the whole gradient.
absl::Status AddNGrad(const Scope&, const Operation& op,
                      const std::vector<Output>& dy, std::vector<Output>* dx) {
  dx->assign(op.num_inputs(), dy[0]);
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("AddN", AddNGrad);

// The shape of x with the reduced axes set to 1, so dy can be reshaped to
// broadcast against x: from constants when the axes are constant and the
// rank known, else from ops computing it at run time.
absl::StatusOr<Output> KeptDimsShape(const Scope& s, const Operation& op) {
  const Output x = op.input(0);
  const int rank = x.shape().rank();
  const Node* axes_node = op.input(1).node();
  if (rank < 0 || axes_node->op() != "Const") {
    // Computed at run time, as TensorFlow does: stitch 1s into shape(x) at
    // the (normalized) reduced axes.
    Output r = ops::Rank(s, x);
    Output axes = ops::Cast(s, op.input(1), DT_INT32);
    Output negative = ops::Cast(s, ops::Less(s, axes, 0), DT_INT32);
    axes = ops::AddV2(s, axes, Mul(s, negative, r));
    return ops::DynamicStitch(
        s, {ops::Range(s, 0, r, 1), ops::Reshape(s, axes, {-1})},
        {ops::Shape(s, x),
         ops::Fill(s, ops::Shape(s, ops::Reshape(s, axes, {-1})), 1)});
  }
  TG_ASSIGN_OR_RETURN(Tensor axes_t,
                      GetAttr<Tensor>(axes_node->attrs(), "value"));
  TG_ASSIGN_OR_RETURN(std::vector<int64_t> axes, TensorToInt64s(axes_t));
  // kept = shape(x) * keep + (1 - keep), keep[d] = 0 on reduced axes.
  std::vector<int32_t> keep(rank, 1), reduced(rank, 0);
  for (int64_t a : axes) {
    const int64_t d = a < 0 ? a + rank : a;
    keep[d] = 0;
    reduced[d] = 1;
  }
  return ops::AddV2(s, Mul(s, ops::Shape(s, x), Tensor::FromVector(keep)),
                    Tensor::FromVector(reduced));
}

// d/dx sum(x, axes) = dy broadcast back over the reduced axes.
absl::StatusOr<Output> SumGradOutput(const Scope& s, const Operation& op,
                                     const Output& dy) {
  TG_ASSIGN_OR_RETURN(Output kept, KeptDimsShape(s, op));
  return Mul(s, ops::Reshape(s, dy, kept), ops::OnesLike(s, op.input(0)));
}

absl::Status SumGrad(const Scope& s, const Operation& op,
                     const std::vector<Output>& dy, std::vector<Output>* dx) {
  TG_ASSIGN_OR_RETURN(Output g, SumGradOutput(s, op, dy[0]));
  dx->push_back(g);
  dx->push_back(NoGradient());
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Sum", SumGrad);

// d/dx mean(x, axes) = sum gradient / (elements of x per element of y).
absl::Status MeanGrad(const Scope& s, const Operation& op,
                      const std::vector<Output>& dy, std::vector<Output>* dx) {
  TG_ASSIGN_OR_RETURN(Output g, SumGradOutput(s, op, dy[0]));
  const DataType t = BaseType(op.input(0).type());
  Output in_size = ops::Prod(s, ops::Shape(s, op.input(0)), 0);
  Output out_size = ops::Prod(s, ops::Shape(s, op.output(0)), 0);
  Output count =
      ops::RealDiv(s, ops::Cast(s, in_size, t), ops::Cast(s, out_size, t));
  dx->push_back(ops::RealDiv(s, g, count));
  dx->push_back(NoGradient());
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Mean", MeanGrad);

// d/dx_i prod(x) = product of the other elements of x_i's group. With z
// zeros in a group and P the product of its nonzero elements: P / x_i when
// z = 0; P at the zero (0 elsewhere) when z = 1; 0 when z > 1. Exact where
// TensorFlow's cumulative-product form is, without dividing by zero.
absl::Status ProdGrad(const Scope& s, const Operation& op,
                      const std::vector<Output>& dy, std::vector<Output>* dx) {
  const Output x = op.input(0), axes = op.input(1);
  const DataType t = BaseType(x.type());
  TG_ASSIGN_OR_RETURN(Output kept, KeptDimsShape(s, op));
  Output is_zero = ops::Equal(s, x, ScalarConst(s, 0, t));
  Output zero_f = ops::Cast(s, is_zero, t);
  Output zeros = ops::Sum(s, zero_f, axes, /*keep_dims=*/true);
  Output safe = ops::SelectV2(s, is_zero, ScalarConst(s, 1, t), x);
  Output nonzero_prod = ops::Prod(s, safe, axes, /*keep_dims=*/true);
  Output no_zero = ops::Equal(s, zeros, ScalarConst(s, 0, t));
  Output one_zero = ops::Equal(s, zeros, ScalarConst(s, 1, t));
  Output others =
      ops::SelectV2(s, no_zero, ops::RealDiv(s, nonzero_prod, safe),
                    ops::SelectV2(s, one_zero, Mul(s, zero_f, nonzero_prod),
                                  ops::ZerosLike(s, x)));
  dx->push_back(Mul(s, others, ops::Reshape(s, dy[0], kept)));
  dx->push_back(NoGradient());
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Prod", ProdGrad);

// max/min over axes: the gradient goes to the elements equal to the result,
// shared equally among ties (as TensorFlow).
absl::Status MaxMinReductionGrad(const Scope& s, const Operation& op,
                                 const std::vector<Output>& dy,
                                 std::vector<Output>* dx) {
  const Output x = op.input(0);
  const DataType t = BaseType(x.type());
  TG_ASSIGN_OR_RETURN(Output kept, KeptDimsShape(s, op));
  Output y = ops::Reshape(s, op.output(0), kept);
  Output hit = ops::Cast(s, ops::Equal(s, x, y), t);
  Output ties =
      ops::Reshape(s, ops::Sum(s, hit, op.input(1), /*keep_dims=*/true), kept);
  Output g = ops::Reshape(s, dy[0], kept);
  dx->push_back(Mul(s, ops::RealDiv(s, hit, ties), g));
  dx->push_back(NoGradient());
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Max", MaxMinReductionGrad);
TG_REGISTER_GRADIENT_OP("Min", MaxMinReductionGrad);

// A cast between floating types passes the gradient back, cast to the
// source type; other casts are not differentiable.
absl::Status CastGrad(const Scope& s, const Operation& op,
                      const std::vector<Output>& dy, std::vector<Output>* dx) {
  const DataType src = GetAttr<DataType>(op.node()->attrs(), "SrcT").value();
  const DataType dst = GetAttr<DataType>(op.node()->attrs(), "DstT").value();
  if (DataTypeIsFloating(src) && DataTypeIsFloating(dst)) {
    dx->push_back(ops::Cast(s, dy[0], src));
  } else {
    dx->push_back(NoGradient());
  }
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Cast", CastGrad);

// d exp(x) = exp(x) dy.
absl::Status ExpGrad(const Scope& s, const Operation& op,
                     const std::vector<Output>& dy, std::vector<Output>* dx) {
  dx->push_back(Mul(s, dy[0], op.output(0)));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Exp", ExpGrad);

// d log(x) = dy / x.
absl::Status LogGrad(const Scope& s, const Operation& op,
                     const std::vector<Output>& dy, std::vector<Output>* dx) {
  dx->push_back(ops::RealDiv(s, dy[0], op.input(0)));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Log", LogGrad);

// d log(1 + x) = dy / (1 + x).
absl::Status Log1pGrad(const Scope& s, const Operation& op,
                       const std::vector<Output>& dy, std::vector<Output>* dx) {
  const Output x = op.input(0);
  dx->push_back(ops::RealDiv(
      s, dy[0], ops::AddV2(s, ScalarConst(s, 1, BaseType(x.type())), x)));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Log1p", Log1pGrad);

// d sqrt(x) = dy / (2 y).
absl::Status SqrtGrad(const Scope& s, const Operation& op,
                      const std::vector<Output>& dy, std::vector<Output>* dx) {
  const Output y = op.output(0);
  dx->push_back(
      ops::RealDiv(s, dy[0], Mul(s, ScalarConst(s, 2, BaseType(y.type())), y)));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Sqrt", SqrtGrad);

// d x^(-1/2) = -1/2 y^3 dy.
absl::Status RsqrtGrad(const Scope& s, const Operation& op,
                       const std::vector<Output>& dy, std::vector<Output>* dx) {
  const Output y = op.output(0);
  Output y3 = Mul(s, ops::Square(s, y), y);
  dx->push_back(
      Mul(s, dy[0], Mul(s, ScalarConst(s, -0.5, BaseType(y.type())), y3)));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Rsqrt", RsqrtGrad);

// d (1/x) = -y^2 dy.
absl::Status ReciprocalGrad(const Scope& s, const Operation& op,
                            const std::vector<Output>& dy,
                            std::vector<Output>* dx) {
  dx->push_back(ops::Neg(s, Mul(s, dy[0], ops::Square(s, op.output(0)))));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Reciprocal", ReciprocalGrad);

// d |x| = sign(x) dy (0 at the kink).
absl::Status AbsGrad(const Scope& s, const Operation& op,
                     const std::vector<Output>& dy, std::vector<Output>* dx) {
  dx->push_back(Mul(s, dy[0], ops::Sign(s, op.input(0))));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Abs", AbsGrad);

// sign(x) is flat wherever it is differentiable: zeros, as TensorFlow.
absl::Status SignGrad(const Scope& s, const Operation& op,
                      const std::vector<Output>&, std::vector<Output>* dx) {
  dx->push_back(ops::ZerosLike(s, op.input(0)));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Sign", SignGrad);

// d softplus(x) = sigmoid(x) dy.
absl::Status SoftplusGrad(const Scope& s, const Operation& op,
                          const std::vector<Output>& dy,
                          std::vector<Output>* dx) {
  dx->push_back(Mul(s, dy[0], ops::Sigmoid(s, op.input(0))));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Softplus", SoftplusGrad);

// max(x, y): the gradient goes to x where x >= y, else to y (ties to x, as
// TensorFlow); min(x, y) likewise with x <= y.
template <bool kMax>
absl::Status MaxMinGrad(const Scope& s, const Operation& op,
                        const std::vector<Output>& dy,
                        std::vector<Output>* dx) {
  const Output x = op.input(0), y = op.input(1);
  Output pick_x = kMax ? ops::GreaterEqual(s, x, y) : ops::LessEqual(s, x, y);
  Output gx = Mul(s, dy[0], ops::Cast(s, pick_x, BaseType(x.type())));
  UnbroadcastGrads(s, x, y, gx, ops::Sub(s, dy[0], gx), dx);
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Maximum", MaxMinGrad<true>);
TG_REGISTER_GRADIENT_OP("Minimum", MaxMinGrad<false>);

// z = x^y: dz/dx = y x^(y-1) dy; dz/dy = z log(x) dy, taken as 0 where
// x <= 0 (where the real power is not differentiable in y).
absl::Status PowGrad(const Scope& s, const Operation& op,
                     const std::vector<Output>& dy, std::vector<Output>* dx) {
  const Output x = op.input(0), y = op.input(1), z = op.output(0);
  const DataType t = BaseType(x.type());
  Output gx =
      Mul(s, dy[0],
          Mul(s, y, ops::Pow(s, x, ops::Sub(s, y, ScalarConst(s, 1, t)))));
  Output positive = ops::Cast(s, ops::Greater(s, x, ScalarConst(s, 0, t)), t);
  // log(max(x, tiny)) keeps the masked-out entries finite.
  Output safe_log = ops::Log(
      s, ops::Maximum(s, x,
                      ScalarConst(s, std::numeric_limits<double>::min(), t)));
  Output gy = Mul(s, dy[0], Mul(s, Mul(s, z, safe_log), positive));
  UnbroadcastGrads(s, x, y, gx, gy, dx);
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Pow", PowGrad);

TG_REGISTER_NO_GRADIENT_OP("ArgMax");
TG_REGISTER_NO_GRADIENT_OP("Equal");
TG_REGISTER_NO_GRADIENT_OP("Greater");
TG_REGISTER_NO_GRADIENT_OP("GreaterEqual");
TG_REGISTER_NO_GRADIENT_OP("Less");
TG_REGISTER_NO_GRADIENT_OP("LessEqual");

}  // namespace
}  // namespace tg
