// Trains the reference MLP (784-512-512-10, sigmoid) on MNIST and prints one
// line per epoch:
//   Epoch 3/30 - 1.23s - loss: 0.8494 - acc: 0.7082 - val_loss: 0.6360 -
//   val_acc: 0.7964
// loss/acc are averaged over the epoch's training batches; val_* are over
// the 10,000 test images. A progress bar is drawn when stdout is a terminal.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>
#include <random>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_format.h"
#include "core/io/event_file.h"
#include "examples/mnist/mlp.h"
#include "examples/mnist/mnist_data.h"
#include "graph/graph_def_io.h"
#include "ops/standard_ops.h"
#include "runtime/client_session.h"
#include "runtime/saver.h"

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
ABSL_FLAG(int64_t, seed, 1, "Seed for weight initialization and shuffling.");
ABSL_FLAG(std::string, save_graph, "",
          "Write the training GraphDef here (.pb binary, .pbtxt text).");
ABSL_FLAG(std::string, logdir, "",
          "If set, write TensorBoard events there: the graph, and loss, acc, "
          "val_loss and val_acc per epoch.");
ABSL_FLAG(std::string, device, "cpu",
          "cpu, or gpu: the model and the training set on the GPU, each "
          "batch gathered there (falls back to the CPU, with a note, on a "
          "machine without one).");
ABSL_FLAG(std::string, checkpoint_dir, "",
          "If set, save the variables to DIR/model-<epoch> after each epoch "
          "(TensorFlow V2 checkpoints; the last 5 kept).");

namespace tg {
namespace mnist {
namespace {

void DrawProgress(int step, int steps, double loss, double acc) {
  constexpr int kWidth = 30;
  const int filled = steps == 0 ? kWidth : step * kWidth / steps;
  std::string bar(kWidth, '.');
  std::fill_n(bar.begin(), filled, '=');
  if (filled < kWidth) bar[filled] = '>';
  std::printf("\r%d/%d [%s] - loss: %.4f - acc: %.4f", step, steps, bar.c_str(),
              loss, acc);
  std::fflush(stdout);
}

// Copies rows `index[begin, begin + n)` of `src` into `dst` (same row size).
template <typename T>
void GatherRows(const Tensor& src, const std::vector<int64_t>& index,
                size_t begin, Tensor* dst) {
  const int64_t row = src.NumElements() / src.shape().dim_size(0);
  const T* s = src.data<T>();
  T* d = dst->data<T>();
  const int64_t n = dst->shape().dim_size(0);
  for (int64_t i = 0; i < n; ++i) {
    std::copy_n(s + index[begin + i] * row, row, d + i * row);
  }
}

// How each step's batch reaches the model. On the CPU, rows are copied
// into fed tensors. On a GPU, the training set is copied there once, into
// two variables, and each step feeds only the batch's indices: a gather on
// the device forms the batch, so no image crosses to the device per step.
class Batches {
 public:
  Batches(const Scope& root, const Dataset& data, bool on_device, int batch,
          MlpConfig* config)
      : data_(data),
        on_device_(on_device),
        xb_(DT_FLOAT, TensorShape({batch, 784})),
        yb_(DT_INT32, TensorShape({batch})),
        index_(DT_INT32, TensorShape({batch})) {
    if (!on_device) return;
    Scope s = root.NewSubScope("data");
    const TensorShape& images = data.train.images.shape();
    Output x = ops::Variable(s.WithOpName("images"),
                             PartialShape::FromShape(images), DT_FLOAT);
    Output y = ops::Variable(s.WithOpName("labels"),
                             PartialShape::FromShape(data.train.labels.shape()),
                             DT_INT32);
    images_in_ = ops::Placeholder(s.WithOpName("images_in"), DT_FLOAT);
    labels_in_ = ops::Placeholder(s.WithOpName("labels_in"), DT_INT32);
    load_ = ops::NoOp(s.WithOpName("load").WithControlDependencies(
        {ops::Assign(s, x, images_in_).op(),
         ops::Assign(s, y, labels_in_).op()}));
    indices_ = ops::Placeholder(s.WithOpName("indices"), DT_INT32,
                                PartialShape::Of({-1}));
    config->images = ops::GatherV2(s, x, indices_, 0);
    config->labels = ops::GatherV2(s, y, indices_, 0);
  }

  // Copies the training set to the device (once).
  absl::Status Load(const ClientSession& session) {
    if (!on_device_) return absl::OkStatus();
    return session.Run(
        {{images_in_, data_.train.images}, {labels_in_, data_.train.labels}},
        {}, {load_}, nullptr);
  }

  // The feeds of the step whose batch is order[begin, begin + batch).
  ClientSession::FeedType Feeds(const Mlp& mlp,
                                const std::vector<int64_t>& order,
                                size_t begin) {
    if (on_device_) {
      int32_t* idx = index_.data<int32_t>();
      for (int64_t i = 0; i < index_.NumElements(); ++i) {
        idx[i] = static_cast<int32_t>(order[begin + i]);
      }
      return {{indices_, index_}};
    }
    GatherRows<float>(data_.train.images, order, begin, &xb_);
    GatherRows<int32_t>(data_.train.labels, order, begin, &yb_);
    return {{mlp.x, xb_}, {mlp.y, yb_}};
  }

 private:
  const Dataset& data_;
  bool on_device_;
  Tensor xb_, yb_, index_;
  Output images_in_, labels_in_, indices_;
  Operation load_;
};

absl::StatusOr<bool> OnGpu() {
  const std::string device = absl::GetFlag(FLAGS_device);
  TG_REQUIRE(device == "cpu" || device == "gpu", InvalidArgument,
             "--device must be cpu or gpu, got '", device, "'");
  return device == "gpu";
}

absl::Status Train() {
  const int epochs = absl::GetFlag(FLAGS_epochs);
  const int batch = absl::GetFlag(FLAGS_batch_size);
  if (epochs < 0 || batch <= 0) {
    return absl::InvalidArgumentError(
        "--epochs must be >= 0 and --batch_size > 0");
  }
  std::string dir = absl::GetFlag(FLAGS_data_dir);
  if (dir.empty()) dir = DefaultDataDir();
  TG_ASSIGN_OR_RETURN(Dataset data, LoadDataset(dir));

  TG_ASSIGN_OR_RETURN(const bool gpu, OnGpu());
  Scope root = Scope::NewRootScope();
  MlpConfig config;
  config.learning_rate = static_cast<float>(absl::GetFlag(FLAGS_learning_rate));
  config.seed = absl::GetFlag(FLAGS_seed);
  config.optimizer = absl::GetFlag(FLAGS_optimizer);
  config.dropout = static_cast<float>(absl::GetFlag(FLAGS_dropout));
  config.init = absl::GetFlag(FLAGS_init);
  Batches batches(root, data, gpu, batch, &config);
  Mlp mlp = BuildMlp(root, config);
  TG_RETURN_IF_ERROR(root.status());
  if (const std::string path = absl::GetFlag(FLAGS_save_graph); !path.empty()) {
    GraphDef def;
    TG_RETURN_IF_ERROR(root.ToGraphDef(&def));
    TG_RETURN_IF_ERROR(WriteGraphDefFile(def, path));
    std::printf("Wrote the training graph (%d nodes) to %s\n", def.node_size(),
                path.c_str());
  }

  const int64_t n = data.train.images.shape().dim_size(0);
  const int steps = static_cast<int>(n / batch);
  std::printf(
      "MLP 784-512-512-10 (%lld parameters), %s lr %g, batch %d: "
      "%lld training and %lld validation images\n",
      static_cast<long long>(CountParameters(mlp)), config.optimizer.c_str(),
      config.learning_rate, batch, static_cast<long long>(n),
      static_cast<long long>(data.test.images.shape().dim_size(0)));
  std::fflush(stdout);

  std::unique_ptr<EventFileWriter> events;
  if (const std::string logdir = absl::GetFlag(FLAGS_logdir); !logdir.empty()) {
    TG_ASSIGN_OR_RETURN(events, EventFileWriter::Create(logdir));
    GraphDef def;
    TG_RETURN_IF_ERROR(root.ToGraphDef(&def));
    TG_RETURN_IF_ERROR(events->WriteGraph(def));
  }
  const std::string checkpoint_dir = absl::GetFlag(FLAGS_checkpoint_dir);
  Saver saver;

  SessionOptions options;
  if (gpu) options.placement.default_device = "/device:GPU:0";
  ClientSession session(root, options);
  TG_RETURN_IF_ERROR(session.Run({}, {}, {mlp.init}, nullptr));
  TG_RETURN_IF_ERROR(batches.Load(session));
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 shuffle_rng(config.seed);
  const bool tty = isatty(STDOUT_FILENO) != 0;
  std::vector<Tensor> out;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    std::shuffle(order.begin(), order.end(), shuffle_rng);
    double loss_sum = 0, acc_sum = 0;
    for (int step = 0; step < steps; ++step) {
      TG_RETURN_IF_ERROR(session.Run(batches.Feeds(mlp, order, step * batch),
                                     {mlp.loss, mlp.accuracy}, {mlp.train},
                                     &out));
      loss_sum += out[0].scalar<float>();
      acc_sum += out[1].scalar<float>();
      if (tty && (step % 10 == 9 || step + 1 == steps)) {
        DrawProgress(step + 1, steps, loss_sum / (step + 1),
                     acc_sum / (step + 1));
      }
    }
    TG_RETURN_IF_ERROR(
        session.Run({{mlp.x, data.test.images}, {mlp.y, data.test.labels}},
                    {mlp.loss, mlp.accuracy}, &out));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    if (tty) std::printf("\r\033[K");
    std::printf(
        "Epoch %d/%d - %.2fs - loss: %.4f - acc: %.4f - val_loss: %.4f - "
        "val_acc: %.4f\n",
        epoch, epochs, seconds, loss_sum / std::max(steps, 1),
        acc_sum / std::max(steps, 1), out[0].scalar<float>(),
        out[1].scalar<float>());
    std::fflush(stdout);
    if (events != nullptr) {
      for (const auto& [tag, value] :
           {std::pair<const char*, double>{"loss",
                                           loss_sum / std::max(steps, 1)},
            {"acc", acc_sum / std::max(steps, 1)},
            {"val_loss", out[0].scalar<float>()},
            {"val_acc", out[1].scalar<float>()}}) {
        TG_RETURN_IF_ERROR(
            events->WriteScalar(epoch, tag, static_cast<float>(value)));
      }
    }
    if (!checkpoint_dir.empty()) {
      TG_RETURN_IF_ERROR(
          saver.Save(session.session(), checkpoint_dir + "/model", epoch)
              .status());
    }
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace mnist
}  // namespace tg

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Trains the reference MNIST MLP.\nUsage: train_mlp [--epochs=30] "
      "[--batch_size=100] [--optimizer=sgd|momentum|rmsprop|adam] "
      "[--learning_rate=0.5] [--init=normal|glorot_uniform|he_normal] "
      "[--dropout=0] [--data_dir=DIR] [--seed=1] "
      "[--device=cpu|gpu] [--save_graph=FILE] [--logdir=DIR] "
      "[--checkpoint_dir=DIR]");
  absl::ParseCommandLine(argc, argv);
  absl::Status s = tg::mnist::Train();
  if (!s.ok()) {
    std::fprintf(stderr, "train_mlp: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}
