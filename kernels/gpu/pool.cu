// Pooling and batch normalization on the GPU with the CPU kernels'
// semantics (kernels/cpu/pool_ops.cc, batch_norm_ops.cc): padding never
// takes part, a max's gradient goes to the first maximum of its window in
// row-major order, and the batch statistics are the same (biased variance
// to normalize, unbiased for the running one). Own kernels rather than
// cuDNN's: cuDNN pads both sides of a dim equally, while SAME pads the odd
// cell at the end, and its batch norm keeps the inverse deviation where
// the CPU keeps the variance, so a graph split across devices would not
// agree.
#include <cfloat>

#include "kernels/gpu/gpu_util.cu.h"
#include "kernels/gpu/window_launch.h"

namespace tg {
namespace gpu {
namespace {

template <typename T>
__device__ T Lowest();
template <>
__device__ float Lowest<float>() {
  return -FLT_MAX;
}
template <>
__device__ double Lowest<double>() {
  return -DBL_MAX;
}

__device__ int64_t Offset(const PoolDims& d, int64_t n, int64_t c, int64_t y,
                          int64_t x, int64_t height, int64_t width) {
  return d.nchw ? ((n * d.c + c) * height + y) * width + x
                : ((n * height + y) * width + x) * d.c + c;
}

// (n, c, y, x) of flat element i of a tensor of the given spatial size.
__device__ void Decode(const PoolDims& d, int64_t i, int64_t height,
                       int64_t width, int64_t* n, int64_t* c, int64_t* y,
                       int64_t* x) {
  if (d.nchw) {
    *x = i % width;
    *y = i / width % height;
    *c = i / (width * height) % d.c;
    *n = i / (width * height * d.c);
  } else {
    *c = i % d.c;
    *x = i / d.c % width;
    *y = i / (d.c * width) % height;
    *n = i / (d.c * width * height);
  }
}

// The input rows (or columns) [*first, *last) of a window starting at
// `start`: clamped, never searched, so a hostile window size costs
// nothing beyond the window's real cells.
__device__ void Inside(int64_t start, int64_t k, int64_t in, int64_t* first,
                       int64_t* last) {
  *first = max(start, int64_t{0});
  *last = start > in - k ? in : start + k;
}

// The input offset of the first maximum of output cell (n, c, oh, ow)'s
// window, or -1 when no cell of it is inside the input.
template <typename T>
__device__ int64_t ArgMax(const PoolDims& d, const T* in, int64_t n, int64_t c,
                          int64_t oh, int64_t ow) {
  int64_t best = -1, y0, y1, x0, x1;
  Inside(oh * d.sh - d.pt, d.kh, d.h, &y0, &y1);
  Inside(ow * d.sw - d.pl, d.kw, d.w, &x0, &x1);
  for (int64_t y = y0; y < y1; ++y) {
    for (int64_t x = x0; x < x1; ++x) {
      const int64_t o = Offset(d, n, c, y, x, d.h, d.w);
      if (best < 0 || in[o] > in[best]) best = o;
    }
  }
  return best;
}

__device__ int64_t CellsInside(const PoolDims& d, int64_t oh, int64_t ow) {
  int64_t y0, y1, x0, x1;
  Inside(oh * d.sh - d.pt, d.kh, d.h, &y0, &y1);
  Inside(ow * d.sw - d.pl, d.kw, d.w, &x0, &x1);
  return y1 > y0 && x1 > x0 ? (y1 - y0) * (x1 - x0) : 0;
}

template <typename T>
__global__ void MaxPoolKernel(PoolDims d, const T* in, T* out, int64_t total) {
  for (int64_t i = GlobalIndex(); i < total; i += GlobalStride()) {
    int64_t n, c, oh, ow;
    Decode(d, i, d.oh, d.ow, &n, &c, &oh, &ow);
    const int64_t a = ArgMax(d, in, n, c, oh, ow);
    out[i] = a < 0 ? Lowest<T>() : in[a];
  }
}

template <typename T>
__global__ void MaxPoolGradGradKernel(PoolDims d, const T* in, const T* grad,
                                      T* out, int64_t total) {
  for (int64_t i = GlobalIndex(); i < total; i += GlobalStride()) {
    int64_t n, c, oh, ow;
    Decode(d, i, d.oh, d.ow, &n, &c, &oh, &ow);
    const int64_t a = ArgMax(d, in, n, c, oh, ow);
    out[i] = a < 0 ? T(0) : grad[a];
  }
}

template <typename T>
__global__ void AvgPoolKernel(PoolDims d, const T* in, T* out, int64_t total) {
  for (int64_t i = GlobalIndex(); i < total; i += GlobalStride()) {
    int64_t n, c, oh, ow;
    Decode(d, i, d.oh, d.ow, &n, &c, &oh, &ow);
    T sum = 0;
    int64_t y0, y1, x0, x1;
    Inside(oh * d.sh - d.pt, d.kh, d.h, &y0, &y1);
    Inside(ow * d.sw - d.pl, d.kw, d.w, &x0, &x1);
    for (int64_t y = y0; y < y1; ++y) {
      for (int64_t x = x0; x < x1; ++x)
        sum += in[Offset(d, n, c, y, x, d.h, d.w)];
    }
    out[i] = sum / static_cast<T>(CellsInside(d, oh, ow));
  }
}

// The output rows (or columns) whose windows hold input row y:
// oh * s - p <= y <= oh * s - p + k - 1.
__device__ void Covering(int64_t y, int64_t k, int64_t s, int64_t p,
                         int64_t out, int64_t* first, int64_t* last) {
  const int64_t lo = y + p - (k - 1);
  *first = lo <= 0 ? 0 : (lo + s - 1) / s;
  *last = min((y + p) / s, out - 1);
}

// kMax: gradient of MaxPool (to the window's first maximum); else of
// AvgPool (spread evenly over the cells inside).
template <typename T, bool kMax>
__global__ void PoolGradKernel(PoolDims d, const T* in, const T* grad, T* out,
                               int64_t total) {
  for (int64_t i = GlobalIndex(); i < total; i += GlobalStride()) {
    int64_t n, c, y, x;
    Decode(d, i, d.h, d.w, &n, &c, &y, &x);
    int64_t oh0, oh1, ow0, ow1;
    Covering(y, d.kh, d.sh, d.pt, d.oh, &oh0, &oh1);
    Covering(x, d.kw, d.sw, d.pl, d.ow, &ow0, &ow1);
    T sum = 0;
    for (int64_t oh = oh0; oh <= oh1; ++oh) {
      for (int64_t ow = ow0; ow <= ow1; ++ow) {
        const T g = grad[Offset(d, n, c, oh, ow, d.oh, d.ow)];
        if (kMax) {
          if (ArgMax(d, in, n, c, oh, ow) == i) sum += g;
        } else {
          sum += g / static_cast<T>(CellsInside(d, oh, ow));
        }
      }
    }
    out[i] = sum;
  }
}

}  // namespace

template <typename T>
void LaunchMaxPool(cudaStream_t stream, const PoolDims& d, const T* in,
                   T* out) {
  const int64_t total = d.n * d.c * d.oh * d.ow;
  MaxPoolKernel<<<Blocks(total), kThreads, 0, stream>>>(d, in, out, total);
}
template <typename T>
void LaunchAvgPool(cudaStream_t stream, const PoolDims& d, const T* in,
                   T* out) {
  const int64_t total = d.n * d.c * d.oh * d.ow;
  AvgPoolKernel<<<Blocks(total), kThreads, 0, stream>>>(d, in, out, total);
}
template <typename T>
void LaunchMaxPoolGradGrad(cudaStream_t stream, const PoolDims& d, const T* in,
                           const T* grad, T* out) {
  const int64_t total = d.n * d.c * d.oh * d.ow;
  MaxPoolGradGradKernel<<<Blocks(total), kThreads, 0, stream>>>(d, in, grad,
                                                                out, total);
}
template <typename T>
void LaunchMaxPoolGrad(cudaStream_t stream, const PoolDims& d, const T* in,
                       const T* grad, T* out) {
  const int64_t total = d.n * d.c * d.h * d.w;
  PoolGradKernel<T, true>
      <<<Blocks(total), kThreads, 0, stream>>>(d, in, grad, out, total);
}
template <typename T>
void LaunchAvgPoolGrad(cudaStream_t stream, const PoolDims& d, const T* grad,
                       T* out) {
  const int64_t total = d.n * d.c * d.h * d.w;
  PoolGradKernel<T, false>
      <<<Blocks(total), kThreads, 0, stream>>>(d, nullptr, grad, out, total);
}

#define TG_POOL_LAUNCHERS(T)                                                   \
  template void LaunchMaxPool<T>(cudaStream_t, const PoolDims&, const T*, T*); \
  template void LaunchAvgPool<T>(cudaStream_t, const PoolDims&, const T*, T*); \
  template void LaunchMaxPoolGradGrad<T>(cudaStream_t, const PoolDims&,        \
                                         const T*, const T*, T*);              \
  template void LaunchMaxPoolGrad<T>(cudaStream_t, const PoolDims&, const T*,  \
                                     const T*, T*);                            \
  template void LaunchAvgPoolGrad<T>(cudaStream_t, const PoolDims&, const T*,  \
                                     T*)
TG_POOL_LAUNCHERS(float);
TG_POOL_LAUNCHERS(double);
#undef TG_POOL_LAUNCHERS

}  // namespace gpu
}  // namespace tg
