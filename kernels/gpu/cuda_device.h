// The CUDA device: one per GPU the machine has (--config=cuda builds).
//
// Each device has one compute stream, on which its kernels, cuBLAS calls
// and buffer frees are ordered, and one copy stream for host transfers
// (ordered against the compute stream with events). Buffers come from the
// GPU's stream-ordered memory pool (cudaMallocFromPoolAsync /
// cudaFreeAsync on the compute stream), so a buffer the runtime releases
// while kernels that read it are still queued is reused only after them.
// Host transfers go through pinned staging buffers. Kernels run
// asynchronously: Compute enqueues, Sync waits and reports the first error.
// Every CUDA and cuBLAS call is checked; a failure is a Status naming the
// call (and, for out of memory, the bytes asked for and the bytes free).
#ifndef TG_KERNELS_GPU_CUDA_DEVICE_H_
#define TG_KERNELS_GPU_CUDA_DEVICE_H_

#include <cuda_runtime_api.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "core/device.h"
#include "core/device_factory.h"
#include "core/op_kernel.h"
#include "kernels/gpu/cublas.h"
#include "kernels/gpu/cudnn.h"
#include "kernels/gpu/launch.h"

namespace tg {
namespace gpu {

// A Status for a failed CUDA call; OK for cudaSuccess.
absl::Status CudaStatus(cudaError_t err, const char* call);

#define TG_CUDA_RETURN_IF_ERROR(call) \
  TG_RETURN_IF_ERROR(::tg::gpu::CudaStatus((call), #call))

class CudaMemory;

class CudaDevice final : public Device {
 public:
  // Use Create: the streams and pool are set up there.
  static absl::StatusOr<std::unique_ptr<CudaDevice>> Create(
      int ordinal, const DeviceOptions& options);
  ~CudaDevice() override;

  Allocator* allocator() override;
  absl::Status Compute(OpKernel& kernel, OpKernelContext& ctx) override;
  absl::Status Sync() override;
  // For the kernels the device runs on the host (integer shape arithmetic,
  // random numbers): their CPU implementations use it.
  ThreadPool* thread_pool() override { return &host_pool_; }

  // Captures the compute stream (cudaStreamBeginCapture, thread-local
  // mode) into a CUDA Graph, instantiated at EndCapture and replayed with
  // cudaGraphLaunch. While capturing, the memory refuses allocations and
  // host transfers, and a buffer freed is kept until the graph goes: the
  // capture then fails, since the graph may still name its address.
  bool CanCapture() const override { return true; }
  absl::Status BeginCapture() override;
  absl::StatusOr<std::unique_ptr<CapturedWork>> EndCapture() override;

  cudaStream_t stream() const { return compute_; }
  // The device's cuBLAS handle on its compute stream, created on first use;
  // FailedPrecondition when cuBLAS cannot be loaded.
  absl::StatusOr<CublasHandle*> cublas();
  // The device's cuDNN handle on its compute stream, created on first use;
  // FailedPrecondition when cuDNN cannot be loaded.
  absl::StatusOr<CudnnHandle*> cudnn();
  // Where kernels report values they cannot use that only the device saw
  // (kernels/gpu/launch.h): `what` names the node and input, e.g.
  // "node 'g' (GatherV2): indices". Sync fails with the first report.
  ErrorSite RegisterErrorSite(std::string what);
  // Whether float math may use TF32 tensor cores (DeviceOptions).
  bool allow_tf32() const { return allow_tf32_; }
  int ordinal() const { return ordinal_; }

 private:
  CudaDevice(int ordinal, const DeviceOptions& options);

  const int ordinal_;
  const bool allow_tf32_;
  cudaStream_t compute_ = nullptr;
  cudaStream_t copy_ = nullptr;
  ThreadPool host_pool_;
  std::shared_ptr<CudaMemory> memory_;
  absl::Mutex mu_;
  std::unique_ptr<CublasHandle> cublas_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<CudnnHandle> cudnn_ ABSL_GUARDED_BY(mu_);
  // Mapped host memory: the host's view and the device's.
  DeviceErrorReport* report_host_ = nullptr;
  DeviceErrorReport* report_device_ = nullptr;
  std::vector<std::string> error_sites_ ABSL_GUARDED_BY(mu_);
};

// The device of a GPU kernel's context (kernels are registered for GPU only,
// so the cast is safe).
inline CudaDevice* GpuDevice(OpKernelContext& ctx) {
  return static_cast<CudaDevice*>(ctx.device());
}

}  // namespace gpu
}  // namespace tg

#endif  // TG_KERNELS_GPU_CUDA_DEVICE_H_
