#include "ops/layers.h"

#include "absl/strings/str_cat.h"
#include "ops/array_ops.h"
#include "ops/conv_ops.h"
#include "ops/manip_ops.h"
#include "ops/math_ops.h"
#include "ops/nn_ops.h"
#include "ops/random_ops.h"
#include "ops/state_ops.h"
#include "ops/variables.h"

namespace tg {
namespace layers {

namespace {

// Fails (into the scope) unless x is 4-D NHWC with known channels.
bool RequireNhwc(const Scope& scope, const Output& x, const char* layer) {
  const PartialShape& shape = x.shape();
  if (shape.rank() == 4 && shape.dims[3] >= 0) return true;
  scope.UpdateStatus(absl::InvalidArgumentError(
      absl::StrCat(layer, " layer on '", x.name(),
                   "': input must be 4-D NHWC with known channels, got ",
                   shape.DebugString())));
  return false;
}

std::vector<int64_t> Nhwc(const std::vector<int64_t>& hw) {
  return {1, hw.size() > 0 ? hw[0] : 1, hw.size() > 1 ? hw[1] : 1, 1};
}

Output Activate(const Scope& s, Output y, Activation activation) {
  switch (activation) {
    case Activation::kLinear:
      return y;
    case Activation::kRelu:
      return ops::Relu(s, y);
    case Activation::kSigmoid:
      return ops::Sigmoid(s, y);
    case Activation::kTanh:
      return ops::Tanh(s, y);
    case Activation::kSoftmax:
      return ops::Softmax(s, y);
  }
  return y;
}

ops::PoolOptions PoolOptionsOf(const Pool2DOptions& o) {
  ops::PoolOptions p;
  p.ksize = Nhwc(o.pool_size);
  p.strides = Nhwc(o.strides);
  p.padding = o.padding;
  return p;
}

}  // namespace

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
  d.output = Activate(s, y, options.activation);
  return d;
}

Conv2DLayer Conv2D(const Scope& scope, const Output& x, int64_t filters,
                   const Conv2DOptions& options) {
  Conv2DLayer c;
  if (!scope.ok() || !RequireNhwc(scope, x, "Conv2D")) return c;
  const Scope s = scope.NewSubScope("conv2d");
  const DataType dtype = BaseType(x.type());
  const std::vector<int64_t> ks = options.kernel_size;
  if (ks.size() != 2) {
    scope.UpdateStatus(absl::InvalidArgumentError(
        "Conv2D layer: kernel_size must hold 2 values (height, width)"));
    return c;
  }
  c.kernel = ops::CreateVariable(s.WithOpName("kernel"),
                                 {ks[0], ks[1], x.shape().dims[3], filters},
                                 dtype, options.kernel_initializer);
  ops::ConvOptions conv;
  conv.strides = Nhwc(options.strides);
  conv.dilations = Nhwc(options.dilations);
  conv.padding = options.padding;
  Output y = ops::Conv2D(s, x, c.kernel, conv);
  if (options.use_bias) {
    c.bias = ops::CreateVariable(s.WithOpName("bias"), {filters}, dtype,
                                 options.bias_initializer);
    y = ops::BiasAdd(s, y, c.bias);
  }
  c.output = Activate(s, y, options.activation);
  return c;
}

Output MaxPool2D(const Scope& scope, const Output& x,
                 const Pool2DOptions& options) {
  if (!scope.ok() || !RequireNhwc(scope, x, "MaxPool2D")) return Output();
  return ops::MaxPool(scope.NewSubScope("max_pooling2d"), x,
                      PoolOptionsOf(options));
}

Output AvgPool2D(const Scope& scope, const Output& x,
                 const Pool2DOptions& options) {
  if (!scope.ok() || !RequireNhwc(scope, x, "AvgPool2D")) return Output();
  return ops::AvgPool(scope.NewSubScope("average_pooling2d"), x,
                      PoolOptionsOf(options));
}

Output Flatten(const Scope& scope, const Output& x) {
  if (!scope.ok()) return Output();
  const PartialShape& shape = x.shape();
  int64_t features = 1;
  for (int d = 1; d < shape.rank(); ++d) {
    features = shape.dims[d] < 0 ? -1 : features * shape.dims[d];
    if (features < 0) break;
  }
  if (shape.rank() < 1 || features < 0) {
    scope.UpdateStatus(absl::InvalidArgumentError(
        absl::StrCat("Flatten layer on '", x.name(),
                     "': every dimension but the first must be known, got ",
                     shape.DebugString())));
    return Output();
  }
  const Scope s = scope.NewSubScope("flatten");
  return ops::Reshape(
      s, x,
      ops::Const(s, Tensor::FromVector<int64_t>({int64_t{-1}, features})));
}

BatchNormLayer BatchNorm(const Scope& scope, const Output& x,
                         const Input& training_in,
                         const BatchNormOptions& options) {
  BatchNormLayer b;
  if (!scope.ok() || !RequireNhwc(scope, x, "BatchNorm")) return b;
  const Scope s = scope.NewSubScope("batch_normalization");
  const DataType dtype = BaseType(x.type());
  const int64_t c = x.shape().dims[3];
  b.gamma =
      ops::CreateVariable(s.WithOpName("gamma"), {c}, dtype, init::Ones());
  b.beta = ops::CreateVariable(s.WithOpName("beta"), {c}, dtype, init::Zeros());
  b.moving_mean = ops::CreateVariable(s.WithOpName("moving_mean"), {c}, dtype,
                                      init::Zeros(), /*trainable=*/false);
  b.moving_variance = ops::CreateVariable(s.WithOpName("moving_variance"), {c},
                                          dtype, init::Ones(), false);
  Output training = training_in.ToOutput(s);
  ops::FusedBatchNormOptions train;
  train.epsilon = options.epsilon;
  train.exponential_avg_factor = 1.0f - options.momentum;
  auto batch = ops::FusedBatchNormV3(s, x, b.gamma, b.beta, b.moving_mean,
                                     b.moving_variance, train);
  ops::FusedBatchNormOptions infer = train;
  infer.is_training = false;
  infer.exponential_avg_factor = 1.0f;
  // The inference branch takes no gradient: training selects the other.
  auto moving =
      ops::FusedBatchNormV3(s.WithOpName("inference"), x, b.gamma, b.beta,
                            b.moving_mean, b.moving_variance, infer);
  if (!s.ok()) return b;
  b.output =
      ops::SelectV2(s, training, batch.y, ops::StopGradient(s, moving.y));
  Graph* g = s.graph();
  g->AddToCollection("update_ops",
                     ops::Assign(s, b.moving_mean, batch.batch_mean).node());
  g->AddToCollection(
      "update_ops",
      ops::Assign(s, b.moving_variance, batch.batch_variance).node());
  return b;
}

std::vector<Operation> UpdateOps(const Scope& s) {
  std::vector<Operation> ops;
  for (Node* n : s.graph()->GetCollection("update_ops")) ops.emplace_back(n);
  return ops;
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
