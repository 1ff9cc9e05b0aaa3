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

// Allocates the plan's output and fills it: copies[k] from sources[k], or
// from sources[0] when there is one source.
absl::Status RunLayout(OpKernelContext& ctx, const LayoutPlan& plan,
                       const std::vector<const Tensor*>& sources) {
  const DataType dtype = sources[0]->dtype();
  TG_ASSIGN_OR_RETURN(Tensor * y, ctx.allocate_output(0, dtype, plan.output));
  if (y->NumElements() == 0) return absl::OkStatus();
  if (plan.zero_fill) {
    TG_CUDA_RETURN_IF_ERROR(
        cudaMemsetAsync(y->raw_data(), 0, y->TotalBytes(), Stream(ctx)));
  }
  for (size_t k = 0; k < plan.copies.size(); ++k) {
    const Tensor* src = sources[sources.size() == 1 ? 0 : k];
    if (src->NumElements() == 0) continue;
    TG_ASSIGN_OR_RETURN(CopyIndex index, ToIndex(plan.copies[k]));
    LaunchCopy(Stream(ctx), src->raw_data(), y->raw_data(), DataTypeSize(dtype),
               index);
  }
  return absl::OkStatus();
}

class SliceGpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_ASSIGN_OR_RETURN(std::vector<int64_t> begin,
                        VectorToInt64s(ctx.input(1), "begin"));
    TG_ASSIGN_OR_RETURN(std::vector<int64_t> size,
                        VectorToInt64s(ctx.input(2), "size"));
    TG_ASSIGN_OR_RETURN(LayoutPlan plan, PlanSlice(x.shape(), begin, size));
    return RunLayout(ctx, plan, {&x});
  }
};

class PadGpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_ASSIGN_OR_RETURN(std::vector<int64_t> p, TensorToInt64s(ctx.input(1)));
    TG_ASSIGN_OR_RETURN(LayoutPlan plan,
                        PlanPad(x.shape(), ctx.input(1).shape(), p));
    return RunLayout(ctx, plan, {&x});
  }
};

class TileGpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_ASSIGN_OR_RETURN(std::vector<int64_t> mult,
                        VectorToInt64s(ctx.input(1), "multiples"));
    TG_ASSIGN_OR_RETURN(LayoutPlan plan, PlanTile(x.shape(), mult));
    return RunLayout(ctx, plan, {&x});
  }
};

class TransposeGpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_ASSIGN_OR_RETURN(std::vector<int64_t> perm,
                        VectorToInt64s(ctx.input(1), "perm"));
    TG_ASSIGN_OR_RETURN(LayoutPlan plan, PlanTranspose(x.shape(), perm));
    return RunLayout(ctx, plan, {&x});
  }
};

class ConcatGpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const int n = ctx.num_inputs() - 1;
    TG_ASSIGN_OR_RETURN(int64_t a, ScalarToInt64(ctx.input(n), "axis"));
    TG_ASSIGN_OR_RETURN(int axis,
                        NormalizeAxis(a, ctx.input(0).shape().rank()));
    std::vector<TensorShape> shapes;
    std::vector<const Tensor*> sources;
    for (int i = 0; i < n; ++i) {
      shapes.push_back(ctx.input(i).shape());
      sources.push_back(&ctx.input(i));
    }
    TG_ASSIGN_OR_RETURN(LayoutPlan plan, PlanConcat(shapes, axis));
    return RunLayout(ctx, plan, sources);
  }
};

template <bool kGrad>
class StridedSliceGpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(masks_, StridedSliceMasksFromAttrs(c));
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(LayoutPlan plan,
                        PlanStridedSliceOf(ctx, masks_, kGrad));
    return RunLayout(ctx, plan, {&ctx.input(kGrad ? 4 : 0)});
  }

 private:
  StridedSliceMasks masks_;
};

#define TG_GPU_LAYOUT(T)                                                       \
  TG_REGISTER_KERNEL(GpuKernel("Slice").TypeConstraint<T>("T"), SliceGpu);     \
  TG_REGISTER_KERNEL(GpuKernel("Pad").TypeConstraint<T>("T"), PadGpu);         \
  TG_REGISTER_KERNEL(GpuKernel("Tile").TypeConstraint<T>("T"), TileGpu);       \
  TG_REGISTER_KERNEL(GpuKernel("Transpose").TypeConstraint<T>("T"),            \
                     TransposeGpu);                                            \
  TG_REGISTER_KERNEL(GpuKernel("ConcatV2").TypeConstraint<T>("T"), ConcatGpu); \
  TG_REGISTER_KERNEL(GpuKernel("StridedSlice").TypeConstraint<T>("T"),         \
                     StridedSliceGpu<false>);                                  \
  TG_REGISTER_KERNEL(GpuKernel("StridedSliceGrad").TypeConstraint<T>("T"),     \
                     StridedSliceGpu<true>)
TG_GPU_LAYOUT(float);
TG_GPU_LAYOUT(double);

}  // namespace
}  // namespace gpu
}  // namespace tg
