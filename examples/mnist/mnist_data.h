// The MNIST data set as tensors.
#ifndef TG_EXAMPLES_MNIST_MNIST_DATA_H_
#define TG_EXAMPLES_MNIST_MNIST_DATA_H_

#include <string>

#include "absl/status/statusor.h"
#include "core/tensor.h"

namespace tg {
namespace mnist {

struct Split {
  Tensor images;  // float [n, 784], pixels scaled to [0, 1]
  Tensor labels;  // int32 [n], digits 0..9
};

struct Dataset {
  Split train;  // 60,000 examples
  Split test;   // 10,000 examples
};

// Where the data lives unless told otherwise: $TG_MNIST_DIR, else
// $HOME/.cache/tensorgraph/mnist (where scripts/fetch_mnist.sh puts it).
std::string DefaultDataDir();

// Reads train-images-idx3-ubyte, train-labels-idx1-ubyte,
// t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each may also be
// present with a .gz suffix). Checks that images are 28x28, labels are
// digits and the counts agree.
absl::StatusOr<Dataset> LoadDataset(const std::string& dir);
absl::StatusOr<Split> LoadSplit(const std::string& images_path,
                                const std::string& labels_path);

}  // namespace mnist
}  // namespace tg

#endif  // TG_EXAMPLES_MNIST_MNIST_DATA_H_
