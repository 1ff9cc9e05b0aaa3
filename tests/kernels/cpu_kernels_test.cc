// Forward values of the CPU kernels against plain reference loops.
#include <cmath>
#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kernels/common/fast_math.h"
#include "ops/standard_ops.h"
#include "runtime/client_session.h"
#include "tests/testing/status_matchers.h"

namespace tg {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::FloatNear;
using ::testing::Pointwise;

Tensor Random(const TensorShape& shape, uint64_t seed) {
  Tensor t(DT_FLOAT, shape);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-2, 2);
  for (float& v : t.flat<float>()) v = u(rng);
  return t;
}

// Evaluates one output of a graph with no feeds.
Tensor Eval(const Scope& root, const Output& y) {
  ClientSession session(root);
  std::vector<Tensor> out;
  absl::Status s = session.Run({y}, &out);
  EXPECT_TRUE(s.ok()) << s;
  return s.ok() ? out[0] : Tensor();
}

TEST(CpuKernelsTest, MatMulAllTransposes) {
  const int m = 5, k = 7, n = 3;
  Tensor a = Random({m, k}, 1), b = Random({k, n}, 2);
  std::vector<float> want(m * n, 0);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j)
      for (int p = 0; p < k; ++p)
        want[i * n + j] +=
            a.flat<float>()[i * k + p] * b.flat<float>()[p * n + j];
  // Transposed copies of a and b.
  Tensor at(DT_FLOAT, TensorShape({k, m})), bt(DT_FLOAT, TensorShape({n, k}));
  for (int i = 0; i < m; ++i)
    for (int p = 0; p < k; ++p)
      at.flat<float>()[p * m + i] = a.flat<float>()[i * k + p];
  for (int p = 0; p < k; ++p)
    for (int j = 0; j < n; ++j)
      bt.flat<float>()[j * k + p] = b.flat<float>()[p * n + j];
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      Scope root = Scope::NewRootScope();
      Tensor got =
          Eval(root, ops::MatMul(root, ta ? at : a, tb ? bt : b, ta, tb));
      EXPECT_THAT(got.flat<float>(), Pointwise(FloatNear(1e-5), want))
          << ta << tb;
    }
  }
}

TEST(CpuKernelsTest, BroadcastingBinaryOpsRank3) {
  Tensor x = Random({2, 1, 4}, 3), y = Random({3, 1}, 4);
  Scope root = Scope::NewRootScope();
  Tensor got = Eval(root, ops::Sub(root, x, y));
  ASSERT_EQ(got.shape(), TensorShape({2, 3, 4}));
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int l = 0; l < 4; ++l)
        ASSERT_FLOAT_EQ(got.flat<float>()[(i * 3 + j) * 4 + l],
                        x.flat<float>()[i * 4 + l] - y.flat<float>()[j]);
}

TEST(CpuKernelsTest, UnaryFunctionsMatchTheLibrary) {
  Tensor x = Random({50}, 5);
  Scope root = Scope::NewRootScope();
  Output xs = ops::Const(root, x);
  ClientSession session(root);
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run(
      {ops::Sigmoid(root, xs), ops::Tanh(root, xs), ops::Relu(root, xs),
       ops::Neg(root, xs), ops::Square(root, xs)},
      &out));
  for (int i = 0; i < 50; ++i) {
    const float v = x.flat<float>()[i];
    EXPECT_NEAR(out[0].flat<float>()[i], 1 / (1 + std::exp(-v)), 1e-6);
    EXPECT_NEAR(out[1].flat<float>()[i], std::tanh(v), 1e-6);
    EXPECT_EQ(out[2].flat<float>()[i], v > 0 ? v : 0);
    EXPECT_EQ(out[3].flat<float>()[i], -v);
    EXPECT_FLOAT_EQ(out[4].flat<float>()[i], v * v);
  }
}

TEST(CpuKernelsTest, MathFunctionsMatchTheLibrary) {
  Tensor x = Random({40}, 11);
  for (float& v : x.flat<float>()) v = std::abs(v) + 0.1f;  // Positive.
  Tensor y = Random({40}, 12);
  Scope root = Scope::NewRootScope();
  Output xs = ops::Const(root, x), ys = ops::Const(root, y);
  ClientSession session(root);
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run(
      {ops::Exp(root, ys), ops::Log(root, xs), ops::Log1p(root, xs),
       ops::Sqrt(root, xs), ops::Rsqrt(root, xs), ops::Reciprocal(root, ys),
       ops::Abs(root, ys), ops::Sign(root, ys), ops::Softplus(root, ys),
       ops::Maximum(root, xs, ys), ops::Minimum(root, xs, ys),
       ops::Pow(root, xs, ys)},
      &out));
  for (int i = 0; i < 40; ++i) {
    const double a = x.flat<float>()[i], b = y.flat<float>()[i];
    const double want[] = {std::exp(b),
                           std::log(a),
                           std::log1p(a),
                           std::sqrt(a),
                           1 / std::sqrt(a),
                           1 / b,
                           std::abs(b),
                           double((b > 0) - (b < 0)),
                           std::log1p(std::exp(b)),
                           std::max(a, b),
                           std::min(a, b),
                           std::pow(a, b)};
    for (int k = 0; k < 12; ++k) {
      EXPECT_NEAR(out[k].flat<float>()[i], want[k],
                  2e-6 * std::abs(want[k]) + 1e-6)
          << "function " << k << " at " << i;
    }
  }
}

TEST(CpuKernelsTest, ReductionsOverAxisCombinations) {
  Tensor x = Random({2, 3, 4}, 6);
  auto at = [&](int i, int j, int l) {
    return x.flat<float>()[(i * 3 + j) * 4 + l];
  };
  Scope root = Scope::NewRootScope();
  Tensor sum02 =
      Eval(root, ops::Sum(root, x, Tensor::FromVector<int32_t>({0, 2})));
  Tensor mean1k = Eval(root, ops::Mean(root, x, 1, /*keep_dims=*/true));
  Tensor prod_last = Eval(root, ops::Prod(root, x, -1));
  ASSERT_EQ(sum02.shape(), TensorShape({3}));
  ASSERT_EQ(mean1k.shape(), TensorShape({2, 1, 4}));
  ASSERT_EQ(prod_last.shape(), TensorShape({2, 3}));
  for (int j = 0; j < 3; ++j) {
    double s = 0;
    for (int i = 0; i < 2; ++i)
      for (int l = 0; l < 4; ++l) s += at(i, j, l);
    EXPECT_NEAR(sum02.flat<float>()[j], s, 1e-5);
  }
  for (int i = 0; i < 2; ++i)
    for (int l = 0; l < 4; ++l)
      EXPECT_NEAR(mean1k.flat<float>()[i * 4 + l],
                  (at(i, 0, l) + at(i, 1, l) + at(i, 2, l)) / 3, 1e-5);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      EXPECT_NEAR(prod_last.flat<float>()[i * 3 + j],
                  at(i, j, 0) * at(i, j, 1) * at(i, j, 2) * at(i, j, 3), 1e-4);
}

TEST(CpuKernelsTest, SoftmaxAndSparseCrossEntropy) {
  Tensor logits = Random({4, 6}, 7);
  const std::vector<int64_t> labels = {0, 5, 2, 2};
  Scope root = Scope::NewRootScope();
  Output l = ops::Const(root, logits);
  auto xent = ops::SparseSoftmaxCrossEntropyWithLogits(
      root, l, Tensor::FromVector<int64_t>(labels));
  ClientSession session(root);
  std::vector<Tensor> out;
  TG_ASSERT_OK(
      session.Run({ops::Softmax(root, l), xent.loss, xent.backprop}, &out));
  for (int r = 0; r < 4; ++r) {
    double z = 0;
    for (int c = 0; c < 6; ++c) z += std::exp(logits.flat<float>()[r * 6 + c]);
    for (int c = 0; c < 6; ++c) {
      const double p = std::exp(logits.flat<float>()[r * 6 + c]) / z;
      EXPECT_NEAR(out[0].flat<float>()[r * 6 + c], p, 1e-6);
      EXPECT_NEAR(out[2].flat<float>()[r * 6 + c], p - (c == labels[r]), 1e-6);
    }
    EXPECT_NEAR(out[1].flat<float>()[r],
                std::log(z) - logits.flat<float>()[r * 6 + labels[r]], 1e-5);
  }
}

TEST(CpuKernelsTest, BiasAddAndItsGradient) {
  Tensor v = Random({3, 4}, 8), b = Random({4}, 9);
  Scope root = Scope::NewRootScope();
  Tensor sum = Eval(root, ops::BiasAdd(root, v, b));
  Tensor grad = Eval(root, ops::BiasAddGrad(root, v));
  for (int i = 0; i < 3; ++i)
    for (int c = 0; c < 4; ++c)
      EXPECT_FLOAT_EQ(sum.flat<float>()[i * 4 + c],
                      v.flat<float>()[i * 4 + c] + b.flat<float>()[c]);
  for (int c = 0; c < 4; ++c)
    EXPECT_NEAR(
        grad.flat<float>()[c],
        v.flat<float>()[c] + v.flat<float>()[4 + c] + v.flat<float>()[8 + c],
        1e-5);
}

TEST(CpuKernelsTest, ArgMaxEqualCastAndShapes) {
  Scope root = Scope::NewRootScope();
  Tensor x = Tensor::FromVector<float>({1, 9, 3, 7, 2, 8}, TensorShape({2, 3}));
  EXPECT_THAT(Eval(root, ops::ArgMax(root, x, 1)).flat<int64_t>(),
              ElementsAre(1, 2));
  EXPECT_THAT(Eval(root, ops::ArgMax(root, x, 0, DT_INT32)).flat<int32_t>(),
              ElementsAre(1, 0, 1));
  EXPECT_THAT(Eval(root, ops::Equal(root, {1, 2, 3}, {1, 0, 3})).flat<bool>(),
              ElementsAre(true, false, true));
  EXPECT_THAT(
      Eval(root, ops::Cast(root, {1.7f, -2.2f}, DT_INT32)).flat<int32_t>(),
      ElementsAre(1, -2));
  EXPECT_THAT(Eval(root, ops::Shape(root, x)).flat<int32_t>(),
              ElementsAre(2, 3));
  Tensor r = Eval(root, ops::Reshape(root, x, {-1, 2}));
  EXPECT_EQ(r.shape(), TensorShape({3, 2}));
  EXPECT_THAT(Eval(root, ops::Fill(root, {2, 2}, 5)).flat<int32_t>(),
              ElementsAre(5, 5, 5, 5));
  auto args = ops::BroadcastGradientArgs(root, {2, 3, 4}, {3, 1});
  ClientSession session(root);
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run({args.r0, args.r1}, &out));
  EXPECT_THAT(out[0].flat<int32_t>(), ElementsAre());
  EXPECT_THAT(out[1].flat<int32_t>(), ElementsAre(0, 2));
  EXPECT_THAT(Eval(root, ops::AddN(root, {ops::Const(root, {1.f, 2.f}),
                                          ops::Const(root, {3.f, 4.f}),
                                          ops::Const(root, {5.f, 6.f})}))
                  .flat<float>(),
              ElementsAre(9, 12));
}

TEST(CpuKernelsTest, RandomStandardNormalIsSeededAndNormal) {
  Scope root = Scope::NewRootScope();
  Output r1 = ops::RandomStandardNormal(root, {100000}, DT_FLOAT, 5, 1);
  Output r2 = ops::RandomStandardNormal(root, {100000}, DT_FLOAT, 5, 1);
  ClientSession session(root);
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run({r1, r2}, &out));
  double mean = 0, sq = 0;
  for (float v : out[0].flat<float>()) {
    mean += v;
    sq += v * v;
  }
  mean /= 1e5;
  EXPECT_NEAR(mean, 0, 0.02);
  EXPECT_NEAR(sq / 1e5 - mean * mean, 1, 0.02);
  EXPECT_THAT(out[0].flat<float>(),
              Pointwise(FloatNear(0), out[1].flat<float>()));
}

TEST(FastExpTest, MatchesDoublePrecisionExp) {
  double worst = 0;
  for (float x = -87.0f; x < 88.7f; x += 0.0007f) {
    const double want = std::exp(static_cast<double>(x));
    worst = std::max(worst, std::abs(functor::FastExp(x) - want) / want);
  }
  EXPECT_LT(worst, 2.5e-7);  // About two float ulps.
  EXPECT_EQ(functor::FastExp(0.0f), 1.0f);
  EXPECT_TRUE(std::isinf(functor::FastExp(100.0f)));
  EXPECT_EQ(functor::FastExp(-200.0f), 0.0f);
  EXPECT_TRUE(std::isnan(functor::FastExp(NAN)));
}

}  // namespace
}  // namespace tg
