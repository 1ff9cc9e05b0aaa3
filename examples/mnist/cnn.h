// The convolutional network of TensorFlow's classic "deep MNIST" tutorial,
// built with the layers API:
//   x [batch, 784] -> [batch, 28, 28, 1]
//   conv 5x5x32 SAME + ReLU, max-pool 2x2   -> [batch, 14, 14, 32]
//   conv 5x5x64 SAME + ReLU, max-pool 2x2   -> [batch, 7, 7, 64]
//   flatten, dense 1024 + ReLU, dropout, dense 10
// (3,274,634 parameters). With batch_norm, each convolution drops its bias
// and is followed by batch normalization before the ReLU.
//
// Names follow TensorFlow's layers: "conv2d/kernel", "conv2d_1/bias",
// "batch_normalization/moving_mean", "dense/kernel", ...; placeholders "x"
// and "y", "dropout_rate" and "training" (PlaceholderWithDefaults that
// evaluation feeds 0 and false), "loss", "accuracy", "train", "init".
#ifndef TG_EXAMPLES_MNIST_CNN_H_
#define TG_EXAMPLES_MNIST_CNN_H_

#include <string>

#include "examples/mnist/classifier.h"

namespace tg {
namespace mnist {

struct CnnConfig {
  std::string optimizer = "adam";
  float learning_rate = 1e-3f;
  float dropout = 0.5f;  // before the last layer; 0 for none
  bool batch_norm = false;
  int64_t seed = 1;
  // As MlpConfig::images / labels: a batch formed on the device.
  Output images, labels;
  // Data-parallel training (TrainOptions::distributed()); size 1: none.
  train::DistributedOptions distributed;
};

// Adds the model to `root`'s graph; errors are in root.status().
Classifier BuildCnn(const Scope& root, const CnnConfig& config);

}  // namespace mnist
}  // namespace tg

#endif  // TG_EXAMPLES_MNIST_CNN_H_
