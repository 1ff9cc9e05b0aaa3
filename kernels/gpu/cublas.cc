#include "kernels/gpu/cublas.h"

#include "absl/base/call_once.h"
#include "absl/strings/str_cat.h"
#include "core/status.h"
#include "kernels/gpu/library_loader.h"

namespace tg {
namespace gpu {
namespace {

// The entry points used, resolved from the library by name; the header
// gives their types.
struct Api {
  decltype(&cublasCreate_v2) create = nullptr;
  decltype(&cublasDestroy_v2) destroy = nullptr;
  decltype(&cublasSetStream_v2) set_stream = nullptr;
  decltype(&cublasSetMathMode) set_math_mode = nullptr;
  decltype(&cublasSetWorkspace_v2) set_workspace = nullptr;
  decltype(&cublasGetStatusString) status_string = nullptr;
  decltype(&cublasSgemm_v2) sgemm = nullptr;
  decltype(&cublasDgemm_v2) dgemm = nullptr;
  decltype(&cublasSgemmStridedBatched) sgemm_batched = nullptr;
  decltype(&cublasDgemmStridedBatched) dgemm_batched = nullptr;
  absl::Status status;
};

// Resolve with cuBLAS named in the error.
template <typename F>
void Resolve(void* lib, const char* name, F* fn, absl::Status* status) {
  gpu::Resolve(lib, "cuBLAS", name, fn, status);
}

const Api& LoadApi() {
  static Api* const api = new Api();
  static absl::once_flag once;
  absl::call_once(once, [] {
    void* lib = OpenLibrary(
        "cuBLAS", {"libcublas.so.13", "libcublas.so.12", "libcublas.so"},
        "put CUDA's lib64 folder on LD_LIBRARY_PATH", &api->status);
    if (lib == nullptr) return;
    absl::Status& s = api->status;
    Resolve(lib, "cublasCreate_v2", &api->create, &s);
    Resolve(lib, "cublasDestroy_v2", &api->destroy, &s);
    Resolve(lib, "cublasSetStream_v2", &api->set_stream, &s);
    Resolve(lib, "cublasSetMathMode", &api->set_math_mode, &s);
    Resolve(lib, "cublasSetWorkspace_v2", &api->set_workspace, &s);
    Resolve(lib, "cublasGetStatusString", &api->status_string, &s);
    Resolve(lib, "cublasSgemm_v2", &api->sgemm, &s);
    Resolve(lib, "cublasDgemm_v2", &api->dgemm, &s);
    Resolve(lib, "cublasSgemmStridedBatched", &api->sgemm_batched, &s);
    Resolve(lib, "cublasDgemmStridedBatched", &api->dgemm_batched, &s);
  });
  return *api;
}

absl::Status Check(cublasStatus_t s, const char* call) {
  if (s == CUBLAS_STATUS_SUCCESS) return absl::OkStatus();
  const char* what = LoadApi().status_string != nullptr
                         ? LoadApi().status_string(s)
                         : "unknown cuBLAS error";
  return absl::InternalError(absl::StrCat(call, " failed: ", what));
}

cublasOperation_t Op(bool t) { return t ? CUBLAS_OP_T : CUBLAS_OP_N; }

}  // namespace

absl::StatusOr<std::unique_ptr<CublasHandle>> CublasHandle::Create(
    cudaStream_t stream, bool allow_tf32) {
  const Api& api = LoadApi();
  TG_RETURN_IF_ERROR(api.status);
  cublasHandle_t h = nullptr;
  TG_RETURN_IF_ERROR(Check(api.create(&h), "cublasCreate"));
  std::unique_ptr<CublasHandle> handle(new CublasHandle(h));
  TG_RETURN_IF_ERROR(Check(api.set_stream(h, stream), "cublasSetStream"));
  // A workspace of its own (setting the stream reset it to cuBLAS's pool):
  // a step captured as a CUDA Graph then names this buffer, instead of one
  // cuBLAS would allocate for each graph.
  if (cudaMalloc(&handle->workspace_, kWorkspaceBytes) != cudaSuccess) {
    cudaGetLastError();
    handle->workspace_ = nullptr;
    return absl::ResourceExhaustedError(absl::StrCat(
        "cannot allocate cuBLAS's ", kWorkspaceBytes >> 20, " MiB workspace"));
  }
  TG_RETURN_IF_ERROR(
      Check(api.set_workspace(h, handle->workspace_, kWorkspaceBytes),
            "cublasSetWorkspace"));
  TG_RETURN_IF_ERROR(
      Check(api.set_math_mode(h, allow_tf32 ? CUBLAS_TF32_TENSOR_OP_MATH
                                            : CUBLAS_DEFAULT_MATH),
            "cublasSetMathMode"));
  return handle;
}

CublasHandle::~CublasHandle() {
  LoadApi().destroy(handle_);
  if (workspace_ != nullptr) cudaFree(workspace_);  // Synchronizes.
}

absl::Status CublasHandle::Gemm(bool ta, bool tb, int m, int n, int k,
                                const float* a, int lda, const float* b,
                                int ldb, float* c, int ldc) {
  const float one = 1, zero = 0;
  return Check(LoadApi().sgemm(handle_, Op(ta), Op(tb), m, n, k, &one, a, lda,
                               b, ldb, &zero, c, ldc),
               "cublasSgemm");
}

absl::Status CublasHandle::Gemm(bool ta, bool tb, int m, int n, int k,
                                const double* a, int lda, const double* b,
                                int ldb, double* c, int ldc) {
  const double one = 1, zero = 0;
  return Check(LoadApi().dgemm(handle_, Op(ta), Op(tb), m, n, k, &one, a, lda,
                               b, ldb, &zero, c, ldc),
               "cublasDgemm");
}

absl::Status CublasHandle::GemmBatched(bool ta, bool tb, int m, int n, int k,
                                       const float* a, int lda, int64_t sa,
                                       const float* b, int ldb, int64_t sb,
                                       float* c, int ldc, int64_t sc,
                                       int batch) {
  const float one = 1, zero = 0;
  return Check(
      LoadApi().sgemm_batched(handle_, Op(ta), Op(tb), m, n, k, &one, a, lda,
                              sa, b, ldb, sb, &zero, c, ldc, sc, batch),
      "cublasSgemmStridedBatched");
}

absl::Status CublasHandle::GemmBatched(bool ta, bool tb, int m, int n, int k,
                                       const double* a, int lda, int64_t sa,
                                       const double* b, int ldb, int64_t sb,
                                       double* c, int ldc, int64_t sc,
                                       int batch) {
  const double one = 1, zero = 0;
  return Check(
      LoadApi().dgemm_batched(handle_, Op(ta), Op(tb), m, n, k, &one, a, lda,
                              sa, b, ldb, sb, &zero, c, ldc, sc, batch),
      "cublasDgemmStridedBatched");
}

}  // namespace gpu
}  // namespace tg
