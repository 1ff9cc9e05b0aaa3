// Op cases for pooling and batch normalization, with plain-loop references
// from TensorFlow's documented semantics.
#include <cmath>
#include <limits>

#include "ops/standard_ops.h"
#include "tests/testing/op_cases_internal.h"
#include "tests/testing/window_reference.h"

namespace tg {
namespace testing {
namespace internal {
namespace {

struct PoolRef {
  Taps t;
  Win w;
  // Output offset of (n, oh, ow, c) and input offset of (n, ih, iw, c).
  int64_t Out(int64_t n, int64_t oh, int64_t ow, int64_t c) const {
    return ((n * t.oh + oh) * t.ow + ow) * t.c + c;
  }
  int64_t In(int64_t n, int64_t ih, int64_t iw, int64_t c) const {
    return ((n * t.h + ih) * t.w + iw) * t.c + c;
  }
  TensorShape OutShape() const { return {t.n, t.oh, t.ow, t.c}; }
  // For each output cell, the input offset of its window's first maximum.
  std::vector<int64_t> ArgMax(const Vec& x) const {
    std::vector<int64_t> arg(t.n * t.oh * t.ow * t.c, -1);
    ForTaps(t, w,
            [&](int64_t n, int64_t oh, int64_t ow, int64_t, int64_t, int64_t ih,
                int64_t iw) {
              for (int64_t c = 0; c < t.c; ++c) {
                int64_t& a = arg[Out(n, oh, ow, c)];
                if (a < 0 || x[In(n, ih, iw, c)] > x[a]) a = In(n, ih, iw, c);
              }
            });
    return arg;
  }
  // For each output cell, how many of its window's cells are inside.
  Vec Counts() const {
    Vec count(t.n * t.oh * t.ow * t.c);
    ForTaps(t, w,
            [&](int64_t n, int64_t oh, int64_t ow, int64_t, int64_t, int64_t,
                int64_t) {
              for (int64_t c = 0; c < t.c; ++c) count[Out(n, oh, ow, c)] += 1;
            });
    return count;
  }
};

PoolRef MakePool(const TensorShape& x, const Win& w) {
  return {TapsOf(x, w), w};
}

void AddPoolFamily(std::vector<OpCase>& c, const std::string& tag,
                   const TensorShape& xs, const Win& w, bool max_pool) {
  const PoolRef p = MakePool(xs, w);
  const TensorShape ys = p.OutShape();
  if (max_pool) {
    c.push_back({"MaxPool/" + tag,
                 {"MaxPool"},
                 [=](const Scope& s, const Outs& x) {
                   return ops::MaxPool(s, x[0], PoolOpts(w));
                 },
                 Inputs({xs}),
                 [=](const std::vector<Tensor>& in) {
                   const Vec x = D(in[0]);
                   Vec y;
                   for (int64_t a : p.ArgMax(x)) y.push_back(x[a]);
                   return y;
                 }});
    c.push_back({"MaxPoolGrad/" + tag,
                 {"MaxPoolGrad"},
                 [=](const Scope& s, const Outs& x) {
                   Output y = ops::MaxPool(s, x[0], PoolOpts(w));
                   return ops::MaxPoolGrad(s, x[0], y, x[1], PoolOpts(w));
                 },
                 Inputs({xs, ys}),
                 [=](const std::vector<Tensor>& in) {
                   const Vec x = D(in[0]), g = D(in[1]);
                   Vec dx(x.size());
                   const std::vector<int64_t> arg = p.ArgMax(x);
                   for (size_t o = 0; o < arg.size(); ++o) dx[arg[o]] += g[o];
                   return dx;
                 }});
    c.push_back({"MaxPoolGradGrad/" + tag,
                 {"MaxPoolGradGrad"},
                 [=](const Scope& s, const Outs& x) {
                   Output y = ops::MaxPool(s, x[0], PoolOpts(w));
                   return ops::MaxPoolGradGrad(s, x[0], y, x[1], PoolOpts(w));
                 },
                 Inputs({xs, xs}),
                 [=](const std::vector<Tensor>& in) {
                   const Vec x = D(in[0]), g = D(in[1]);
                   Vec out;
                   for (int64_t a : p.ArgMax(x)) out.push_back(g[a]);
                   return out;
                 }});
    return;
  }
  c.push_back({"AvgPool/" + tag,
               {"AvgPool"},
               [=](const Scope& s, const Outs& x) {
                 return ops::AvgPool(s, x[0], PoolOpts(w));
               },
               Inputs({xs}),
               [=](const std::vector<Tensor>& in) {
                 const Vec x = D(in[0]), count = p.Counts();
                 Vec y(count.size());
                 ForTaps(p.t, w,
                         [&](int64_t n, int64_t oh, int64_t ow, int64_t,
                             int64_t, int64_t ih, int64_t iw) {
                           for (int64_t ch = 0; ch < p.t.c; ++ch) {
                             const int64_t o = p.Out(n, oh, ow, ch);
                             y[o] += x[p.In(n, ih, iw, ch)] / count[o];
                           }
                         });
                 return y;
               }});
  c.push_back({"AvgPoolGrad/" + tag,
               {"AvgPoolGrad"},
               [=](const Scope& s, const Outs& x) {
                 return ops::AvgPoolGrad(s, SizesConst(s, xs), x[0],
                                         PoolOpts(w));
               },
               Inputs({ys}),
               [=](const std::vector<Tensor>& in) {
                 const Vec g = D(in[0]), count = p.Counts();
                 Vec dx(xs.num_elements());
                 ForTaps(p.t, w,
                         [&](int64_t n, int64_t oh, int64_t ow, int64_t,
                             int64_t, int64_t ih, int64_t iw) {
                           for (int64_t ch = 0; ch < p.t.c; ++ch) {
                             const int64_t o = p.Out(n, oh, ow, ch);
                             dx[p.In(n, ih, iw, ch)] += g[o] / count[o];
                           }
                         });
                 return dx;
               }});
}

Win PoolWin(int64_t k, int64_t s, std::string padding,
            std::vector<int64_t> pads = {}) {
  Win w = MakeWin(s, 1, std::move(padding), std::move(pads));
  w.kh = w.kw = k;
  return w;
}

// Per-channel batch statistics of x seen as [outer, C, inner] (NHWC:
// inner 1; NCHW: outer N).
struct Channels {
  int64_t outer, c, inner;
  int64_t Index(int64_t o, int64_t ch, int64_t i) const {
    return (o * c + ch) * inner + i;
  }
};

Channels ChannelsOf(const TensorShape& s, bool nchw) {
  if (nchw)
    return {s.dim_size(0), s.dim_size(1), s.dim_size(2) * s.dim_size(3)};
  return {s.dim_size(0) * s.dim_size(1) * s.dim_size(2), s.dim_size(3), 1};
}

// Batch norm with the batch's mean and biased variance (`stats` null) or
// the given ones.
Vec BatchNormRef(const Vec& x, const Vec& scale, const Vec& offset,
                 const Channels& ch, const Vec* mean_in, const Vec* var_in) {
  const double eps = double(0.0001f), n = ch.outer * ch.inner;
  Vec mean(ch.c), var(ch.c), y(x.size());
  for (int64_t k = 0; k < ch.c; ++k) {
    for (int64_t o = 0; o < ch.outer; ++o)
      for (int64_t i = 0; i < ch.inner; ++i)
        mean[k] += x[ch.Index(o, k, i)] / n;
    for (int64_t o = 0; o < ch.outer; ++o)
      for (int64_t i = 0; i < ch.inner; ++i)
        var[k] += std::pow(x[ch.Index(o, k, i)] - mean[k], 2) / n;
    if (mean_in != nullptr) mean[k] = (*mean_in)[k], var[k] = (*var_in)[k];
    for (int64_t o = 0; o < ch.outer; ++o)
      for (int64_t i = 0; i < ch.inner; ++i) {
        const int64_t e = ch.Index(o, k, i);
        y[e] =
            (x[e] - mean[k]) / std::sqrt(var[k] + eps) * scale[k] + offset[k];
      }
  }
  return y;
}

void AddBatchNormCases(std::vector<OpCase>& c) {
  for (bool nchw : {false, true}) {
    const TensorShape xs =
        nchw ? TensorShape{2, 2, 3, 3} : TensorShape{2, 3, 3, 2};
    c.push_back(
        {std::string("FusedBatchNormV3/training_") + (nchw ? "nchw" : "nhwc"),
         {"FusedBatchNormV3"},
         [=](const Scope& s, const Outs& x) {
           ops::FusedBatchNormOptions o;
           o.data_format = nchw ? "NCHW" : "NHWC";
           Output empty = ops::Const(s, Tensor::FromVector<double>({}));
           return ops::FusedBatchNormV3(s, x[0], x[1], x[2], empty, empty, o).y;
         },
         Inputs({xs, {2}, {2}}),
         [=](const std::vector<Tensor>& in) {
           return BatchNormRef(D(in[0]), D(in[1]), D(in[2]),
                               ChannelsOf(xs, nchw), nullptr, nullptr);
         }});
  }
  const TensorShape xs{3, 2, 2, 3};
  const Vec mean{0.3, -0.2, 0.1}, var{0.5, 1.5, 0.8};
  c.push_back({"FusedBatchNormV3/inference",
               {"FusedBatchNormV3"},
               [=](const Scope& s, const Outs& x) {
                 ops::FusedBatchNormOptions o;
                 o.is_training = false;
                 return ops::FusedBatchNormV3(
                            s, x[0], x[1], x[2],
                            ops::Const(s, Tensor::FromVector<double>(mean)),
                            ops::Const(s, Tensor::FromVector<double>(var)), o)
                     .y;
               },
               Inputs({xs, {3}, {3}}),
               [=](const std::vector<Tensor>& in) {
                 return BatchNormRef(D(in[0]), D(in[1]), D(in[2]),
                                     ChannelsOf(xs, false), &mean, &var);
               }});
  // The running statistics: (1 - f) running + f batch, the batch variance
  // unbiased (n / (n - 1)), here with f = 0.25.
  OpCase running{
      "FusedBatchNormV3/running_statistics",
      {"FusedBatchNormV3"},
      [=](const Scope& s, const Outs& x) {
        ops::FusedBatchNormOptions o;
        o.exponential_avg_factor = 0.25f;
        auto bn = ops::FusedBatchNormV3(s, x[0], x[1], x[2], x[3], x[4], o);
        return ops::ConcatV2(s, {bn.batch_mean, bn.batch_variance}, 0);
      },
      Inputs({xs, {3}, {3}, {3}, {3}}),
      [=](const std::vector<Tensor>& in) {
        const Vec x = D(in[0]), m0 = D(in[3]), v0 = D(in[4]);
        const double n = 12, f = 0.25;
        Vec mean(3), var(3);
        for (int64_t e = 0; e < 36; ++e) mean[e % 3] += x[e] / n;
        for (int64_t e = 0; e < 36; ++e)
          var[e % 3] += std::pow(x[e] - mean[e % 3], 2) / (n - 1);
        Vec r;
        for (int k = 0; k < 3; ++k) r.push_back((1 - f) * m0[k] + f * mean[k]);
        for (int k = 0; k < 3; ++k) r.push_back((1 - f) * v0[k] + f * var[k]);
        return r;
      }};
  running.check_gradient = false;
  c.push_back(running);
  // The training gradient, from TensorFlow's formula:
  // dx = scale r (dy - mean(dy) - (x - mu) r^2 mean(dy (x - mu))).
  OpCase grad{"FusedBatchNormGradV3/training",
              {"FusedBatchNormGradV3"},
              [=](const Scope& s, const Outs& x) {
                Output empty = ops::Const(s, Tensor::FromVector<double>({}));
                auto bn =
                    ops::FusedBatchNormV3(s, x[1], x[2], x[2], empty, empty);
                auto g = ops::FusedBatchNormGradV3(
                    s, x[0], x[1], x[2], bn.reserve_space_1, bn.reserve_space_2,
                    bn.reserve_space_3);
                return ops::ConcatV2(s,
                                     {ops::Reshape(s, g.x_backprop, {-1}),
                                      g.scale_backprop, g.offset_backprop},
                                     0);
              },
              Inputs({xs, xs, {3}}),
              [=](const std::vector<Tensor>& in) {
                const Vec dy = D(in[0]), x = D(in[1]), scale = D(in[2]);
                const double n = 12, eps = double(0.0001f);
                Vec mu(3), var(3), mdy(3), mdyx(3), dx(36), ds(3), db(3);
                for (int e = 0; e < 36; ++e) mu[e % 3] += x[e] / n;
                for (int e = 0; e < 36; ++e)
                  var[e % 3] += std::pow(x[e] - mu[e % 3], 2) / n;
                for (int e = 0; e < 36; ++e) {
                  mdy[e % 3] += dy[e] / n;
                  mdyx[e % 3] += dy[e] * (x[e] - mu[e % 3]) / n;
                }
                for (int e = 0; e < 36; ++e) {
                  const int k = e % 3;
                  const double r = 1 / std::sqrt(var[k] + eps);
                  dx[e] = scale[k] * r *
                          (dy[e] - mdy[k] - (x[e] - mu[k]) * r * r * mdyx[k]);
                }
                Vec out = dx;
                for (int k = 0; k < 3; ++k)
                  out.push_back(mdyx[k] * n / std::sqrt(var[k] + eps));
                for (int k = 0; k < 3; ++k) out.push_back(mdy[k] * n);
                return out;
              }};
  grad.check_gradient = false;
  c.push_back(grad);
}

}  // namespace

void AddPoolingCases(std::vector<OpCase>& c) {
  AddPoolFamily(c, "valid_2x2", {2, 4, 4, 3}, PoolWin(2, 2, "VALID"), true);
  // H = 5, W = 4 with k 3, s 2 SAME: pads (1, 1) and (0, 1).
  AddPoolFamily(c, "same_3x3", {1, 5, 4, 2}, PoolWin(3, 2, "SAME"), true);
  AddPoolFamily(c, "explicit", {1, 3, 3, 2},
                PoolWin(2, 1, "EXPLICIT", {1, 0, 0, 1}), true);
  AddPoolFamily(c, "valid_2x2", {2, 4, 4, 3}, PoolWin(2, 2, "VALID"), false);
  AddPoolFamily(c, "same_3x3", {1, 5, 4, 2}, PoolWin(3, 2, "SAME"), false);
  AddBatchNormCases(c);
}

}  // namespace internal
}  // namespace testing
}  // namespace tg
