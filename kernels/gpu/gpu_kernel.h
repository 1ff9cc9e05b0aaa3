// Helpers of the GPU OpKernels: registration and launch parameters.
#ifndef TG_KERNELS_GPU_GPU_KERNEL_H_
#define TG_KERNELS_GPU_GPU_KERNEL_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "core/op_kernel.h"
#include "kernels/common/broadcast.h"
#include "kernels/common/host_memory.h"
#include "kernels/gpu/cuda_device.h"
#include "kernels/gpu/launch.h"

namespace tg {
namespace gpu {

// KernelDefBuilder(op).Device(kDeviceGpu) with the op's host-memory args
// from the accelerators' table: the start of a GPU registration.
inline KernelDefBuilder GpuKernel(std::string op) {
  KernelDefBuilder b(op);
  b.Device(kDeviceGpu);
  for (const std::string& arg : DeviceHostMemoryArgs(op)) b.HostMemory(arg);
  return b;
}

inline cudaStream_t Stream(OpKernelContext& ctx) {
  return GpuDevice(ctx)->stream();
}

// A broadcast plan as the launchers take it; Unimplemented past kMaxDims.
inline absl::StatusOr<BroadcastIndex> ToIndex(const BroadcastPlan& plan) {
  BroadcastIndex b;
  b.rank = plan.out.rank();
  TG_REQUIRE(b.rank <= kMaxDims, Unimplemented, "GPU broadcasting of rank ",
             b.rank, " (at most ", kMaxDims, ")");
  for (int d = 0; d < b.rank; ++d) {
    b.out_dims[d] = plan.out.dim_size(d);
    b.x_strides[d] = plan.x_strides[d];
    b.y_strides[d] = plan.y_strides[d];
  }
  return b;
}

}  // namespace gpu
}  // namespace tg

#endif  // TG_KERNELS_GPU_GPU_KERNEL_H_
