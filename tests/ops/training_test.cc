// Optimizers (names, slots, updates, global step), initializers, layers,
// and the gradient situations users meet: shared weights, several losses,
// several inputs at once.
#include <cmath>

#include "gmock/gmock.h"
#include "graph/gradients.h"
#include "gtest/gtest.h"
#include "ops/layers.h"
#include "ops/optimizers.h"
#include "ops/standard_ops.h"
#include "ops/variables.h"
#include "runtime/client_session.h"
#include "tests/testing/status_matchers.h"

namespace tg {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::tg::testing::StatusIs;

// loss = sum((x W - 1)^2) for a [1, 2] x and [2, 1] W.
struct Regression {
  Scope root = Scope::NewRootScope();
  Output w, loss;
  Regression() {
    w = ops::CreateVariable(
        root.WithOpName("W"), PartialShape::Of({2, 1}), DT_FLOAT,
        Tensor::FromVector<float>({0.5f, -1.0f}, TensorShape({2, 1})));
    Output x = ops::Const(root, {{1.0f, 2.0f}});
    loss = ops::Sum(
        root, ops::Square(root, ops::Sub(root, ops::MatMul(root, x, w), 1.0f)),
        Tensor::FromVector<int32_t>({0, 1}));
  }
};

TEST(OptimizerTest, AdamUsesTensorFlowNamesAndUpdatesOnce) {
  Regression r;
  train::AdamOptimizer adam(0.1);
  TG_ASSERT_OK_AND_ASSIGN(Operation step, adam.Minimize(r.root, r.loss));
  Operation init = ops::GlobalVariablesInitializer(r.root);
  TG_ASSERT_OK(r.root.status());
  const Graph& g = *r.root.graph();
  for (const char* name : {"W/Adam", "W/Adam_1", "beta1_power", "beta2_power",
                           "Adam", "Adam/update_W/ApplyAdam"}) {
    EXPECT_NE(g.FindNode(name), nullptr) << name;
  }
  EXPECT_EQ(step.name(), "Adam");
  ClientSession session(r.root);
  TG_ASSERT_OK(session.Run({}, {}, {init}, nullptr));
  TG_ASSERT_OK(session.Run({}, {}, {step}, nullptr));
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run({r.w, Output(g.FindNode("beta1_power"))}, &out));
  // Step 1 of Adam moves every weight by lr (up to epsilon) against the sign
  // of its gradient: pred = 0.5 - 2 = -1.5, dL/dW = 2 (pred - 1) x = (-5, -10).
  EXPECT_NEAR(out[0].flat<float>()[0], 0.5f + 0.1f, 1e-5);
  EXPECT_NEAR(out[0].flat<float>()[1], -1.0f + 0.1f, 1e-5);
  EXPECT_NEAR(out[1].scalar<float>(), 0.9f * 0.9f, 1e-7);  // Advanced once.
}

TEST(OptimizerTest, SlotNamesOfMomentumAndRMSProp) {
  {
    Regression r;
    TG_ASSERT_OK(
        train::MomentumOptimizer(0.1, 0.9).Minimize(r.root, r.loss).status());
    EXPECT_NE(r.root.graph()->FindNode("W/Momentum"), nullptr);
  }
  {
    Regression r;
    TG_ASSERT_OK(train::RMSPropOptimizer(0.1, 0.9, 0.5, 1e-10, true)
                     .Minimize(r.root, r.loss)
                     .status());
    for (const char* name :
         {"W/RMSProp", "W/RMSProp_1", "W/RMSProp_2", "RMSProp"}) {
      EXPECT_NE(r.root.graph()->FindNode(name), nullptr) << name;
    }
  }
}

TEST(OptimizerTest, GlobalStepCountsSteps) {
  Regression r;
  Output step_var = ops::CreateVariable(r.root.WithOpName("global_step"),
                                        PartialShape::Scalar(), DT_INT64,
                                        Tensor::Scalar<int64_t>(0), false);
  train::GradientDescentOptimizer sgd(0.01);
  TG_ASSERT_OK_AND_ASSIGN(Operation step,
                          sgd.Minimize(r.root, r.loss, {}, step_var));
  Operation init = ops::GlobalVariablesInitializer(r.root);
  ClientSession session(r.root);
  TG_ASSERT_OK(session.Run({}, {}, {init}, nullptr));
  for (int i = 0; i < 3; ++i)
    TG_ASSERT_OK(session.Run({}, {}, {step}, nullptr));
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run({step_var, r.w}, &out));
  EXPECT_EQ(out[0].scalar<int64_t>(), 3);
  // The step counter is not trainable, so SGD left it alone and moved W.
  EXPECT_NE(out[1].flat<float>()[0], 0.5f);
}

TEST(OptimizerTest, LossWithoutVariablesIsAnError) {
  Scope root = Scope::NewRootScope();
  Output loss = ops::Square(root, ops::Const(root, 2.0f));
  EXPECT_THAT(
      train::GradientDescentOptimizer(0.1).Minimize(root, loss),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no variable")));
}

TEST(InitializerTest, ValuesFollowTheirDistributions) {
  Scope root = Scope::NewRootScope();
  const std::vector<int64_t> shape = {200, 300};
  Output glorot = init::GlorotUniform(7)(root, shape, DT_FLOAT);
  Output he = init::HeNormal(7)(root, shape, DT_FLOAT);
  Output constant = init::Constant(2.5)(root, {2, 2}, DT_FLOAT);
  ClientSession session(root);
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run({glorot, he, constant}, &out));
  const double limit = std::sqrt(6.0 / (200 + 300));
  double sq = 0;
  for (float v : out[0].flat<float>()) {
    ASSERT_LE(std::abs(v), limit);
    sq += v * v;
  }
  EXPECT_NEAR(sq / 60000, limit * limit / 3,
              0.05 * limit * limit / 3);  // Var of U(-l, l).
  const double he_std = std::sqrt(2.0 / 200);
  sq = 0;
  for (float v : out[1].flat<float>()) {
    ASSERT_LE(std::abs(v), 2 * he_std / 0.87962566103423978 + 1e-6);
    sq += v * v;
  }
  EXPECT_NEAR(std::sqrt(sq / 60000), he_std, 0.03 * he_std);
  EXPECT_THAT(out[2].flat<float>(), ElementsAre(2.5, 2.5, 2.5, 2.5));
}

TEST(LayersTest, DenseNamesShapesAndValues) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT,
                              PartialShape::Of({-1, 3}));
  layers::DenseOptions options;
  options.activation = layers::Activation::kRelu;
  options.kernel_initializer = init::Ones();
  options.bias_initializer = init::Constant(-1);
  layers::Dense d = layers::DenseLayer(root, x, 2, options);
  layers::Dense d2 = layers::DenseLayer(root, d.output, 4);
  Operation init = ops::GlobalVariablesInitializer(root);
  TG_ASSERT_OK(root.status());
  EXPECT_EQ(d.kernel.node()->name(), "dense/kernel");
  EXPECT_EQ(d2.bias.node()->name(), "dense_1/bias");
  EXPECT_EQ(d2.output.shape(), PartialShape::Of({-1, 4}));
  ClientSession session(root);
  TG_ASSERT_OK(session.Run({}, {}, {init}, nullptr));
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run(
      {{x,
        Tensor::FromVector<float>({1, 2, 3, -1, -1, -1}, TensorShape({2, 3}))}},
      {d.output}, &out));
  EXPECT_THAT(out[0].flat<float>(), ElementsAre(5, 5, 0, 0));  // relu(sum - 1)
}

TEST(LayersTest, DropoutKeepsExpectationAndIsOffAtRateZero) {
  Scope root = Scope::NewRootScope();
  Output rate = ops::PlaceholderWithDefault(root, 0.5f, PartialShape::Scalar());
  Output x = ops::Fill(root, {100000}, 1.0f);
  Output y = layers::Dropout(root, x, rate, 3);
  ClientSession session(root);
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run({y}, &out));
  int64_t kept = 0;
  for (float v : out[0].flat<float>()) {
    ASSERT_TRUE(v == 0.0f || v == 2.0f) << v;
    kept += v != 0.0f;
  }
  EXPECT_NEAR(kept / 1e5, 0.5, 0.01);
  TG_ASSERT_OK(session.Run({{rate, Tensor::Scalar(0.0f)}}, {y}, &out));
  for (float v : out[0].flat<float>()) ASSERT_EQ(v, 1.0f);
}

// y = W a + W b with one shared W: dy/dW sums both uses.
TEST(GradientScenariosTest, SharedWeightsAndSeveralLosses) {
  Scope root = Scope::NewRootScope();
  Output w = ops::Placeholder(root.WithOpName("w"), DT_FLOAT);
  Output a = ops::Const(root, 3.0f), b = ops::Const(root, 4.0f);
  Output l1 = ops::Mul(root, w, a),
         l2 = ops::Square(root, ops::Mul(root, w, b));
  std::vector<Output> g;
  // Several losses at once: d(l1 + l2)/dw = a + 2 w b^2.
  TG_ASSERT_OK(AddSymbolicGradients(root, {l1, l2}, {w}, &g));
  ClientSession session(root);
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run({{w, Tensor::Scalar(0.5f)}}, g, &out));
  EXPECT_FLOAT_EQ(out[0].scalar<float>(), 3 + 2 * 0.5f * 16);
}

TEST(GradientScenariosTest, SeveralInputsThroughIdentityReshapeAndBroadcast) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT,
                              PartialShape::Of({2, 3}));
  Output b =
      ops::Placeholder(root.WithOpName("b"), DT_FLOAT, PartialShape::Of({3}));
  Output y =
      ops::Reshape(root, ops::Identity(root, ops::Add(root, x, b)), {-1});
  Output loss = ops::Sum(root, ops::Square(root, y), 0);
  std::vector<Output> g;
  TG_ASSERT_OK(AddSymbolicGradients(root, {loss}, {x, b}, &g));
  ClientSession session(root);
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run(
      {{x, Tensor::FromVector<float>({1, 2, 3, 4, 5, 6}, TensorShape({2, 3}))},
       {b, Tensor::FromVector<float>({1, 0, -1})}},
      g, &out));
  // dx = 2 (x + b); db = sum over rows of 2 (x + b) (un-broadcast).
  EXPECT_THAT(out[0].flat<float>(), ElementsAre(4, 4, 4, 10, 10, 10));
  EXPECT_THAT(out[1].flat<float>(), ElementsAre(14, 14, 14));
}

TEST(GradientScenariosTest, PreventGradientNamesTheNode) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  Output y = ops::PreventGradient(root.WithOpName("guard"), x, "not here");
  std::vector<Output> g;
  EXPECT_THAT(AddSymbolicGradients(root, {ops::Square(root, y)}, {x}, &g),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::AllOf(HasSubstr("node 'guard'"),
                                        HasSubstr("not here"))));
}

}  // namespace
}  // namespace tg
