// Layer helpers on top of the ops: fully connected, convolution, pooling,
// flatten and batch-normalization layers, and dropout. Variables are named
// as TensorFlow's layers name them ("dense/kernel", "conv2d/bias",
// "batch_normalization/moving_mean", ...).
#ifndef TG_OPS_LAYERS_H_
#define TG_OPS_LAYERS_H_

#include <string>
#include <vector>

#include "graph/scope.h"
#include "ops/initializers.h"

namespace tg {
namespace layers {

enum class Activation { kLinear, kRelu, kSigmoid, kTanh, kSoftmax };

struct DenseOptions {
  Activation activation = Activation::kLinear;
  init::Initializer kernel_initializer = init::GlorotUniform(1);
  init::Initializer bias_initializer = init::Zeros();
  bool use_bias = true;
};

struct Dense {
  Output output;
  Output kernel;  // [in, units], named "<scope>/kernel"
  Output bias;    // [units], named "<scope>/bias"; null without a bias
};

// activation(x kernel + bias) under a sub-scope "dense" (made unique:
// "dense_1", ...), with trainable variables registered for
// ops::GlobalVariablesInitializer. x must be [batch, in] with `in` known.
Dense DenseLayer(const Scope& s, const Output& x, int64_t units,
                 const DenseOptions& options = {});

// x * mask / (1 - rate), mask[i] = (uniform sample >= rate): each element is
// dropped with probability `rate` and the survivors are scaled so the
// expectation is unchanged. `rate` is a scalar Input, so it can be a
// PlaceholderWithDefault that evaluation feeds with 0.
Output Dropout(const Scope& s, const Input& x, const Input& rate,
               int64_t seed = 0);

struct Conv2DOptions {
  std::vector<int64_t> kernel_size = {3, 3};
  std::vector<int64_t> strides = {1, 1};
  std::string padding = "SAME";  // or "VALID"
  std::vector<int64_t> dilations = {1, 1};
  Activation activation = Activation::kLinear;
  init::Initializer kernel_initializer = init::GlorotUniform(1);
  init::Initializer bias_initializer = init::Zeros();
  bool use_bias = true;
};

struct Conv2DLayer {
  Output output;
  Output kernel;  // [kh, kw, in, filters], named "<scope>/kernel"
  Output bias;    // [filters], "<scope>/bias"; null without a bias
};

// activation(conv2d(x, kernel) + bias) under a sub-scope "conv2d" (made
// unique: "conv2d_1", ...). x must be NHWC with known channels.
Conv2DLayer Conv2D(const Scope& s, const Output& x, int64_t filters,
                   const Conv2DOptions& options = {});

struct Pool2DOptions {
  std::vector<int64_t> pool_size = {2, 2};
  std::vector<int64_t> strides = {2, 2};
  std::string padding = "VALID";  // or "SAME"
};
// Max and average pooling of NHWC x under "max_pooling2d" /
// "average_pooling2d".
Output MaxPool2D(const Scope& s, const Output& x,
                 const Pool2DOptions& options = {});
Output AvgPool2D(const Scope& s, const Output& x,
                 const Pool2DOptions& options = {});

// [batch, everything else]: x's non-batch dims must be known.
Output Flatten(const Scope& s, const Output& x);

struct BatchNormOptions {
  float momentum =
      0.99f;  // moving = momentum * moving + (1 - momentum) * batch
  float epsilon = 0.001f;
};

struct BatchNormLayer {
  Output output;
  Output gamma, beta;                   // trainable, [C]
  Output moving_mean, moving_variance;  // not trainable, [C]
};

// Batch normalization of NHWC x over its last axis, under
// "batch_normalization", as TensorFlow's layer: with `training` (a scalar
// bool Input, e.g. a PlaceholderWithDefault(true) that evaluation feeds
// false) true, the batch's statistics normalize and the moving averages
// are updated by Assign ops added to the graph's "update_ops" collection;
// run them with the training op (see UpdateOps). With it false the moving
// averages normalize.
BatchNormLayer BatchNorm(const Scope& s, const Output& x, const Input& training,
                         const BatchNormOptions& options = {});

// The ops of the "update_ops" collection: a training op should depend on
// them (TensorFlow's tf.GraphKeys.UPDATE_OPS convention).
std::vector<Operation> UpdateOps(const Scope& s);

}  // namespace layers
}  // namespace tg

#endif  // TG_OPS_LAYERS_H_
