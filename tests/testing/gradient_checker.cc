#include "tests/testing/gradient_checker.h"

#include <cmath>
#include <random>

#include "absl/strings/str_cat.h"
#include "graph/gradients.h"
#include "ops/standard_ops.h"
#include "runtime/client_session.h"

namespace tg {
namespace testing {

absl::StatusOr<double> MaxGradientError(const GraphFn& f,
                                        const std::vector<Tensor>& inputs,
                                        double step, uint64_t seed) {
  Scope root = Scope::NewRootScope();
  std::vector<Output> xs;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].dtype() != DT_DOUBLE) {
      return absl::InvalidArgumentError("gradient checks need double inputs");
    }
    xs.push_back(ops::Placeholder(root.WithOpName(absl::StrCat("x", i)),
                                  DT_DOUBLE,
                                  PartialShape::FromShape(inputs[i].shape())));
  }
  Output y = f(root, xs);
  TG_RETURN_IF_ERROR(root.status());
  ClientSession session(root);
  ClientSession::FeedType feeds;
  for (size_t i = 0; i < inputs.size(); ++i) feeds[xs[i]] = inputs[i];
  std::vector<Tensor> out;
  TG_RETURN_IF_ERROR(session.Run(feeds, {y}, &out));

  // L = sum(y * r): r random so every output element is weighted
  // differently.
  Tensor r(DT_DOUBLE, out[0].shape());
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.5, 1.5);
  for (double& v : r.flat<double>()) v = u(rng);
  std::vector<int32_t> axes(out[0].shape().rank());
  for (size_t i = 0; i < axes.size(); ++i) axes[i] = static_cast<int32_t>(i);
  Output loss = ops::Sum(root, ops::Mul(root, y, r), Tensor::FromVector(axes));
  std::vector<Output> grads;
  TG_RETURN_IF_ERROR(AddSymbolicGradients(root, {loss}, xs, &grads));
  TG_RETURN_IF_ERROR(session.Run(feeds, grads, &out));
  std::vector<Tensor> symbolic = out;

  double worst = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    Tensor x = inputs[i].DeepCopy();
    ClientSession::FeedType f2 = feeds;
    for (int64_t k = 0; k < x.NumElements(); ++k) {
      const double orig = x.flat<double>()[k];
      double l[2];
      for (int side = 0; side < 2; ++side) {
        x.flat<double>()[k] = orig + (side == 0 ? step : -step);
        f2[xs[i]] = x.DeepCopy();
        TG_RETURN_IF_ERROR(session.Run(f2, {loss}, &out));
        l[side] = out[0].scalar<double>();
      }
      x.flat<double>()[k] = orig;
      const double numeric = (l[0] - l[1]) / (2 * step);
      const double sym = symbolic[i].flat<double>()[k];
      const double scale = std::max({std::abs(numeric), std::abs(sym), 1e-3});
      worst = std::max(worst, std::abs(numeric - sym) / scale);
    }
  }
  return worst;
}

Tensor RandomTensor(const TensorShape& shape, double lo, double hi,
                    uint64_t seed, bool random_sign) {
  Tensor t(DT_DOUBLE, shape);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  std::bernoulli_distribution coin(0.5);
  for (double& v : t.flat<double>()) {
    v = u(rng);
    if (random_sign && coin(rng)) v = -v;
  }
  return t;
}

}  // namespace testing
}  // namespace tg
