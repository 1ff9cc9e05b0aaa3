#include "examples/mnist/cnn.h"

#include "absl/strings/str_cat.h"
#include "ops/layers.h"
#include "ops/standard_ops.h"

namespace tg {
namespace mnist {
namespace {

// One convolution block: conv (+ batch norm) + ReLU, then 2x2 max-pooling.
Output ConvBlock(const Scope& root, const Output& x, int64_t filters,
                 const CnnConfig& config, int64_t seed2, Classifier* m) {
  layers::Conv2DOptions conv;
  conv.kernel_size = {5, 5};
  conv.padding = "SAME";
  conv.kernel_initializer = init::GlorotUniform(config.seed, seed2);
  conv.use_bias = !config.batch_norm;
  conv.activation = config.batch_norm ? layers::Activation::kLinear
                                      : layers::Activation::kRelu;
  layers::Conv2DLayer c = layers::Conv2D(root, x, filters, conv);
  m->variables.push_back(c.kernel);
  Output h = c.output;
  if (config.batch_norm) {
    layers::BatchNormLayer bn = layers::BatchNorm(root, h, m->training);
    m->variables.push_back(bn.gamma);
    m->variables.push_back(bn.beta);
    h = ops::Relu(root, bn.output);
  } else {
    m->variables.push_back(c.bias);
  }
  return layers::MaxPool2D(root, h);
}

Output Dense(const Scope& root, const Output& x, int64_t units, bool relu,
             const CnnConfig& config, int64_t seed2, Classifier* m) {
  layers::DenseOptions options;
  options.activation =
      relu ? layers::Activation::kRelu : layers::Activation::kLinear;
  options.kernel_initializer = init::GlorotUniform(config.seed, seed2);
  layers::Dense d = layers::DenseLayer(root, x, units, options);
  m->variables.push_back(d.kernel);
  m->variables.push_back(d.bias);
  return d.output;
}

}  // namespace

Classifier BuildCnn(const Scope& root, const CnnConfig& config) {
  Classifier m;
  if (!AddInputs(root, config.images, config.labels, config.dropout, &m)) {
    return m;
  }
  if (config.batch_norm) {
    m.training = ops::PlaceholderWithDefault(root.WithOpName("training"), true,
                                             PartialShape::Scalar());
  }
  Output h = ops::Reshape(
      root.WithOpName("images"), m.x,
      ops::Const(root, Tensor::FromVector<int64_t>({-1, 28, 28, 1})));
  h = ConvBlock(root, h, 32, config, 1, &m);
  h = ConvBlock(root, h, 64, config, 2, &m);
  h = layers::Flatten(root, h);
  h = Dense(root, h, 1024, true, config, 3, &m);
  if (m.dropout_rate.valid()) {
    h = layers::Dropout(root, h, m.dropout_rate, config.seed);
  }
  m.logits = Dense(root, h, 10, false, config, 4, &m);
  AddTrainingOps(root, config.optimizer, config.learning_rate, &m,
                 config.distributed);
  return m;
}

}  // namespace mnist
}  // namespace tg
