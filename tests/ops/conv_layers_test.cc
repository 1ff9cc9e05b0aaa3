// The convolution layers: TensorFlow's names and shapes, and batch norm's
// two modes and moving averages against values computed here by hand.
#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ops/layers.h"
#include "ops/standard_ops.h"
#include "ops/variables.h"
#include "runtime/client_session.h"
#include "tests/testing/status_matchers.h"

namespace tg {
namespace {

using ::testing::ElementsAre;
using ::testing::FloatNear;
using ::testing::Pointwise;

TEST(ConvLayersTest, NamesAndShapes) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT,
                              PartialShape::Of({-1, 28, 28, 3}));
  layers::Conv2DOptions o;
  o.kernel_size = {5, 5};
  layers::Conv2DLayer c = layers::Conv2D(root, x, 8, o);
  Output p = layers::MaxPool2D(root, c.output);
  Output a = layers::AvgPool2D(root, p);
  Output f = layers::Flatten(root, a);
  layers::Conv2DLayer c2 = layers::Conv2D(root, x, 4);
  TG_ASSERT_OK(root.status());
  EXPECT_EQ(c.kernel.node()->name(), "conv2d/kernel");
  EXPECT_EQ(c.bias.node()->name(), "conv2d/bias");
  EXPECT_EQ(c2.kernel.node()->name(), "conv2d_1/kernel");
  EXPECT_EQ(c.kernel.shape(), PartialShape::Of({5, 5, 3, 8}));
  EXPECT_EQ(c.output.shape(), PartialShape::Of({-1, 28, 28, 8}));
  EXPECT_EQ(p.shape(), PartialShape::Of({-1, 14, 14, 8}));
  EXPECT_EQ(a.shape(), PartialShape::Of({-1, 7, 7, 8}));
  EXPECT_EQ(f.shape(), PartialShape::Of({-1, 392}));
}

TEST(ConvLayersTest, FlattenNeedsKnownDims) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT,
                              PartialShape::Of({-1, -1, 4}));
  layers::Flatten(root, x);
  EXPECT_THAT(root.status(),
              testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                ::testing::HasSubstr("'x:0'")));
}

// x: 2 images of 1x2 pixels, 1 channel: values 1, 3, 5, 7 (mean 4, biased
// variance 5, unbiased 20/3).
TEST(ConvLayersTest, BatchNormModesAndMovingAverages) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT,
                              PartialShape::Of({-1, 1, 2, 1}));
  Output training = ops::PlaceholderWithDefault(root.WithOpName("training"),
                                                true, PartialShape::Scalar());
  layers::BatchNormOptions o;
  o.momentum = 0.9f;
  o.epsilon = 0.001f;
  layers::BatchNormLayer bn = layers::BatchNorm(root, x, training, o);
  Operation init = ops::GlobalVariablesInitializer(root);
  std::vector<Operation> updates = layers::UpdateOps(root);
  TG_ASSERT_OK(root.status());
  EXPECT_EQ(bn.moving_mean.node()->name(), "batch_normalization/moving_mean");
  EXPECT_EQ(bn.gamma.node()->name(), "batch_normalization/gamma");
  ASSERT_EQ(updates.size(), 2u);

  ClientSession session(root);
  TG_ASSERT_OK(session.Run({}, {}, {init}, nullptr));
  const Tensor batch =
      Tensor::FromVector<float>({1, 3, 5, 7}, TensorShape({2, 1, 2, 1}));
  std::vector<Tensor> out;
  // Training: the batch's statistics normalize; the update ops move the
  // averages 10% of the way from (0, 1) to (4, 20/3).
  TG_ASSERT_OK(session.Run({{x, batch}}, {bn.output}, updates, &out));
  const float r = 1 / std::sqrt(5.0f + 0.001f);
  EXPECT_THAT(out[0].flat<float>(),
              Pointwise(FloatNear(1e-5), {-3 * r, -r, r, 3 * r}));
  TG_ASSERT_OK(session.Run({}, {bn.moving_mean, bn.moving_variance}, &out));
  EXPECT_THAT(out[0].flat<float>(), ElementsAre(FloatNear(0.4f, 1e-6)));
  EXPECT_THAT(out[1].flat<float>(),
              ElementsAre(FloatNear(0.9f + 0.1f * 20 / 3, 1e-5)));
  // Inference: the moving averages normalize, and nothing moves.
  TG_ASSERT_OK(session.Run({{x, batch}, {training, Tensor::Scalar(false)}},
                           {bn.output}, &out));
  const float var = 0.9f + 0.1f * 20 / 3;
  const float ri = 1 / std::sqrt(var + 0.001f);
  EXPECT_THAT(out[0].flat<float>(),
              Pointwise(FloatNear(1e-5), {(1 - 0.4f) * ri, (3 - 0.4f) * ri,
                                          (5 - 0.4f) * ri, (7 - 0.4f) * ri}));
}

}  // namespace
}  // namespace tg
