// Builders for math ops: matrix products, elementwise arithmetic with
// NumPy broadcasting, reductions, comparisons and casts.
#ifndef TG_OPS_MATH_OPS_H_
#define TG_OPS_MATH_OPS_H_

#include <vector>

#include "graph/scope.h"

namespace tg {
namespace ops {

Output MatMul(const Scope& s, const Input& a, const Input& b,
              bool transpose_a = false, bool transpose_b = false);
// TensorFlow's _FusedMatMul: activation(op(a) op(b) + bias), where
// fused_ops is {"BiasAdd"} or {"BiasAdd", activation} with activation one
// of Relu, Relu6, Elu, LeakyRelu, Tanh, Sigmoid. Graph passes create it
// (graph/passes/passes.h); it is differentiable.
Output FusedMatMul(const Scope& s, const Input& a, const Input& b,
                   const Output& bias,
                   const std::vector<std::string>& fused_ops,
                   bool transpose_a = false, bool transpose_b = false,
                   float leakyrelu_alpha = 0.2f);
// Batched matrix products: [..., m, k] x [..., k, n] with NumPy
// broadcasting of the batch dims; adj_* transposes the last two dims.
Output BatchMatMulV2(const Scope& s, const Input& x, const Input& y,
                     bool adj_x = false, bool adj_y = false);
Output Add(const Scope& s, const Input& x, const Input& y);
Output AddV2(const Scope& s, const Input& x, const Input& y);
Output Sub(const Scope& s, const Input& x, const Input& y);
Output Mul(const Scope& s, const Input& x, const Input& y);
Output RealDiv(const Scope& s, const Input& x, const Input& y);
Output Div(const Scope& s, const Input& x, const Input& y);
Output FloorDiv(const Scope& s, const Input& x, const Input& y);
Output FloorMod(const Scope& s, const Input& x, const Input& y);
Output Neg(const Scope& s, const Input& x);
Output Square(const Scope& s, const Input& x);
Output Sigmoid(const Scope& s, const Input& x);
Output Tanh(const Scope& s, const Input& x);
Output Exp(const Scope& s, const Input& x);
Output Log(const Scope& s, const Input& x);
Output Log1p(const Scope& s, const Input& x);  // log(1 + x)
Output Sqrt(const Scope& s, const Input& x);
Output Rsqrt(const Scope& s, const Input& x);  // 1 / sqrt(x)
Output Reciprocal(const Scope& s, const Input& x);
Output Abs(const Scope& s, const Input& x);
Output Sign(const Scope& s, const Input& x);      // -1, 0 or 1
Output Softplus(const Scope& s, const Input& x);  // log(1 + exp(x))
// Elementwise max / min / x^y with broadcasting.
Output Maximum(const Scope& s, const Input& x, const Input& y);
Output Minimum(const Scope& s, const Input& x, const Input& y);
Output Pow(const Scope& s, const Input& x, const Input& y);
// Backprop helpers: dy * y * (1 - y) and dy * (1 - y^2).
Output SigmoidGrad(const Scope& s, const Input& y, const Input& dy);
Output TanhGrad(const Scope& s, const Input& y, const Input& dy);
Output AddN(const Scope& s, const std::vector<Output>& inputs);

// Reductions over `axes` (an int32/int64 scalar or vector; negative counts
// from the end).
Output Sum(const Scope& s, const Input& x, const Input& axes,
           bool keep_dims = false);
Output Mean(const Scope& s, const Input& x, const Input& axes,
            bool keep_dims = false);
Output Prod(const Scope& s, const Input& x, const Input& axes,
            bool keep_dims = false);
Output Max(const Scope& s, const Input& x, const Input& axes,
           bool keep_dims = false);
Output Min(const Scope& s, const Input& x, const Input& axes,
           bool keep_dims = false);
Output ArgMax(const Scope& s, const Input& x, const Input& axis,
              DataType output_type = DT_INT64);
Output Equal(const Scope& s, const Input& x, const Input& y);
// Elementwise comparisons with broadcasting; bool results.
Output Greater(const Scope& s, const Input& x, const Input& y);
Output GreaterEqual(const Scope& s, const Input& x, const Input& y);
Output Less(const Scope& s, const Input& x, const Input& y);
Output LessEqual(const Scope& s, const Input& x, const Input& y);
Output Cast(const Scope& s, const Input& x, DataType dst);

}  // namespace ops
}  // namespace tg

#endif  // TG_OPS_MATH_OPS_H_
