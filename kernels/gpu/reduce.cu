// Reductions: per output element over any set of axes, whole tensors with
// CUB, and ArgMax.
#include <cub/device/device_reduce.cuh>

#include "kernels/gpu/gpu_util.cu.h"
#include "kernels/gpu/launch.h"

namespace tg {
namespace gpu {
namespace {

// Sums and products accumulate in double, as the CPU's do.
template <typename T>
struct Acc {
  using type = double;
};

template <typename A>
__device__ A Identity(Reducer r) {
  switch (r) {
    case Reducer::kProd:
      return A(1);
    case Reducer::kMax:
      return -INFINITY;
    case Reducer::kMin:
      return INFINITY;
    default:
      return A(0);
  }
}

template <typename A>
__device__ A Combine(Reducer r, A a, A v) {
  switch (r) {
    case Reducer::kProd:
      return a * v;
    // NaN wins, as on the CPU.
    case Reducer::kMax:
      return (v > a || v != v) ? v : a;
    case Reducer::kMin:
      return (v < a || v != v) ? v : a;
    default:
      return a + v;
  }
}

template <typename T>
__global__ void ReduceKernel(Reducer r, const T* in, T* out, ReduceIndex ix) {
  using A = typename Acc<T>::type;
  for (int64_t o = GlobalIndex(); o < ix.num_out; o += GlobalStride()) {
    int64_t rem = o, base = 0;
    for (int d = ix.kept_rank - 1; d >= 0; --d) {
      base += (rem % ix.kept_dims[d]) * ix.kept_strides[d];
      rem /= ix.kept_dims[d];
    }
    A acc = Identity<A>(r);
    for (int64_t k = 0; k < ix.num_reduce; ++k) {
      int64_t kr = k, off = 0;
      for (int d = ix.red_rank - 1; d >= 0; --d) {
        off += (kr % ix.red_dims[d]) * ix.red_strides[d];
        kr /= ix.red_dims[d];
      }
      acc = Combine<A>(r, acc, static_cast<A>(in[base + off]));
    }
    if (r == Reducer::kMean) acc /= static_cast<A>(ix.num_reduce);
    out[o] = static_cast<T>(acc);
  }
}

template <typename T>
__global__ void DivideKernel(T* out, int64_t n) {
  out[0] = static_cast<T>(static_cast<double>(out[0]) / n);
}

struct MaxOp {
  template <typename T>
  __device__ T operator()(T a, T b) const {
    return (b > a || b != b) ? b : a;
  }
};
struct MinOp {
  template <typename T>
  __device__ T operator()(T a, T b) const {
    return (b < a || b != b) ? b : a;
  }
};
struct ProdOp {
  template <typename T>
  __device__ T operator()(T a, T b) const {
    return a * b;
  }
};

// One CUB call; with scratch null it only sizes the scratch.
template <typename T>
cudaError_t CubReduce(Reducer r, const T* in, T* out, int64_t n, void* scratch,
                      size_t* bytes, cudaStream_t stream) {
  switch (r) {
    case Reducer::kProd:
      return cub::DeviceReduce::Reduce(scratch, *bytes, in, out, n, ProdOp(),
                                       T(1), stream);
    case Reducer::kMax:
      return cub::DeviceReduce::Reduce(scratch, *bytes, in, out, n, MaxOp(),
                                       T(-INFINITY), stream);
    case Reducer::kMin:
      return cub::DeviceReduce::Reduce(scratch, *bytes, in, out, n, MinOp(),
                                       T(INFINITY), stream);
    default:
      return cub::DeviceReduce::Sum(scratch, *bytes, in, out, n, stream);
  }
}

struct PlusOp {
  __device__ double operator()(double a, double b) const { return a + b; }
};

template <typename T>
__global__ void L2LossKernel(const T* in, T* out, int64_t n) {
  __shared__ double shared[kThreads];
  double acc = 0;
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) {
    const double v = in[i];
    acc += v * v;
  }
  acc = BlockReduce(acc, shared, PlusOp());
  if (threadIdx.x == 0) out[0] = static_cast<T>(acc / 2);
}

template <typename T, typename Tout>
__global__ void ArgMaxKernel(const T* in, Tout* out, int64_t outer,
                             int64_t axis, int64_t inner) {
  const int64_t total = outer * inner;
  for (int64_t o = GlobalIndex(); o < total; o += GlobalStride()) {
    const T* base = in + (o / inner) * axis * inner + o % inner;
    int64_t best = 0;
    for (int64_t k = 1; k < axis; ++k) {
      if (base[k * inner] > base[best * inner]) best = k;
    }
    out[o] = static_cast<Tout>(best);
  }
}

}  // namespace

template <typename T>
void LaunchReduce(cudaStream_t stream, Reducer r, const T* in, T* out,
                  const ReduceIndex& index) {
  if (index.num_out == 0) return;
  ReduceKernel<T>
      <<<Blocks(index.num_out), kThreads, 0, stream>>>(r, in, out, index);
}

template <typename T>
size_t ReduceAllScratchBytes(Reducer r, int64_t n) {
  size_t bytes = 0;
  CubReduce<T>(r, nullptr, nullptr, n, nullptr, &bytes, nullptr);
  return bytes;
}

template <typename T>
void LaunchReduceAll(cudaStream_t stream, Reducer r, const T* in, T* out,
                     int64_t n, void* scratch, size_t scratch_bytes) {
  CubReduce<T>(r, in, out, n, scratch, &scratch_bytes, stream);
  if (r == Reducer::kMean) DivideKernel<T><<<1, 1, 0, stream>>>(out, n);
}

template <typename T>
void LaunchL2Loss(cudaStream_t stream, const T* in, T* out, int64_t n) {
  L2LossKernel<T><<<1, kThreads, 0, stream>>>(in, out, n);
}

template <typename T, typename Tout>
void LaunchArgMax(cudaStream_t stream, const T* in, Tout* out, int64_t outer,
                  int64_t axis, int64_t inner) {
  if (outer * inner == 0) return;
  ArgMaxKernel<T, Tout><<<Blocks(outer * inner), kThreads, 0, stream>>>(
      in, out, outer, axis, inner);
}

#define TG_INSTANTIATE_REDUCE(T)                                           \
  template void LaunchReduce<T>(cudaStream_t, Reducer, const T*, T*,       \
                                const ReduceIndex&);                       \
  template size_t ReduceAllScratchBytes<T>(Reducer, int64_t);              \
  template void LaunchReduceAll<T>(cudaStream_t, Reducer, const T*, T*,    \
                                   int64_t, void*, size_t);                \
  template void LaunchL2Loss<T>(cudaStream_t, const T*, T*, int64_t);      \
  template void LaunchArgMax<T, int32_t>(cudaStream_t, const T*, int32_t*, \
                                         int64_t, int64_t, int64_t);       \
  template void LaunchArgMax<T, int64_t>(cudaStream_t, const T*, int64_t*, \
                                         int64_t, int64_t, int64_t);
TG_INSTANTIATE_REDUCE(float)
TG_INSTANTIATE_REDUCE(double)

}  // namespace gpu
}  // namespace tg
