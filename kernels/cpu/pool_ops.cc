// Max and average pooling and their gradients on the CPU, NHWC, with
// TensorFlow's semantics: padding cells never take part (a max never comes
// from padding; an average divides by the cells inside the input), and a
// max's gradient goes to the first maximum of its window in row-major
// order, recomputed from orig_input.
#include <algorithm>
#include <limits>
#include <vector>

#include "kernels/common/window_kernels.h"
#include "kernels/cpu/window.h"

namespace tg {
namespace {

// Runs fn(n, oh, ow, out_offset) for every output pixel, images in
// parallel.
template <typename Fn>
void ForEachOutputPixel(OpKernelContext& ctx, const WindowGeometry& g,
                        Fn&& fn) {
  const int64_t per_image = g.h.out * g.w.out * g.in_channels;
  ctx.thread_pool()->ParallelFor(
      g.batch, per_image * g.h.window * g.w.window, [&](int64_t b, int64_t e) {
        for (int64_t n = b; n < e; ++n) {
          for (int64_t oh = 0; oh < g.h.out; ++oh) {
            for (int64_t ow = 0; ow < g.w.out; ++ow) {
              fn(n, oh, ow, PixelOffset(g, false, n, oh, ow, g.in_channels));
            }
          }
        }
      });
}

template <typename T>
class MaxPoolCpu : public NhwcPoolKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(WindowGeometry g,
                        PoolGeometry(attrs_, ctx.input(0).shape()));
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, ctx.input(0).dtype(), g.output));
    const T* in = ctx.input(0).data<T>();
    T* out = y->data<T>();
    const int64_t c = g.in_channels;
    ForEachOutputPixel(
        ctx, g, [&](int64_t n, int64_t oh, int64_t ow, int64_t o) {
          std::fill_n(out + o, c, std::numeric_limits<T>::lowest());
          ForEachWindowCell(
              g, oh, ow, [&](int64_t, int64_t, int64_t ih, int64_t iw) {
                const T* cell = in + PixelOffset(g, true, n, ih, iw, c);
                for (int64_t ch = 0; ch < c; ++ch) {
                  out[o + ch] = std::max(out[o + ch], cell[ch]);
                }
              });
        });
    return absl::OkStatus();
  }
};

// For each channel of output pixel (n, oh, ow), the input offset of its
// window's first maximum (strictly larger values replace it), or -1.
template <typename T>
void ArgMaxOfWindow(const WindowGeometry& g, const T* in, int64_t n, int64_t oh,
                    int64_t ow, std::vector<int64_t>& arg) {
  const int64_t c = g.in_channels;
  std::fill(arg.begin(), arg.end(), -1);
  ForEachWindowCell(g, oh, ow, [&](int64_t, int64_t, int64_t ih, int64_t iw) {
    const int64_t base = PixelOffset(g, true, n, ih, iw, c);
    for (int64_t ch = 0; ch < c; ++ch) {
      if (arg[ch] < 0 || in[base + ch] > in[arg[ch]]) arg[ch] = base + ch;
    }
  });
}

// MaxPoolGrad (kGradGrad false): grad flows from each output cell to its
// window's maximum. MaxPoolGradGrad (true): each output cell takes the grad
// (shaped like the input) at its window's maximum.
template <typename T, bool kGradGrad>
class MaxPoolGradCpu : public NhwcPoolKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(WindowGeometry g,
                        MaxPoolGradGeometry(ctx, attrs_, kGradGrad));
    const TensorShape& shape = kGradGrad ? g.output : g.input;
    TG_ASSIGN_OR_RETURN(Tensor * result,
                        ctx.allocate_output(0, ctx.input(0).dtype(), shape));
    T* out = result->data<T>();
    if (!kGradGrad) std::fill_n(out, result->NumElements(), T(0));
    const T* in = ctx.input(0).data<T>();
    const T* grad = ctx.input(2).data<T>();
    const int64_t c = g.in_channels;
    // Each image's cells belong to that image alone, so images run in
    // parallel; each shard keeps its own argmax buffer.
    const int64_t per_image = g.h.out * g.w.out * c;
    ctx.thread_pool()->ParallelFor(
        g.batch, per_image * g.h.window * g.w.window,
        [&](int64_t b, int64_t e) {
          std::vector<int64_t> arg(c);
          for (int64_t n = b; n < e; ++n) {
            for (int64_t oh = 0; oh < g.h.out; ++oh) {
              for (int64_t ow = 0; ow < g.w.out; ++ow) {
                const int64_t o = PixelOffset(g, false, n, oh, ow, c);
                ArgMaxOfWindow(g, in, n, oh, ow, arg);
                for (int64_t ch = 0; ch < c; ++ch) {
                  if (kGradGrad) {
                    out[o + ch] = arg[ch] < 0 ? T(0) : grad[arg[ch]];
                  } else if (arg[ch] >= 0) {
                    out[arg[ch]] += grad[o + ch];
                  }
                }
              }
            }
          }
        });
    return absl::OkStatus();
  }
};

// The number of window cells of output pixel (oh, ow) inside the input.
inline int64_t CellsInside(const WindowGeometry& g, int64_t oh, int64_t ow) {
  int64_t count = 0;
  ForEachWindowCell(g, oh, ow,
                    [&](int64_t, int64_t, int64_t, int64_t) { ++count; });
  return count;
}

template <typename T>
class AvgPoolCpu : public NhwcPoolKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(WindowGeometry g,
                        PoolGeometry(attrs_, ctx.input(0).shape()));
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, ctx.input(0).dtype(), g.output));
    const T* in = ctx.input(0).data<T>();
    T* out = y->data<T>();
    const int64_t c = g.in_channels;
    ForEachOutputPixel(
        ctx, g, [&](int64_t n, int64_t oh, int64_t ow, int64_t o) {
          std::fill_n(out + o, c, T(0));
          ForEachWindowCell(
              g, oh, ow, [&](int64_t, int64_t, int64_t ih, int64_t iw) {
                const T* cell = in + PixelOffset(g, true, n, ih, iw, c);
                for (int64_t ch = 0; ch < c; ++ch) out[o + ch] += cell[ch];
              });
          const T scale = T(1) / static_cast<T>(CellsInside(g, oh, ow));
          for (int64_t ch = 0; ch < c; ++ch) out[o + ch] *= scale;
        });
    return absl::OkStatus();
  }
};

template <typename T>
class AvgPoolGradCpu : public NhwcPoolKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(WindowGeometry g, AvgPoolGradGeometry(ctx, attrs_));
    TG_ASSIGN_OR_RETURN(Tensor * dx,
                        ctx.allocate_output(0, ctx.input(1).dtype(), g.input));
    T* out = dx->data<T>();
    std::fill_n(out, dx->NumElements(), T(0));
    const T* grad = ctx.input(1).data<T>();
    const int64_t c = g.in_channels;
    ForEachOutputPixel(
        ctx, g, [&](int64_t n, int64_t oh, int64_t ow, int64_t o) {
          const T scale = T(1) / static_cast<T>(CellsInside(g, oh, ow));
          ForEachWindowCell(
              g, oh, ow, [&](int64_t, int64_t, int64_t ih, int64_t iw) {
                T* cell = out + PixelOffset(g, true, n, ih, iw, c);
                for (int64_t ch = 0; ch < c; ++ch)
                  cell[ch] += grad[o + ch] * scale;
              });
        });
    return absl::OkStatus();
  }
};

#define TG_CPU_MAX_POOL(T)                                                \
  TG_REGISTER_KERNEL(CpuKernel("MaxPool").TypeConstraint<T>("T"),         \
                     MaxPoolCpu<T>);                                      \
  TG_REGISTER_KERNEL(CpuKernel("MaxPoolGrad").TypeConstraint<T>("T"),     \
                     MaxPoolGradCpu<T, false>);                           \
  TG_REGISTER_KERNEL(CpuKernel("MaxPoolGradGrad").TypeConstraint<T>("T"), \
                     MaxPoolGradCpu<T, true>)
TG_CPU_MAX_POOL(float);
TG_CPU_MAX_POOL(double);
TG_CPU_MAX_POOL(int32_t);
TG_CPU_MAX_POOL(int64_t);
#undef TG_CPU_MAX_POOL

#define TG_CPU_AVG_POOL(T)                                            \
  TG_REGISTER_KERNEL(CpuKernel("AvgPool").TypeConstraint<T>("T"),     \
                     AvgPoolCpu<T>);                                  \
  TG_REGISTER_KERNEL(CpuKernel("AvgPoolGrad").TypeConstraint<T>("T"), \
                     AvgPoolGradCpu<T>)
TG_CPU_AVG_POOL(float);
TG_CPU_AVG_POOL(double);
#undef TG_CPU_AVG_POOL

}  // namespace
}  // namespace tg
