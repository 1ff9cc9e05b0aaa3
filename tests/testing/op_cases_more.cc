// Second cases (another shape or setting) for ops whose first case lives
// elsewhere in the table, so every differentiable op is gradient-checked
// at least twice.
#include <cmath>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "graph/op_builder.h"
#include "ops/standard_ops.h"
#include "tests/testing/op_cases_internal.h"

namespace tg {
namespace testing {
namespace internal {

void AddSecondCases(std::vector<OpCase>& c) {
  // Axes computed at run time (through an Identity) take the gradient's
  // dynamic path.
  c.push_back({"Sum/runtime_axes",
               {"Sum"},
               [](const Scope& s, const Outs& x) {
                 return ops::Sum(
                     s, x[0],
                     ops::Identity(s, Tensor::FromVector<int64_t>({-1, 0})));
               },
               Inputs({TensorShape{2, 3, 2}}),
               [](const std::vector<Tensor>& in) {
                 return Reduce(in[0], {0, 2}, false, false);
               }});
  c.push_back({"Max/runtime_axis",
               {"Max"},
               [](const Scope& s, const Outs& x) {
                 return ops::Max(s, x[0], ops::Identity(s, 1), true);
               },
               Inputs({TensorShape{3, 4}}),
               [](const std::vector<Tensor>& in) {
                 return ReduceMaxMin(in[0], {1}, true);
               }});
  {
    // Row 0 holds one zero, row 1 two: the gradient must not divide by them.
    OpCase prod{
        "Prod/rows_with_zeros",
        {"Prod"},
        [](const Scope& s, const Outs& x) { return ops::Prod(s, x[0], 1); },
        Inputs({TensorShape{3, 4}}),
        [](const std::vector<Tensor>& in) {
          return Reduce(in[0], {1}, false, true);
        }};
    for (int i : {1, 4, 6}) prod.inputs[0].flat<double>()[i] = 0;
    c.push_back(prod);
  }
  const TensorShape m{3, 4}, v{4}, r3{2, 3, 2};
  auto identity = Map1([](double x) { return x; });
  c.push_back({"AddN/two_rank3",
               {"AddN"},
               [](const Scope& s, const Outs& x) {
                 return ops::AddN(s, {x[0], x[1]});
               },
               Inputs({r3, r3}),
               Map2([](double a, double b) { return a + b; })});
  c.push_back(
      {"BiasAddGrad/matrix",
       {"BiasAddGrad"},
       [](const Scope& s, const Outs& x) { return ops::BiasAddGrad(s, x[0]); },
       Inputs({m}),
       [](const std::vector<Tensor>& in) {
         return Reduce(in[0], {0}, false, false);
       }});
  c.push_back({"BroadcastTo/row",
               {"BroadcastTo"},
               [](const Scope& s, const Outs& x) {
                 return ops::BroadcastTo(s, x[0], {3, 4});
               },
               Inputs({v}),
               [](const std::vector<Tensor>& in) {
                 Vec r;
                 for (int i = 0; i < 12; ++i)
                   r.push_back(in[0].flat<double>()[i % 4]);
                 return r;
               }});
  c.push_back({"Cast/double_double_rank3",
               {"Cast"},
               [](const Scope& s, const Outs& x) {
                 return ops::Square(s, ops::Cast(s, x[0], DT_DOUBLE));
               },
               Inputs({r3}),
               Map1([](double x) { return x * x; })});
  c.push_back({"DynamicStitch/vectors",
               {"DynamicStitch"},
               [](const Scope& s, const Outs& x) {
                 return ops::DynamicStitch(
                     s,
                     {ops::Const(s, Tensor::FromVector<int32_t>({1, 0})),
                      ops::Const(s, Tensor::FromVector<int32_t>({2}))},
                     {x[0], x[1]});
               },
               Inputs({TensorShape{2}, TensorShape{1}}),
               [](const std::vector<Tensor>& in) {
                 return Vec{in[0].flat<double>()[1], in[0].flat<double>()[0],
                            in[1].flat<double>()[0]};
               }});
  c.push_back({"Fill/vector",
               {"Fill"},
               [](const Scope& s, const Outs& x) {
                 return ops::Fill(
                     s, {4},
                     ops::Reshape(s, x[0], Tensor::FromVector<int32_t>({})));
               },
               Inputs({TensorShape{1}}),
               [](const std::vector<Tensor>& in) {
                 return Vec(4, in[0].flat<double>()[0]);
               }});
  c.push_back({"GatherV2/vector",
               {"GatherV2"},
               [](const Scope& s, const Outs& x) {
                 return ops::GatherV2(
                     s, x[0], Tensor::FromVector<int32_t>({4, 1, 1}), 0);
               },
               Inputs({TensorShape{5}}),
               [](const std::vector<Tensor>& in) {
                 const double* p = in[0].flat<double>().data();
                 return Vec{p[4], p[1], p[1]};
               }});
  c.push_back({"L2Loss/matrix",
               {"L2Loss"},
               Unary(ops::L2Loss),
               Inputs({m}),
               [](const std::vector<Tensor>& in) {
                 double sum = 0;
                 for (double x : D(in[0])) sum += x * x;
                 return Vec{sum / 2};
               }});
  c.push_back({"LogSoftmax/rank3",
               {"LogSoftmax"},
               Unary(ops::LogSoftmax),
               Inputs({r3}),
               [](const std::vector<Tensor>& in) {
                 Vec p = SoftmaxRows(D(in[0]), 2);
                 for (double& x : p) x = std::log(x);
                 return p;
               }});
  c.push_back(
      {"Softmax/rank3",
       {"Softmax"},
       Unary(ops::Softmax),
       Inputs({r3}),
       [](const std::vector<Tensor>& in) { return SoftmaxRows(D(in[0]), 2); }});
  c.push_back({"Pad/vector",
               {"Pad"},
               [](const Scope& s, const Outs& x) {
                 return ops::Pad(
                     s, x[0],
                     Tensor::FromVector<int32_t>({2, 1}, TensorShape({1, 2})));
               },
               Inputs({TensorShape{3}}),
               [](const std::vector<Tensor>& in) {
                 const double* p = in[0].flat<double>().data();
                 return Vec{0, 0, p[0], p[1], p[2], 0};
               }});
  c.push_back({"PlaceholderWithDefault/rank3",
               {"PlaceholderWithDefault"},
               [](const Scope& s, const Outs& x) {
                 return ops::PlaceholderWithDefault(
                     s, x[0], PartialShape::Of({2, 3, 2}));
               },
               Inputs({r3}),
               identity});
  c.push_back({"Reshape/rank3",
               {"Reshape"},
               [](const Scope& s, const Outs& x) {
                 return ops::Reshape(s, x[0], {2, 2, 3});
               },
               Inputs({m}),
               identity});
  c.push_back(
      {"SelectV2/same_shapes",
       {"SelectV2"},
       [](const Scope& s, const Outs& x) {
         return ops::SelectV2(s, ops::Greater(s, x[0], 0.5), x[1], x[2]);
       },
       Inputs({m, m, m}),
       [](const std::vector<Tensor>& in) {
         Vec r(12);
         for (int i = 0; i < 12; ++i) {
           r[i] = in[0].flat<double>()[i] > 0.5 ? in[1].flat<double>()[i]
                                                : in[2].flat<double>()[i];
         }
         return r;
       }});
  c.push_back({"SigmoidGrad/vector",
               {"SigmoidGrad"},
               Binary(ops::SigmoidGrad),
               Inputs({v, v}),
               Map2([](double y, double g) { return g * y * (1 - y); })});
  c.push_back({"TanhGrad/matrix",
               {"TanhGrad"},
               Binary(ops::TanhGrad),
               Inputs({m, m}),
               Map2([](double y, double g) { return g * (1 - y * y); })});
  c.push_back({"ReluGrad/vector",
               {"ReluGrad"},
               Binary(ops::ReluGrad),
               Inputs({v, v}),
               Map2([](double g, double x) { return x > 0 ? g : 0; })});
  c.push_back(
      {"Relu6Grad/vector",
       {"Relu6Grad"},
       Binary(ops::Relu6Grad),
       Inputs({v, v}),
       Map2([](double g, double x) { return x > 0 && x < 6 ? g : 0; })});
  c.push_back({"LeakyRelu/rank3",
               {"LeakyRelu"},
               Unary([](const Scope& s, const Input& x) {
                 return ops::LeakyRelu(s, x, 0.05f);
               }),
               Inputs({TensorShape{2, 3, 2}}, 0.2, 1.5, true),
               Map1([](double x) { return x > 0 ? x : double(0.05f) * x; })});
  c.push_back(
      {"LeakyReluGrad/vector",
       {"LeakyReluGrad"},
       Binary([](const Scope& s, const Input& g, const Input& x) {
         return ops::LeakyReluGrad(s, g, x);
       }),
       Inputs({v, v}, 0.2, 1.5, true),
       Map2([](double g, double x) { return x > 0 ? g : double(0.2f) * g; })});
  c.push_back(
      {"EluGrad/vector",
       {"EluGrad"},
       Binary(ops::EluGrad),
       Inputs({v, v}, 0.2, 1.5, true),
       Map2([](double g, double y) { return y > 0 ? g : g * (y + 1); })});
  c.push_back({"Slice/rank3",
               {"Slice"},
               [](const Scope& s, const Outs& x) {
                 return ops::Slice(s, x[0], {0, 1, 1}, {-1, 2, 1});
               },
               Inputs({TensorShape{2, 3, 4}}),
               [](const std::vector<Tensor>& in) {
                 Vec r;
                 for (int i = 0; i < 2; ++i)
                   for (int j = 1; j < 3; ++j)
                     r.push_back(in[0].flat<double>()[(i * 3 + j) * 4 + 1]);
                 return r;
               }});
  c.push_back(
      {"SoftmaxCrossEntropyWithLogits/one_row",
       {"SoftmaxCrossEntropyWithLogits"},
       [](const Scope& s, const Outs& x) {
         Output labels = ops::RealDiv(s, x[1], ops::Sum(s, x[1], -1, true));
         return ops::SoftmaxCrossEntropyWithLogits(s, x[0], labels).loss;
       },
       Inputs({TensorShape{1, 5}, TensorShape{1, 5}}, 0.1, 1.0, false),
       [](const std::vector<Tensor>& in) {
         Vec p = SoftmaxRows(D(in[0]), 5);
         double total = 0, loss = 0;
         for (double l : D(in[1])) total += l;
         for (int j = 0; j < 5; ++j)
           loss -= in[1].flat<double>()[j] / total * std::log(p[j]);
         return Vec{loss};
       }});
  c.push_back(
      {"Split/axis0_halves",
       {"Split"},
       [](const Scope& s, const Outs& x) {
         std::vector<Output> parts = ops::Split(s, 0, x[0], 2);
         return parts.size() == 2 ? ops::Sub(s, parts[1], parts[0]) : Output();
       },
       Inputs({TensorShape{4, 3}}),
       [](const std::vector<Tensor>& in) {
         Vec r;
         for (int i = 0; i < 6; ++i)
           r.push_back(in[0].flat<double>()[6 + i] - in[0].flat<double>()[i]);
         return r;
       }});
  for (const auto& [name, shape, begin, end, strides] : std::vector<
           std::tuple<std::string, std::vector<int32_t>, std::vector<int32_t>,
                      std::vector<int32_t>, std::vector<int32_t>>>{
           {"rows", {4, 3}, {1, 0}, {3, 3}, {1, 1}},
           {"every_other", {6}, {0}, {6}, {2}}}) {
    TensorShape dy_shape;
    for (size_t d = 0; d < begin.size(); ++d) {
      dy_shape.AddDim((end[d] - begin[d] + strides[d] - 1) / strides[d]);
    }
    c.push_back({"StridedSliceGrad/" + name,
                 {"StridedSliceGrad"},
                 [shape = shape, begin = begin, end = end, strides = strides](
                     const Scope& s, const Outs& x) {
                   return OpBuilder(s, "StridedSliceGrad")
                       .Input(Tensor::FromVector(shape))
                       .Input(Tensor::FromVector(begin))
                       .Input(Tensor::FromVector(end))
                       .Input(Tensor::FromVector(strides))
                       .Input(x[0])
                       .Finalize()
                       .output(0);
                 },
                 Inputs({dy_shape}),
                 [shape = shape, begin = begin, strides = strides,
                  dy_shape](const std::vector<Tensor>& in) {
                   TensorShape out;
                   for (int32_t d : shape) out.AddDim(d);
                   Vec r(out.num_elements(), 0.0);
                   for (int64_t i = 0; i < dy_shape.num_elements(); ++i) {
                     std::vector<int64_t> idx = Unravel(i, dy_shape);
                     for (size_t d = 0; d < idx.size(); ++d)
                       idx[d] = begin[d] + idx[d] * strides[d];
                     r[Ravel(idx, out)] = in[0].flat<double>()[i];
                   }
                   return r;
                 }});
  }
  c.push_back(
      {"Tile/vector",
       {"Tile"},
       [](const Scope& s, const Outs& x) { return ops::Tile(s, x[0], {2}); },
       Inputs({TensorShape{3}}),
       [](const std::vector<Tensor>& in) {
         Vec r;
         for (int i = 0; i < 6; ++i) r.push_back(in[0].flat<double>()[i % 3]);
         return r;
       }});
  c.push_back({"Unpack/axis0_first",
               {"Unpack"},
               [](const Scope& s, const Outs& x) {
                 std::vector<Output> parts = ops::Unpack(s, x[0], 3, 0);
                 return parts.size() == 3 ? parts[0] : Output();
               },
               Inputs({TensorShape{3, 2}}),
               [](const std::vector<Tensor>& in) {
                 return Vec{in[0].flat<double>()[0], in[0].flat<double>()[1]};
               }});
  c.push_back({"UnsortedSegmentSum/vector",
               {"UnsortedSegmentSum"},
               [](const Scope& s, const Outs& x) {
                 return ops::UnsortedSegmentSum(
                     s, x[0], Tensor::FromVector<int32_t>({2, 2, 0, 1}), 3);
               },
               Inputs({TensorShape{4}}),
               [](const std::vector<Tensor>& in) {
                 const double* p = in[0].flat<double>().data();
                 return Vec{p[2], p[3], p[0] + p[1]};
               }});
}

}  // namespace internal
}  // namespace testing
}  // namespace tg
