// MatMul and BatchMatMulV2 on cuBLAS. Tensors are row-major and cuBLAS is
// column-major: C = A B is computed as C^T = B^T A^T, which needs no copy.
#include <limits>

#include "kernels/common/kernel_plans.h"
#include "kernels/gpu/gpu_kernel.h"

namespace tg {
namespace gpu {
namespace {

absl::Status CheckCublasDims(std::initializer_list<int64_t> dims) {
  for (int64_t d : dims) {
    TG_REQUIRE(d <= std::numeric_limits<int>::max(), InvalidArgument,
               "matrix dimension ", d, " is beyond cuBLAS's int range");
  }
  return absl::OkStatus();
}

// out[m, n] = op(a)[m, k] op(b)[k, n], row-major, a's rows `a_cols` long.
template <typename T>
absl::Status RowMajorGemm(OpKernelContext& ctx, bool ta, bool tb, int64_t m,
                          int64_t n, int64_t k, const T* a, int64_t a_cols,
                          const T* b, int64_t b_cols, T* out,
                          int64_t batches = 1, int64_t stride_a = 0,
                          int64_t stride_b = 0) {
  TG_RETURN_IF_ERROR(CheckCublasDims({m, n, k, a_cols, b_cols, batches}));
  if (k == 0) {
    return CudaStatus(
        cudaMemsetAsync(out, 0, m * n * batches * sizeof(T), Stream(ctx)),
        "cudaMemsetAsync");
  }
  TG_ASSIGN_OR_RETURN(CublasHandle * blas, GpuDevice(ctx)->cublas());
  if (batches == 1) {
    return blas->Gemm(tb, ta, n, m, k, b, b_cols, a, a_cols, out, n);
  }
  return blas->GemmBatched(tb, ta, n, m, k, b, b_cols, stride_b, a, a_cols,
                           stride_a, out, n, m * n, batches);
}

template <typename T>
class MatMulGpu : public MatMulKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& a = ctx.input(0);
    const Tensor& b = ctx.input(1);
    TG_ASSIGN_OR_RETURN(MatMulPlan p, PlanMatMul(a.shape(), b.shape(),
                                                 transpose_a_, transpose_b_));
    TG_ASSIGN_OR_RETURN(Tensor * out,
                        ctx.allocate_output(0, a.dtype(), p.output));
    if (p.m == 0 || p.n == 0) return absl::OkStatus();
    return RowMajorGemm<T>(ctx, transpose_a_, transpose_b_, p.m, p.n, p.k,
                           a.data<T>(), p.a_cols, b.data<T>(), p.b_cols,
                           out->data<T>());
  }
};

// Batch dims broadcast as in NumPy: equal batches, or one side a single
// matrix, run as one strided batched call; other broadcasts per batch.
template <typename T>
class BatchMatMulGpu : public BatchMatMulKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    const Tensor& y = ctx.input(1);
    TG_ASSIGN_OR_RETURN(MatMulPlan p,
                        PlanBatchMatMul(x.shape(), y.shape(), adj_x_, adj_y_));
    TG_ASSIGN_OR_RETURN(Tensor * z,
                        ctx.allocate_output(0, x.dtype(), p.output));
    const int64_t batches = p.batch.out.num_elements();
    if (batches == 0 || p.m == 0 || p.n == 0) return absl::OkStatus();
    const int64_t nx = p.a_batch.num_elements(), ny = p.b_batch.num_elements();
    const int64_t xm = p.a_rows * p.a_cols, ym = p.b_rows * p.b_cols;
    if ((nx == batches || nx == 1) && (ny == batches || ny == 1)) {
      return RowMajorGemm<T>(ctx, adj_x_, adj_y_, p.m, p.n, p.k, x.data<T>(),
                             p.a_cols, y.data<T>(), p.b_cols, z->data<T>(),
                             batches, nx == 1 ? 0 : xm, ny == 1 ? 0 : ym);
    }
    for (int64_t b = 0; b < batches; ++b) {
      TG_RETURN_IF_ERROR(RowMajorGemm<T>(
          ctx, adj_x_, adj_y_, p.m, p.n, p.k,
          x.data<T>() + BroadcastOffset(b, p.batch.out, p.a_batch) * xm,
          p.a_cols,
          y.data<T>() + BroadcastOffset(b, p.batch.out, p.b_batch) * ym,
          p.b_cols, z->data<T>() + b * p.m * p.n));
    }
    return absl::OkStatus();
  }
};

TG_REGISTER_KERNEL(GpuKernel("MatMul").TypeConstraint<float>("T"),
                   MatMulGpu<float>);
TG_REGISTER_KERNEL(GpuKernel("MatMul").TypeConstraint<double>("T"),
                   MatMulGpu<double>);
TG_REGISTER_KERNEL(GpuKernel("BatchMatMulV2").TypeConstraint<float>("T"),
                   BatchMatMulGpu<float>);
TG_REGISTER_KERNEL(GpuKernel("BatchMatMulV2").TypeConstraint<double>("T"),
                   BatchMatMulGpu<double>);

}  // namespace
}  // namespace gpu
}  // namespace tg
