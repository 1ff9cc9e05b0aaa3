#include "examples/mnist/mnist_data.h"

#include <unistd.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "examples/mnist/idx.h"

namespace tg {
namespace mnist {

std::string DefaultDataDir() {
  if (const char* d = std::getenv("TG_MNIST_DIR"); d && *d) return d;
  const char* home = std::getenv("HOME");
  return absl::StrCat(home ? home : ".", "/.cache/tensorgraph/mnist");
}

namespace {

// `base`, or `base.gz` when only that exists.
std::string FindFile(const std::string& base) {
  if (access(base.c_str(), F_OK) != 0 &&
      access((base + ".gz").c_str(), F_OK) == 0) {
    return base + ".gz";
  }
  return base;
}

}  // namespace

absl::StatusOr<Split> LoadSplit(const std::string& images_path,
                                const std::string& labels_path) {
  TG_ASSIGN_OR_RETURN(IdxArray images, ReadIdxFile(images_path));
  TG_ASSIGN_OR_RETURN(IdxArray labels, ReadIdxFile(labels_path));
  if (images.dims.size() != 3 || images.dims[1] != 28 || images.dims[2] != 28) {
    return absl::DataLossError(
        absl::StrCat("'", images_path, "' does not hold 28x28 images"));
  }
  if (labels.dims.size() != 1 || labels.dims[0] != images.dims[0]) {
    return absl::DataLossError(absl::StrCat(
        "'", labels_path, "' does not hold one label per image of '",
        images_path, "' (", images.dims[0], " images)"));
  }
  const int64_t n = images.dims[0];
  Split split{Tensor(DT_FLOAT, TensorShape({n, 784})),
              Tensor(DT_INT32, TensorShape({n}))};
  float* px = split.images.data<float>();
  for (size_t i = 0; i < images.data.size(); ++i) {
    px[i] = images.data[i] / 255.0f;
  }
  int32_t* lab = split.labels.data<int32_t>();
  for (int64_t i = 0; i < n; ++i) {
    if (labels.data[i] > 9) {
      return absl::DataLossError(
          absl::StrCat("'", labels_path, "' has label ", int{labels.data[i]},
                       " at index ", i, "; MNIST labels are digits 0-9"));
    }
    lab[i] = labels.data[i];
  }
  return split;
}

absl::StatusOr<Dataset> LoadDataset(const std::string& dir) {
  Dataset d;
  absl::StatusOr<Split> train =
      LoadSplit(FindFile(dir + "/train-images-idx3-ubyte"),
                FindFile(dir + "/train-labels-idx1-ubyte"));
  if (!train.ok()) {
    if (absl::IsNotFound(train.status())) {
      return absl::NotFoundError(
          absl::StrCat(train.status().message(),
                       " (run scripts/fetch_mnist.sh to download MNIST)"));
    }
    return train.status();
  }
  d.train = *std::move(train);
  TG_ASSIGN_OR_RETURN(d.test,
                      LoadSplit(FindFile(dir + "/t10k-images-idx3-ubyte"),
                                FindFile(dir + "/t10k-labels-idx1-ubyte")));
  return d;
}

}  // namespace mnist
}  // namespace tg
