// Strided copies: Slice, Pad, Tile, Transpose, ConcatV2 and StridedSlice
// (planned on the host, kernels/common/copy_plan.h).
#include "kernels/gpu/gpu_util.cu.h"
#include "kernels/gpu/launch.h"

namespace tg {
namespace gpu {
namespace {

template <typename E>
__global__ void CopyKernel(const E* src, E* dst, CopyIndex c) {
  for (int64_t i = GlobalIndex(); i < c.n; i += GlobalStride()) {
    int64_t rem = i, s = c.src_base, d = c.dst_base;
    for (int k = c.rank - 1; k >= 0; --k) {
      const int64_t idx = rem % c.dims[k];
      rem /= c.dims[k];
      s += idx * c.src_strides[k];
      d += idx * c.dst_strides[k];
    }
    dst[d] = src[s];
  }
}

template <typename E>
void Launch(cudaStream_t stream, const void* src, void* dst,
            const CopyIndex& c) {
  CopyKernel<E><<<Blocks(c.n), kThreads, 0, stream>>>(
      static_cast<const E*>(src), static_cast<E*>(dst), c);
}

}  // namespace

void LaunchCopy(cudaStream_t stream, const void* src, void* dst,
                size_t element_size, const CopyIndex& index) {
  if (index.n == 0) return;
  switch (element_size) {
    case 1:
      return Launch<uint8_t>(stream, src, dst, index);
    case 2:
      return Launch<uint16_t>(stream, src, dst, index);
    case 4:
      return Launch<uint32_t>(stream, src, dst, index);
    default:
      return Launch<uint64_t>(stream, src, dst, index);
  }
}

}  // namespace gpu
}  // namespace tg
