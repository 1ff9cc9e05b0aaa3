// Data movement on the GPU: the CPU's plans (kernels/common/copy_plan.h)
// run by one strided-copy kernel. Shape args are read on the host.
#include "kernels/gpu/copy_gpu.h"

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

// Allocates the plan's output and fills it.
absl::Status RunLayout(OpKernelContext& ctx, const LayoutPlan& plan) {
  const DataType dtype = ctx.input(plan.sources[0]).dtype();
  TG_ASSIGN_OR_RETURN(Tensor * y, ctx.allocate_output(0, dtype, plan.output));
  std::vector<const void*> sources;
  for (int k : plan.sources) sources.push_back(ctx.input(k).raw_data());
  return RunLayoutPlan(Stream(ctx), plan, sources, y);
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

absl::Status RunLayoutPlan(cudaStream_t stream, const LayoutPlan& plan,
                           const std::vector<const void*>& sources,
                           Tensor* out) {
  if (out->NumElements() == 0) return absl::OkStatus();
  if (plan.zero_fill) {
    TG_CUDA_RETURN_IF_ERROR(
        cudaMemsetAsync(out->raw_data(), 0, out->TotalBytes(), stream));
  }
  for (size_t k = 0; k < plan.copies.size(); ++k) {
    if (plan.copies[k].num_elements() == 0) continue;
    TG_ASSIGN_OR_RETURN(CopyIndex index, ToIndex(plan.copies[k]));
    LaunchCopy(stream, sources[k], out->raw_data(), DataTypeSize(out->dtype()),
               index);
  }
  return absl::OkStatus();
}

}  // namespace gpu
}  // namespace tg
