// Plain references for window ops (convolutions, pooling) in the op-case
// table: output sizes and padding from TensorFlow's documented rules,
// written independently of core/conv_geometry.
#ifndef TG_TESTS_TESTING_WINDOW_REFERENCE_H_
#define TG_TESTS_TESTING_WINDOW_REFERENCE_H_

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/tensor_shape.h"
#include "ops/array_ops.h"
#include "ops/conv_ops.h"

namespace tg {
namespace testing {
namespace internal {

// A window: its size, strides, dilations and padding (EXPLICIT: top,
// bottom, left, right).
struct Win {
  int64_t kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
  std::string padding = "VALID";
  std::vector<int64_t> pads;
};

// Output size and leading padding of one spatial dim.
inline std::pair<int64_t, int64_t> OutAndPad(int64_t in, int64_t k, int64_t s,
                                             int64_t d, const Win& w, int dim) {
  const int64_t ke = (k - 1) * d + 1;
  if (w.padding == "SAME") {
    const int64_t out = (in + s - 1) / s;
    const int64_t total = std::max<int64_t>(0, (out - 1) * s + ke - in);
    return {out, total / 2};
  }
  int64_t before = 0, after = 0;
  if (w.padding == "EXPLICIT") {
    before = w.pads[2 * dim];
    after = w.pads[2 * dim + 1];
  }
  return {(in + before + after - ke) / s + 1, before};
}

struct Taps {
  int64_t n, h, w, c, oh, ow, pt, pl;
};

inline Taps TapsOf(const TensorShape& x, const Win& w) {
  Taps t{x.dim_size(0), x.dim_size(1), x.dim_size(2), x.dim_size(3)};
  std::tie(t.oh, t.pt) = OutAndPad(t.h, w.kh, w.sh, w.dh, w, 0);
  std::tie(t.ow, t.pl) = OutAndPad(t.w, w.kw, w.sw, w.dw, w, 1);
  return t;
}

// Calls fn(n, oh, ow, i, j, ih, iw) for every window cell inside the input.
template <typename Fn>
void ForTaps(const Taps& t, const Win& w, Fn fn) {
  for (int64_t n = 0; n < t.n; ++n)
    for (int64_t oh = 0; oh < t.oh; ++oh)
      for (int64_t ow = 0; ow < t.ow; ++ow)
        for (int64_t i = 0; i < w.kh; ++i)
          for (int64_t j = 0; j < w.kw; ++j) {
            const int64_t ih = oh * w.sh - t.pt + i * w.dh;
            const int64_t iw = ow * w.sw - t.pl + j * w.dw;
            if (ih >= 0 && ih < t.h && iw >= 0 && iw < t.w)
              fn(n, oh, ow, i, j, ih, iw);
          }
}

// The NHWC explicit_paddings attr of an EXPLICIT window; empty otherwise.
inline std::vector<int64_t> ExplicitPaddings(const Win& w) {
  if (w.padding != "EXPLICIT") return {};
  return {0, 0, w.pads[0], w.pads[1], w.pads[2], w.pads[3], 0, 0};
}

inline ops::ConvOptions Options(const Win& w) {
  ops::ConvOptions o;
  o.strides = {1, w.sh, w.sw, 1};
  o.dilations = {1, w.dh, w.dw, 1};
  o.padding = w.padding;
  o.explicit_paddings = ExplicitPaddings(w);
  return o;
}

inline ops::PoolOptions PoolOpts(const Win& w) {
  ops::PoolOptions o;
  o.ksize = {1, w.kh, w.kw, 1};
  o.strides = {1, w.sh, w.sw, 1};
  o.padding = w.padding;
  o.explicit_paddings = ExplicitPaddings(w);
  return o;
}

// Calls fn(x_index, filter_index, y_index) for every product a convolution
// (or a depthwise one, filter [kh, kw, c, m]) sums, NHWC.
template <typename Fn>
void ConvProducts(const TensorShape& x, const TensorShape& f, Win w,
                  bool depthwise, Fn fn) {
  w.kh = f.dim_size(0);
  w.kw = f.dim_size(1);
  const Taps t = TapsOf(x, w);
  const int64_t m = f.dim_size(3);
  const int64_t oc = depthwise ? t.c * m : m;
  ForTaps(t, w,
          [&](int64_t n, int64_t oh, int64_t ow, int64_t i, int64_t j,
              int64_t ih, int64_t iw) {
            for (int64_t c = 0; c < t.c; ++c)
              for (int64_t q = 0; q < m; ++q) {
                const int64_t xi = ((n * t.h + ih) * t.w + iw) * t.c + c;
                const int64_t fi = ((i * w.kw + j) * t.c + c) * m + q;
                const int64_t o = depthwise ? c * m + q : q;
                fn(xi, fi, ((n * t.oh + oh) * t.ow + ow) * oc + o);
              }
          });
}

inline TensorShape ConvOutShape(const TensorShape& x, const TensorShape& f,
                                Win w, bool depthwise) {
  w.kh = f.dim_size(0);
  w.kw = f.dim_size(1);
  const Taps t = TapsOf(x, w);
  return {t.n, t.oh, t.ow, depthwise ? t.c * f.dim_size(3) : f.dim_size(3)};
}

inline Output SizesConst(const Scope& s, const TensorShape& shape) {
  std::vector<int32_t> v(shape.dims().begin(), shape.dims().end());
  return ops::Const(s, Tensor::FromVector<int32_t>(v));
}

inline Win MakeWin(int64_t s, int64_t d, std::string padding,
                   std::vector<int64_t> pads = {}) {
  Win w;
  w.sh = w.sw = s;
  w.dh = w.dw = d;
  w.padding = std::move(padding);
  w.pads = std::move(pads);
  return w;
}

}  // namespace internal
}  // namespace testing
}  // namespace tg

#endif  // TG_TESTS_TESTING_WINDOW_REFERENCE_H_
