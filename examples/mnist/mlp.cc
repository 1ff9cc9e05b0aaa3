#include "examples/mnist/mlp.h"

#include "absl/strings/str_cat.h"
#include "ops/layers.h"
#include "ops/standard_ops.h"
#include "ops/variables.h"

namespace tg {
namespace mnist {
Mlp BuildMlp(const Scope& root, const MlpConfig& config) {
  Mlp m;
  if (!AddInputs(root, config.images, config.labels, config.dropout, &m)) {
    return m;
  }
  std::vector<int64_t> units = config.hidden;
  units.push_back(10);
  const Scope model = root.WithResourceVariables(config.resource_variables);
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
    layers::Dense dense = layers::DenseLayer(model, h, units[layer], options);
    m.variables.push_back(dense.kernel);
    m.variables.push_back(dense.bias);
    h = dense.output;
    if (m.dropout_rate.valid() && layer + 1 < units.size()) {
      h = layers::Dropout(root, h, m.dropout_rate, config.seed);
    }
  }
  m.logits = h;
  AddTrainingOps(model, config.optimizer, config.learning_rate, &m,
                 config.distributed);
  return m;
}

}  // namespace mnist
}  // namespace tg
