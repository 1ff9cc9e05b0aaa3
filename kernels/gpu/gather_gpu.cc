// GatherV2 on the GPU: the indices stay in device memory (no transfer per
// launch, so a step with a gather can be captured); the kernel checks them
// and reports one out of range through the device (CudaDevice::Sync).
#include "kernels/common/kernel_plans.h"
#include "kernels/gpu/gpu_kernel.h"

namespace tg {
namespace gpu {
namespace {

template <typename T>
class GatherGpu : public GatherKernelBase {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_RETURN_IF_ERROR(GatherKernelBase::Init(c));
    error_ = static_cast<CudaDevice*>(c.device())
                 ->RegisterErrorSite(absl::StrCat("node '", c.def().name(),
                                                  "' (GatherV2): indices"));
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& params = ctx.input(0);
    const Tensor& indices = ctx.input(1);
    TG_ASSIGN_OR_RETURN(GatherPlan p, PlanGatherShape(ctx));
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, params.dtype(), p.output));
    if (y->NumElements() == 0) return absl::OkStatus();
    const int64_t num = indices.NumElements();
    if (indices.dtype() == DT_INT32) {
      LaunchGather<T, int32_t>(Stream(ctx), params.data<T>(),
                               indices.data<int32_t>(), y->data<T>(), p.outer,
                               p.n, num, p.inner, error_);
    } else {
      LaunchGather<T, int64_t>(Stream(ctx), params.data<T>(),
                               indices.data<int64_t>(), y->data<T>(), p.outer,
                               p.n, num, p.inner, error_);
    }
    return absl::OkStatus();
  }

 private:
  ErrorSite error_;
};

#define TG_GPU_GATHER(T)                                                 \
  TG_REGISTER_KERNEL(GpuKernel("GatherV2").TypeConstraint<T>("Tparams"), \
                     GatherGpu<T>)
TG_GPU_GATHER(float);
TG_GPU_GATHER(double);
TG_GPU_GATHER(int32_t);
TG_GPU_GATHER(int64_t);

}  // namespace
}  // namespace gpu
}  // namespace tg
