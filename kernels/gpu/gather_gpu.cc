// GatherV2 on the GPU: the indices are checked on the host, as on the CPU,
// then copied to the device with the kernel's launch.
#include "kernels/common/kernel_plans.h"
#include "kernels/gpu/gpu_kernel.h"

namespace tg {
namespace gpu {
namespace {

template <typename T>
class GatherGpu : public GatherKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& params = ctx.input(0);
    TG_ASSIGN_OR_RETURN(GatherPlan p, PlanGather(ctx));
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, params.dtype(), p.output));
    if (y->NumElements() == 0) return absl::OkStatus();
    TG_ASSIGN_OR_RETURN(Tensor on_device,
                        Tensor::FromVector(p.indices).CheckedDeepCopy(
                            ctx.device()->allocator()));
    LaunchGather<T>(Stream(ctx), params.data<T>(), on_device.data<int64_t>(),
                    y->data<T>(), p.outer, p.n,
                    static_cast<int64_t>(p.indices.size()), p.inner);
    return absl::OkStatus();
  }
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
