// GatherV2: rows of params picked by host-checked indices.
#include "kernels/gpu/gpu_util.cu.h"
#include "kernels/gpu/launch.h"

namespace tg {
namespace gpu {
namespace {

template <typename T>
__global__ void GatherKernel(const T* params, const int64_t* indices, T* out,
                             int64_t axis, int64_t num_indices, int64_t inner,
                             int64_t total) {
  for (int64_t i = GlobalIndex(); i < total; i += GlobalStride()) {
    const int64_t e = i % inner;
    const int64_t k = (i / inner) % num_indices;
    const int64_t o = i / (inner * num_indices);
    out[i] = params[(o * axis + indices[k]) * inner + e];
  }
}

}  // namespace

template <typename T>
void LaunchGather(cudaStream_t stream, const T* params, const int64_t* indices,
                  T* out, int64_t outer, int64_t axis, int64_t num_indices,
                  int64_t inner) {
  const int64_t total = outer * num_indices * inner;
  if (total == 0) return;
  GatherKernel<T><<<Blocks(total), kThreads, 0, stream>>>(
      params, indices, out, axis, num_indices, inner, total);
}

template void LaunchGather<float>(cudaStream_t, const float*, const int64_t*,
                                  float*, int64_t, int64_t, int64_t, int64_t);
template void LaunchGather<double>(cudaStream_t, const double*, const int64_t*,
                                   double*, int64_t, int64_t, int64_t, int64_t);
template void LaunchGather<int32_t>(cudaStream_t, const int32_t*,
                                    const int64_t*, int32_t*, int64_t, int64_t,
                                    int64_t, int64_t);
template void LaunchGather<int64_t>(cudaStream_t, const int64_t*,
                                    const int64_t*, int64_t*, int64_t, int64_t,
                                    int64_t, int64_t);

}  // namespace gpu
}  // namespace tg
