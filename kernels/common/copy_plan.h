// Data movement as plans shared by the CPU and GPU kernels: Slice, Pad,
// Tile, Transpose, ConcatV2, StridedSlice and its gradient each validate
// their inputs and describe their work as strided copies, which the CPU
// runs with RunCopyPlan and the GPU with one kernel (kernels/gpu).
#ifndef TG_KERNELS_COMMON_COPY_PLAN_H_
#define TG_KERNELS_COMMON_COPY_PLAN_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "core/op_kernel.h"
#include "core/strided_slice_spec.h"
#include "core/tensor_shape.h"

namespace tg {

// For every index i of the space `dims` (row-major):
//   dst[dst_base + sum_d i_d dst_strides[d]] =
//       src[src_base + sum_d i_d src_strides[d]]
// in elements.
struct CopyPlan {
  Dims dims, src_strides, dst_strides;
  int64_t src_base = 0, dst_base = 0;
  int64_t num_elements() const;
};

// An op's output shape and the copies that fill it (from input k for
// copies[k] of ConcatV2; from the one data input otherwise). With
// zero_fill, the output is zeroed before the copies (Pad,
// StridedSliceGrad).
struct LayoutPlan {
  TensorShape output;
  std::vector<CopyPlan> copies;
  bool zero_fill = false;
  // The node input each copy reads (set by the kernel planners in
  // kernels/common/kernel_plans.h).
  std::vector<int> sources;
};

// Row-major strides (in elements) of `shape`.
Dims RowMajorStrides(const TensorShape& shape);

// Errors are InvalidArgument naming the bad entry and the shapes, as
// TensorFlow's kernels give them.
absl::StatusOr<LayoutPlan> PlanSlice(const TensorShape& in,
                                     const std::vector<int64_t>& begin,
                                     const std::vector<int64_t>& size);
// `paddings`: the [rank, 2] tensor's values, row-major.
absl::StatusOr<LayoutPlan> PlanPad(const TensorShape& in,
                                   const TensorShape& paddings_shape,
                                   const std::vector<int64_t>& paddings);
absl::StatusOr<LayoutPlan> PlanTile(const TensorShape& in,
                                    const std::vector<int64_t>& multiples);
absl::StatusOr<LayoutPlan> PlanTranspose(const TensorShape& in,
                                         const std::vector<int64_t>& perm);
absl::StatusOr<LayoutPlan> PlanConcat(const std::vector<TensorShape>& inputs,
                                      int axis);
// The five masks of a StridedSlice node.
absl::StatusOr<StridedSliceMasks> StridedSliceMasksFromAttrs(
    const OpKernelConstruction& c);

// StridedSlice of `in` by `slice` (PlanStridedSlice), or with `grad` its
// gradient: dy (the slice's elements) scattered into zeros of shape `in`.
LayoutPlan PlanStridedSliceCopy(const StridedSlicePlan& slice,
                                const TensorShape& in, bool grad);

// Runs one plan on host buffers of `element_size`-byte elements.
void RunCopyPlan(const CopyPlan& plan, const void* src, void* dst,
                 size_t element_size);

}  // namespace tg

#endif  // TG_KERNELS_COMMON_COPY_PLAN_H_
