// The op-case table. References are plain loops over doubles, written
// without tensorgraph's kernels.
#include "tests/testing/op_cases.h"

#include <cmath>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "ops/standard_ops.h"
#include "tests/testing/op_cases_internal.h"

namespace tg {
namespace testing {
namespace internal {

Vec D(const Tensor& t) {
  auto v = t.flat<double>();
  return Vec(v.begin(), v.end());
}

std::vector<Tensor> Inputs(std::vector<TensorShape> shapes, double lo,
                           double hi, bool sign) {
  std::vector<Tensor> out;
  uint64_t seed = 11;
  for (const auto& s : shapes) {
    out.push_back(RandomTensor(s, lo, hi, seed++, sign));
  }
  return out;
}

// NumPy broadcasting of a and b, independent of the kernels' planner.
Vec Broadcast2(const Tensor& a, const Tensor& b,
               const std::function<double(double, double)>& f) {
  const int rank = std::max(a.shape().rank(), b.shape().rank());
  auto dim = [rank](const Tensor& t, int d) {
    const int k = d - (rank - t.shape().rank());
    return k < 0 ? int64_t{1} : t.shape().dim_size(k);
  };
  std::vector<int64_t> out(rank);
  int64_t n = 1;
  for (int d = 0; d < rank; ++d) {
    out[d] = std::max(dim(a, d), dim(b, d));
    n *= out[d];
  }
  Vec r(n);
  for (int64_t i = 0; i < n; ++i) {
    int64_t rem = i, ia = 0, ib = 0, sa = 1, sb = 1;
    for (int d = rank - 1; d >= 0; --d) {
      const int64_t idx = rem % out[d];
      rem /= out[d];
      ia += (dim(a, d) == 1 ? 0 : idx) * sa;
      ib += (dim(b, d) == 1 ? 0 : idx) * sb;
      sa *= dim(a, d);
      sb *= dim(b, d);
    }
    r[i] = f(a.flat<double>()[ia], b.flat<double>()[ib]);
  }
  return r;
}

ReferenceFn Map1(std::function<double(double)> f) {
  return [f](const std::vector<Tensor>& in) {
    Vec r = D(in[0]);
    for (double& v : r) v = f(v);
    return r;
  };
}
ReferenceFn Map2(std::function<double(double, double)> f) {
  return [f](const std::vector<Tensor>& in) {
    return Broadcast2(in[0], in[1], f);
  };
}

GraphFn Unary(UnaryBuilder op) {
  return [op](const Scope& s, const Outs& x) { return op(s, x[0]); };
}
GraphFn Binary(BinaryBuilder op) {
  return [op](const Scope& s, const Outs& x) { return op(s, x[0], x[1]); };
}
// A non-differentiable op's output cast to double for comparison.
GraphFn AsDouble(GraphFn f) {
  return [f](const Scope& s, const Outs& x) {
    return ops::Cast(s, f(s, x), DT_DOUBLE);
  };
}

double Sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

// Reduction of a [2, 3, 4] (or any) tensor over `axes` by `op`.
Vec Reduce(const Tensor& t, std::vector<int> axes, bool mean, bool prod) {
  const int rank = t.shape().rank();
  std::vector<bool> red(rank, false);
  for (int a : axes) red[a < 0 ? a + rank : a] = true;
  std::vector<int64_t> out_dims;
  for (int d = 0; d < rank; ++d) {
    if (!red[d]) out_dims.push_back(t.shape().dim_size(d));
  }
  int64_t out_n = 1;
  for (int64_t d : out_dims) out_n *= d;
  Vec acc(out_n, prod ? 1.0 : 0.0);
  const int64_t n = t.NumElements();
  for (int64_t i = 0; i < n; ++i) {
    int64_t rem = i, o = 0, stride = 1;
    for (int d = rank - 1; d >= 0; --d) {
      const int64_t idx = rem % t.shape().dim_size(d);
      rem /= t.shape().dim_size(d);
      if (!red[d]) {
        o += idx * stride;
        stride *= t.shape().dim_size(d);
      }
    }
    const double v = t.flat<double>()[i];
    acc[o] = prod ? acc[o] * v : acc[o] + v;
  }
  if (mean) {
    for (double& v : acc) v /= static_cast<double>(n / out_n);
  }
  return acc;
}

// Max (or min) over `axes` of t, by brute force over every element.
Vec ReduceMaxMin(const Tensor& t, std::vector<int> axes, bool is_max) {
  const int rank = t.shape().rank();
  std::vector<bool> red(rank, false);
  for (int a : axes) red[a < 0 ? a + rank : a] = true;
  std::map<int64_t, double> acc;
  for (int64_t i = 0; i < t.NumElements(); ++i) {
    int64_t rem = i, o = 0, stride = 1;
    for (int d = rank - 1; d >= 0; --d) {
      const int64_t idx = rem % t.shape().dim_size(d);
      rem /= t.shape().dim_size(d);
      if (!red[d]) {
        o += idx * stride;
        stride *= t.shape().dim_size(d);
      }
    }
    const double v = t.flat<double>()[i];
    auto it = acc.find(o);
    if (it == acc.end()) {
      acc[o] = v;
    } else {
      it->second = is_max ? std::max(it->second, v) : std::min(it->second, v);
    }
  }
  Vec r;
  for (const auto& [k, v] : acc) r.push_back(v);
  return r;
}

Vec MatMulRef(const Tensor& a, const Tensor& b, bool ta, bool tb) {
  const int64_t m = a.shape().dim_size(ta ? 1 : 0);
  const int64_t k = a.shape().dim_size(ta ? 0 : 1);
  const int64_t n = b.shape().dim_size(tb ? 0 : 1);
  auto A = [&](int64_t i, int64_t p) {
    return ta ? a.flat<double>()[p * m + i] : a.flat<double>()[i * k + p];
  };
  auto B = [&](int64_t p, int64_t j) {
    return tb ? b.flat<double>()[j * k + p] : b.flat<double>()[p * n + j];
  };
  Vec r(m * n, 0);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j)
      for (int64_t p = 0; p < k; ++p) r[i * n + j] += A(i, p) * B(p, j);
  return r;
}

// value + bias along `axis`.
Vec BiasAddRef(const Tensor& v, const Tensor& b, int axis) {
  int64_t inner = 1;
  for (int d = axis + 1; d < v.shape().rank(); ++d)
    inner *= v.shape().dim_size(d);
  const int64_t c = v.shape().dim_size(axis);
  Vec r = D(v);
  for (size_t i = 0; i < r.size(); ++i)
    r[i] += b.flat<double>()[(i / inner) % c];
  return r;
}

Vec SoftmaxRows(const Vec& x, int64_t cols) {
  Vec r(x.size());
  for (size_t row = 0; row < x.size() / cols; ++row) {
    double z = 0;
    for (int64_t c = 0; c < cols; ++c) z += std::exp(x[row * cols + c]);
    for (int64_t c = 0; c < cols; ++c) {
      r[row * cols + c] = std::exp(x[row * cols + c]) / z;
    }
  }
  return r;
}

std::vector<int32_t> Labels(int64_t batch, int64_t classes) {
  std::vector<int32_t> labels(batch);
  for (int64_t i = 0; i < batch; ++i) labels[i] = (i * 7 + 1) % classes;
  return labels;
}

// A variable assigned from x0 in the same run, as a reference input.
Output AssignedVariable(const Scope& s, const Output& x0, const char* name) {
  Output v = ops::Variable(s.WithOpName(name), x0.shape(), DT_DOUBLE);
  return ops::Assign(s, v, x0);
}

std::vector<int64_t> Unravel(int64_t i, const TensorShape& shape) {
  std::vector<int64_t> index(shape.rank());
  for (int d = shape.rank() - 1; d >= 0; --d) {
    index[d] = i % shape.dim_size(d);
    i /= shape.dim_size(d);
  }
  return index;
}

int64_t Ravel(const std::vector<int64_t>& index, const TensorShape& shape) {
  int64_t i = 0;
  for (int d = 0; d < shape.rank(); ++d) i = i * shape.dim_size(d) + index[d];
  return i;
}

}  // namespace internal

namespace {

using namespace internal;  // NOLINT: the table reads better unqualified.

void AddElementwiseCases(std::vector<OpCase>& c) {
  const TensorShape m{3, 4}, v{4}, col{3, 1}, scalar{};
  for (const auto& [name, op, f] :
       std::vector<std::tuple<std::string, BinaryBuilder,
                              std::function<double(double, double)>>>{
           {"Add", ops::Add, [](double a, double b) { return a + b; }},
           {"AddV2", ops::AddV2, [](double a, double b) { return a + b; }},
           {"Sub", ops::Sub, [](double a, double b) { return a - b; }},
           {"Mul", ops::Mul, [](double a, double b) { return a * b; }},
           {"Maximum", ops::Maximum,
            [](double a, double b) { return std::max(a, b); }},
           {"Minimum", ops::Minimum,
            [](double a, double b) { return std::min(a, b); }}}) {
    c.push_back({name + "/same", {name}, Binary(op), Inputs({m, m}), Map2(f)});
    c.push_back({name + "/row",
                 {name, "BroadcastGradientArgs"},
                 Binary(op),
                 Inputs({m, v}),
                 Map2(f)});
    c.push_back({name + "/col_scalar",
                 {name},
                 Binary(op),
                 Inputs({col, scalar}),
                 Map2(f)});
  }
  auto div = [](double a, double b) { return a / b; };
  c.push_back({"RealDiv/same",
               {"RealDiv"},
               Binary(ops::RealDiv),
               Inputs({m, m}, 0.5, 1.5),
               Map2(div)});
  c.push_back({"RealDiv/broadcast",
               {"RealDiv"},
               Binary(ops::RealDiv),
               Inputs({col, v}, 0.5, 1.5),
               Map2(div)});
  auto pw = [](double a, double b) { return std::pow(a, b); };
  c.push_back({"Pow/same",
               {"Pow"},
               Binary(ops::Pow),
               Inputs({m, m}, 0.5, 1.5, false),
               Map2(pw)});
  c.push_back({"Pow/scalar_exponent",
               {"Pow"},
               Binary(ops::Pow),
               Inputs({m, scalar}, 0.5, 1.5, false),
               Map2(pw)});
  c.push_back({"SigmoidGrad/matrix",
               {"SigmoidGrad"},
               Binary(ops::SigmoidGrad),
               Inputs({m, m}),
               Map2([](double y, double g) { return g * y * (1 - y); })});
  c.push_back({"TanhGrad/vector",
               {"TanhGrad"},
               Binary(ops::TanhGrad),
               Inputs({v, v}),
               Map2([](double y, double g) { return g * (1 - y * y); })});
  c.push_back({"ReluGrad/matrix",
               {"ReluGrad"},
               Binary(ops::ReluGrad),
               Inputs({m, m}),
               Map2([](double g, double x) { return x > 0 ? g : 0; })});
  c.push_back(
      {"Relu6Grad/matrix",
       {"Relu6Grad"},
       Binary(ops::Relu6Grad),
       Inputs({m, m}),
       Map2([](double g, double x) { return x > 0 && x < 6 ? g : 0; })});
  c.push_back(
      {"EluGrad/matrix",
       {"EluGrad"},
       Binary(ops::EluGrad),
       Inputs({m, m}, 0.2, 1.5, true),
       Map2([](double g, double y) { return y > 0 ? g : g * (y + 1); })});
  c.push_back({"LeakyRelu/matrix",
               {"LeakyRelu"},
               Unary([](const Scope& s, const Input& x) {
                 return ops::LeakyRelu(s, x, 0.2f);
               }),
               Inputs({m}, 0.2, 1.5, true),
               Map1([](double x) { return x > 0 ? x : double(0.2f) * x; })});
  c.push_back(
      {"LeakyReluGrad/matrix",
       {"LeakyReluGrad"},
       Binary([](const Scope& s, const Input& g, const Input& x) {
         return ops::LeakyReluGrad(s, g, x, 0.3f);
       }),
       Inputs({m, m}, 0.2, 1.5, true),
       Map2([](double g, double x) { return x > 0 ? g : double(0.3f) * g; })});
  // Relu6 past its upper kink (forward only: the gradient check would
  // straddle it).
  OpCase relu6{"Relu6/wide",
               {"Relu6"},
               Unary(ops::Relu6),
               Inputs({m}, 0.2, 9.0, true),
               Map1([](double x) { return x < 0 ? 0 : (x > 6 ? 6 : x); })};
  relu6.check_gradient = false;
  c.push_back(relu6);
  for (const auto& [name, op, f] :
       std::vector<std::tuple<std::string, BinaryBuilder,
                              std::function<double(double, double)>>>{
           {"Equal", ops::Equal, [](double a, double b) { return a == b; }},
           {"Greater", ops::Greater, [](double a, double b) { return a > b; }},
           {"GreaterEqual", ops::GreaterEqual,
            [](double a, double b) { return a >= b; }},
           {"Less", ops::Less, [](double a, double b) { return a < b; }},
           {"LessEqual", ops::LessEqual,
            [](double a, double b) { return a <= b; }}}) {
    // The second input repeats some of the first, so equality is exercised.
    OpCase oc{name + "/row",
              {name, "Cast"},
              AsDouble(Binary(op)),
              Inputs({m, v}),
              Map2(f)};
    for (int i = 0; i < 2; ++i)
      oc.inputs[1].flat<double>()[i] = oc.inputs[0].flat<double>()[i];
    oc.check_gradient = false;
    c.push_back(oc);
  }
  for (const auto& [name, op, f, lo, sign] :
       std::vector<std::tuple<std::string, UnaryBuilder,
                              std::function<double(double)>, double, bool>>{
           {"Neg", ops::Neg, [](double x) { return -x; }, 0.2, true},
           {"Square", ops::Square, [](double x) { return x * x; }, 0.2, true},
           {"Sigmoid", ops::Sigmoid, Sigmoid, 0.2, true},
           {"Tanh", ops::Tanh, [](double x) { return std::tanh(x); }, 0.2,
            true},
           {"Relu", ops::Relu, [](double x) { return x > 0 ? x : 0; }, 0.2,
            true},
           {"Relu6", ops::Relu6,
            [](double x) { return x < 0 ? 0 : (x > 6 ? 6 : x); }, 0.2, true},
           {"Elu", ops::Elu,
            [](double x) { return x > 0 ? x : std::exp(x) - 1; }, 0.2, true},
           {"Exp", ops::Exp, [](double x) { return std::exp(x); }, 0.2, true},
           {"Log", ops::Log, [](double x) { return std::log(x); }, 0.5, false},
           {"Log1p", ops::Log1p, [](double x) { return std::log1p(x); }, 0.5,
            false},
           {"Sqrt", ops::Sqrt, [](double x) { return std::sqrt(x); }, 0.5,
            false},
           {"Rsqrt", ops::Rsqrt, [](double x) { return 1 / std::sqrt(x); }, 0.5,
            false},
           {"Reciprocal", ops::Reciprocal, [](double x) { return 1 / x; }, 0.5,
            false},
           {"Abs", ops::Abs, [](double x) { return std::abs(x); }, 0.2, true},
           {"Sign", ops::Sign,
            [](double x) { return double((x > 0) - (x < 0)); }, 0.2, true},
           {"Softplus", ops::Softplus,
            [](double x) { return std::log1p(std::exp(x)); }, 0.2, true},
           {"Identity", ops::Identity, [](double x) { return x; }, 0.2,
            true}}) {
    c.push_back({name + "/matrix",
                 {name},
                 Unary(op),
                 Inputs({m}, lo, 1.5, sign),
                 Map1(f)});
    c.push_back({name + "/rank3",
                 {name},
                 Unary(op),
                 Inputs({TensorShape{2, 3, 2}}, lo, 1.5, sign),
                 Map1(f)});
  }
  for (const TensorShape& shape : {m, TensorShape{2, 3, 2}}) {
    c.push_back({"CheckNumerics/" + shape.DebugString(),
                 {"CheckNumerics"},
                 Unary([](const Scope& s, const Input& x) {
                   return ops::CheckNumerics(s, x, "finite");
                 }),
                 Inputs({shape}),
                 Map1([](double x) { return x; })});
  }
  OpCase stop{"StopGradient/matrix",
              {"StopGradient"},
              Unary(ops::StopGradient),
              Inputs({m}),
              Map1([](double x) { return x; })};
  stop.check_gradient = false;  // By design its gradient is zero.
  c.push_back(stop);
  for (const auto& [name, op, value] :
       std::vector<std::tuple<std::string, UnaryBuilder, double>>{
           {"ZerosLike", ops::ZerosLike, 0.0},
           {"OnesLike", ops::OnesLike, 1.0}}) {
    OpCase oc{
        name + "/matrix", {name}, Unary(op), Inputs({m}), Map1([value](double) {
          return value;
        })};
    oc.check_gradient = false;
    c.push_back(oc);
  }
}

// _FusedMatMul: the product, the bias over its columns, one activation,
// each written out in double.
double ActivationRef(const std::string& act, double x) {
  if (act == "Relu") return std::max(x, 0.0);
  if (act == "Relu6") return std::min(std::max(x, 0.0), 6.0);
  if (act == "Elu") return x > 0 ? x : std::exp(x) - 1;
  // The alpha attr is a float: 0.3f, not 0.3.
  if (act == "LeakyRelu") return x > 0 ? x : static_cast<double>(0.3f) * x;
  if (act == "Tanh") return std::tanh(x);
  if (act == "Sigmoid") return 1 / (1 + std::exp(-x));
  return x;
}

void AddFusedMatMulCases(std::vector<OpCase>& c) {
  const std::vector<std::pair<std::string, bool>> variants = {
      {"", false},     {"Relu", true},      {"Relu6", false},  {"Elu", true},
      {"Tanh", false}, {"LeakyRelu", true}, {"Sigmoid", false}};
  for (const auto& [act, transpose] : variants) {
    std::vector<std::string> fused = {"BiasAdd"};
    if (!act.empty()) fused.push_back(act);
    const TensorShape a = transpose ? TensorShape{4, 3} : TensorShape{3, 4};
    const TensorShape b = transpose ? TensorShape{5, 4} : TensorShape{4, 5};
    c.push_back({absl::StrCat("_FusedMatMul/", act.empty() ? "BiasAdd" : act,
                              transpose ? "/transposed" : ""),
                 {"_FusedMatMul"},
                 [fused, transpose](const Scope& s, const Outs& x) {
                   return ops::FusedMatMul(s, x[0], x[1], x[2], fused,
                                           transpose, transpose, 0.3f);
                 },
                 Inputs({a, b, TensorShape{5}}),
                 [act, transpose](const std::vector<Tensor>& in) {
                   Vec r = MatMulRef(in[0], in[1], transpose, transpose);
                   for (size_t i = 0; i < r.size(); ++i) {
                     r[i] =
                         ActivationRef(act, r[i] + in[2].flat<double>()[i % 5]);
                   }
                   return r;
                 }});
  }
}

void AddArrayAndNnCases(std::vector<OpCase>& c) {
  const TensorShape m{3, 4}, v{4};
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      const TensorShape a = ta ? TensorShape{4, 3} : TensorShape{3, 4};
      const TensorShape b = tb ? TensorShape{5, 4} : TensorShape{4, 5};
      c.push_back({absl::StrCat("MatMul/", ta, tb),
                   {"MatMul"},
                   [ta, tb](const Scope& s, const Outs& x) {
                     return ops::MatMul(s, x[0], x[1], ta, tb);
                   },
                   Inputs({a, b}),
                   [ta, tb](const std::vector<Tensor>& in) {
                     return MatMulRef(in[0], in[1], ta, tb);
                   }});
    }
  }
  AddFusedMatMulCases(c);
  c.push_back({"BiasAdd/nhwc",
               {"BiasAdd"},
               [](const Scope& s, const Outs& x) {
                 return ops::BiasAdd(s, x[0], x[1]);
               },
               Inputs({m, v}),
               [](const std::vector<Tensor>& in) {
                 return BiasAddRef(in[0], in[1], 1);
               }});
  c.push_back({"BiasAdd/nchw",
               {"BiasAdd"},
               [](const Scope& s, const Outs& x) {
                 return ops::BiasAdd(s, x[0], x[1], "NCHW");
               },
               Inputs({TensorShape{2, 3, 2}, TensorShape{3}}),
               [](const std::vector<Tensor>& in) {
                 return BiasAddRef(in[0], in[1], 1);
               }});
  c.push_back(
      {"BiasAddGrad/rank3",
       {"BiasAddGrad"},
       [](const Scope& s, const Outs& x) { return ops::BiasAddGrad(s, x[0]); },
       Inputs({TensorShape{2, 3, 2}}),
       [](const std::vector<Tensor>& in) {
         return Reduce(in[0], {0, 1}, false, false);
       }});
  c.push_back(
      {"Softmax/matrix",
       {"Softmax"},
       Unary(ops::Softmax),
       Inputs({m}),
       [](const std::vector<Tensor>& in) { return SoftmaxRows(D(in[0]), 4); }});
  c.push_back({"LogSoftmax/matrix",
               {"LogSoftmax"},
               Unary(ops::LogSoftmax),
               Inputs({m}),
               [](const std::vector<Tensor>& in) {
                 Vec p = SoftmaxRows(D(in[0]), 4);
                 for (double& v : p) v = std::log(v);
                 return p;
               }});
  c.push_back({"L2Loss/rank3",
               {"L2Loss"},
               Unary(ops::L2Loss),
               Inputs({TensorShape{2, 3, 2}}),
               [](const std::vector<Tensor>& in) {
                 double sum = 0;
                 for (double v : D(in[0])) sum += v * v;
                 return Vec{sum / 2};
               }});
  // Label rows are distributions (the op's backprop assumes rows summing
  // to one), made from the second input by normalizing.
  c.push_back(
      {"SoftmaxCrossEntropyWithLogits/matrix",
       {"SoftmaxCrossEntropyWithLogits"},
       [](const Scope& s, const Outs& x) {
         Output labels = ops::RealDiv(s, x[1], ops::Sum(s, x[1], -1, true));
         return ops::SoftmaxCrossEntropyWithLogits(s, x[0], labels).loss;
       },
       Inputs({m, m}, 0.1, 1.0, false),
       [](const std::vector<Tensor>& in) {
         Vec p = SoftmaxRows(D(in[0]), 4), loss(3, 0.0);
         for (int r = 0; r < 3; ++r) {
           double total = 0;
           for (int j = 0; j < 4; ++j) total += in[1].flat<double>()[r * 4 + j];
           for (int j = 0; j < 4; ++j) {
             loss[r] -= in[1].flat<double>()[r * 4 + j] / total *
                        std::log(p[r * 4 + j]);
           }
         }
         return loss;
       }});
  for (const TensorShape& shape : {TensorShape{3, 4}, TensorShape{1, 10}}) {
    const int64_t batch = shape.dim_size(0), classes = shape.dim_size(1);
    c.push_back({absl::StrCat("SparseSoftmaxCrossEntropyWithLogits/",
                              shape.DebugString()),
                 {"SparseSoftmaxCrossEntropyWithLogits"},
                 [batch, classes](const Scope& s, const Outs& x) {
                   return ops::SparseSoftmaxCrossEntropyWithLogits(
                              s, x[0],
                              Tensor::FromVector(Labels(batch, classes)))
                       .loss;
                 },
                 Inputs({shape}, 0.0, 2.0),
                 [batch, classes](const std::vector<Tensor>& in) {
                   Vec p = SoftmaxRows(D(in[0]), classes), loss(batch);
                   std::vector<int32_t> labels = Labels(batch, classes);
                   for (int64_t r = 0; r < batch; ++r)
                     loss[r] = -std::log(p[r * classes + labels[r]]);
                   return loss;
                 }});
  }
  for (const auto& [name, mean, prod] :
       std::vector<std::tuple<std::string, bool, bool>>{
           {"Sum", false, false},
           {"Mean", true, false},
           {"Prod", false, true}}) {
    auto op = name == "Sum" ? ops::Sum : name == "Mean" ? ops::Mean : ops::Prod;
    c.push_back(
        {name + "/axis0",
         {name},
         [op](const Scope& s, const Outs& x) { return op(s, x[0], 0, false); },
         Inputs({m}),
         [mean = mean, prod = prod](const std::vector<Tensor>& in) {
           return Reduce(in[0], {0}, mean, prod);
         }});
    c.push_back(
        {name + "/axes02_keep",
         {name},
         [op](const Scope& s, const Outs& x) {
           return op(s, x[0], Tensor::FromVector<int32_t>({0, -1}), true);
         },
         Inputs({TensorShape{2, 3, 2}}),
         [mean = mean, prod = prod](const std::vector<Tensor>& in) {
           return Reduce(in[0], {0, 2}, mean, prod);
         }});
  }
  for (bool is_max : {true, false}) {
    const std::string name = is_max ? "Max" : "Min";
    auto op = is_max ? ops::Max : ops::Min;
    c.push_back(
        {name + "/axis1",
         {name},
         [op](const Scope& s, const Outs& x) { return op(s, x[0], 1, false); },
         Inputs({m}),
         [is_max](const std::vector<Tensor>& in) {
           return ReduceMaxMin(in[0], {1}, is_max);
         }});
    c.push_back(
        {name + "/axes02_keep",
         {name},
         [op](const Scope& s, const Outs& x) {
           return op(s, x[0], Tensor::FromVector<int32_t>({0, 2}), true);
         },
         Inputs({TensorShape{2, 3, 2}}),
         [is_max](const std::vector<Tensor>& in) {
           return ReduceMaxMin(in[0], {0, 2}, is_max);
         }});
  }
  OpCase argmax{"ArgMax/axis1",
                {"ArgMax"},
                AsDouble([](const Scope& s, const Outs& x) {
                  return ops::ArgMax(s, x[0], 1);
                }),
                Inputs({m}),
                [](const std::vector<Tensor>& in) {
                  Vec r(3);
                  for (int i = 0; i < 3; ++i) {
                    int best = 0;
                    for (int j = 1; j < 4; ++j) {
                      if (in[0].flat<double>()[i * 4 + j] >
                          in[0].flat<double>()[i * 4 + best])
                        best = j;
                    }
                    r[i] = best;
                  }
                  return r;
                }};
  argmax.check_gradient = false;
  c.push_back(argmax);
  c.push_back({"AddN/three",
               {"AddN"},
               [](const Scope& s, const Outs& x) {
                 return ops::AddN(s, {x[0], x[1], x[0]});
               },
               Inputs({m, m}),
               [](const std::vector<Tensor>& in) {
                 Vec r = D(in[0]);
                 for (size_t i = 0; i < r.size(); ++i)
                   r[i] = 2 * r[i] + in[1].flat<double>()[i];
                 return r;
               }});
  c.push_back({"Reshape/flatten",
               {"Reshape"},
               [](const Scope& s, const Outs& x) {
                 return ops::Reshape(s, x[0], {-1});
               },
               Inputs({m}),
               Map1([](double x) { return x; })});
  c.push_back({"Cast/double_float_double",
               {"Cast"},
               [](const Scope& s, const Outs& x) {
                 return ops::Cast(s, ops::Cast(s, x[0], DT_FLOAT), DT_DOUBLE);
               },
               Inputs({m}),
               Map1([](double x) { return double(float(x)); })});
  // Through float the numeric gradient only sees float's resolution; the
  // gradient is checked on the double-to-double path below.
  c.back().tolerance = 0;
  c.back().check_gradient = false;
  c.push_back({"Cast/double_double",
               {"Cast"},
               [](const Scope& s, const Outs& x) {
                 return ops::Square(s, ops::Cast(s, x[0], DT_DOUBLE));
               },
               Inputs({m}),
               Map1([](double x) { return x * x; })});
  c.push_back({"Fill/value",
               {"Fill"},
               [](const Scope& s, const Outs& x) {
                 return ops::Fill(
                     s, {2, 3},
                     ops::Reshape(s, x[0], Tensor::FromVector<int32_t>({})));
               },
               Inputs({TensorShape{1}}),
               [](const std::vector<Tensor>& in) {
                 return Vec(6, in[0].flat<double>()[0]);
               }});
  OpCase shape{"Shape/rank3",
               {"Shape"},
               AsDouble([](const Scope& s, const Outs& x) {
                 return ops::Shape(s, x[0]);
               }),
               Inputs({TensorShape{2, 3, 4}}),
               [](const std::vector<Tensor>&) {
                 return Vec{2, 3, 4};
               }};
  shape.check_gradient = false;
  c.push_back(shape);
  OpCase bga{"BroadcastGradientArgs/rank3",
             {"BroadcastGradientArgs"},
             [](const Scope& s, const Outs&) {
               return ops::Cast(
                   s, ops::BroadcastGradientArgs(s, {2, 3, 4}, {3, 1}).r1,
                   DT_DOUBLE);
             },
             {},
             [](const std::vector<Tensor>&) {
               return Vec{0, 2};
             }};
  bga.check_gradient = false;
  c.push_back(bga);
  c.push_back(
      {"PlaceholderWithDefault/fed",
       {"PlaceholderWithDefault", "Placeholder"},
       [](const Scope& s, const Outs& x) {
         return ops::PlaceholderWithDefault(s, x[0], PartialShape::Of({3, 4}));
       },
       Inputs({m}),
       Map1([](double x) { return x; })});
  c.push_back({"Const/added",
               {"Const"},
               [](const Scope& s, const Outs& x) {
                 return ops::Add(s, x[0], ops::Const(s, Tensor::Scalar(2.5)));
               },
               Inputs({m}),
               Map1([](double x) { return x + 2.5; })});
  c.push_back({"NoOp/control_dependency",
               {"NoOp"},
               [](const Scope& s, const Outs& x) {
                 Operation noop = ops::NoOp(s);
                 return ops::Identity(s.WithControlDependencies({noop}), x[0]);
               },
               Inputs({m}),
               Map1([](double x) { return x; })});
}

}  // namespace

const std::vector<OpCase>& AllOpCases() {
  static const std::vector<OpCase>* const cases = [] {
    auto* c = new std::vector<OpCase>();
    AddElementwiseCases(*c);
    AddArrayAndNnCases(*c);
    AddManipCases(*c);
    AddSlicingCases(*c);
    AddGatherCases(*c);
    AddStridedSliceCases(*c);
    AddSecondCases(*c);
    AddStateCases(*c);
    AddTf2Cases(*c);
    AddControlFlowCases(*c);
    AddRandomCases(*c);
    AddDivisionAndIoCases(*c);
    AddConvolutionCases(*c);
    AddPoolingCases(*c);
    return c;
  }();
  return *cases;
}

}  // namespace testing
}  // namespace tg
