#include "ops/layers.h"

#include "absl/strings/str_cat.h"
#include "ops/array_ops.h"
#include "ops/math_ops.h"
#include "ops/nn_ops.h"
#include "ops/random_ops.h"
#include "ops/variables.h"

namespace tg {
namespace layers {

Dense DenseLayer(const Scope& scope, const Output& x, int64_t units,
                 const DenseOptions& options) {
  Dense d;
  if (!scope.ok()) return d;
  const PartialShape& in_shape = x.shape();
  if (in_shape.rank() != 2 || in_shape.dims[1] < 0) {
    scope.UpdateStatus(absl::InvalidArgumentError(absl::StrCat(
        "Dense layer on '", x.name(), "': input must be [batch, features] ",
        "with known features, got ", in_shape.DebugString())));
    return d;
  }
  const Scope s = scope.NewSubScope("dense");
  const DataType dtype = BaseType(x.type());
  const int64_t in = in_shape.dims[1];
  d.kernel = ops::CreateVariable(s.WithOpName("kernel"), {in, units}, dtype,
                                 options.kernel_initializer);
  Output y = ops::MatMul(s, x, d.kernel);
  if (options.use_bias) {
    d.bias = ops::CreateVariable(s.WithOpName("bias"), {units}, dtype,
                                 options.bias_initializer);
    y = ops::BiasAdd(s, y, d.bias);
  }
  switch (options.activation) {
    case Activation::kLinear:
      break;
    case Activation::kRelu:
      y = ops::Relu(s, y);
      break;
    case Activation::kSigmoid:
      y = ops::Sigmoid(s, y);
      break;
    case Activation::kTanh:
      y = ops::Tanh(s, y);
      break;
    case Activation::kSoftmax:
      y = ops::Softmax(s, y);
      break;
  }
  d.output = y;
  return d;
}

Output Dropout(const Scope& scope, const Input& x_in, const Input& rate_in,
               int64_t seed) {
  const Scope s = scope.NewSubScope("dropout");
  Output x = x_in.ToOutput(s);
  Output rate = rate_in.ToOutput(s);
  if (!s.ok()) return Output();
  const DataType dtype = BaseType(x.type());
  Output sample = ops::RandomUniform(s, ops::Shape(s, x), dtype, seed,
                                     s.graph()->num_nodes());
  Output keep = ops::Cast(s, ops::GreaterEqual(s, sample, rate), dtype);
  Output scale = ops::Sub(s, ops::ScalarConst(s, 1, dtype), rate);
  return ops::RealDiv(s, ops::Mul(s, x, keep), scale);
}

}  // namespace layers
}  // namespace tg
