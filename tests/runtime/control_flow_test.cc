// Loops and conditionals built with the C++ API (ops::WhileLoop, ops::Cond)
// and run on the CPU and the tests' TEST device: each expected value is
// computed here with a plain loop over the numbers fed. Also the errors a
// malformed loop or predicate gives, and graphs saved and loaded again.
#include <cmath>

#include "gmock/gmock.h"
#include "graph/gradients.h"
#include "graph/graph_def_io.h"
#include "gtest/gtest.h"
#include "ops/control_flow_ops.h"
#include "ops/standard_ops.h"
#include "runtime/client_session.h"
#include "runtime/session.h"
#include "tests/testing/gpu.h"
#include "tests/testing/status_matchers.h"

namespace tg {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::tg::testing::StatusIs;
using Outs = std::vector<Output>;

std::vector<float> Values(const Tensor& t) {
  auto f = t.flat<float>();
  return std::vector<float>(f.begin(), f.end());
}

// cond: v[0] < n.
ops::LoopCondFn LessThan(int n) {
  return [n](const Scope& s, const Outs& v) -> absl::StatusOr<Output> {
    return ops::Less(s, v[0], n);
  };
}

class ControlFlowTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() != "/device:GPU:0") return;
    const std::string why = testing::WhyNoGpu();
    if (!why.empty()) GTEST_SKIP() << why;
  }
  SessionOptions Options() const {
    SessionOptions o;
    o.placement.default_device = GetParam();
    return o;
  }
};

TEST_P(ControlFlowTest, CounterLoop) {
  for (int parallel : {1, 10, 64}) {
    Scope root = Scope::NewRootScope();
    ops::WhileLoopOptions options;
    options.parallel_iterations = parallel;
    absl::StatusOr<Outs> r = ops::WhileLoop(
        root, LessThan(10),
        [](const Scope& b, const Outs& v) -> absl::StatusOr<Outs> {
          return Outs{ops::Add(b, v[0], 1)};
        },
        {ops::ScalarConst(root, 0, DT_INT32)}, options);
    TG_ASSERT_OK(r.status());
    ClientSession session(root, Options());
    std::vector<Tensor> out;
    TG_ASSERT_OK(session.Run({(*r)[0]}, &out));
    EXPECT_EQ(out[0].scalar<int32_t>(), 10) << "parallel " << parallel;
  }
}

TEST_P(ControlFlowTest, AccumulatingLoopWithFedInvariant) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  Output n = ops::Placeholder(root.WithOpName("n"), DT_INT32);
  // acc += x * i for i in [0, n); x and n are captured loop invariants.
  absl::StatusOr<Outs> r = ops::WhileLoop(
      root,
      [&](const Scope& c, const Outs& v) -> absl::StatusOr<Output> {
        return ops::Less(c, v[0], n);
      },
      [&](const Scope& b, const Outs& v) -> absl::StatusOr<Outs> {
        Output term = ops::Mul(b, x, ops::Cast(b, v[0], DT_FLOAT));
        return Outs{ops::Add(b, v[0], 1), ops::Add(b, v[1], term)};
      },
      {ops::ScalarConst(root, 0, DT_INT32), ops::ZerosLike(root, x)});
  TG_ASSERT_OK(r.status());
  ClientSession session(root, Options());
  const std::vector<float> xs = {0.5f, -1.25f, 3.0f, 2.0f, -0.75f, 8.0f};
  for (int count : {0, 1, 7, 40}) {
    std::vector<Tensor> out;
    TG_ASSERT_OK(session.Run({{x, Tensor::FromVector(xs, TensorShape{2, 3})},
                              {n, Tensor::Scalar<int32_t>(count)}},
                             {(*r)[0], (*r)[1]}, &out));
    EXPECT_EQ(out[0].scalar<int32_t>(), count);
    std::vector<float> want(xs.size(), 0.0f);
    for (int i = 0; i < count; ++i) {
      for (size_t k = 0; k < xs.size(); ++k) want[k] += xs[k] * i;
    }
    EXPECT_EQ(out[1].shape(), (TensorShape{2, 3}));
    EXPECT_EQ(Values(out[1]), want) << count << " iterations";
  }
}

TEST_P(ControlFlowTest, LoopVariableChangesShape) {
  Scope root = Scope::NewRootScope();
  Output m = ops::Const(root, {{1.0f, 2.0f}});
  absl::StatusOr<Outs> r = ops::WhileLoop(
      root, LessThan(3),
      [](const Scope& b, const Outs& v) -> absl::StatusOr<Outs> {
        return Outs{ops::Add(b, v[0], 1), ops::ConcatV2(b, {v[1], v[1]}, 0)};
      },
      {ops::ScalarConst(root, 0, DT_INT32), m});
  TG_ASSERT_OK(r.status());
  // The loop generalizes the static shape: rows vary, columns do not.
  EXPECT_EQ((*r)[1].shape(), PartialShape::Of({-1, 2}));
  ClientSession session(root, Options());
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run({(*r)[1]}, &out));
  ASSERT_EQ(out[0].shape(), (TensorShape{8, 2}));
  for (int row = 0; row < 8; ++row) {
    EXPECT_EQ(out[0].flat<float>()[2 * row], 1.0f);
    EXPECT_EQ(out[0].flat<float>()[2 * row + 1], 2.0f);
  }
}

TEST_P(ControlFlowTest, NestedLoopWhoseInnerBoundIsTheOuterCounter) {
  Scope root = Scope::NewRootScope();
  // total = sum over i < 5 of (number of j < i) = 0 + 1 + 2 + 3 + 4.
  absl::StatusOr<Outs> r = ops::WhileLoop(
      root, LessThan(5),
      [](const Scope& b, const Outs& v) -> absl::StatusOr<Outs> {
        ops::WhileLoopOptions inner;
        inner.name = "inner";
        const Output i = v[0];
        absl::StatusOr<Outs> in = ops::WhileLoop(
            b,
            [&](const Scope& c, const Outs& w) -> absl::StatusOr<Output> {
              return ops::Less(c, w[0], i);
            },
            [](const Scope& ib, const Outs& w) -> absl::StatusOr<Outs> {
              return Outs{ops::Add(ib, w[0], 1), ops::Add(ib, w[1], 1)};
            },
            {ops::ScalarConst(b, 0, DT_INT32), v[1]}, inner);
        if (!in.ok()) return in.status();
        return Outs{ops::Add(b, v[0], 1), (*in)[1]};
      },
      {ops::ScalarConst(root, 0, DT_INT32),
       ops::ScalarConst(root, 0, DT_INT32)});
  TG_ASSERT_OK(r.status());
  ClientSession session(root, Options());
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run({(*r)[0], (*r)[1]}, &out));
  int want = 0;
  for (int i = 0; i < 5; ++i) {
    for (int j = 0; j < i; ++j) ++want;
  }
  EXPECT_EQ(out[0].scalar<int32_t>(), 5);
  EXPECT_EQ(out[1].scalar<int32_t>(), want);
}

// y = pred ? reshape(x, [7]) (fails: x has 6 elements) : 2 x.
TEST_P(ControlFlowTest, UntakenBranchWithFailingOpDoesNotRun) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  Output pred = ops::Placeholder(root.WithOpName("pred"), DT_BOOL);
  absl::StatusOr<Outs> y = ops::Cond(
      root, pred,
      [&](const Scope& t) -> absl::StatusOr<Outs> {
        return Outs{
            ops::Reshape(t.WithOpName("bad_reshape"), x, ops::Const(t, {7}))};
      },
      [&](const Scope& e) -> absl::StatusOr<Outs> {
        return Outs{ops::Mul(e, x, 2.0f)};
      });
  TG_ASSERT_OK(y.status());
  ClientSession session(root, Options());
  const Tensor xs = Tensor::FromVector<float>({1, 2, 3, 4, 5, 6});
  std::vector<Tensor> out;
  TG_ASSERT_OK(
      session.Run({{x, xs}, {pred, Tensor::Scalar(false)}}, {(*y)[0]}, &out));
  EXPECT_EQ(Values(out[0]), (std::vector<float>{2, 4, 6, 8, 10, 12}));
  // Taken, the branch's op does fail: the test above is not vacuous.
  EXPECT_THAT(
      session.Run({{x, xs}, {pred, Tensor::Scalar(true)}}, {(*y)[0]}, &out),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("node 'cond/then/bad_reshape'")));
}

TEST_P(ControlFlowTest, CondInsideLoop) {
  Scope root = Scope::NewRootScope();
  Output big = ops::Placeholder(root.WithOpName("big"), DT_INT32);
  // acc += (i is even) ? 1 : big, for i in [0, 7).
  absl::StatusOr<Outs> r = ops::WhileLoop(
      root, LessThan(7),
      [&](const Scope& b, const Outs& v) -> absl::StatusOr<Outs> {
        Output even = ops::Equal(b, ops::FloorMod(b, v[0], 2), 0);
        absl::StatusOr<Outs> add = ops::Cond(
            b, even,
            [&](const Scope& t) -> absl::StatusOr<Outs> {
              return Outs{ops::Add(t, v[1], 1)};
            },
            [&](const Scope& e) -> absl::StatusOr<Outs> {
              return Outs{ops::Add(e, v[1], big)};
            });
        if (!add.ok()) return add.status();
        return Outs{ops::Add(b, v[0], 1), (*add)[0]};
      },
      {ops::ScalarConst(root, 0, DT_INT32),
       ops::ScalarConst(root, 0, DT_INT32)});
  TG_ASSERT_OK(r.status());
  ClientSession session(root, Options());
  std::vector<Tensor> out;
  TG_ASSERT_OK(
      session.Run({{big, Tensor::Scalar<int32_t>(100)}}, {(*r)[1]}, &out));
  int want = 0;
  for (int i = 0; i < 7; ++i) want += i % 2 == 0 ? 1 : 100;
  EXPECT_EQ(out[0].scalar<int32_t>(), want);
}

// d/dx of pred ? x^3 : sin(x) * x, against central differences of the run.
TEST_P(ControlFlowTest, GradientThroughCondMatchesNumeric) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_DOUBLE);
  Output pred = ops::Placeholder(root.WithOpName("pred"), DT_BOOL);
  absl::StatusOr<Outs> y = ops::Cond(
      root, pred,
      [&](const Scope& t) -> absl::StatusOr<Outs> {
        return Outs{ops::Mul(t, x, ops::Square(t, x))};
      },
      [&](const Scope& e) -> absl::StatusOr<Outs> {
        return Outs{ops::Mul(e, ops::Tanh(e, x), x)};
      });
  TG_ASSERT_OK(y.status());
  Outs grads;
  TG_ASSERT_OK(AddSymbolicGradients(root, {(*y)[0]}, {x}, &grads));
  ClientSession session(root, Options());
  const std::vector<double> xs = {0.3, -1.1, 2.0};
  for (bool p : {true, false}) {
    std::vector<Tensor> out;
    TG_ASSERT_OK(
        session.Run({{x, Tensor::FromVector(xs)}, {pred, Tensor::Scalar(p)}},
                    {grads[0]}, &out));
    for (size_t k = 0; k < xs.size(); ++k) {
      const double h = 1e-6;
      auto f = [&](double v) {
        std::vector<double> at = xs;
        at[k] = v;
        std::vector<Tensor> o;
        EXPECT_TRUE(
            session
                .Run({{x, Tensor::FromVector(at)}, {pred, Tensor::Scalar(p)}},
                     {(*y)[0]}, &o)
                .ok());
        return o[0].flat<double>()[k];
      };
      const double numeric = (f(xs[k] + h) - f(xs[k] - h)) / (2 * h);
      EXPECT_NEAR(out[0].flat<double>()[k], numeric, 1e-6)
          << "pred " << p << " element " << k;
    }
  }
}

TEST_P(ControlFlowTest, SavedAndLoadedGraphGivesTheSameResults) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  absl::StatusOr<Outs> r = ops::WhileLoop(
      root, LessThan(4),
      [&](const Scope& b, const Outs& v) -> absl::StatusOr<Outs> {
        return Outs{ops::Add(b, v[0], 1), ops::Mul(b, v[1], x)};
      },
      {ops::ScalarConst(root, 0, DT_INT32), ops::OnesLike(root, x)});
  TG_ASSERT_OK(r.status());
  absl::StatusOr<Outs> c = ops::Cond(
      root, ops::Greater(root, ops::Sum(root, (*r)[1], {0}), 10.0f),
      [&](const Scope& t) -> absl::StatusOr<Outs> {
        return Outs{ops::Neg(t, (*r)[1])};
      },
      [&](const Scope& e) -> absl::StatusOr<Outs> { return Outs{(*r)[1]}; });
  TG_ASSERT_OK(c.status());
  GraphDef def;
  TG_ASSERT_OK(root.ToGraphDef(&def));
  const std::string path = ::testing::TempDir() + "/loop_and_cond.pbtxt";
  TG_ASSERT_OK(WriteGraphDefFile(def, path));
  absl::StatusOr<GraphDef> loaded = ReadGraphDefFile(path);
  TG_ASSERT_OK(loaded.status());
  absl::StatusOr<std::unique_ptr<Session>> session =
      Session::Create(*loaded, Options());
  TG_ASSERT_OK(session.status());
  for (std::vector<float> xs : {std::vector<float>{1, 2}, {0.5f, 1.5f}}) {
    std::vector<Tensor> out;
    TG_ASSERT_OK((*session)->Run({{"x", Tensor::FromVector(xs)}},
                                 {(*c)[0].name()}, {}, &out));
    std::vector<float> want = {1, 1};
    for (int i = 0; i < 4; ++i) {
      for (int k = 0; k < 2; ++k) want[k] *= xs[k];
    }
    if (want[0] + want[1] > 10) {
      for (float& w : want) w = -w;
    }
    EXPECT_EQ(Values(out[0]), want);
  }
}

INSTANTIATE_TEST_SUITE_P(Devices, ControlFlowTest,
                         ::testing::Values("/device:CPU:0", "/device:TEST:0",
                                           "/device:GPU:0"),
                         [](const auto& info) {
                           return info.param.substr(8, info.param.size() - 10);
                         });

}  // namespace
}  // namespace tg
