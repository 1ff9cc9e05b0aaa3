// Row-wise softmax, log-softmax and the two softmax cross-entropies: one
// block per row, reducing the row's max and sum of exponentials in shared
// memory.
#include "kernels/gpu/gpu_util.cu.h"
#include "kernels/gpu/launch.h"

namespace tg {
namespace gpu {
namespace {

struct Max {
  template <typename T>
  __device__ T operator()(T a, T b) const {
    return a > b ? a : b;
  }
};
struct Plus {
  template <typename T>
  __device__ T operator()(T a, T b) const {
    return a + b;
  }
};

// log(sum(exp(row))) of one row, computed by the whole block.
template <typename T>
__device__ T RowLogSumExp(const T* row, int64_t cols, T* shared) {
  T m = -INFINITY;
  for (int64_t i = threadIdx.x; i < cols; i += blockDim.x) m = Max()(m, row[i]);
  m = BlockReduce(m, shared, Max());
  T s = 0;
  for (int64_t i = threadIdx.x; i < cols; i += blockDim.x) {
    s += exp(row[i] - m);
  }
  s = BlockReduce(s, shared, Plus());
  return m + log(s);
}

template <typename T>
__global__ void SoftmaxKernel(const T* logits, T* out, int64_t rows,
                              int64_t cols, bool log_softmax) {
  __shared__ T shared[kThreads];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* row = logits + r * cols;
    const T lse = RowLogSumExp(row, cols, shared);
    for (int64_t i = threadIdx.x; i < cols; i += blockDim.x) {
      const T v = row[i] - lse;
      out[r * cols + i] = log_softmax ? v : exp(v);
    }
  }
}

template <typename T, typename L>
__global__ void SparseXentKernel(const T* logits, const L* labels, T* loss,
                                 T* backprop, int64_t rows, int64_t cols,
                                 ErrorSite error) {
  __shared__ T shared[kThreads];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* row = logits + r * cols;
    const T lse = RowLogSumExp(row, cols, shared);
    const L label = labels[r];
    const bool valid = label >= 0 && label < cols;
    for (int64_t i = threadIdx.x; i < cols; i += blockDim.x) {
      const T p = exp(row[i] - lse);
      backprop[r * cols + i] = valid ? p - (i == label ? T(1) : T(0)) : NAN;
    }
    if (threadIdx.x == 0) {
      loss[r] = valid ? lse - row[label] : NAN;
      if (!valid) ReportBadValue(error, r, static_cast<int64_t>(label), cols);
    }
  }
}

template <typename T>
__global__ void XentKernel(const T* logits, const T* labels, T* loss,
                           T* backprop, int64_t rows, int64_t cols) {
  __shared__ T shared[kThreads];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* row = logits + r * cols;
    const T* lab = labels + r * cols;
    const T lse = RowLogSumExp(row, cols, shared);
    T l = 0;
    for (int64_t i = threadIdx.x; i < cols; i += blockDim.x) {
      const T log_p = row[i] - lse;
      l -= lab[i] * log_p;
      backprop[r * cols + i] = exp(log_p) - lab[i];
    }
    l = BlockReduce(l, shared, Plus());
    if (threadIdx.x == 0) loss[r] = l;
  }
}

int RowBlocks(int64_t rows) {
  return static_cast<int>(rows < 65535 ? (rows < 1 ? 1 : rows) : 65535);
}

}  // namespace

template <typename T>
void LaunchSoftmax(cudaStream_t stream, const T* logits, T* out, int64_t rows,
                   int64_t cols, bool log) {
  if (rows == 0 || cols == 0) return;
  SoftmaxKernel<T>
      <<<RowBlocks(rows), kThreads, 0, stream>>>(logits, out, rows, cols, log);
}

template <typename T, typename L>
void LaunchSparseXent(cudaStream_t stream, const T* logits, const L* labels,
                      T* loss, T* backprop, int64_t rows, int64_t cols,
                      ErrorSite error) {
  if (rows == 0) return;
  SparseXentKernel<T, L><<<RowBlocks(rows), kThreads, 0, stream>>>(
      logits, labels, loss, backprop, rows, cols, error);
}

template <typename T>
void LaunchXent(cudaStream_t stream, const T* logits, const T* labels, T* loss,
                T* backprop, int64_t rows, int64_t cols) {
  if (rows == 0) return;
  XentKernel<T><<<RowBlocks(rows), kThreads, 0, stream>>>(logits, labels, loss,
                                                          backprop, rows, cols);
}

#define TG_INSTANTIATE_NN(T)                                                   \
  template void LaunchSoftmax<T>(cudaStream_t, const T*, T*, int64_t, int64_t, \
                                 bool);                                        \
  template void LaunchSparseXent<T, int32_t>(cudaStream_t, const T*,           \
                                             const int32_t*, T*, T*, int64_t,  \
                                             int64_t, ErrorSite);              \
  template void LaunchSparseXent<T, int64_t>(cudaStream_t, const T*,           \
                                             const int64_t*, T*, T*, int64_t,  \
                                             int64_t, ErrorSite);              \
  template void LaunchXent<T>(cudaStream_t, const T*, const T*, T*, T*,        \
                              int64_t, int64_t);
TG_INSTANTIATE_NN(float)
TG_INSTANTIATE_NN(double)

}  // namespace gpu
}  // namespace tg
