// Op cases for the convolution and pooling ops, with plain-loop references
// written here from TensorFlow's documented rules (output size, SAME
// padding with the odd cell at the end, first-maximum routing, averages
// over the cells inside the input), independent of core/conv_geometry.
#include "ops/standard_ops.h"
#include "tests/testing/op_cases_internal.h"
#include "tests/testing/window_reference.h"

namespace tg {
namespace testing {
namespace internal {
namespace {

const char* ForwardOp(bool dw) {
  return dw ? "DepthwiseConv2dNative" : "Conv2D";
}

// Forward, input-backprop and filter-backprop cases of one convolution
// setting: x of shape `xs`, filter `fs`.
void AddConvFamily(std::vector<OpCase>& c, const std::string& tag,
                   const TensorShape& xs, const TensorShape& fs, const Win& w,
                   bool dw) {
  const std::string fwd = ForwardOp(dw);
  const std::string bi = fwd + "BackpropInput";
  const std::string bf = fwd + "BackpropFilter";
  auto conv = dw ? ops::DepthwiseConv2dNative : ops::Conv2D;
  auto input_op =
      dw ? ops::DepthwiseConv2dNativeBackpropInput : ops::Conv2DBackpropInput;
  auto filter_op =
      dw ? ops::DepthwiseConv2dNativeBackpropFilter : ops::Conv2DBackpropFilter;
  const TensorShape ys = ConvOutShape(xs, fs, w, dw);
  c.push_back({fwd + "/" + tag,
               {fwd},
               [=](const Scope& s, const Outs& x) {
                 return conv(s, x[0], x[1], Options(w));
               },
               Inputs({xs, fs}),
               [=](const std::vector<Tensor>& in) {
                 Vec y(ys.num_elements());
                 const Vec x = D(in[0]), f = D(in[1]);
                 ConvProducts(xs, fs, w, dw,
                              [&](int64_t a, int64_t b, int64_t o) {
                                y[o] += x[a] * f[b];
                              });
                 return y;
               }});
  c.push_back({bi + "/" + tag,
               {bi},
               [=](const Scope& s, const Outs& x) {
                 return input_op(s, SizesConst(s, xs), x[0], x[1], Options(w));
               },
               Inputs({fs, ys}),
               [=](const std::vector<Tensor>& in) {
                 Vec dx(xs.num_elements());
                 const Vec f = D(in[0]), dy = D(in[1]);
                 ConvProducts(xs, fs, w, dw,
                              [&](int64_t a, int64_t b, int64_t o) {
                                dx[a] += f[b] * dy[o];
                              });
                 return dx;
               }});
  c.push_back({bf + "/" + tag,
               {bf},
               [=](const Scope& s, const Outs& x) {
                 return filter_op(s, x[0], SizesConst(s, fs), x[1], Options(w));
               },
               Inputs({xs, ys}),
               [=](const std::vector<Tensor>& in) {
                 Vec df(fs.num_elements());
                 const Vec x = D(in[0]), dy = D(in[1]);
                 ConvProducts(xs, fs, w, dw,
                              [&](int64_t a, int64_t b, int64_t o) {
                                df[b] += x[a] * dy[o];
                              });
                 return df;
               }});
}

}  // namespace

void AddConvolutionCases(std::vector<OpCase>& c) {
  // The bias of a 4-D NCHW activation sums over batch and space.
  c.push_back({"BiasAddGrad/nchw",
               {"BiasAddGrad"},
               [](const Scope& s, const Outs& x) {
                 return ops::BiasAddGrad(s, x[0], "NCHW");
               },
               Inputs({TensorShape{2, 3, 2, 2}}),
               [](const std::vector<Tensor>& in) {
                 Vec r(3);
                 const Vec x = D(in[0]);
                 for (size_t i = 0; i < x.size(); ++i) r[i / 4 % 3] += x[i];
                 return r;
               }});
  // H = 4 with SAME, k 3, s 2 pads (0, 1): the odd cell at the bottom.
  AddConvFamily(c, "same_strided", {2, 4, 5, 2}, {3, 3, 2, 3},
                MakeWin(2, 1, "SAME"), false);
  AddConvFamily(c, "valid_dilated", {1, 6, 5, 2}, {2, 2, 2, 2},
                MakeWin(1, 2, "VALID"), false);
  Win ex = MakeWin(1, 1, "EXPLICIT", {1, 2, 0, 1});
  ex.sw = 2;
  AddConvFamily(c, "explicit", {2, 3, 4, 1}, {2, 3, 1, 2}, ex, false);
  AddConvFamily(c, "same_strided", {2, 5, 4, 2}, {3, 3, 2, 2},
                MakeWin(2, 1, "SAME"), true);
  AddConvFamily(c, "valid_dilated", {1, 5, 6, 3}, {2, 2, 3, 1},
                MakeWin(1, 2, "VALID"), true);
  // SAME with dilation: in 4, k 3, d 2 pads (2, 2).
  AddConvFamily(c, "same_dilated", {2, 4, 4, 2}, {3, 3, 2, 2},
                MakeWin(1, 2, "SAME"), false);
}

}  // namespace internal
}  // namespace testing
}  // namespace tg
