// DepthwiseConv2dNative and its backprops on the CPU, NHWC, as direct
// loops over each output pixel's window: output channel k * m + q is input
// channel k convolved with filter[:, :, k, q].
#include <algorithm>

#include "kernels/common/window_kernels.h"
#include "kernels/cpu/window.h"

namespace tg {
namespace {

// Calls fn(out_pixel, in_pixel, filter_cell) for every window cell of every
// output pixel of image n: offsets of the first channel of each.
template <typename Fn>
void ForEachTap(const WindowGeometry& g, int64_t n, Fn&& fn) {
  for (int64_t oh = 0; oh < g.h.out; ++oh) {
    for (int64_t ow = 0; ow < g.w.out; ++ow) {
      const int64_t out = PixelOffset(g, false, n, oh, ow, g.out_channels);
      ForEachWindowCell(
          g, oh, ow, [&](int64_t i, int64_t j, int64_t ih, int64_t iw) {
            fn(out, PixelOffset(g, true, n, ih, iw, g.in_channels),
               (i * g.w.window + j) * g.out_channels);
          });
    }
  }
}

template <typename T>
class DepthwiseCpu : public NhwcConvKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(WindowGeometry g,
                        ConvForwardGeometry(ctx, attrs_, ConvKind::kDepthwise));
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, ctx.input(0).dtype(), g.output));
    T* out = y->data<T>();
    std::fill_n(out, y->NumElements(), T(0));
    const T* in = ctx.input(0).data<T>();
    const T* f = ctx.input(1).data<T>();
    const int64_t c = g.in_channels, m = g.multiplier;
    ctx.thread_pool()->ParallelFor(
        g.batch, y->NumElements() / std::max<int64_t>(g.batch, 1) * 9,
        [&](int64_t b, int64_t e) {
          for (int64_t n = b; n < e; ++n) {
            ForEachTap(g, n, [&](int64_t o, int64_t i, int64_t k) {
              for (int64_t ch = 0; ch < c; ++ch) {
                for (int64_t q = 0; q < m; ++q) {
                  out[o + ch * m + q] += in[i + ch] * f[k + ch * m + q];
                }
              }
            });
          }
        });
    return absl::OkStatus();
  }
};

template <typename T>
class DepthwiseBackpropInputCpu : public NhwcConvKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(
        WindowGeometry g,
        ConvBackpropInputGeometry(ctx, attrs_, ConvKind::kDepthwise));
    TG_ASSIGN_OR_RETURN(Tensor * dx,
                        ctx.allocate_output(0, ctx.input(2).dtype(), g.input));
    T* out = dx->data<T>();
    std::fill_n(out, dx->NumElements(), T(0));
    const T* f = ctx.input(1).data<T>();
    const T* dy = ctx.input(2).data<T>();
    const int64_t c = g.in_channels, m = g.multiplier;
    ctx.thread_pool()->ParallelFor(
        g.batch, dx->NumElements() / std::max<int64_t>(g.batch, 1) * 9,
        [&](int64_t b, int64_t e) {
          for (int64_t n = b; n < e; ++n) {
            ForEachTap(g, n, [&](int64_t o, int64_t i, int64_t k) {
              for (int64_t ch = 0; ch < c; ++ch) {
                T sum = 0;
                for (int64_t q = 0; q < m; ++q) {
                  sum += dy[o + ch * m + q] * f[k + ch * m + q];
                }
                out[i + ch] += sum;
              }
            });
          }
        });
    return absl::OkStatus();
  }
};

template <typename T>
class DepthwiseBackpropFilterCpu : public NhwcConvKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(
        WindowGeometry g,
        ConvBackpropFilterGeometry(ctx, attrs_, ConvKind::kDepthwise));
    TG_ASSIGN_OR_RETURN(Tensor * df,
                        ctx.allocate_output(0, ctx.input(2).dtype(), g.filter));
    T* out = df->data<T>();
    std::fill_n(out, df->NumElements(), T(0));
    const T* in = ctx.input(0).data<T>();
    const T* dy = ctx.input(2).data<T>();
    const int64_t c = g.in_channels, m = g.multiplier;
    // Every image adds into the one filter: images run in order.
    for (int64_t n = 0; n < g.batch; ++n) {
      ForEachTap(g, n, [&](int64_t o, int64_t i, int64_t k) {
        for (int64_t ch = 0; ch < c; ++ch) {
          for (int64_t q = 0; q < m; ++q) {
            out[k + ch * m + q] += in[i + ch] * dy[o + ch * m + q];
          }
        }
      });
    }
    return absl::OkStatus();
  }
};

#define TG_CPU_DEPTHWISE(T)                                                    \
  TG_REGISTER_KERNEL(                                                          \
      CpuKernel("DepthwiseConv2dNative").TypeConstraint<T>("T"),               \
      DepthwiseCpu<T>);                                                        \
  TG_REGISTER_KERNEL(                                                          \
      CpuKernel("DepthwiseConv2dNativeBackpropInput").TypeConstraint<T>("T"),  \
      DepthwiseBackpropInputCpu<T>);                                           \
  TG_REGISTER_KERNEL(                                                          \
      CpuKernel("DepthwiseConv2dNativeBackpropFilter").TypeConstraint<T>("T"), \
      DepthwiseBackpropFilterCpu<T>)
TG_CPU_DEPTHWISE(float);
TG_CPU_DEPTHWISE(double);
#undef TG_CPU_DEPTHWISE

}  // namespace
}  // namespace tg
