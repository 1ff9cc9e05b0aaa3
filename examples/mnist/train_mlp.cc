// Trains the reference MLP (784-512-512-10, sigmoid) on MNIST and prints one
// line per epoch (examples/mnist/classifier.h).
#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "examples/mnist/classifier.h"
#include "examples/mnist/mlp.h"
#include "examples/mnist/mnist_data.h"
#include "examples/mnist/train_flags.h"

ABSL_FLAG(int, epochs, 30, "Number of passes over the training set.");
ABSL_FLAG(int, batch_size, 100, "Examples per SGD step.");
ABSL_FLAG(std::string, optimizer, "sgd",
          "sgd, momentum (0.9), rmsprop or adam (TensorFlow's defaults).");
ABSL_FLAG(double, learning_rate, 0.5, "Learning rate.");
ABSL_FLAG(std::string, data_dir, "",
          "Folder with the MNIST IDX files (default $TG_MNIST_DIR or "
          "~/.cache/tensorgraph/mnist).");
ABSL_FLAG(std::string, init, "normal",
          "Weight initializer: normal (N(0, 0.01^2), the reference), "
          "glorot_uniform or he_normal.");
ABSL_FLAG(double, dropout, 0.0,
          "Dropout rate after each hidden layer during training (0: none).");
ABSL_FLAG(bool, resource_variables, false,
          "Make the weights and optimizer slots resource variables "
          "(TensorFlow 2's VarHandleOp/ReadVariableOp) instead of reference "
          "variables; the same values, checkpoints restore either way.");

namespace tg {
namespace mnist {
namespace {

absl::Status Train(const std::string& program) {
  // The flags first: a launch mistake is reported before the data loads.
  TG_ASSIGN_OR_RETURN(
      TrainOptions options,
      TrainOptionsFromFlags(absl::GetFlag(FLAGS_epochs),
                            absl::GetFlag(FLAGS_batch_size), program));
  std::string dir = absl::GetFlag(FLAGS_data_dir);
  if (dir.empty()) dir = DefaultDataDir();
  TG_ASSIGN_OR_RETURN(Dataset data, LoadDataset(dir));

  Scope root = Scope::NewRootScope();
  MlpConfig config;
  config.learning_rate = static_cast<float>(absl::GetFlag(FLAGS_learning_rate));
  config.seed = options.seed;
  config.distributed = options.distributed();
  config.optimizer = absl::GetFlag(FLAGS_optimizer);
  config.dropout = static_cast<float>(absl::GetFlag(FLAGS_dropout));
  config.init = absl::GetFlag(FLAGS_init);
  config.resource_variables = absl::GetFlag(FLAGS_resource_variables);
  Batches batches(root, data, options.gpu, options.local_batch(),
                  &config.images, &config.labels);
  Mlp mlp = BuildMlp(root, config);
  TG_RETURN_IF_ERROR(root.status());
  if (options.rank() == 0) {
    std::printf(
        "MLP 784-512-512-10 (%lld parameters), %s lr %g, batch %d: "
        "%lld training and %lld validation images\n",
        static_cast<long long>(CountParameters(mlp)), config.optimizer.c_str(),
        config.learning_rate, options.batch_size,
        static_cast<long long>(data.train.images.shape().dim_size(0)),
        static_cast<long long>(data.test.images.shape().dim_size(0)));
    std::fflush(stdout);
  }
  return TrainClassifier(root, mlp, data, batches, options);
}

}  // namespace
}  // namespace mnist
}  // namespace tg

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Trains the reference MNIST MLP.\nUsage: train_mlp [--epochs=30] "
      "[--batch_size=100] [--optimizer=sgd|momentum|rmsprop|adam] "
      "[--learning_rate=0.5] [--init=normal|glorot_uniform|he_normal] "
      "[--dropout=0] [--resource_variables] [--data_dir=DIR] [--seed=1] "
      "[--device=cpu|gpu] [--save_graph=FILE] [--logdir=DIR] "
      "[--checkpoint_dir=DIR] [--distributed (under mpirun)] "
      "[--collective_timeout=300]");
  absl::ParseCommandLine(argc, argv);
  absl::Status s = tg::mnist::Train(argv[0]);
  if (!s.ok()) {
    std::fprintf(stderr, "train_mlp: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}
