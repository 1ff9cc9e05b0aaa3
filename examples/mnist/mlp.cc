#include "examples/mnist/mlp.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "ops/layers.h"
#include "ops/optimizers.h"
#include "ops/standard_ops.h"
#include "ops/variables.h"

namespace tg {
namespace mnist {
namespace {

absl::StatusOr<std::unique_ptr<train::Optimizer>> MakeOptimizer(
    const MlpConfig& config) {
  const double lr = config.learning_rate;
  if (config.optimizer == "sgd") {
    return std::make_unique<train::GradientDescentOptimizer>(lr);
  }
  if (config.optimizer == "momentum") {
    return std::make_unique<train::MomentumOptimizer>(lr, 0.9);
  }
  if (config.optimizer == "rmsprop") {
    return std::make_unique<train::RMSPropOptimizer>(lr);
  }
  if (config.optimizer == "adam") {
    return std::make_unique<train::AdamOptimizer>(lr);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown optimizer '", config.optimizer,
                   "'; expected sgd, momentum, rmsprop or adam"));
}

}  // namespace

Mlp BuildMlp(const Scope& root, const MlpConfig& config) {
  Mlp m;
  if (config.images.valid() && config.labels.valid()) {
    m.x = ops::Identity(root.WithOpName("x"), config.images);
    m.y = ops::Identity(root.WithOpName("y"), config.labels);
  } else {
    m.x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT,
                           PartialShape::Of({-1, 784}));
    m.y = ops::Placeholder(root.WithOpName("y"), DT_INT32,
                           PartialShape::Of({-1}));
  }
  if (config.dropout < 0 || config.dropout >= 1) {
    root.UpdateStatus(absl::InvalidArgumentError(
        absl::StrCat("dropout rate must be in [0, 1), got ", config.dropout)));
    return m;
  }
  if (config.dropout > 0) {
    m.dropout_rate =
        ops::PlaceholderWithDefault(root.WithOpName("dropout_rate"),
                                    config.dropout, PartialShape::Scalar());
  }
  std::vector<int64_t> units = config.hidden;
  units.push_back(10);
  Output h = m.x;
  for (size_t layer = 0; layer < units.size(); ++layer) {
    layers::DenseOptions options;
    options.activation = layer + 1 < units.size() ? layers::Activation::kSigmoid
                                                  : layers::Activation::kLinear;
    // Each layer draws from its own stream: seed2 = layer + 1.
    const int64_t seed2 = static_cast<int64_t>(layer) + 1;
    if (config.init == "normal") {
      options.kernel_initializer =
          init::RandomNormal(0, config.init_stddev, config.seed, seed2);
    } else if (config.init == "glorot_uniform") {
      options.kernel_initializer = init::GlorotUniform(config.seed, seed2);
    } else if (config.init == "he_normal") {
      options.kernel_initializer = init::HeNormal(config.seed, seed2);
    } else {
      root.UpdateStatus(absl::InvalidArgumentError(
          absl::StrCat("unknown initializer '", config.init,
                       "'; expected normal, glorot_uniform or he_normal")));
      return m;
    }
    layers::Dense dense = layers::DenseLayer(root, h, units[layer], options);
    m.variables.push_back(dense.kernel);
    m.variables.push_back(dense.bias);
    h = dense.output;
    if (m.dropout_rate.valid() && layer + 1 < units.size()) {
      h = layers::Dropout(root, h, m.dropout_rate, config.seed);
    }
  }
  m.logits = h;
  auto xent = ops::SparseSoftmaxCrossEntropyWithLogits(root, m.logits, m.y);
  m.loss = ops::Mean(root.WithOpName("loss"), xent.loss, 0);
  Output correct =
      ops::Equal(root, ops::ArgMax(root, m.logits, 1, DT_INT32), m.y);
  m.accuracy = ops::Mean(root.WithOpName("accuracy"),
                         ops::Cast(root, correct, DT_FLOAT), 0);
  if (!root.ok()) return m;

  absl::StatusOr<std::unique_ptr<train::Optimizer>> optimizer =
      MakeOptimizer(config);
  if (!optimizer.ok()) {
    root.UpdateStatus(optimizer.status());
    return m;
  }
  absl::StatusOr<Operation> step =
      (*optimizer)->Minimize(root, m.loss, m.variables);
  if (!step.ok()) {
    root.UpdateStatus(step.status());
    return m;
  }
  m.train =
      ops::NoOp(root.WithOpName("train").WithControlDependencies({*step}));
  // After Minimize, so that optimizer slots are initialized too.
  m.init = ops::GlobalVariablesInitializer(root);
  return m;
}

int64_t CountParameters(const Mlp& mlp) {
  int64_t n = 0;
  for (const Output& v : mlp.variables) {
    int64_t size = 1;
    for (int64_t d : v.shape().dims) size *= d;
    n += size;
  }
  return n;
}

}  // namespace mnist
}  // namespace tg
