// Running a layout plan (kernels/common/copy_plan.h) on a GPU stream: for
// kernels that rearrange their operands before a library call (filters
// transposed for cuDNN, inputs padded).
#ifndef TG_KERNELS_GPU_COPY_GPU_H_
#define TG_KERNELS_GPU_COPY_GPU_H_

#include <cuda_runtime_api.h>

#include <vector>

#include "absl/status/status.h"
#include "core/tensor.h"
#include "kernels/common/copy_plan.h"

namespace tg {
namespace gpu {

// Fills `out` (already allocated with the plan's output shape) from
// sources[k] by plan.copies[k], zeroing it first when the plan says so.
absl::Status RunLayoutPlan(cudaStream_t stream, const LayoutPlan& plan,
                           const std::vector<const void*>& sources,
                           Tensor* out);

}  // namespace gpu
}  // namespace tg

#endif  // TG_KERNELS_GPU_COPY_GPU_H_
