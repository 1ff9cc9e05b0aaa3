// Small helpers for kernels that move elements around by index.
#ifndef TG_KERNELS_CPU_LAYOUT_H_
#define TG_KERNELS_CPU_LAYOUT_H_

#include <cstring>

#include "absl/status/status.h"
#include "core/op_kernel.h"
#include "core/tensor.h"
#include "kernels/common/copy_plan.h"

namespace tg {

// Kernels that copy raw bytes cannot handle std::string elements.
inline absl::Status RejectStrings(const Tensor& t) {
  if (t.dtype() == DT_STRING) {
    return absl::UnimplementedError("string tensors are not supported here");
  }
  return absl::OkStatus();
}

// Runs a data-movement plan (kernels/common/kernel_plans.h) on the CPU:
// allocates the output, zeroes it when asked, and runs each copy from the
// input it names.
inline absl::Status RunLayout(OpKernelContext& ctx, const LayoutPlan& plan) {
  const Tensor& first = ctx.input(plan.sources[0]);
  for (int k : plan.sources) TG_RETURN_IF_ERROR(RejectStrings(ctx.input(k)));
  TG_ASSIGN_OR_RETURN(Tensor * y,
                      ctx.allocate_output(0, first.dtype(), plan.output));
  if (y->NumElements() == 0) return absl::OkStatus();
  if (plan.zero_fill) std::memset(y->raw_data(), 0, y->TotalBytes());
  for (size_t k = 0; k < plan.copies.size(); ++k) {
    const Tensor& src = ctx.input(plan.sources[k]);
    if (src.NumElements() == 0) continue;  // An empty input has no buffer.
    RunCopyPlan(plan.copies[k], src.raw_data(), y->raw_data(),
                DataTypeSize(first.dtype()));
  }
  return absl::OkStatus();
}

// Product of the dims before `axis`, and of the dims after it.
inline int64_t ElementsBefore(const TensorShape& shape, int axis) {
  int64_t n = 1;
  for (int d = 0; d < axis; ++d) n *= shape.dim_size(d);
  return n;
}
inline int64_t ElementsAfter(const TensorShape& shape, int axis) {
  int64_t n = 1;
  for (int d = axis + 1; d < shape.rank(); ++d) n *= shape.dim_size(d);
  return n;
}

}  // namespace tg

#endif  // TG_KERNELS_CPU_LAYOUT_H_
