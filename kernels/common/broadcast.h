// NumPy broadcasting of two shapes, planned once per kernel call and shared
// by the CPU and GPU elementwise kernels.
#ifndef TG_KERNELS_COMMON_BROADCAST_H_
#define TG_KERNELS_COMMON_BROADCAST_H_

#include "absl/status/statusor.h"
#include "core/tensor_shape.h"

namespace tg {

// Shape and strides of a broadcast: for each output dim, the step of x and
// y (0 where that operand is broadcast).
struct BroadcastPlan {
  TensorShape out;
  Dims x_strides, y_strides;
};
// InvalidArgument naming both shapes when they do not broadcast.
absl::StatusOr<BroadcastPlan> PlanBroadcast(const TensorShape& x,
                                            const TensorShape& y);

// Offset of output element `i` (row-major over `out`) in a tensor of shape
// `in` broadcast against it.
int64_t BroadcastOffset(int64_t i, const TensorShape& out,
                        const TensorShape& in);

}  // namespace tg

#endif  // TG_KERNELS_COMMON_BROADCAST_H_
