// Elementwise kernels: unary maps, binary maps with NumPy broadcasting, casts.
#include "kernels/common/elementwise_functors.h"
#include "kernels/gpu/cwise_ops.h"
#include "kernels/gpu/gpu_util.cu.h"
#include "kernels/gpu/launch.h"

namespace tg {
namespace gpu {
namespace {

template <typename F, typename T>
__global__ void UnaryKernel(const T* x, T* y, int64_t n) {
  F f;
  for (int64_t i = GlobalIndex(); i < n; i += GlobalStride()) y[i] = f(x[i]);
}

template <typename F, typename T, typename Tout>
__global__ void BinarySameShape(const T* x, const T* y, Tout* out, int64_t n) {
  F f;
  for (int64_t i = GlobalIndex(); i < n; i += GlobalStride()) {
    out[i] = f(x[i], y[i]);
  }
}

template <typename F, typename T, typename Tout>
__global__ void BinaryBroadcast(const T* x, const T* y, Tout* out, int64_t n,
                                BroadcastIndex b) {
  F f;
  for (int64_t i = GlobalIndex(); i < n; i += GlobalStride()) {
    int64_t rem = i, xo = 0, yo = 0;
    for (int d = b.rank - 1; d >= 0; --d) {
      const int64_t idx = rem % b.out_dims[d];
      rem /= b.out_dims[d];
      xo += idx * b.x_strides[d];
      yo += idx * b.y_strides[d];
    }
    out[i] = f(x[xo], y[yo]);
  }
}

template <typename Src, typename Dst>
__global__ void CastKernel(const Src* x, Dst* y, int64_t n) {
  for (int64_t i = GlobalIndex(); i < n; i += GlobalStride()) {
    y[i] = static_cast<Dst>(x[i]);
  }
}

template <typename T>
__global__ void LeakyReluKernel(const T* x, T* y, int64_t n, float alpha) {
  const functor::LeakyRelu f{alpha};
  for (int64_t i = GlobalIndex(); i < n; i += GlobalStride()) y[i] = f(x[i]);
}

template <typename T>
__global__ void LeakyReluGradKernel(const T* dy, const T* x, T* out, int64_t n,
                                    float alpha) {
  const functor::LeakyReluGrad f{alpha};
  for (int64_t i = GlobalIndex(); i < n; i += GlobalStride()) {
    out[i] = f(dy[i], x[i]);
  }
}

template <typename T>
__global__ void FillKernel(T* out, const T* value, T constant, int64_t n) {
  const T v = value != nullptr ? *value : constant;
  for (int64_t i = GlobalIndex(); i < n; i += GlobalStride()) out[i] = v;
}

}  // namespace

template <typename T>
void LaunchLeakyRelu(cudaStream_t stream, const T* x, T* y, int64_t n,
                     float alpha) {
  if (n == 0) return;
  LeakyReluKernel<T><<<Blocks(n), kThreads, 0, stream>>>(x, y, n, alpha);
}
template <typename T>
void LaunchLeakyReluGrad(cudaStream_t stream, const T* dy, const T* x, T* out,
                         int64_t n, float alpha) {
  if (n == 0) return;
  LeakyReluGradKernel<T>
      <<<Blocks(n), kThreads, 0, stream>>>(dy, x, out, n, alpha);
}
template void LaunchLeakyRelu<float>(cudaStream_t, const float*, float*,
                                     int64_t, float);
template void LaunchLeakyRelu<double>(cudaStream_t, const double*, double*,
                                      int64_t, float);
template void LaunchLeakyReluGrad<float>(cudaStream_t, const float*,
                                         const float*, float*, int64_t, float);
template void LaunchLeakyReluGrad<double>(cudaStream_t, const double*,
                                          const double*, double*, int64_t,
                                          float);

template <typename T>
void LaunchFill(cudaStream_t stream, T* out, const T* value, T constant,
                int64_t n) {
  if (n == 0) return;
  FillKernel<T><<<Blocks(n), kThreads, 0, stream>>>(out, value, constant, n);
}
template void LaunchFill<float>(cudaStream_t, float*, const float*, float,
                                int64_t);
template void LaunchFill<double>(cudaStream_t, double*, const double*, double,
                                 int64_t);

template <typename F, typename T>
void LaunchUnary(cudaStream_t stream, const T* x, T* y, int64_t n) {
  if (n == 0) return;
  UnaryKernel<F, T><<<Blocks(n), kThreads, 0, stream>>>(x, y, n);
}

template <typename F, typename T, typename Tout>
void LaunchBinary(cudaStream_t stream, const T* x, const T* y, Tout* out,
                  int64_t n, const BroadcastIndex* bcast) {
  if (n == 0) return;
  if (bcast == nullptr) {
    BinarySameShape<F, T, Tout>
        <<<Blocks(n), kThreads, 0, stream>>>(x, y, out, n);
  } else {
    BinaryBroadcast<F, T, Tout>
        <<<Blocks(n), kThreads, 0, stream>>>(x, y, out, n, *bcast);
  }
}

template <typename Src, typename Dst>
void LaunchCast(cudaStream_t stream, const Src* x, Dst* y, int64_t n) {
  if (n == 0) return;
  CastKernel<Src, Dst><<<Blocks(n), kThreads, 0, stream>>>(x, y, n);
}

#define TG_INSTANTIATE_UNARY(NAME, F)                                        \
  template void LaunchUnary<functor::F, float>(cudaStream_t, const float*,   \
                                               float*, int64_t);             \
  template void LaunchUnary<functor::F, double>(cudaStream_t, const double*, \
                                                double*, int64_t);
TG_GPU_UNARY_OPS(TG_INSTANTIATE_UNARY)

#define TG_INSTANTIATE_BINARY(NAME, F)                              \
  template void LaunchBinary<functor::F, float, float>(             \
      cudaStream_t, const float*, const float*, float*, int64_t,    \
      const BroadcastIndex*);                                       \
  template void LaunchBinary<functor::F, double, double>(           \
      cudaStream_t, const double*, const double*, double*, int64_t, \
      const BroadcastIndex*);
TG_GPU_BINARY_OPS(TG_INSTANTIATE_BINARY)

#define TG_INSTANTIATE_COMPARE(NAME, F)                           \
  template void LaunchBinary<functor::F, float, bool>(            \
      cudaStream_t, const float*, const float*, bool*, int64_t,   \
      const BroadcastIndex*);                                     \
  template void LaunchBinary<functor::F, double, bool>(           \
      cudaStream_t, const double*, const double*, bool*, int64_t, \
      const BroadcastIndex*);
TG_GPU_COMPARE_OPS(TG_INSTANTIATE_COMPARE)
#define TG_INSTANTIATE_INT_COMPARE(NAME, F)                         \
  template void LaunchBinary<functor::F, int32_t, bool>(            \
      cudaStream_t, const int32_t*, const int32_t*, bool*, int64_t, \
      const BroadcastIndex*);                                       \
  template void LaunchBinary<functor::F, int64_t, bool>(            \
      cudaStream_t, const int64_t*, const int64_t*, bool*, int64_t, \
      const BroadcastIndex*);
TG_GPU_COMPARE_OPS(TG_INSTANTIATE_INT_COMPARE)

#define TG_INSTANTIATE_CAST(S, D) \
  template void LaunchCast<S, D>(cudaStream_t, const S*, D*, int64_t);
#define TG_INSTANTIATE_CASTS_FROM(S) \
  TG_INSTANTIATE_CAST(S, float)      \
  TG_INSTANTIATE_CAST(S, double)     \
  TG_INSTANTIATE_CAST(S, int32_t)    \
  TG_INSTANTIATE_CAST(S, int64_t)    \
  TG_INSTANTIATE_CAST(S, bool)
TG_INSTANTIATE_CASTS_FROM(float)
TG_INSTANTIATE_CASTS_FROM(double)
TG_INSTANTIATE_CASTS_FROM(int32_t)
TG_INSTANTIATE_CASTS_FROM(int64_t)
TG_INSTANTIATE_CASTS_FROM(bool)

}  // namespace gpu
}  // namespace tg
