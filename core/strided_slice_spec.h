// TensorFlow's StridedSlice semantics, shared by the shape function and the
// kernels: turns (begin, end, strides, masks) over an input shape into one
// range per input dimension and the final output shape.
//
// Masks, bit i for entry i of begin/end/strides: begin_mask / end_mask
// ignore begin[i] / end[i] (take the widest range); ellipsis_mask marks the
// entry standing for all dims not otherwise named; new_axis_mask inserts a
// size-1 axis; shrink_axis_mask takes the single index begin[i] and drops
// the axis. Without an ellipsis, unnamed trailing dims are taken whole.
#ifndef TG_CORE_STRIDED_SLICE_SPEC_H_
#define TG_CORE_STRIDED_SLICE_SPEC_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "core/tensor_shape.h"

namespace tg {

struct StridedSliceMasks {
  int64_t begin = 0, end = 0, ellipsis = 0, new_axis = 0, shrink_axis = 0;
};

struct StridedSlicePlan {
  // Per input dim: first index, step, and number of elements taken.
  std::vector<int64_t> begin, stride, size;
  TensorShape output;  // With new axes, without shrunk ones.
};

absl::StatusOr<StridedSlicePlan> PlanStridedSlice(
    const TensorShape& input, const std::vector<int64_t>& begin,
    const std::vector<int64_t>& end, const std::vector<int64_t>& strides,
    const StridedSliceMasks& masks);

}  // namespace tg

#endif  // TG_CORE_STRIDED_SLICE_SPEC_H_
