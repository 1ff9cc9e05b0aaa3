#include "examples/mnist/classifier.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>
#include <random>

#include "absl/strings/str_cat.h"
#include "core/io/event_file.h"
#include "graph/graph_def_io.h"
#include "ops/layers.h"
#include "ops/standard_ops.h"
#include "ops/variables.h"
#include "runtime/saver.h"

namespace tg {
namespace mnist {

bool AddInputs(const Scope& root, const Output& images, const Output& labels,
               float dropout, Classifier* m) {
  if (images.valid() && labels.valid()) {
    m->x = ops::Identity(root.WithOpName("x"), images);
    m->y = ops::Identity(root.WithOpName("y"), labels);
  } else {
    m->x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT,
                            PartialShape::Of({-1, 784}));
    m->y = ops::Placeholder(root.WithOpName("y"), DT_INT32,
                            PartialShape::Of({-1}));
  }
  if (dropout < 0 || dropout >= 1) {
    root.UpdateStatus(absl::InvalidArgumentError(
        absl::StrCat("dropout rate must be in [0, 1), got ", dropout)));
    return false;
  }
  if (dropout > 0) {
    m->dropout_rate = ops::PlaceholderWithDefault(
        root.WithOpName("dropout_rate"), dropout, PartialShape::Scalar());
  }
  return true;
}

absl::StatusOr<std::unique_ptr<train::Optimizer>> MakeOptimizer(
    const std::string& name, double lr) {
  if (name == "sgd")
    return std::make_unique<train::GradientDescentOptimizer>(lr);
  if (name == "momentum") {
    return std::make_unique<train::MomentumOptimizer>(lr, 0.9);
  }
  if (name == "rmsprop") return std::make_unique<train::RMSPropOptimizer>(lr);
  if (name == "adam") return std::make_unique<train::AdamOptimizer>(lr);
  return absl::InvalidArgumentError(
      absl::StrCat("unknown optimizer '", name,
                   "'; expected sgd, momentum, rmsprop or adam"));
}

void AddTrainingOps(const Scope& root, const std::string& optimizer_name,
                    double learning_rate, Classifier* m) {
  if (!root.ok()) return;
  auto xent = ops::SparseSoftmaxCrossEntropyWithLogits(root, m->logits, m->y);
  m->loss = ops::Mean(root.WithOpName("loss"), xent.loss, 0);
  Output correct =
      ops::Equal(root, ops::ArgMax(root, m->logits, 1, DT_INT32), m->y);
  m->accuracy = ops::Mean(root.WithOpName("accuracy"),
                          ops::Cast(root, correct, DT_FLOAT), 0);
  if (!root.ok()) return;
  absl::StatusOr<std::unique_ptr<train::Optimizer>> optimizer =
      MakeOptimizer(optimizer_name, learning_rate);
  if (!optimizer.ok()) {
    root.UpdateStatus(optimizer.status());
    return;
  }
  absl::StatusOr<Operation> step =
      (*optimizer)->Minimize(root, m->loss, m->variables);
  if (!step.ok()) {
    root.UpdateStatus(step.status());
    return;
  }
  // Batch norm's moving averages update with each step (TensorFlow's
  // UPDATE_OPS convention). Only the step depends on them: the optimizer's
  // slot initializers must not.
  std::vector<Operation> deps = layers::UpdateOps(root);
  deps.push_back(*step);
  m->train = ops::NoOp(root.WithOpName("train").WithControlDependencies(deps));
  // After Minimize, so that optimizer slots are initialized too.
  m->init = ops::GlobalVariablesInitializer(root);
}

int64_t CountParameters(const std::vector<Output>& variables) {
  int64_t n = 0;
  for (const Output& v : variables) {
    int64_t size = 1;
    for (int64_t d : ops::GetVariableInfo(v).shape.dims) size *= d;
    n += size;
  }
  return n;
}

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

// Rows [begin, end) of a [n, ...] tensor, copied.
template <typename T>
Tensor Rows(const Tensor& src, int64_t begin, int64_t end) {
  TensorShape shape = src.shape();
  shape.set_dim(0, end - begin);
  Tensor out(src.dtype(), shape);
  const int64_t row =
      src.NumElements() / std::max<int64_t>(src.shape().dim_size(0), 1);
  std::copy_n(src.data<T>() + begin * row, (end - begin) * row, out.data<T>());
  return out;
}

struct Metrics {
  double loss = 0, accuracy = 0;
};

// Loss and accuracy over the test set, in runs of `batch` images (0: one
// run), with dropout off and batch norm in inference mode.
absl::StatusOr<Metrics> Evaluate(const ClientSession& session,
                                 const Classifier& m, const Split& test,
                                 int batch) {
  const int64_t n = test.images.shape().dim_size(0);
  const int64_t step = batch > 0 ? batch : std::max<int64_t>(n, 1);
  Metrics total;
  std::vector<Tensor> out;
  for (int64_t b = 0; b < n; b += step) {
    const int64_t e = std::min(n, b + step);
    // One run over the whole set feeds it as it is, without a copy.
    const bool whole = b == 0 && e == n;
    ClientSession::FeedType feeds = {
        {m.x, whole ? test.images : Rows<float>(test.images, b, e)},
        {m.y, whole ? test.labels : Rows<int32_t>(test.labels, b, e)}};
    if (m.dropout_rate.valid()) feeds[m.dropout_rate] = Tensor::Scalar(0.0f);
    if (m.training.valid()) feeds[m.training] = Tensor::Scalar(false);
    TG_RETURN_IF_ERROR(session.Run(feeds, {m.loss, m.accuracy}, &out));
    total.loss += out[0].scalar<float>() * (e - b);
    total.accuracy += out[1].scalar<float>() * (e - b);
  }
  total.loss /= std::max<int64_t>(n, 1);
  total.accuracy /= std::max<int64_t>(n, 1);
  return total;
}

}  // namespace

Batches::Batches(const Scope& root, const Dataset& data, bool on_device,
                 int batch, Output* images, Output* labels)
    : data_(data),
      on_device_(on_device),
      xb_(DT_FLOAT, TensorShape({batch, 784})),
      yb_(DT_INT32, TensorShape({batch})),
      index_(DT_INT32, TensorShape({batch})) {
  if (!on_device) return;
  Scope s = root.NewSubScope("data");
  const TensorShape& shape = data.train.images.shape();
  Output x = ops::Variable(s.WithOpName("images"),
                           PartialShape::FromShape(shape), DT_FLOAT);
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
  *images = ops::GatherV2(s, x, indices_, 0);
  *labels = ops::GatherV2(s, y, indices_, 0);
}

absl::Status Batches::Load(const ClientSession& session) {
  if (!on_device_) return absl::OkStatus();
  return session.Run(
      {{images_in_, data_.train.images}, {labels_in_, data_.train.labels}}, {},
      {load_}, nullptr);
}

std::vector<Output> Batches::FeedOutputs(const Classifier& m) const {
  if (on_device_) return {indices_};
  return {m.x, m.y};
}

absl::Span<const Tensor> Batches::Fill(const std::vector<int64_t>& order,
                                       size_t begin) {
  values_.clear();
  if (on_device_) {
    int32_t* idx = index_.data<int32_t>();
    for (int64_t i = 0; i < index_.NumElements(); ++i) {
      idx[i] = static_cast<int32_t>(order[begin + i]);
    }
    values_.push_back(index_);
    return values_;
  }
  GatherRows<float>(data_.train.images, order, begin, &xb_);
  GatherRows<int32_t>(data_.train.labels, order, begin, &yb_);
  values_.push_back(xb_);
  values_.push_back(yb_);
  return values_;
}

absl::StatusOr<bool> ParseDevice(const std::string& device) {
  TG_REQUIRE(device == "cpu" || device == "gpu", InvalidArgument,
             "--device must be cpu or gpu, got '", device, "'");
  return device == "gpu";
}

namespace {

// One line on how the GPU ran the training step.
void ReportCapture(const StepCaptureInfo& c) {
  if (c.captures > 0) {
    std::printf(
        "Training step captured as a CUDA Graph: %d recording(s), "
        "%lld replays\n",
        c.captures, static_cast<long long>(c.replays));
  }
  const std::string& why = !c.refused.empty() ? c.refused : c.failure;
  if (!why.empty()) {
    std::printf("Training step %s as a CUDA Graph: %s\n",
                c.captures > 0 ? "no longer replayed" : "not replayed",
                why.c_str());
  }
  std::fflush(stdout);
}

absl::Status WriteGraphs(const Scope& root, const TrainOptions& o,
                         std::unique_ptr<EventFileWriter>* events) {
  GraphDef def;
  TG_RETURN_IF_ERROR(root.ToGraphDef(&def));
  if (!o.save_graph.empty()) {
    TG_RETURN_IF_ERROR(WriteGraphDefFile(def, o.save_graph));
    std::printf("Wrote the training graph (%d nodes) to %s\n", def.node_size(),
                o.save_graph.c_str());
  }
  if (!o.logdir.empty()) {
    TG_ASSIGN_OR_RETURN(*events, EventFileWriter::Create(o.logdir));
    TG_RETURN_IF_ERROR((*events)->WriteGraph(def));
  }
  return absl::OkStatus();
}

// One pass over the training set; the mean loss and accuracy of its steps.
// `step_fn`: the callable of one step (Batches' feeds; loss and accuracy;
// the train op).
absl::StatusOr<Metrics> TrainEpoch(const ClientSession& session,
                                   CallableHandle step_fn, Batches& batches,
                                   const std::vector<int64_t>& order,
                                   int batch) {
  const int steps = static_cast<int>(order.size() / batch);
  const bool tty = isatty(STDOUT_FILENO) != 0;
  Metrics sum;
  std::vector<Tensor> out;
  for (int step = 0; step < steps; ++step) {
    TG_RETURN_IF_ERROR(
        session.RunCallable(step_fn, batches.Fill(order, step * batch), &out));
    sum.loss += out[0].scalar<float>();
    sum.accuracy += out[1].scalar<float>();
    if (tty && (step % 10 == 9 || step + 1 == steps)) {
      DrawProgress(step + 1, steps, sum.loss / (step + 1),
                   sum.accuracy / (step + 1));
    }
  }
  if (tty) std::printf("\r\033[K");
  sum.loss /= std::max(steps, 1);
  sum.accuracy /= std::max(steps, 1);
  return sum;
}

}  // namespace

absl::Status TrainClassifier(const Scope& root, const Classifier& m,
                             const Dataset& data, Batches& batches,
                             const TrainOptions& o) {
  TG_REQUIRE(o.epochs >= 0 && o.batch_size > 0, InvalidArgument,
             "--epochs must be >= 0 and --batch_size > 0");
  std::unique_ptr<EventFileWriter> events;
  TG_RETURN_IF_ERROR(WriteGraphs(root, o, &events));
  Saver saver;
  SessionOptions options;
  if (o.gpu) options.placement.default_device = "/device:GPU:0";
  if (!o.graph_passes) options.graph_passes = {false, false, false, false};
  options.plan_memory = o.plan_memory;
  options.capture_steps = o.capture_steps;
  options.intra_op_threads = o.intra_op_threads;
  ClientSession session(root, options);
  TG_RETURN_IF_ERROR(session.Run({}, {}, {m.init}, nullptr));
  TG_RETURN_IF_ERROR(batches.Load(session));
  TG_ASSIGN_OR_RETURN(CallableHandle step_fn,
                      session.MakeCallable(batches.FeedOutputs(m),
                                           {m.loss, m.accuracy}, {m.train}));
  std::vector<int64_t> order(data.train.images.shape().dim_size(0));
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 shuffle_rng(o.seed);
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    std::shuffle(order.begin(), order.end(), shuffle_rng);
    TG_ASSIGN_OR_RETURN(Metrics train, TrainEpoch(session, step_fn, batches,
                                                  order, o.batch_size));
    TG_ASSIGN_OR_RETURN(Metrics val,
                        Evaluate(session, m, data.test, o.eval_batch_size));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    std::printf(
        "Epoch %d/%d - %.2fs - loss: %.4f - acc: %.4f - val_loss: %.4f - "
        "val_acc: %.4f\n",
        epoch, o.epochs, seconds, train.loss, train.accuracy, val.loss,
        val.accuracy);
    std::fflush(stdout);
    if (events != nullptr) {
      for (const auto& [tag, value] :
           {std::pair<const char*, double>{"loss", train.loss},
            {"acc", train.accuracy},
            {"val_loss", val.loss},
            {"val_acc", val.accuracy}}) {
        TG_RETURN_IF_ERROR(
            events->WriteScalar(epoch, tag, static_cast<float>(value)));
      }
    }
    if (!o.checkpoint_dir.empty()) {
      TG_RETURN_IF_ERROR(
          saver.Save(session.session(), o.checkpoint_dir + "/model", epoch)
              .status());
    }
  }
  if (o.gpu) {
    TG_ASSIGN_OR_RETURN(StepCaptureInfo capture,
                        session.session()->CallableCaptureInfo(step_fn));
    ReportCapture(capture);
  }
  return absl::OkStatus();
}

}  // namespace mnist
}  // namespace tg
