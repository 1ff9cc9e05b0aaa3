#include "examples/mnist/mlp.h"

#include "absl/strings/str_cat.h"
#include "graph/gradients.h"
#include "ops/standard_ops.h"

namespace tg {
namespace mnist {

Mlp BuildMlp(const Scope& root, const MlpConfig& config) {
  Mlp m;
  m.x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT,
                         PartialShape::Of({-1, 784}));
  m.y =
      ops::Placeholder(root.WithOpName("y"), DT_INT32, PartialShape::Of({-1}));
  std::vector<int64_t> sizes = {784};
  sizes.insert(sizes.end(), config.hidden.begin(), config.hidden.end());
  sizes.push_back(10);

  std::vector<Output> initializers;
  Output h = m.x;
  for (size_t layer = 0; layer + 1 < sizes.size(); ++layer) {
    const Scope s = root.NewSubScope("dense");
    const int64_t in = sizes[layer], out = sizes[layer + 1];
    Output w = ops::Variable(s.WithOpName("kernel"),
                             PartialShape::Of({in, out}), DT_FLOAT);
    Output b =
        ops::Variable(s.WithOpName("bias"), PartialShape::Of({out}), DT_FLOAT);
    // Each layer draws from its own stream: seed2 = layer + 1.
    const Scope init = s.NewSubScope("kernel/Initializer");
    Output noise = ops::RandomStandardNormal(
        init, Tensor::FromVector<int64_t>({in, out}), DT_FLOAT, config.seed,
        static_cast<int64_t>(layer) + 1);
    initializers.push_back(
        ops::Assign(s.WithOpName("kernel/Assign"), w,
                    ops::Mul(init, noise, config.init_stddev)));
    initializers.push_back(ops::Assign(
        s.WithOpName("bias/Assign"), b,
        ops::Fill(s.NewSubScope("bias/Initializer"),
                  Tensor::FromVector<int32_t>({static_cast<int32_t>(out)}),
                  0.0f)));
    m.variables.push_back(w);
    m.variables.push_back(b);
    Output z = ops::BiasAdd(s, ops::MatMul(s, h, w), b);
    h = layer + 2 < sizes.size() ? ops::Sigmoid(s, z) : z;
  }
  m.logits = h;
  auto xent = ops::SparseSoftmaxCrossEntropyWithLogits(root, m.logits, m.y);
  m.loss = ops::Mean(root.WithOpName("loss"), xent.loss, 0);
  Output correct =
      ops::Equal(root, ops::ArgMax(root, m.logits, 1, DT_INT32), m.y);
  m.accuracy = ops::Mean(root.WithOpName("accuracy"),
                         ops::Cast(root, correct, DT_FLOAT), 0);

  std::vector<Operation> init_ops;
  for (const Output& o : initializers) init_ops.push_back(o.op());
  m.init = ops::NoOp(root.WithOpName("init").WithControlDependencies(init_ops));

  std::vector<Output> grads;
  root.UpdateStatus(AddSymbolicGradients(root, {m.loss}, m.variables, &grads));
  if (!root.ok()) return m;
  const Scope sgd = root.NewSubScope("GradientDescent");
  Output lr = ops::Const(sgd.WithOpName("learning_rate"), config.learning_rate);
  std::vector<Operation> updates;
  for (size_t i = 0; i < m.variables.size(); ++i) {
    const std::string var = m.variables[i].node()->name();
    updates.push_back(
        ops::ApplyGradientDescent(sgd.NewSubScope(absl::StrCat("update_", var)),
                                  m.variables[i], lr, grads[i])
            .op());
  }
  m.train =
      ops::NoOp(root.WithOpName("train").WithControlDependencies(updates));
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
