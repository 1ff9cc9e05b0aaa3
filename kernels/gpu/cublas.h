// cuBLAS, opened at run time: the CUDA build links no CUDA library but the
// static runtime, so its binaries run on machines without CUDA's libraries
// (they register no GPU there) and use the cuBLAS of the machine they run on.
#ifndef TG_KERNELS_GPU_CUBLAS_H_
#define TG_KERNELS_GPU_CUBLAS_H_

#include <cublas_api.h>
#include <cuda_runtime_api.h>

#include <memory>

#include "absl/status/statusor.h"

namespace tg {
namespace gpu {

// One handle, bound to one stream. Not thread-safe: the device serializes.
class CublasHandle {
 public:
  // Loads libcublas (once per process) and creates a handle on `stream`.
  // `allow_tf32`: let FP32 products use TF32 tensor cores; otherwise exact
  // FP32 (cuBLAS's pedantic math mode is not needed: its default is exact).
  static absl::StatusOr<std::unique_ptr<CublasHandle>> Create(
      cudaStream_t stream, bool allow_tf32);
  ~CublasHandle();

  // Column-major GEMM: C = A op B, as cublas<t>gemm.
  absl::Status Gemm(bool trans_a, bool trans_b, int m, int n, int k,
                    const float* a, int lda, const float* b, int ldb, float* c,
                    int ldc);
  absl::Status Gemm(bool trans_a, bool trans_b, int m, int n, int k,
                    const double* a, int lda, const double* b, int ldb,
                    double* c, int ldc);
  // Strided batched GEMM (a stride of 0 repeats one matrix).
  absl::Status GemmBatched(bool trans_a, bool trans_b, int m, int n, int k,
                           const float* a, int lda, int64_t stride_a,
                           const float* b, int ldb, int64_t stride_b, float* c,
                           int ldc, int64_t stride_c, int batch);
  absl::Status GemmBatched(bool trans_a, bool trans_b, int m, int n, int k,
                           const double* a, int lda, int64_t stride_a,
                           const double* b, int ldb, int64_t stride_b,
                           double* c, int ldc, int64_t stride_c, int batch);

 private:
  // 32 MiB, what cuBLAS asks for on Hopper.
  static constexpr size_t kWorkspaceBytes = size_t{32} << 20;
  explicit CublasHandle(cublasHandle_t h) : handle_(h) {}
  cublasHandle_t handle_;
  void* workspace_ = nullptr;
};

}  // namespace gpu
}  // namespace tg

#endif  // TG_KERNELS_GPU_CUBLAS_H_
