// GPU kernels that reuse the CPU's: ops whose CPU kernels work in any
// memory (constants, identities, variables, reshapes, shape queries: they
// move whole buffers through the allocator or only read shapes), and the
// ops the GPU runs on the host, as TensorFlow does: integer arithmetic on
// shapes and indices, and the random ops (the CPU's generator, so a seed
// gives the same numbers on both devices). Also Fill, ZerosLike and
// OnesLike, which write device memory.
#include "kernels/common/kernel_plans.h"
#include "kernels/common/reregister.h"
#include "kernels/gpu/gpu_kernel.h"

namespace tg {
namespace gpu {
namespace {

template <typename T>
class FillGpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(TensorShape shape, PlanFill(ctx));
    const Tensor& value = ctx.input(1);
    TG_ASSIGN_OR_RETURN(Tensor * out,
                        ctx.allocate_output(0, value.dtype(), shape));
    LaunchFill<T>(Stream(ctx), out->data<T>(), value.data<T>(), T(0),
                  out->NumElements());
    return absl::OkStatus();
  }
};

template <typename T, int kValue>
class FillLikeGpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_ASSIGN_OR_RETURN(Tensor * out,
                        ctx.allocate_output(0, x.dtype(), x.shape()));
    LaunchFill<T>(Stream(ctx), out->data<T>(), nullptr, T(kValue),
                  out->NumElements());
    return absl::OkStatus();
  }
};

#define TG_GPU_FILL(T)                                                      \
  TG_REGISTER_KERNEL(GpuKernel("Fill").TypeConstraint<T>("T"), FillGpu<T>); \
  TG_REGISTER_KERNEL(GpuKernel("ZerosLike").TypeConstraint<T>("T"),         \
                     FillLikeGpu<T, 0>);                                    \
  TG_REGISTER_KERNEL(GpuKernel("OnesLike").TypeConstraint<T>("T"),          \
                     FillLikeGpu<T, 1>)
TG_GPU_FILL(float);
TG_GPU_FILL(double);

void RegisterReusedKernels() {
  ReregisterOptions device;
  device.device_type = kDeviceGpu;
  device.dtypes = {DT_FLOAT, DT_DOUBLE};
  device.wrap = PlaceOutputsInDeviceMemory;
  for (const char* op :
       {"Const", "Identity", "IdentityN", "StopGradient", "PreventGradient",
        "NoOp", "Placeholder", "PlaceholderWithDefault", "VariableV2",
        "Variable", "Assign", "Reshape", "ExpandDims", "Squeeze", "Shape",
        "Size", "Rank",
        // Control flow passes values along where they are.
        "Switch", "RefSwitch", "Merge", "RefMerge", "Enter", "RefEnter", "Exit",
        "RefExit", "NextIteration", "RefNextIteration", "LoopCond",
        "ControlTrigger",
        // Resource variables: handles on the host, values here; updates
        // and gathers through this device's own ApplyX and GatherV2.
        "VarHandleOp", "ReadVariableOp", "AssignVariableOp",
        "DestroyResourceOp", "DisableCopyOnRead", "ResourceGather",
        "ResourceApplyGradientDescent", "ResourceApplyMomentum",
        "ResourceApplyRMSProp", "ResourceApplyCenteredRMSProp",
        "ResourceApplyAdam"}) {
    ReregisterCpuKernels(op, device);
  }
  // Integer variables live on the device too (a data set's labels), as on
  // TensorFlow's GPUs; only their reads, whole assignments and identities
  // run here.
  device.dtypes = {DT_INT32, DT_INT64};
  for (const char* op : {"VariableV2", "Variable", "Assign", "Identity"}) {
    ReregisterCpuKernels(op, device);
  }
  // Integer kernels on the host: every arg in host memory. Explicit GPU
  // kernels (registered statically, so found first) still win.
  ReregisterOptions host;
  host.device_type = kDeviceGpu;
  host.dtypes = {DT_INT32, DT_INT64, DT_BOOL};
  host.all_args_on_host = true;
  for (const std::string& op : OpRegistry::Global()->ListOps()) {
    ReregisterCpuKernels(op, host);
  }
  host.dtypes = {DT_FLOAT, DT_DOUBLE, DT_INT32, DT_INT64};
  for (const char* op :
       {"RandomUniform", "RandomStandardNormal", "TruncatedNormal"}) {
    ReregisterCpuKernels(op, host);
  }
}
TG_REGISTER_DEFERRED_KERNELS(RegisterReusedKernels);

}  // namespace
}  // namespace gpu
}  // namespace tg
