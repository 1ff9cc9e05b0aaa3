// Launchers of the pooling and batch-normalization kernels (pool.cu),
// over plain structs that nvcc code can take.
#ifndef TG_KERNELS_GPU_WINDOW_LAUNCH_H_
#define TG_KERNELS_GPU_WINDOW_LAUNCH_H_

#include <cuda_runtime_api.h>

#include <cstdint>

namespace tg {
namespace gpu {

// A pooling's dims; pt and pl are the top and left padding.
struct PoolDims {
  int64_t n, c, h, w, oh, ow, kh, kw, sh, sw, pt, pl;
  bool nchw;
};

// One thread per output cell.
template <typename T>
void LaunchMaxPool(cudaStream_t stream, const PoolDims& d, const T* in, T* out);
template <typename T>
void LaunchAvgPool(cudaStream_t stream, const PoolDims& d, const T* in, T* out);
// Each output cell takes grad (shaped like the input) at its window's
// first maximum.
template <typename T>
void LaunchMaxPoolGradGrad(cudaStream_t stream, const PoolDims& d, const T* in,
                           const T* grad, T* out);
// One thread per input cell, gathering from the windows that hold it (no
// atomics: the sums are deterministic).
template <typename T>
void LaunchMaxPoolGrad(cudaStream_t stream, const PoolDims& d, const T* in,
                       const T* grad, T* out);
template <typename T>
void LaunchAvgPoolGrad(cudaStream_t stream, const PoolDims& d, const T* grad,
                       T* out);

// x seen as [outer, c, inner] (NHWC: [N*H*W, C, 1]; NCHW: [N, C, H*W]).
struct ChannelDims {
  int64_t outer, c, inner;
};

// Per channel, one block each: the mean and the biased variance of x
// (NaN when the channel is empty).
template <typename T>
void LaunchMoments(cudaStream_t stream, const ChannelDims& d, const T* x,
                   T* mean, T* var);
// y = (x - mean) / sqrt(var + eps) * scale + offset.
template <typename T>
void LaunchNormalize(cudaStream_t stream, const ChannelDims& d, const T* x,
                     const T* mean, const T* var, const T* scale,
                     const T* offset, double eps, T* y);
// The running statistics (outputs 1 and 2) from the batch's (training) or
// the given ones (inference), and the batch's for the gradient (3 and 4).
struct StatsArgs {
  const void* mean_in;  // null when training with factor 1
  const void* var_in;
  double factor;
  int64_t count;  // elements per channel
  bool training;
};
template <typename T>
void LaunchRunningStats(cudaStream_t stream, int64_t c, const T* mean,
                        const T* var, const StatsArgs& a, T* out_mean,
                        T* out_var, T* saved_mean, T* saved_var);
// Per channel: sum(dy) and sum(dy * (x - mean)).
template <typename T>
void LaunchGradSums(cudaStream_t stream, const ChannelDims& d, const T* dy,
                    const T* x, const T* mean, T* sum_dy, T* sum_dy_xc);
// dx, and dscale / doffset from the sums, with TensorFlow's formulas.
template <typename T>
void LaunchBatchNormGrad(cudaStream_t stream, const ChannelDims& d, const T* dy,
                         const T* x, const T* scale, const T* mean,
                         const T* var, const T* sum_dy, const T* sum_dy_xc,
                         double eps, bool training, T* dx, T* dscale,
                         T* doffset);

}  // namespace gpu
}  // namespace tg

#endif  // TG_KERNELS_GPU_WINDOW_LAUNCH_H_
