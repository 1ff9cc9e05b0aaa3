// What the MNIST examples (the MLP, the CNN) share: the classifier's
// training ops and the epoch loop that trains it and prints one line per
// epoch:
//   Epoch 3/30 - 1.23s - loss: 0.8494 - acc: 0.7082 - val_loss: 0.6360 -
//   val_acc: 0.7964
// loss/acc average the epoch's training batches; val_* are over the 10,000
// test images, evaluated with dropout off and batch norm on its moving
// averages. A progress bar is drawn when stdout is a terminal.
#ifndef TG_EXAMPLES_MNIST_CLASSIFIER_H_
#define TG_EXAMPLES_MNIST_CLASSIFIER_H_

#include <memory>
#include <string>
#include <vector>

#include "core/collective.h"
#include "examples/mnist/mnist_data.h"
#include "graph/scope.h"
#include "ops/distributed.h"
#include "ops/optimizers.h"
#include "runtime/client_session.h"

namespace tg {
namespace mnist {

// A model classifying [batch, 784] float images "x" into 10 digits "y".
struct Classifier {
  Output x, y;
  Output logits, loss, accuracy;
  // Scalar PlaceholderWithDefaults that evaluation overrides: the dropout
  // rate (fed 0) and the batch-norm mode "training" (fed false). Null when
  // the model has none.
  Output dropout_rate, training;
  std::vector<Output> variables;  // trainable, input to output
  Operation init, train;
  // Data-parallel training only (train::DistributedOptions::size > 1): sets
  // every variable to the root rank's value; and what each step
  // all-reduces.
  Operation broadcast;
  int64_t allreduce_bytes = 0;
  int allreduce_calls = 0;
};

// Adds the inputs "x" and "y": placeholders ([?, 784] float, [?] int32),
// or Identity nodes over `images` and `labels` when both are set (a batch
// formed on the device). With a dropout rate > 0, adds "dropout_rate".
// False (with the error in root.status()) for a rate outside [0, 1).
bool AddInputs(const Scope& root, const Output& images, const Output& labels,
               float dropout, Classifier* m);

// "sgd", "momentum" (0.9), "rmsprop" or "adam", TensorFlow's defaults
// otherwise.
absl::StatusOr<std::unique_ptr<train::Optimizer>> MakeOptimizer(
    const std::string& name, double learning_rate);

// Adds "loss" (mean softmax cross-entropy of m->logits against m->y),
// "accuracy", "train" (the optimizer's step over m->variables, after the
// graph's update ops) and "init". With distributed.size > 1 the optimizer
// is a train::DistributedOptimizer (gradients averaged over the ranks) and
// m->broadcast is added. Errors go into root.status().
void AddTrainingOps(const Scope& root, const std::string& optimizer,
                    double learning_rate, Classifier* m,
                    const train::DistributedOptions& distributed = {});

// Total number of elements of the variables.
int64_t CountParameters(const std::vector<Output>& variables);

// How each step's batch reaches the model. On the CPU, rows are copied
// into fed tensors. On a GPU, the training set is copied there once, into
// two variables, and each step feeds only the batch's indices: a gather on
// the device forms the batch, so no image crosses to the device per step.
class Batches {
 public:
  // On a device, *images and *labels become the gathered batch, for the
  // model to read instead of placeholders.
  Batches(const Scope& root, const Dataset& data, bool on_device, int batch,
          Output* images, Output* labels);
  // Copies the training set to the device (once).
  absl::Status Load(const ClientSession& session);
  // The tensors each training step feeds, in the order of Fill's values.
  std::vector<Output> FeedOutputs(const Classifier& m) const;
  // The values of FeedOutputs for the step whose batch is
  // order[begin, begin + batch); valid until the next call.
  absl::Span<const Tensor> Fill(const std::vector<int64_t>& order,
                                size_t begin);

 private:
  const Dataset& data_;
  bool on_device_;
  Tensor xb_, yb_, index_;
  std::vector<Tensor> values_;
  Output images_in_, labels_in_, indices_;
  Operation load_;
};

struct TrainOptions {
  int epochs = 1;
  int batch_size = 100;
  // Test images per evaluation run; 0: all at once.
  int eval_batch_size = 0;
  bool gpu = false;
  int gpu_ordinal = 0;  // Which GPU (--distributed: the rank's local rank).
  bool graph_passes = true;  // SessionOptions::graph_passes, all or none.
  bool plan_memory = true;
  bool capture_steps = true;  // SessionOptions::capture_steps
  int intra_op_threads = 0;   // SessionOptions::intra_op_threads
  int64_t seed = 1;           // shuffling
  std::string save_graph, logdir, checkpoint_dir;
  // Data-parallel training (null: this process alone). This process is
  // rank collective->rank() of collective->size(): batch_size is the global
  // batch, of which each rank takes local_batch() examples (its slice of
  // the same shuffled order), and rank 0 alone prints, writes events and
  // saves checkpoints. The model must be built with distributed().
  std::shared_ptr<CollectiveContext> collective;
  int rank() const { return collective ? collective->rank() : 0; }
  int ranks() const { return collective ? collective->size() : 1; }
  int local_batch() const { return batch_size / ranks(); }
  train::DistributedOptions distributed() const;
};

// "cpu" or "gpu"; anything else is an error.
absl::StatusOr<bool> ParseDevice(const std::string& device);

// Writes options.save_graph (when set), then trains: init, load, and
// `epochs` passes over data.train in shuffled batches, evaluating on
// data.test after each, writing TensorBoard scalars to options.logdir and
// checkpoints to options.checkpoint_dir when set. When checkpoint_dir
// already holds a checkpoint ("model-<epoch>"), training resumes after
// that epoch from its values (as TensorFlow's MonitoredTrainingSession
// does). Data-parallel: the chief (rank 0) restores, every variable is then
// broadcast from it, and the epoch metrics are averaged over all ranks (each
// evaluates its share of data.test).
absl::Status TrainClassifier(const Scope& root, const Classifier& m,
                             const Dataset& data, Batches& batches,
                             const TrainOptions& options);

}  // namespace mnist
}  // namespace tg

#endif  // TG_EXAMPLES_MNIST_CLASSIFIER_H_
