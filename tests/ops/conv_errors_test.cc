// Bad input to the convolution and pooling ops gets an error naming the
// node and the values, at build time when the shapes are known and at run
// time when they are not (placeholders of unknown shape).
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ops/standard_ops.h"
#include "runtime/client_session.h"
#include "tests/testing/status_matchers.h"

namespace tg {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::tg::testing::StatusIs;

Tensor Zeros(const TensorShape& shape) {
  Tensor t(DT_FLOAT, shape);
  for (float& v : t.flat<float>()) v = 0;
  return t;
}

// Runs y with x fed `value` (x a placeholder of unknown shape).
absl::Status RunFed(const Scope& root, const Output& x, const Tensor& value,
                    const Output& y) {
  TG_RETURN_IF_ERROR(root.status());
  ClientSession session(root);
  std::vector<Tensor> out;
  return session.Run({{x, value}}, {y}, &out);
}

TEST(ConvErrorsTest, FilterChannelsDifferFromInput) {
  Scope root = Scope::NewRootScope();
  ops::Conv2D(root.WithOpName("conv"), Zeros({1, 5, 5, 3}),
              Zeros({3, 3, 2, 4}));
  EXPECT_THAT(root.status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("node 'conv'"), HasSubstr("Conv2D"),
                             HasSubstr("in_channels"), HasSubstr("[3,3,2,4]"),
                             HasSubstr("[1,5,5,3]"))));
  // The same found by the kernel when shapes are known only at run time.
  Scope r2 = Scope::NewRootScope();
  Output x = ops::Placeholder(r2.WithOpName("x"), DT_FLOAT);
  Output y = ops::Conv2D(r2.WithOpName("conv"), x, Zeros({3, 3, 2, 4}));
  EXPECT_THAT(
      RunFed(r2, x, Zeros({1, 5, 5, 3}), y),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("node 'conv'"), HasSubstr("in_channels"))));
}

TEST(ConvErrorsTest, WindowLargerThanPaddedInput) {
  Scope root = Scope::NewRootScope();
  ops::ConvOptions o;
  o.padding = "VALID";
  ops::Conv2D(root.WithOpName("conv"), Zeros({1, 3, 3, 1}), Zeros({5, 5, 1, 1}),
              o);
  EXPECT_THAT(root.status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("node 'conv'"), HasSubstr("window 5"),
                             HasSubstr("padded input height 3"))));
  Scope r2 = Scope::NewRootScope();
  Output x = ops::Placeholder(r2.WithOpName("x"), DT_FLOAT);
  ops::PoolOptions p;
  p.ksize = {1, 4, 4, 1};
  Output y = ops::MaxPool(r2.WithOpName("pool"), x, p);
  EXPECT_THAT(RunFed(r2, x, Zeros({2, 3, 8, 1}), y),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("node 'pool'"), HasSubstr("MaxPool"),
                             HasSubstr("larger than the padded input"))));
}

TEST(ConvErrorsTest, ZeroOrNegativeStrides) {
  for (int64_t stride : {0, -2}) {
    Scope root = Scope::NewRootScope();
    ops::ConvOptions o;
    o.strides = {1, stride, 1, 1};
    ops::Conv2D(root.WithOpName("conv"), Zeros({1, 5, 5, 1}),
                Zeros({3, 3, 1, 1}), o);
    EXPECT_THAT(root.status(),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         AllOf(HasSubstr("node 'conv'"),
                               HasSubstr("strides must be positive"))));
  }
  Scope root = Scope::NewRootScope();
  ops::PoolOptions p;
  p.strides = {1, 2, 0, 1};
  ops::AvgPool(root.WithOpName("pool"), Zeros({1, 4, 4, 1}), p);
  EXPECT_THAT(root.status(), StatusIs(absl::StatusCode::kInvalidArgument,
                                      HasSubstr("[1,2,0,1]")));
}

TEST(ConvErrorsTest, DataFormatTheCpuDoesNotSupport) {
  Scope root = Scope::NewRootScope();
  ops::ConvOptions o;
  o.data_format = "NCHW";
  Output y = ops::Conv2D(root.WithOpName("conv"), Zeros({1, 1, 5, 5}),
                         Zeros({3, 3, 1, 2}), o);
  TG_ASSERT_OK(root.status());
  ClientSession session(root);
  std::vector<Tensor> out;
  EXPECT_THAT(session.Run({y}, &out),
              StatusIs(absl::StatusCode::kUnimplemented,
                       AllOf(HasSubstr("node 'conv'"), HasSubstr("NCHW"),
                             HasSubstr("CPU"))));
}

TEST(ConvErrorsTest, InputSizesThatDoNotMatchOutBackprop) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("dy"), DT_FLOAT);
  // A 6x6 input with a 3x3 VALID filter gives 4x4, not 5x5.
  ops::ConvOptions o;
  o.padding = "VALID";
  Output y = ops::Conv2DBackpropInput(root.WithOpName("grad"),
                                      Tensor::FromVector<int32_t>({1, 6, 6, 1}),
                                      Zeros({3, 3, 1, 1}), x, o);
  EXPECT_THAT(RunFed(root, x, Zeros({1, 5, 5, 1}), y),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("node 'grad'"),
                             HasSubstr("out_backprop has shape [1,5,5,1]"),
                             HasSubstr("[1,4,4,1]"))));
  Scope r2 = Scope::NewRootScope();
  Output dy = ops::Placeholder(r2.WithOpName("dy"), DT_FLOAT);
  Output z = ops::Conv2DBackpropInput(
      r2.WithOpName("grad"), Tensor::FromVector<int32_t>({1, -6, 6, 1}),
      Zeros({3, 3, 1, 1}), dy, o);
  EXPECT_THAT(
      RunFed(r2, dy, Zeros({1, 4, 4, 1}), z),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("negative")));
}

// A window of 2^40 rows with SAME padding covers the whole input; its cost
// is that of the real cells (a loop over the window would never end).
TEST(ConvErrorsTest, HugeWindowWithSamePaddingCostsOnlyItsRealCells) {
  Scope root = Scope::NewRootScope();
  ops::PoolOptions p;
  p.ksize = {1, int64_t{1} << 40, 1, 1};
  p.strides = {1, 1, 1, 1};
  p.padding = "SAME";
  Output y = ops::MaxPool(
      root,
      Tensor::FromVector<float>({1, 5, 2, 4, 3, 0}, TensorShape({1, 3, 2, 1})),
      p);
  Output z = ops::AvgPool(
      root,
      Tensor::FromVector<float>({1, 5, 2, 4, 3, 0}, TensorShape({1, 3, 2, 1})),
      p);
  TG_ASSERT_OK(root.status());
  ClientSession session(root);
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run({y, z}, &out));
  // Every window holds its whole column: {1, 2, 3} and {5, 4, 0}.
  EXPECT_THAT(out[0].flat<float>(), ::testing::ElementsAre(3, 5, 3, 5, 3, 5));
  EXPECT_THAT(out[1].flat<float>(), ::testing::ElementsAre(2, 3, 2, 3, 2, 3));
}

TEST(ConvErrorsTest, BatchNormStatisticsOfTheWrongSize) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  Tensor three = Zeros({3});
  auto bn = ops::FusedBatchNormV3(root.WithOpName("bn"), x, three, three, three,
                                  three);
  EXPECT_THAT(RunFed(root, x, Zeros({2, 4, 4, 2}), bn.y),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("node 'bn'"), HasSubstr("scale"),
                             HasSubstr("2 values"))));
}

}  // namespace
}  // namespace tg
