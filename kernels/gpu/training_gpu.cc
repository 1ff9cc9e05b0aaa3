// Optimizer updates (Apply*) on the GPU: the CPU's checks, then one kernel
// over the variable and its slots in place.
#include "kernels/common/apply_checks.h"
#include "kernels/common/kernel_plans.h"
#include "kernels/gpu/gpu_kernel.h"

namespace tg {
namespace gpu {
namespace {

template <typename T>
T* Ref(OpKernelContext& ctx, int i) {
  return ctx.input_ref(i)->tensor.data<T>();
}
template <typename T>
const T* In(OpKernelContext& ctx, int i) {
  return ctx.input(i).data<T>();
}

template <typename T>
class ApplyGradientDescentGpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_RETURN_IF_ERROR(CheckApplyInputs(ctx, 1, 2));
    LaunchApplyGradientDescent<T>(Stream(ctx), Ref<T>(ctx, 0), In<T>(ctx, 1),
                                  In<T>(ctx, 2), ctx.input(2).NumElements());
    ctx.set_output_ref(0, ctx.input_ref(0));
    return absl::OkStatus();
  }
};

template <typename T>
class ApplyMomentumGpu : public NesterovKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    // var, accum, lr, grad, momentum.
    TG_RETURN_IF_ERROR(CheckApplyInputs(ctx, 2, 3));
    LaunchApplyMomentum<T>(Stream(ctx), Ref<T>(ctx, 0), Ref<T>(ctx, 1),
                           In<T>(ctx, 2), In<T>(ctx, 3), In<T>(ctx, 4),
                           nesterov_, ctx.input(3).NumElements());
    ctx.set_output_ref(0, ctx.input_ref(0));
    return absl::OkStatus();
  }
};

template <typename T, bool kCentered>
class ApplyRMSPropGpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    // [mg,] ms, mom after var; then lr, rho, momentum, epsilon, grad.
    constexpr int o = kCentered ? 1 : 0;
    TG_RETURN_IF_ERROR(CheckApplyInputs(ctx, 3 + o, 7 + o));
    LaunchApplyRMSProp<T>(
        Stream(ctx), Ref<T>(ctx, 0), kCentered ? Ref<T>(ctx, 1) : nullptr,
        Ref<T>(ctx, 1 + o), Ref<T>(ctx, 2 + o), In<T>(ctx, 3 + o),
        In<T>(ctx, 4 + o), In<T>(ctx, 5 + o), In<T>(ctx, 6 + o),
        In<T>(ctx, 7 + o), ctx.input(7 + o).NumElements());
    ctx.set_output_ref(0, ctx.input_ref(0));
    return absl::OkStatus();
  }
};

template <typename T>
class ApplyAdamGpu : public NesterovKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    // var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad.
    TG_RETURN_IF_ERROR(CheckApplyInputs(ctx, 3, 9));
    LaunchApplyAdam<T>(Stream(ctx), Ref<T>(ctx, 0), Ref<T>(ctx, 1),
                       Ref<T>(ctx, 2), In<T>(ctx, 3), In<T>(ctx, 4),
                       In<T>(ctx, 5), In<T>(ctx, 6), In<T>(ctx, 7),
                       In<T>(ctx, 8), In<T>(ctx, 9), nesterov_,
                       ctx.input(9).NumElements());
    ctx.set_output_ref(0, ctx.input_ref(0));
    return absl::OkStatus();
  }
};

#define TG_GPU_APPLY(T)                                                        \
  TG_REGISTER_KERNEL(GpuKernel("ApplyGradientDescent").TypeConstraint<T>("T"), \
                     ApplyGradientDescentGpu<T>);                              \
  TG_REGISTER_KERNEL(GpuKernel("ApplyMomentum").TypeConstraint<T>("T"),        \
                     ApplyMomentumGpu<T>);                                     \
  TG_REGISTER_KERNEL(GpuKernel("ApplyRMSProp").TypeConstraint<T>("T"),         \
                     ApplyRMSPropGpu<T, false>);                               \
  TG_REGISTER_KERNEL(GpuKernel("ApplyCenteredRMSProp").TypeConstraint<T>("T"), \
                     ApplyRMSPropGpu<T, true>);                                \
  TG_REGISTER_KERNEL(GpuKernel("ApplyAdam").TypeConstraint<T>("T"),            \
                     ApplyAdamGpu<T>)
TG_GPU_APPLY(float);
TG_GPU_APPLY(double);

}  // namespace
}  // namespace gpu
}  // namespace tg
