// Sum, Mean, Prod, Max, Min, BiasAddGrad, L2Loss and ArgMax on the GPU. Axes
// are read on the host (host-memory args); whole-tensor reductions use CUB.
#include <algorithm>

#include "core/kernel_checks.h"
#include "kernels/common/kernel_plans.h"
#include "kernels/gpu/gpu_kernel.h"

namespace tg {
namespace gpu {
namespace {

// The launch index of reducing `reduced` dims of `shape`.
absl::StatusOr<ReduceIndex> IndexOf(const TensorShape& shape,
                                    const std::vector<bool>& reduced) {
  ReduceIndex ix;
  ix.num_out = 1;
  ix.num_reduce = 1;
  int64_t stride = 1;
  for (int d = shape.rank() - 1; d >= 0; --d) {
    const int64_t n = shape.dim_size(d);
    const bool r = reduced[d];
    int& rank = r ? ix.red_rank : ix.kept_rank;
    TG_REQUIRE(rank < kMaxDims, Unimplemented, "GPU reduction of rank ",
               shape.rank(), " (at most ", kMaxDims, " kept or reduced dims)");
    // Filled innermost first, then reversed below.
    (r ? ix.red_dims : ix.kept_dims)[rank] = n;
    (r ? ix.red_strides : ix.kept_strides)[rank] = stride;
    ++rank;
    (r ? ix.num_reduce : ix.num_out) *= n;
    stride *= n;
  }
  std::reverse(ix.kept_dims, ix.kept_dims + ix.kept_rank);
  std::reverse(ix.kept_strides, ix.kept_strides + ix.kept_rank);
  std::reverse(ix.red_dims, ix.red_dims + ix.red_rank);
  std::reverse(ix.red_strides, ix.red_strides + ix.red_rank);
  return ix;
}

template <typename T>
absl::Status ReduceInto(OpKernelContext& ctx, Reducer r, const Tensor& x,
                        const std::vector<bool>& reduced, Tensor* y) {
  TG_ASSIGN_OR_RETURN(ReduceIndex ix, IndexOf(x.shape(), reduced));
  if (ix.num_out == 1 && ix.num_reduce > 1) {
    // At least one byte: CUB reads a null scratch pointer as a size query.
    const size_t bytes =
        std::max<size_t>(ReduceAllScratchBytes<T>(r, ix.num_reduce), 1);
    TG_ASSIGN_OR_RETURN(
        Tensor scratch,
        ctx.allocate_temp(DT_UINT8,
                          TensorShape({static_cast<int64_t>(bytes)})));
    LaunchReduceAll<T>(Stream(ctx), r, x.data<T>(), y->data<T>(), ix.num_reduce,
                       scratch.raw_data(), bytes);
    return absl::OkStatus();
  }
  LaunchReduce<T>(Stream(ctx), r, x.data<T>(), y->data<T>(), ix);
  return absl::OkStatus();
}

template <typename T, Reducer kReducer>
class ReductionGpu : public ReductionKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_ASSIGN_OR_RETURN(ReductionPlanResult plan,
                        PlanReductionOf(ctx, keep_dims_));
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, x.dtype(), plan.output));
    return ReduceInto<T>(ctx, kReducer, x, plan.reduced, y);
  }
};

template <typename T>
class BiasAddGradGpu : public DataFormatKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& dy = ctx.input(0);
    TG_ASSIGN_OR_RETURN(ReductionPlanResult plan,
                        PlanBiasAddGrad(dy.shape(), nchw_));
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, dy.dtype(), plan.output));
    return ReduceInto<T>(ctx, Reducer::kSum, dy, plan.reduced, y);
  }
};

template <typename T, typename Tout>
class ArgMaxGpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_ASSIGN_OR_RETURN(AxisPlan p, PlanArgMax(ctx));
    TG_ASSIGN_OR_RETURN(
        Tensor * y,
        ctx.allocate_output(0, DataTypeToEnum<Tout>::value, p.output));
    LaunchArgMax<T, Tout>(Stream(ctx), x.data<T>(), y->data<Tout>(), p.outer,
                          p.n, p.inner);
    return absl::OkStatus();
  }
};
template <typename T>
class L2LossGpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, x.dtype(), TensorShape()));
    LaunchL2Loss<T>(Stream(ctx), x.data<T>(), y->data<T>(), x.NumElements());
    return absl::OkStatus();
  }
};

#define TG_GPU_REDUCTION(OP, T, R) \
  TG_REGISTER_KERNEL(GpuKernel(OP).TypeConstraint<T>("T"), ReductionGpu<T, R>)
#define TG_GPU_REDUCTIONS(T)                                              \
  TG_GPU_REDUCTION("Sum", T, Reducer::kSum);                              \
  TG_GPU_REDUCTION("Mean", T, Reducer::kMean);                            \
  TG_GPU_REDUCTION("Prod", T, Reducer::kProd);                            \
  TG_GPU_REDUCTION("Max", T, Reducer::kMax);                              \
  TG_GPU_REDUCTION("Min", T, Reducer::kMin);                              \
  TG_REGISTER_KERNEL(GpuKernel("BiasAddGrad").TypeConstraint<T>("T"),     \
                     BiasAddGradGpu<T>);                                  \
  TG_REGISTER_KERNEL(                                                     \
      GpuKernel("ArgMax").TypeConstraint<T>("T").TypeConstraint<int32_t>( \
          "output_type"),                                                 \
      ArgMaxGpu<T, int32_t>);                                             \
  TG_REGISTER_KERNEL(                                                     \
      GpuKernel("ArgMax").TypeConstraint<T>("T").TypeConstraint<int64_t>( \
          "output_type"),                                                 \
      ArgMaxGpu<T, int64_t>)
TG_REGISTER_KERNEL(GpuKernel("L2Loss").TypeConstraint<float>("T"),
                   L2LossGpu<float>);
TG_REGISTER_KERNEL(GpuKernel("L2Loss").TypeConstraint<double>("T"),
                   L2LossGpu<double>);
TG_GPU_REDUCTIONS(float);
TG_GPU_REDUCTIONS(double);

}  // namespace
}  // namespace gpu
}  // namespace tg
