// Layer helpers on top of the ops: a fully connected layer and dropout.
#ifndef TG_OPS_LAYERS_H_
#define TG_OPS_LAYERS_H_

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

}  // namespace layers
}  // namespace tg

#endif  // TG_OPS_LAYERS_H_
