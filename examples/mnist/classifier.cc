#include "examples/mnist/classifier.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "ops/layers.h"
#include "ops/standard_ops.h"
#include "ops/variables.h"

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
                    double learning_rate, Classifier* m,
                    const train::DistributedOptions& distributed) {
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
  train::Optimizer* plain = optimizer->get();
  std::unique_ptr<train::DistributedOptimizer> averaged;
  if (distributed.size > 1) {
    averaged = std::make_unique<train::DistributedOptimizer>(
        std::move(*optimizer), distributed);
    plain = averaged.get();
  }
  absl::StatusOr<Operation> step = plain->Minimize(root, m->loss, m->variables);
  if (!step.ok()) {
    root.UpdateStatus(step.status());
    return;
  }
  if (averaged != nullptr) {
    m->allreduce_bytes = averaged->bytes_per_step();
    m->allreduce_calls = averaged->calls_per_step();
  }
  // Batch norm's moving averages update with each step (TensorFlow's
  // UPDATE_OPS convention). Only the step depends on them: the optimizer's
  // slot initializers must not.
  std::vector<Operation> deps = layers::UpdateOps(root);
  deps.push_back(*step);
  m->train = ops::NoOp(root.WithOpName("train").WithControlDependencies(deps));
  // After Minimize, so that optimizer slots are initialized too.
  m->init = ops::GlobalVariablesInitializer(root);
  if (distributed.size > 1) {
    absl::StatusOr<Operation> broadcast =
        train::BroadcastVariables(root, {}, distributed);
    if (!broadcast.ok()) {
      root.UpdateStatus(broadcast.status());
      return;
    }
    m->broadcast = *broadcast;
  }
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

}  // namespace mnist
}  // namespace tg
