// Data movement on the GPU: the CPU's plans (kernels/common/copy_plan.h)
// run by one strided-copy kernel. Shape args are read on the host.
#include <cstring>

#include "core/kernel_checks.h"
#include "kernels/common/copy_plan.h"
#include "kernels/common/kernel_plans.h"
#include "kernels/gpu/gpu_kernel.h"

namespace tg {
namespace gpu {
namespace {

absl::StatusOr<CopyIndex> ToIndex(const CopyPlan& plan) {
  CopyIndex c;
  c.rank = static_cast<int>(plan.dims.size());
  TG_REQUIRE(c.rank <= kMaxDims, Unimplemented, "a GPU copy over ", c.rank,
             " dims (at most ", kMaxDims, ")");
  for (int d = 0; d < c.rank; ++d) {
    c.dims[d] = plan.dims[d];
    c.src_strides[d] = plan.src_strides[d];
    c.dst_strides[d] = plan.dst_strides[d];
  }
  c.src_base = plan.src_base;
  c.dst_base = plan.dst_base;
  c.n = plan.num_elements();
  return c;
}

// Allocates the plan's output, zeroes it when asked, and runs each copy
// from the input it names.
absl::Status RunLayout(OpKernelContext& ctx, const LayoutPlan& plan) {
  const DataType dtype = ctx.input(plan.sources[0]).dtype();
  TG_ASSIGN_OR_RETURN(Tensor * y, ctx.allocate_output(0, dtype, plan.output));
  if (y->NumElements() == 0) return absl::OkStatus();
  if (plan.zero_fill) {
    TG_CUDA_RETURN_IF_ERROR(
        cudaMemsetAsync(y->raw_data(), 0, y->TotalBytes(), Stream(ctx)));
  }
  for (size_t k = 0; k < plan.copies.size(); ++k) {
    const Tensor& src = ctx.input(plan.sources[k]);
    if (src.NumElements() == 0) continue;
    TG_ASSIGN_OR_RETURN(CopyIndex index, ToIndex(plan.copies[k]));
    LaunchCopy(Stream(ctx), src.raw_data(), y->raw_data(), DataTypeSize(dtype),
               index);
  }
  return absl::OkStatus();
}

#define TG_GPU_LAYOUT(T)                                                   \
  TG_REGISTER_KERNEL(GpuKernel("Slice").TypeConstraint<T>("T"),            \
                     LayoutKernel<PlanSliceOf, RunLayout>);                \
  TG_REGISTER_KERNEL(GpuKernel("Pad").TypeConstraint<T>("T"),              \
                     LayoutKernel<PlanPadOf, RunLayout>);                  \
  TG_REGISTER_KERNEL(GpuKernel("Tile").TypeConstraint<T>("T"),             \
                     LayoutKernel<PlanTileOf, RunLayout>);                 \
  TG_REGISTER_KERNEL(GpuKernel("Transpose").TypeConstraint<T>("T"),        \
                     LayoutKernel<PlanTransposeOf, RunLayout>);            \
  TG_REGISTER_KERNEL(GpuKernel("BroadcastTo").TypeConstraint<T>("T"),      \
                     LayoutKernel<PlanBroadcastToOf, RunLayout>);          \
  TG_REGISTER_KERNEL(GpuKernel("Pack").TypeConstraint<T>("T"),             \
                     PackKernel<RunLayout>);                               \
  TG_REGISTER_KERNEL(GpuKernel("ConcatV2").TypeConstraint<T>("T"),         \
                     LayoutKernel<PlanConcatOf, RunLayout>);               \
  TG_REGISTER_KERNEL(GpuKernel("StridedSlice").TypeConstraint<T>("T"),     \
                     StridedSliceKernel<false, RunLayout>);                \
  TG_REGISTER_KERNEL(GpuKernel("StridedSliceGrad").TypeConstraint<T>("T"), \
                     StridedSliceKernel<true, RunLayout>)
TG_GPU_LAYOUT(float);
TG_GPU_LAYOUT(double);

}  // namespace
}  // namespace gpu
}  // namespace tg
