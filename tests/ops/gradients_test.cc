// Numeric gradient checks, in double precision, for every differentiable op
// of the foundation set, on at least two shapes each (broadcasting ones
// included). Tolerance: maximum relative error 1e-6.
#include "graph/gradients.h"

#include <tuple>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ops/standard_ops.h"
#include "tests/testing/gradient_checker.h"
#include "tests/testing/status_matchers.h"

namespace tg {
namespace {

using testing::MaxGradientError;
using testing::RandomTensor;
using Outs = std::vector<Output>;

constexpr double kTolerance = 1e-6;

struct Case {
  std::string name;
  testing::GraphFn f;
  std::vector<Tensor> inputs;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

// Inputs drawn in [lo, hi], random sign when `sign`.
std::vector<Tensor> Inputs(std::vector<TensorShape> shapes, double lo = 0.2,
                           double hi = 1.0, bool sign = true) {
  std::vector<Tensor> out;
  uint64_t seed = 11;
  for (const auto& s : shapes)
    out.push_back(RandomTensor(s, lo, hi, seed++, sign));
  return out;
}

testing::GraphFn Unary(Output (*op)(const Scope&, const Input&)) {
  return [op](const Scope& s, const Outs& x) { return op(s, x[0]); };
}
testing::GraphFn Binary(Output (*op)(const Scope&, const Input&,
                                     const Input&)) {
  return [op](const Scope& s, const Outs& x) { return op(s, x[0], x[1]); };
}

std::vector<Case> Cases() {
  std::vector<Case> c;
  const TensorShape m{3, 4}, v{4}, col{3, 1}, scalar{};
  for (const auto& [name, op] :
       std::vector<std::pair<std::string, Output (*)(const Scope&, const Input&,
                                                     const Input&)>>{
           {"Add", ops::Add},
           {"AddV2", ops::AddV2},
           {"Sub", ops::Sub},
           {"Mul", ops::Mul}}) {
    c.push_back({name + "/same", Binary(op), Inputs({m, m})});
    c.push_back({name + "/row", Binary(op), Inputs({m, v})});
    c.push_back({name + "/col_scalar", Binary(op), Inputs({col, scalar})});
  }
  c.push_back({"RealDiv/same", Binary(ops::RealDiv), Inputs({m, m}, 0.5, 1.5)});
  c.push_back(
      {"RealDiv/broadcast", Binary(ops::RealDiv), Inputs({col, v}, 0.5, 1.5)});
  for (const auto& [name, op] : std::vector<
           std::pair<std::string, Output (*)(const Scope&, const Input&)>>{
           {"Neg", ops::Neg},
           {"Square", ops::Square},
           {"Sigmoid", ops::Sigmoid},
           {"Tanh", ops::Tanh},
           {"Relu", ops::Relu},
           {"Identity", ops::Identity},
           {"Softmax", ops::Softmax}}) {
    c.push_back({name + "/matrix", Unary(op), Inputs({m})});
    c.push_back({name + "/rank3", Unary(op), Inputs({TensorShape{2, 3, 2}})});
  }
  for (const auto& [name, op, lo, sign] : std::vector<std::tuple<
           std::string, Output (*)(const Scope&, const Input&), double, bool>>{
           {"Exp", ops::Exp, 0.2, true},
           {"Log", ops::Log, 0.5, false},
           {"Log1p", ops::Log1p, 0.5, false},
           {"Sqrt", ops::Sqrt, 0.5, false},
           {"Rsqrt", ops::Rsqrt, 0.5, false},
           {"Reciprocal", ops::Reciprocal, 0.5, false},
           {"Abs", ops::Abs, 0.2, true},
           {"Sign", ops::Sign, 0.2, true},
           {"Softplus", ops::Softplus, 0.2, true}}) {
    c.push_back({name + "/matrix", Unary(op), Inputs({m}, lo, 1.5, sign)});
    c.push_back({name + "/rank3", Unary(op),
                 Inputs({TensorShape{2, 3, 2}}, lo, 1.5, sign)});
  }
  for (const auto& [name, op] :
       std::vector<std::pair<std::string, Output (*)(const Scope&, const Input&,
                                                     const Input&)>>{
           {"Maximum", ops::Maximum}, {"Minimum", ops::Minimum}}) {
    c.push_back({name + "/same", Binary(op), Inputs({m, m})});
    c.push_back({name + "/row", Binary(op), Inputs({m, v})});
  }
  c.push_back({"Pow/same", Binary(ops::Pow), Inputs({m, m}, 0.5, 1.5, false)});
  c.push_back({"Pow/scalar_exponent", Binary(ops::Pow),
               Inputs({m, scalar}, 0.5, 1.5, false)});
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      const TensorShape a = ta ? TensorShape{4, 3} : TensorShape{3, 4};
      const TensorShape b = tb ? TensorShape{5, 4} : TensorShape{4, 5};
      c.push_back({absl::StrCat("MatMul/", ta, tb),
                   [ta, tb](const Scope& s, const Outs& x) {
                     return ops::MatMul(s, x[0], x[1], ta, tb);
                   },
                   Inputs({a, b})});
    }
  }
  c.push_back(
      {"MatMul/vector_like",
       [](const Scope& s, const Outs& x) { return ops::MatMul(s, x[0], x[1]); },
       Inputs({TensorShape{1, 6}, TensorShape{6, 1}})});
  c.push_back({"BiasAdd/matrix",
               [](const Scope& s, const Outs& x) {
                 return ops::BiasAdd(s, x[0], x[1]);
               },
               Inputs({m, v})});
  c.push_back({"BiasAdd/nchw",
               [](const Scope& s, const Outs& x) {
                 return ops::BiasAdd(s, x[0], x[1], "NCHW");
               },
               Inputs({TensorShape{2, 3, 2}, TensorShape{3}})});
  c.push_back(
      {"BiasAddGrad/matrix",
       [](const Scope& s, const Outs& x) { return ops::BiasAddGrad(s, x[0]); },
       Inputs({m})});
  c.push_back(
      {"BiasAddGrad/rank3",
       [](const Scope& s, const Outs& x) { return ops::BiasAddGrad(s, x[0]); },
       Inputs({TensorShape{2, 3, 2}})});
  for (const auto& [name, op] :
       std::vector<std::pair<std::string, Output (*)(const Scope&, const Input&,
                                                     const Input&)>>{
           {"SigmoidGrad", ops::SigmoidGrad},
           {"TanhGrad", ops::TanhGrad},
           {"ReluGrad", ops::ReluGrad}}) {
    c.push_back({name + "/matrix", Binary(op), Inputs({m, m})});
    c.push_back({name + "/vector", Binary(op), Inputs({v, v})});
  }
  for (const auto& [name, op] :
       std::vector<std::pair<std::string, Output (*)(const Scope&, const Input&,
                                                     const Input&, bool)>>{
           {"Sum", ops::Sum}, {"Mean", ops::Mean}}) {
    c.push_back(
        {name + "/axis0",
         [op](const Scope& s, const Outs& x) { return op(s, x[0], 0, false); },
         Inputs({m})});
    c.push_back(
        {name + "/axis-1_keep",
         [op](const Scope& s, const Outs& x) { return op(s, x[0], -1, true); },
         Inputs({TensorShape{2, 3, 2}})});
    c.push_back(
        {name + "/all",
         [op](const Scope& s, const Outs& x) {
           return op(s, x[0], Tensor::FromVector<int32_t>({0, 1}), false);
         },
         Inputs({m})});
  }
  c.push_back({"AddN/three",
               [](const Scope& s, const Outs& x) {
                 return ops::AddN(s, {x[0], x[1], x[0]});
               },
               Inputs({m, m})});
  c.push_back(
      {"AddN/one",
       [](const Scope& s, const Outs& x) { return ops::AddN(s, {x[0]}); },
       Inputs({v})});
  c.push_back({"Reshape/flatten",
               [](const Scope& s, const Outs& x) {
                 return ops::Square(s, ops::Reshape(s, x[0], {-1}));
               },
               Inputs({m})});
  c.push_back({"Reshape/rank3",
               [](const Scope& s, const Outs& x) {
                 return ops::Square(s, ops::Reshape(s, x[0], {2, 2, 3}));
               },
               Inputs({m})});
  c.push_back({"Cast/double_float_double",
               [](const Scope& s, const Outs& x) {
                 // Through float and back: the gradient is the identity, so
                 // checked with values exactly representable in float.
                 return ops::Cast(s, ops::Cast(s, x[0], DT_DOUBLE), DT_DOUBLE);
               },
               Inputs({m})});
  c.push_back({"Fill/value",
               [](const Scope& s, const Outs& x) {
                 return ops::Fill(
                     s, {2, 3},
                     ops::Reshape(s, x[0], Tensor::FromVector<int32_t>({})));
               },
               Inputs({TensorShape{1}})});
  c.push_back({"PlaceholderWithDefault",
               [](const Scope& s, const Outs& x) {
                 return ops::Square(s, ops::PlaceholderWithDefault(
                                           s, x[0], PartialShape::Of({3, 4})));
               },
               Inputs({m})});
  for (const TensorShape& shape : {TensorShape{3, 4}, TensorShape{1, 10}}) {
    c.push_back({absl::StrCat("SparseSoftmaxCrossEntropyWithLogits/",
                              shape.DebugString()),
                 [shape](const Scope& s, const Outs& x) {
                   std::vector<int32_t> labels(shape.dim_size(0));
                   for (size_t i = 0; i < labels.size(); ++i) {
                     labels[i] =
                         static_cast<int32_t>((i * 7 + 1) % shape.dim_size(1));
                   }
                   return ops::SparseSoftmaxCrossEntropyWithLogits(
                              s, x[0], Tensor::FromVector(labels))
                       .loss;
                 },
                 Inputs({shape}, 0.0, 2.0)});
  }
  // The whole reference layer stack in miniature.
  c.push_back({"Mlp/two_layers",
               [](const Scope& s, const Outs& x) {
                 Output h = ops::Sigmoid(
                     s, ops::BiasAdd(s, ops::MatMul(s, x[0], x[1]), x[2]));
                 Output logits = ops::MatMul(s, h, x[3]);
                 auto xent = ops::SparseSoftmaxCrossEntropyWithLogits(
                     s, logits, Tensor::FromVector<int32_t>({0, 2, 1}));
                 return ops::Mean(s, xent.loss, 0);
               },
               Inputs({TensorShape{3, 4}, TensorShape{4, 5}, TensorShape{5},
                       TensorShape{5, 3}})});
  return c;
}

class GradientTest : public ::testing::TestWithParam<Case> {};

TEST_P(GradientTest, MatchesCentralDifferences) {
  const Case& c = GetParam();
  TG_ASSERT_OK_AND_ASSIGN(double err, MaxGradientError(c.f, c.inputs));
  EXPECT_LT(err, kTolerance) << c.name;
}

INSTANTIATE_TEST_SUITE_P(Ops, GradientTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string n = info.param.name;
                           for (char& ch : n) {
                             if (!isalnum(static_cast<unsigned char>(ch)))
                               ch = '_';
                           }
                           return n;
                         });

// Second order: the gradient of a gradient, for the *Grad helper ops.
TEST(SecondOrderGradientTest, SigmoidTwice) {
  auto f = [](const Scope& s, const Outs& x) {
    Output y = ops::Sigmoid(s, x[0]);
    std::vector<Output> g;
    s.UpdateStatus(AddSymbolicGradients(s, {y}, {x[0]}, &g));
    return g.empty() ? Output() : g[0];
  };
  TG_ASSERT_OK_AND_ASSIGN(double err,
                          MaxGradientError(f, Inputs({TensorShape{2, 3}})));
  EXPECT_LT(err, kTolerance);
}

}  // namespace
}  // namespace tg
