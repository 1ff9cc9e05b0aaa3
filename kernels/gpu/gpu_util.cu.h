// Launch geometry shared by the .cu files: grid-stride loops over 256-thread
// blocks, and a block-wide reduction through shared memory.
#ifndef TG_KERNELS_GPU_GPU_UTIL_CU_H_
#define TG_KERNELS_GPU_GPU_UTIL_CU_H_

#include <cstdint>

#include "kernels/gpu/launch.h"

namespace tg {
namespace gpu {

inline constexpr int kThreads = 256;

// Enough blocks to cover n, at most 8192 (the loops stride over the rest).
inline int Blocks(int64_t n) {
  const int64_t b = (n + kThreads - 1) / kThreads;
  return static_cast<int>(b < 8192 ? (b < 1 ? 1 : b) : 8192);
}

__device__ inline int64_t GlobalIndex() {
  return static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}
__device__ inline int64_t GlobalStride() {
  return static_cast<int64_t>(gridDim.x) * blockDim.x;
}

// Combines `v` across the block with `op`; every thread gets the result.
// `shared` holds kThreads values. Call with all kThreads threads.
template <typename T, typename Op>
__device__ T BlockReduce(T v, T* shared, Op op) {
  shared[threadIdx.x] = v;
  __syncthreads();
  for (int s = kThreads / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) {
      shared[threadIdx.x] = op(shared[threadIdx.x], shared[threadIdx.x + s]);
    }
    __syncthreads();
  }
  const T r = shared[0];
  __syncthreads();
  return r;
}

// Reports a bad value to the device's report; the first report stands.
__device__ inline void ReportBadValue(ErrorSite e, int64_t position,
                                      int64_t value, int64_t bound) {
  if (atomicCAS(&e.report->flag, 0, 1) != 0) return;
  e.report->site = e.site;
  e.report->position = position;
  e.report->value = value;
  e.report->bound = bound;
  __threadfence_system();
}

}  // namespace gpu
}  // namespace tg

#endif  // TG_KERNELS_GPU_GPU_UTIL_CU_H_
