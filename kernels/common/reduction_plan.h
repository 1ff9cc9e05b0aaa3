// Which dims a reduction folds and the shape it gives, shared by the CPU
// and GPU reduction kernels.
#ifndef TG_KERNELS_COMMON_REDUCTION_PLAN_H_
#define TG_KERNELS_COMMON_REDUCTION_PLAN_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "core/tensor_shape.h"

namespace tg {

// Validates `axes` (negative ones count from the end) against `shape`;
// sets `reduced` (one flag per dim) and the output shape (reduced dims
// dropped, or kept as 1). InvalidArgument naming an axis out of range.
absl::Status PlanReduction(const TensorShape& shape,
                           const std::vector<int64_t>& axes, bool keep_dims,
                           std::vector<bool>* reduced, TensorShape* out);

}  // namespace tg

#endif  // TG_KERNELS_COMMON_REDUCTION_PLAN_H_
