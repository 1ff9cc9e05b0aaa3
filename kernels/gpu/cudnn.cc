#include "kernels/gpu/cudnn.h"

#include "absl/base/call_once.h"
#include "absl/strings/str_cat.h"
#include "core/status.h"
#include "kernels/gpu/library_loader.h"

namespace tg {
namespace gpu {
namespace {

// Resolve with cuDNN named in the error.
template <typename F>
void Resolve(void* lib, const char* name, F* fn, absl::Status* status) {
  gpu::Resolve(lib, "cuDNN", name, fn, status);
}

void ResolveAll(void* lib, CudnnApi* api) {
  absl::Status& s = api->status;
  Resolve(lib, "cudnnCreate", &api->create, &s);
  Resolve(lib, "cudnnDestroy", &api->destroy, &s);
  Resolve(lib, "cudnnSetStream", &api->set_stream, &s);
  Resolve(lib, "cudnnGetErrorString", &api->error_string, &s);
  Resolve(lib, "cudnnCreateTensorDescriptor", &api->create_tensor, &s);
  Resolve(lib, "cudnnSetTensor4dDescriptor", &api->set_tensor, &s);
  Resolve(lib, "cudnnDestroyTensorDescriptor", &api->destroy_tensor, &s);
  Resolve(lib, "cudnnCreateFilterDescriptor", &api->create_filter, &s);
  Resolve(lib, "cudnnSetFilter4dDescriptor", &api->set_filter, &s);
  Resolve(lib, "cudnnDestroyFilterDescriptor", &api->destroy_filter, &s);
  Resolve(lib, "cudnnCreateConvolutionDescriptor", &api->create_conv, &s);
  Resolve(lib, "cudnnSetConvolution2dDescriptor", &api->set_conv, &s);
  Resolve(lib, "cudnnSetConvolutionMathType", &api->set_math, &s);
  Resolve(lib, "cudnnDestroyConvolutionDescriptor", &api->destroy_conv, &s);
  Resolve(lib, "cudnnGetConvolutionForwardAlgorithm_v7", &api->forward_algo,
          &s);
  Resolve(lib, "cudnnConvolutionForward", &api->forward, &s);
  Resolve(lib, "cudnnGetConvolutionBackwardDataAlgorithm_v7", &api->data_algo,
          &s);
  Resolve(lib, "cudnnConvolutionBackwardData", &api->backward_data, &s);
  Resolve(lib, "cudnnGetConvolutionBackwardFilterAlgorithm_v7",
          &api->filter_algo, &s);
  Resolve(lib, "cudnnConvolutionBackwardFilter", &api->backward_filter, &s);
}

}  // namespace

const CudnnApi& Cudnn() {
  static CudnnApi* const api = new CudnnApi();
  static absl::once_flag once;
  absl::call_once(once, [] {
    void* lib = OpenLibrary("cuDNN", {"libcudnn.so.9", "libcudnn.so"},
                            "put cuDNN's library folder on LD_LIBRARY_PATH",
                            &api->status);
    if (lib == nullptr) return;
    ResolveAll(lib, api);
  });
  return *api;
}

absl::Status CudnnStatus(cudnnStatus_t s, const char* call) {
  if (s == CUDNN_STATUS_SUCCESS) return absl::OkStatus();
  const char* what = Cudnn().error_string != nullptr ? Cudnn().error_string(s)
                                                     : "unknown cuDNN error";
  return absl::InternalError(absl::StrCat(call, " failed: ", what));
}

absl::StatusOr<std::unique_ptr<CudnnHandle>> CudnnHandle::Create(
    cudaStream_t stream) {
  const CudnnApi& api = Cudnn();
  TG_RETURN_IF_ERROR(api.status);
  cudnnHandle_t h = nullptr;
  TG_CUDNN_RETURN_IF_ERROR(api.create(&h));
  std::unique_ptr<CudnnHandle> handle(new CudnnHandle(h));
  TG_CUDNN_RETURN_IF_ERROR(api.set_stream(h, stream));
  return handle;
}

CudnnHandle::~CudnnHandle() { Cudnn().destroy(handle_); }

}  // namespace gpu
}  // namespace tg
