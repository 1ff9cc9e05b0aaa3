// Batch normalization on the GPU: per-channel sums by one block per
// channel (accumulated in double, as on the CPU), elementwise passes by
// grid-stride loops. See pool.cu for why these are not cuDNN's.
#include <cmath>

#include "kernels/gpu/gpu_util.cu.h"
#include "kernels/gpu/window_launch.h"

namespace tg {
namespace gpu {
namespace {

struct Plus {
  __device__ double operator()(double a, double b) const { return a + b; }
};

__device__ int64_t Index(const ChannelDims& d, int64_t k, int64_t c) {
  // Element k of channel c: k = o * inner + i.
  return (k / d.inner * d.c + c) * d.inner + k % d.inner;
}

template <typename T>
__global__ void MomentsKernel(ChannelDims d, const T* x, T* mean, T* var) {
  __shared__ double shared[kThreads];
  const int64_t count = d.outer * d.inner;
  for (int64_t c = blockIdx.x; c < d.c; c += gridDim.x) {
    double s = 0;
    for (int64_t k = threadIdx.x; k < count; k += blockDim.x) {
      s += x[Index(d, k, c)];
    }
    const double m = BlockReduce(s, shared, Plus()) / count;
    double v = 0;
    for (int64_t k = threadIdx.x; k < count; k += blockDim.x) {
      const double e = x[Index(d, k, c)] - m;
      v += e * e;
    }
    v = BlockReduce(v, shared, Plus()) / count;
    if (threadIdx.x == 0) {
      mean[c] = count > 0 ? static_cast<T>(m) : static_cast<T>(NAN);
      var[c] = count > 0 ? static_cast<T>(v) : static_cast<T>(NAN);
    }
  }
}

template <typename T>
__global__ void NormalizeKernel(ChannelDims d, const T* x, const T* mean,
                                const T* var, const T* scale, const T* offset,
                                double eps, T* y, int64_t total) {
  for (int64_t i = GlobalIndex(); i < total; i += GlobalStride()) {
    const int64_t c = i / d.inner % d.c;
    const double r = 1.0 / sqrt(static_cast<double>(var[c]) + eps);
    y[i] = static_cast<T>((x[i] - static_cast<double>(mean[c])) * r * scale[c] +
                          offset[c]);
  }
}

template <typename T>
__global__ void RunningStatsKernel(int64_t channels, const T* mean,
                                   const T* var, StatsArgs a, T* out_mean,
                                   T* out_var, T* saved_mean, T* saved_var) {
  const T* mean_in = static_cast<const T*>(a.mean_in);
  const T* var_in = static_cast<const T*>(a.var_in);
  const double n = static_cast<double>(a.count);
  const double bessel = n > 1 ? n / (n - 1) : 1.0;
  for (int64_t c = GlobalIndex(); c < channels; c += GlobalStride()) {
    double m = mean[c], v = a.training ? var[c] * bessel : var[c];
    if (a.training && mean_in != nullptr) {
      m = (1 - a.factor) * mean_in[c] + a.factor * m;
      v = (1 - a.factor) * var_in[c] + a.factor * v;
    }
    out_mean[c] = static_cast<T>(m);
    out_var[c] = static_cast<T>(v);
    saved_mean[c] = mean[c];
    saved_var[c] = var[c];
  }
}

template <typename T>
__global__ void GradSumsKernel(ChannelDims d, const T* dy, const T* x,
                               const T* mean, T* sum_dy, T* sum_dy_xc) {
  __shared__ double shared[kThreads];
  const int64_t count = d.outer * d.inner;
  for (int64_t c = blockIdx.x; c < d.c; c += gridDim.x) {
    double s = 0, sx = 0;
    for (int64_t k = threadIdx.x; k < count; k += blockDim.x) {
      const int64_t i = Index(d, k, c);
      s += dy[i];
      sx += dy[i] * (x[i] - static_cast<double>(mean[c]));
    }
    s = BlockReduce(s, shared, Plus());
    sx = BlockReduce(sx, shared, Plus());
    if (threadIdx.x == 0) {
      sum_dy[c] = static_cast<T>(s);
      sum_dy_xc[c] = static_cast<T>(sx);
    }
  }
}

template <typename T>
__global__ void BatchNormGradKernel(ChannelDims d, const T* dy, const T* x,
                                    const T* scale, const T* mean, const T* var,
                                    const T* sum_dy, const T* sum_dy_xc,
                                    double eps, bool training, T* dx,
                                    int64_t total) {
  const double n = static_cast<double>(d.outer * d.inner);
  for (int64_t i = GlobalIndex(); i < total; i += GlobalStride()) {
    const int64_t c = i / d.inner % d.c;
    const double r = 1.0 / sqrt(static_cast<double>(var[c]) + eps);
    if (training) {
      const double xc = x[i] - static_cast<double>(mean[c]);
      dx[i] = static_cast<T>(
          scale[c] * r *
          (dy[i] - sum_dy[c] / n - xc * r * r * sum_dy_xc[c] / n));
    } else {
      dx[i] = static_cast<T>(dy[i] * scale[c] * r);
    }
  }
}

template <typename T>
__global__ void ScaleOffsetGradKernel(int64_t channels, const T* var,
                                      const T* sum_dy, const T* sum_dy_xc,
                                      double eps, T* dscale, T* doffset) {
  for (int64_t c = GlobalIndex(); c < channels; c += GlobalStride()) {
    dscale[c] =
        static_cast<T>(sum_dy_xc[c] / sqrt(static_cast<double>(var[c]) + eps));
    doffset[c] = sum_dy[c];
  }
}

int ChannelBlocks(int64_t c) {
  return static_cast<int>(c < 4096 ? (c < 1 ? 1 : c) : 4096);
}

}  // namespace

template <typename T>
void LaunchMoments(cudaStream_t stream, const ChannelDims& d, const T* x,
                   T* mean, T* var) {
  MomentsKernel<<<ChannelBlocks(d.c), kThreads, 0, stream>>>(d, x, mean, var);
}
template <typename T>
void LaunchNormalize(cudaStream_t stream, const ChannelDims& d, const T* x,
                     const T* mean, const T* var, const T* scale,
                     const T* offset, double eps, T* y) {
  const int64_t total = d.outer * d.c * d.inner;
  NormalizeKernel<<<Blocks(total), kThreads, 0, stream>>>(
      d, x, mean, var, scale, offset, eps, y, total);
}
template <typename T>
void LaunchRunningStats(cudaStream_t stream, int64_t c, const T* mean,
                        const T* var, const StatsArgs& a, T* out_mean,
                        T* out_var, T* saved_mean, T* saved_var) {
  RunningStatsKernel<<<Blocks(c), kThreads, 0, stream>>>(
      c, mean, var, a, out_mean, out_var, saved_mean, saved_var);
}
template <typename T>
void LaunchGradSums(cudaStream_t stream, const ChannelDims& d, const T* dy,
                    const T* x, const T* mean, T* sum_dy, T* sum_dy_xc) {
  GradSumsKernel<<<ChannelBlocks(d.c), kThreads, 0, stream>>>(
      d, dy, x, mean, sum_dy, sum_dy_xc);
}
template <typename T>
void LaunchBatchNormGrad(cudaStream_t stream, const ChannelDims& d, const T* dy,
                         const T* x, const T* scale, const T* mean,
                         const T* var, const T* sum_dy, const T* sum_dy_xc,
                         double eps, bool training, T* dx, T* dscale,
                         T* doffset) {
  const int64_t total = d.outer * d.c * d.inner;
  if (total > 0) {
    BatchNormGradKernel<<<Blocks(total), kThreads, 0, stream>>>(
        d, dy, x, scale, mean, var, sum_dy, sum_dy_xc, eps, training, dx,
        total);
  }
  ScaleOffsetGradKernel<<<Blocks(d.c), kThreads, 0, stream>>>(
      d.c, var, sum_dy, sum_dy_xc, eps, dscale, doffset);
}

#define TG_BATCH_NORM_LAUNCHERS(T)                                             \
  template void LaunchMoments<T>(cudaStream_t, const ChannelDims&, const T*,   \
                                 T*, T*);                                      \
  template void LaunchNormalize<T>(cudaStream_t, const ChannelDims&, const T*, \
                                   const T*, const T*, const T*, const T*,     \
                                   double, T*);                                \
  template void LaunchRunningStats<T>(cudaStream_t, int64_t, const T*,         \
                                      const T*, const StatsArgs&, T*, T*, T*,  \
                                      T*);                                     \
  template void LaunchGradSums<T>(cudaStream_t, const ChannelDims&, const T*,  \
                                  const T*, const T*, T*, T*);                 \
  template void LaunchBatchNormGrad<T>(                                        \
      cudaStream_t, const ChannelDims&, const T*, const T*, const T*,          \
      const T*, const T*, const T*, const T*, double, bool, T*, T*, T*)
TG_BATCH_NORM_LAUNCHERS(float);
TG_BATCH_NORM_LAUNCHERS(double);
#undef TG_BATCH_NORM_LAUNCHERS

}  // namespace gpu
}  // namespace tg
