// The command-line flags train_mlp and train_cnn share (--seed,
// --distributed, --collective_timeout,
// --save_graph, --logdir, --device, --checkpoint_dir, --graph_passes,
// --plan_memory, --capture_steps, --intra_op_threads), defined once. Each
// binary defines its own --epochs and --batch_size (their defaults differ)
// and passes them in.
#ifndef TG_EXAMPLES_MNIST_TRAIN_FLAGS_H_
#define TG_EXAMPLES_MNIST_TRAIN_FLAGS_H_

#include <string>

#include "absl/status/statusor.h"
#include "examples/mnist/classifier.h"

namespace tg {
namespace mnist {

// The trainer's options from the shared flags and the given epochs and
// batch size; InvalidArgument for negative epochs, a batch size below 1 or
// an unknown --device. With --distributed, the MPI context (MPI initialized
// here); FailedPrecondition, saying how to launch `program`, when no MPI
// launcher started this process.
absl::StatusOr<TrainOptions> TrainOptionsFromFlags(int epochs, int batch_size,
                                                   const std::string& program);

}  // namespace mnist
}  // namespace tg

#endif  // TG_EXAMPLES_MNIST_TRAIN_FLAGS_H_
