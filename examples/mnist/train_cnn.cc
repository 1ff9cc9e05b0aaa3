// Trains the deep-MNIST convolutional network (examples/mnist/cnn.h) on
// MNIST or Fashion-MNIST and prints one line per epoch, as train_mlp does.
#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "examples/mnist/classifier.h"
#include "examples/mnist/cnn.h"
#include "examples/mnist/mnist_data.h"
#include "examples/mnist/train_flags.h"

ABSL_FLAG(int, epochs, 6, "Number of passes over the training set.");
ABSL_FLAG(int, batch_size, 50, "Examples per step.");
ABSL_FLAG(std::string, optimizer, "adam",
          "sgd, momentum (0.9), rmsprop or adam (TensorFlow's defaults).");
ABSL_FLAG(double, learning_rate, 1e-3, "Learning rate.");
ABSL_FLAG(double, dropout, 0.5, "Dropout rate before the last layer.");
ABSL_FLAG(bool, batch_norm, false,
          "Batch normalization after each convolution (before its ReLU).");
ABSL_FLAG(std::string, dataset, "mnist",
          "mnist, or fashion (Fashion-MNIST, from Debian's "
          "dataset-fashion-mnist unless --data_dir says otherwise).");
ABSL_FLAG(std::string, data_dir, "",
          "Folder with the IDX files (default: $TG_MNIST_DIR or "
          "~/.cache/tensorgraph/mnist for mnist; "
          "/usr/share/datasets/fashion-mnist for fashion).");

namespace tg {
namespace mnist {
namespace {

absl::StatusOr<std::string> DataDir() {
  const std::string dataset = absl::GetFlag(FLAGS_dataset);
  TG_REQUIRE(dataset == "mnist" || dataset == "fashion", InvalidArgument,
             "--dataset must be mnist or fashion, got '", dataset, "'");
  if (std::string dir = absl::GetFlag(FLAGS_data_dir); !dir.empty()) {
    return dir;
  }
  return dataset == "fashion" ? std::string("/usr/share/datasets/fashion-mnist")
                              : DefaultDataDir();
}

absl::Status Train(const std::string& program) {
  // The flags first: a launch mistake is reported before the data loads.
  TG_ASSIGN_OR_RETURN(
      TrainOptions options,
      TrainOptionsFromFlags(absl::GetFlag(FLAGS_epochs),
                            absl::GetFlag(FLAGS_batch_size), program));
  TG_ASSIGN_OR_RETURN(std::string dir, DataDir());
  TG_ASSIGN_OR_RETURN(Dataset data, LoadDataset(dir));
  options.eval_batch_size = 1000;

  Scope root = Scope::NewRootScope();
  CnnConfig config;
  config.optimizer = absl::GetFlag(FLAGS_optimizer);
  config.learning_rate = static_cast<float>(absl::GetFlag(FLAGS_learning_rate));
  config.dropout = static_cast<float>(absl::GetFlag(FLAGS_dropout));
  config.batch_norm = absl::GetFlag(FLAGS_batch_norm);
  config.seed = options.seed;
  config.distributed = options.distributed();
  Batches batches(root, data, options.gpu, options.local_batch(),
                  &config.images, &config.labels);
  Classifier cnn = BuildCnn(root, config);
  TG_RETURN_IF_ERROR(root.status());
  if (options.rank() == 0) {
    std::printf(
        "CNN conv5x5x32-pool-conv5x5x64-pool-1024-10%s (%lld parameters), "
        "%s lr %g, dropout %g, batch %d: %lld training and %lld validation "
        "images from %s\n",
        config.batch_norm ? " with batch norm" : "",
        static_cast<long long>(CountParameters(cnn.variables)),
        config.optimizer.c_str(), config.learning_rate, config.dropout,
        options.batch_size,
        static_cast<long long>(data.train.images.shape().dim_size(0)),
        static_cast<long long>(data.test.images.shape().dim_size(0)),
        dir.c_str());
    std::fflush(stdout);
  }
  return TrainClassifier(root, cnn, data, batches, options);
}

}  // namespace
}  // namespace mnist
}  // namespace tg

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Trains the deep-MNIST CNN.\nUsage: train_cnn [--epochs=6] "
      "[--batch_size=50] [--optimizer=adam] [--learning_rate=0.001] "
      "[--dropout=0.5] [--batch_norm] [--dataset=mnist|fashion] "
      "[--data_dir=DIR] [--seed=1] [--device=cpu|gpu] [--save_graph=FILE] "
      "[--logdir=DIR] [--checkpoint_dir=DIR] [--distributed (under mpirun)] "
      "[--collective_timeout=300]");
  absl::ParseCommandLine(argc, argv);
  absl::Status s = tg::mnist::Train(argv[0]);
  if (!s.ok()) {
    std::fprintf(stderr, "train_cnn: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}
