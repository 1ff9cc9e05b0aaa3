// GatherV2: rows of params picked by indices in device memory.
#include "kernels/gpu/gpu_util.cu.h"
#include "kernels/gpu/launch.h"

namespace tg {
namespace gpu {
namespace {

template <typename T, typename Index>
__global__ void GatherKernel(const T* params, const Index* indices, T* out,
                             int64_t axis, int64_t num_indices, int64_t inner,
                             int64_t total, ErrorSite error) {
  for (int64_t i = GlobalIndex(); i < total; i += GlobalStride()) {
    const int64_t e = i % inner;
    const int64_t k = (i / inner) % num_indices;
    const int64_t o = i / (inner * num_indices);
    const int64_t index = static_cast<int64_t>(indices[k]);
    if (index < 0 || index >= axis) {
      out[i] = T(0);
      if (e == 0 && o == 0) ReportBadValue(error, k, index, axis);
      continue;
    }
    out[i] = params[(o * axis + index) * inner + e];
  }
}

}  // namespace

template <typename T, typename Index>
void LaunchGather(cudaStream_t stream, const T* params, const Index* indices,
                  T* out, int64_t outer, int64_t axis, int64_t num_indices,
                  int64_t inner, ErrorSite error) {
  const int64_t total = outer * num_indices * inner;
  if (total == 0) return;
  GatherKernel<T, Index><<<Blocks(total), kThreads, 0, stream>>>(
      params, indices, out, axis, num_indices, inner, total, error);
}

#define TG_INSTANTIATE_GATHER(T, Index)                                        \
  template void LaunchGather<T, Index>(cudaStream_t, const T*, const Index*,   \
                                       T*, int64_t, int64_t, int64_t, int64_t, \
                                       ErrorSite);
#define TG_INSTANTIATE_GATHERS(T)   \
  TG_INSTANTIATE_GATHER(T, int32_t) \
  TG_INSTANTIATE_GATHER(T, int64_t)
TG_INSTANTIATE_GATHERS(float)
TG_INSTANTIATE_GATHERS(double)
TG_INSTANTIATE_GATHERS(int32_t)
TG_INSTANTIATE_GATHERS(int64_t)

}  // namespace gpu
}  // namespace tg
