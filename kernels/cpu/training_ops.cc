// Optimizer update kernels (TensorFlow's Apply* ops) on the CPU. Each
// updates the variable and its slots in place, element by element.
#include <cmath>

#include "absl/strings/str_cat.h"
#include "core/op_kernel.h"
#include "kernels/common/apply_checks.h"
#include "kernels/common/kernel_plans.h"

namespace tg {
namespace {

template <typename T>
T Scalar(const OpKernelContext& ctx, int i) {
  return ctx.input(i).data<T>()[0];
}
template <typename T>
T* Ref(const OpKernelContext& ctx, int i) {
  return ctx.input_ref(i)->tensor.data<T>();
}

template <typename T>
class ApplyGradientDescentCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_RETURN_IF_ERROR(CheckApplyInputs(ctx, 1, 2));
    const T a = Scalar<T>(ctx, 1);
    const T* d = ctx.input(2).data<T>();
    T* w = Ref<T>(ctx, 0);
    ctx.thread_pool()->ParallelFor(ctx.input(2).NumElements(), 2,
                                   [=](int64_t b, int64_t e) {
                                     for (int64_t i = b; i < e; ++i) {
                                       w[i] -= a * d[i];
                                     }
                                   });
    ctx.set_output_ref(0, ctx.input_ref(0));
    return absl::OkStatus();
  }
};

template <typename T>
class ApplyMomentumCpu : public NesterovKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_RETURN_IF_ERROR(CheckApplyInputs(ctx, 2, 3));
    T* var = Ref<T>(ctx, 0);
    T* accum = Ref<T>(ctx, 1);
    const T lr = Scalar<T>(ctx, 2), momentum = Scalar<T>(ctx, 4);
    const T* g = ctx.input(3).data<T>();
    for (int64_t i = 0; i < ctx.input(3).NumElements(); ++i) {
      accum[i] = momentum * accum[i] + g[i];
      var[i] -=
          nesterov_ ? lr * g[i] + lr * momentum * accum[i] : lr * accum[i];
    }
    ctx.set_output_ref(0, ctx.input_ref(0));
    return absl::OkStatus();
  }
};

template <typename T, bool kCentered>
class ApplyRMSPropCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    // Centered inputs: var, mg, ms, mom, lr, rho, momentum, epsilon, grad.
    constexpr int o = kCentered ? 1 : 0;
    TG_RETURN_IF_ERROR(CheckApplyInputs(ctx, 3 + o, 7 + o));
    T* var = Ref<T>(ctx, 0);
    T* mg = kCentered ? Ref<T>(ctx, 1) : nullptr;
    T* ms = Ref<T>(ctx, 1 + o);
    T* mom = Ref<T>(ctx, 2 + o);
    const T lr = Scalar<T>(ctx, 3 + o), rho = Scalar<T>(ctx, 4 + o);
    const T momentum = Scalar<T>(ctx, 5 + o), eps = Scalar<T>(ctx, 6 + o);
    const T* g = ctx.input(7 + o).data<T>();
    for (int64_t i = 0; i < ctx.input(7 + o).NumElements(); ++i) {
      ms[i] = rho * ms[i] + (T(1) - rho) * g[i] * g[i];
      T denom = ms[i] + eps;
      if constexpr (kCentered) {
        mg[i] = rho * mg[i] + (T(1) - rho) * g[i];
        denom -= mg[i] * mg[i];
      }
      mom[i] = momentum * mom[i] + lr * g[i] / std::sqrt(denom);
      var[i] -= mom[i];
    }
    ctx.set_output_ref(0, ctx.input_ref(0));
    return absl::OkStatus();
  }
};

template <typename T>
class ApplyAdamCpu : public NesterovKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_RETURN_IF_ERROR(CheckApplyInputs(ctx, 3, 9));
    T* var = Ref<T>(ctx, 0);
    T* m = Ref<T>(ctx, 1);
    T* v = Ref<T>(ctx, 2);
    const T b1p = Scalar<T>(ctx, 3), b2p = Scalar<T>(ctx, 4);
    const T lr = Scalar<T>(ctx, 5), b1 = Scalar<T>(ctx, 6);
    const T b2 = Scalar<T>(ctx, 7), eps = Scalar<T>(ctx, 8);
    const T* g = ctx.input(9).data<T>();
    const T lr_t = lr * std::sqrt(T(1) - b2p) / (T(1) - b1p);
    // Nesterov weighs the fresh gradient in: step = b1 m + (1 - b1) g.
    const T w_m = nesterov_ ? b1 : T(1), w_g = nesterov_ ? T(1) - b1 : T(0);
    // Element-wise over separate buffers: plain local pointers and a hoisted
    // bound let the compiler vectorize, and shards split the work.
    ctx.thread_pool()->ParallelFor(
        ctx.input(9).NumElements(), 8, [=](int64_t begin, int64_t end) {
          T* __restrict vr = var;
          T* __restrict mm = m;
          T* __restrict vv = v;
          const T* __restrict gg = g;
          for (int64_t i = begin; i < end; ++i) {
            mm[i] = b1 * mm[i] + (T(1) - b1) * gg[i];
            vv[i] = b2 * vv[i] + (T(1) - b2) * gg[i] * gg[i];
            const T step = w_m * mm[i] + w_g * gg[i];
            vr[i] -= lr_t * step / (std::sqrt(vv[i]) + eps);
          }
        });
    ctx.set_output_ref(0, ctx.input_ref(0));
    return absl::OkStatus();
  }
};

#define TG_CPU_APPLY(T)                                                        \
  TG_REGISTER_KERNEL(CpuKernel("ApplyGradientDescent").TypeConstraint<T>("T"), \
                     ApplyGradientDescentCpu<T>);                              \
  TG_REGISTER_KERNEL(CpuKernel("ApplyMomentum").TypeConstraint<T>("T"),        \
                     ApplyMomentumCpu<T>);                                     \
  TG_REGISTER_KERNEL(CpuKernel("ApplyRMSProp").TypeConstraint<T>("T"),         \
                     ApplyRMSPropCpu<T, false>);                               \
  TG_REGISTER_KERNEL(CpuKernel("ApplyCenteredRMSProp").TypeConstraint<T>("T"), \
                     ApplyRMSPropCpu<T, true>);                                \
  TG_REGISTER_KERNEL(CpuKernel("ApplyAdam").TypeConstraint<T>("T"),            \
                     ApplyAdamCpu<T>)

TG_CPU_APPLY(float);
TG_CPU_APPLY(double);

}  // namespace
}  // namespace tg
