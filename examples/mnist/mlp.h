// The reference multilayer perceptron (784-512-512-10, sigmoid), built with the
// C++ API: 784 -> 512 (sigmoid) -> 512 (sigmoid) -> 10, softmax cross-entropy
// on integer labels, plain SGD.
//
// Node names follow TensorFlow's conventions so the saved graph reads
// naturally there: placeholders "x" (float [?, 784]) and "y" (int32 [?]),
// variables "dense/kernel", "dense/bias", "dense_1/...", "dense_2/...",
// "loss" and "accuracy" (batch means), "init" and "train" (NoOps grouping the
// initializers and the optimizer's updates).
#ifndef TG_EXAMPLES_MNIST_MLP_H_
#define TG_EXAMPLES_MNIST_MLP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "examples/mnist/classifier.h"
#include "graph/scope.h"

namespace tg {
namespace mnist {

struct MlpConfig {
  std::vector<int64_t> hidden = {512, 512};
  // "sgd", "momentum" (0.9), "rmsprop" (decay 0.9) or "adam" (TensorFlow's
  // defaults otherwise).
  std::string optimizer = "sgd";
  float learning_rate = 0.5f;
  // Weight initializer: "normal" (N(0, init_stddev^2), the reference),
  // "glorot_uniform" or "he_normal". Biases start at 0.
  std::string init = "normal";
  float init_stddev = 0.01f;
  // Dropout rate after each hidden layer; 0 for none.
  float dropout = 0.0f;
  int64_t seed = 1;
  // Where the model reads its batch: when set (a gather from a data set
  // kept on the GPU, say), the inputs "x" and "y" are Identity nodes over
  // these instead of placeholders. Feeding x and y still overrides them.
  Output images, labels;
  // Resource variables (TensorFlow 2's VarHandleOp / ReadVariableOp /
  // ResourceApply*) instead of reference variables; the same values.
  bool resource_variables = false;
  // Data-parallel training (TrainOptions::distributed()); size 1: none.
  train::DistributedOptions distributed;
};

// "dropout_rate": with dropout, a scalar PlaceholderWithDefault holding the
// training rate, which evaluation feeds with 0.
using Mlp = Classifier;

// Adds the model to `root`'s graph. Errors (an unknown optimizer name
// among them) are in root.status().
Mlp BuildMlp(const Scope& root, const MlpConfig& config);

// Total number of elements of the model's variables (669,706 for the
// reference sizes).
inline int64_t CountParameters(const Mlp& mlp) {
  return CountParameters(mlp.variables);
}

}  // namespace mnist
}  // namespace tg

#endif  // TG_EXAMPLES_MNIST_MLP_H_
