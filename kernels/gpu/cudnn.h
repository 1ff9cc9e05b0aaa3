// cuDNN, opened at run time as cuBLAS is (kernels/gpu/cublas.h): the CUDA
// build links no CUDA library but the static runtime. The convolution
// kernels use cuDNN's descriptor ("legacy") API, which cuDNN 9 still
// carries.
#ifndef TG_KERNELS_GPU_CUDNN_H_
#define TG_KERNELS_GPU_CUDNN_H_

#include <cuda_runtime_api.h>
#include <cudnn.h>

#include <memory>

#include "absl/status/statusor.h"

namespace tg {
namespace gpu {

// The cuDNN entry points used, resolved by name from libcudnn.so.9.
struct CudnnApi {
  decltype(&cudnnCreate) create = nullptr;
  decltype(&cudnnDestroy) destroy = nullptr;
  decltype(&cudnnSetStream) set_stream = nullptr;
  decltype(&cudnnGetErrorString) error_string = nullptr;
  decltype(&cudnnCreateTensorDescriptor) create_tensor = nullptr;
  decltype(&cudnnSetTensor4dDescriptor) set_tensor = nullptr;
  decltype(&cudnnDestroyTensorDescriptor) destroy_tensor = nullptr;
  decltype(&cudnnCreateFilterDescriptor) create_filter = nullptr;
  decltype(&cudnnSetFilter4dDescriptor) set_filter = nullptr;
  decltype(&cudnnDestroyFilterDescriptor) destroy_filter = nullptr;
  decltype(&cudnnCreateConvolutionDescriptor) create_conv = nullptr;
  decltype(&cudnnSetConvolution2dDescriptor) set_conv = nullptr;
  decltype(&cudnnSetConvolutionMathType) set_math = nullptr;
  decltype(&cudnnDestroyConvolutionDescriptor) destroy_conv = nullptr;
  decltype(&cudnnGetConvolutionForwardAlgorithm_v7) forward_algo = nullptr;
  decltype(&cudnnConvolutionForward) forward = nullptr;
  decltype(&cudnnGetConvolutionBackwardDataAlgorithm_v7) data_algo = nullptr;
  decltype(&cudnnConvolutionBackwardData) backward_data = nullptr;
  decltype(&cudnnGetConvolutionBackwardFilterAlgorithm_v7) filter_algo =
      nullptr;
  decltype(&cudnnConvolutionBackwardFilter) backward_filter = nullptr;
  absl::Status status;  // why loading failed, if it did
};

// Loads cuDNN once per process; the result's status says whether it could.
const CudnnApi& Cudnn();

// A Status naming `call` for a cuDNN error; OK for success.
absl::Status CudnnStatus(cudnnStatus_t s, const char* call);

#define TG_CUDNN_RETURN_IF_ERROR(call) \
  TG_RETURN_IF_ERROR(::tg::gpu::CudnnStatus((call), #call))

// One handle, bound to one stream. Not thread-safe: the device serializes.
class CudnnHandle {
 public:
  static absl::StatusOr<std::unique_ptr<CudnnHandle>> Create(
      cudaStream_t stream);
  ~CudnnHandle();
  cudnnHandle_t get() const { return handle_; }

 private:
  explicit CudnnHandle(cudnnHandle_t h) : handle_(h) {}
  cudnnHandle_t handle_;
};

}  // namespace gpu
}  // namespace tg

#endif  // TG_KERNELS_GPU_CUDNN_H_
