// Float convolutions (oneDNN by default; im2col + GEMM when the test runs
// with TG_CPU_CONV=im2col) against double-precision plain loops, over
// strided, dilated, SAME / VALID / EXPLICIT settings and batches > 1. The
// op-case table checks the double kernels; this checks the float ones.
#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ops/standard_ops.h"
#include "runtime/client_session.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/window_reference.h"

namespace tg {
namespace testing {
namespace internal {
namespace {

Tensor RandomFloats(const TensorShape& shape, uint64_t seed) {
  Tensor t(DT_FLOAT, shape);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  for (float& v : t.flat<float>()) v = u(rng);
  return t;
}

void ExpectNear(const Tensor& got, const std::vector<double>& want) {
  ASSERT_EQ(got.NumElements(), static_cast<int64_t>(want.size()));
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_NEAR(got.flat<float>()[i], want[i], 1e-4 * (1 + std::abs(want[i])))
        << "element " << i;
  }
}

struct ConvSetting {
  const char* name;
  TensorShape x, f;
  Win w;
};

std::vector<ConvSetting> Settings() {
  Win explicit_pad = MakeWin(1, 1, "EXPLICIT", {2, 1, 0, 3});
  explicit_pad.sw = 3;
  return {
      {"mnist_conv1", {4, 28, 28, 1}, {5, 5, 1, 32}, MakeWin(1, 1, "SAME")},
      {"mnist_conv2", {3, 14, 14, 32}, {5, 5, 32, 64}, MakeWin(1, 1, "SAME")},
      {"same_strided_odd", {2, 9, 8, 3}, {3, 3, 3, 5}, MakeWin(2, 1, "SAME")},
      {"valid_dilated", {2, 11, 10, 4}, {3, 2, 4, 6}, MakeWin(1, 2, "VALID")},
      {"explicit", {3, 7, 9, 2}, {2, 4, 2, 3}, explicit_pad},
      {"pointwise", {2, 5, 5, 8}, {1, 1, 8, 4}, MakeWin(1, 1, "VALID")},
      // The last input row and column are in no window.
      {"valid_stride_leaves_a_row",
       {2, 6, 6, 3},
       {3, 3, 3, 2},
       MakeWin(2, 1, "VALID")},
  };
}

class FloatConvTest : public ::testing::TestWithParam<ConvSetting> {};

TEST_P(FloatConvTest, AllThreePassesMatchPlainLoops) {
  const ConvSetting& c = GetParam();
  const TensorShape ys = ConvOutShape(c.x, c.f, c.w, false);
  const Tensor x = RandomFloats(c.x, 1), f = RandomFloats(c.f, 2),
               dy = RandomFloats(ys, 3);
  std::vector<double> y(ys.num_elements()), dx(c.x.num_elements()),
      df(c.f.num_elements());
  ConvProducts(c.x, c.f, c.w, false, [&](int64_t a, int64_t b, int64_t o) {
    y[o] += double(x.flat<float>()[a]) * f.flat<float>()[b];
    dx[a] += double(f.flat<float>()[b]) * dy.flat<float>()[o];
    df[b] += double(x.flat<float>()[a]) * dy.flat<float>()[o];
  });
  Scope root = Scope::NewRootScope();
  const ops::ConvOptions o = Options(c.w);
  Output fwd = ops::Conv2D(root, x, f, o);
  Output bi = ops::Conv2DBackpropInput(root, SizesConst(root, c.x), f, dy, o);
  Output bf = ops::Conv2DBackpropFilter(root, x, SizesConst(root, c.f), dy, o);
  ClientSession session(root);
  std::vector<Tensor> out;
  // Twice: the second run reuses the primitives the first one built.
  for (int run = 0; run < 2; ++run) {
    TG_ASSERT_OK(session.Run({fwd, bi, bf}, &out));
    ExpectNear(out[0], y);
    ExpectNear(out[1], dx);
    ExpectNear(out[2], df);
  }
}

INSTANTIATE_TEST_SUITE_P(Settings, FloatConvTest,
                         ::testing::ValuesIn(Settings()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace internal
}  // namespace testing
}  // namespace tg
