// MatMul on the CPU through CBLAS (OpenBLAS by default; see
// benchmarks/README.md for the library comparison).
#include <cblas.h>

#include <limits>

#include "absl/strings/str_cat.h"
#include "core/op_kernel.h"
#include "kernels/common/kernel_plans.h"
#include "kernels/cpu/elementwise.h"

namespace tg {
namespace {

// CBLAS takes 32-bit sizes: a product whose dims do not fit is refused.
absl::Status CheckBlasDims(std::initializer_list<int64_t> dims) {
  for (int64_t d : dims) {
    TG_REQUIRE(d <= std::numeric_limits<int>::max(), Unimplemented,
               "matrix dimension ", d, " exceeds the BLAS limit of 2^31 - 1");
  }
  return absl::OkStatus();
}

template <typename T>
void Gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const T* a,
          int64_t lda, const T* b, int64_t ldb, T* c) {
  const CBLAS_TRANSPOSE at = ta ? CblasTrans : CblasNoTrans;
  const CBLAS_TRANSPOSE bt = tb ? CblasTrans : CblasNoTrans;
  if constexpr (std::is_same_v<T, float>) {
    cblas_sgemm(CblasRowMajor, at, bt, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c,
                n);
  } else {
    cblas_dgemm(CblasRowMajor, at, bt, m, n, k, 1.0, a, lda, b, ldb, 0.0, c, n);
  }
}

template <typename T>
class MatMulCpu : public MatMulKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& a = ctx.input(0);
    const Tensor& b = ctx.input(1);
    TG_ASSIGN_OR_RETURN(MatMulPlan p, PlanMatMul(a.shape(), b.shape(),
                                                 transpose_a_, transpose_b_));
    TG_ASSIGN_OR_RETURN(Tensor * out,
                        ctx.allocate_output(0, a.dtype(), p.output));
    if (p.m == 0 || p.n == 0) return absl::OkStatus();
    TG_RETURN_IF_ERROR(CheckBlasDims({p.m, p.n, p.k}));
    if (p.k == 0) {
      std::fill_n(out->data<T>(), p.m * p.n, T(0));
      return absl::OkStatus();
    }
    Gemm<T>(transpose_a_, transpose_b_, p.m, p.n, p.k, a.data<T>(), p.a_cols,
            b.data<T>(), p.b_cols, out->data<T>());
    return absl::OkStatus();
  }
};

// One product per batch element; batch dims broadcast as in NumPy.
template <typename T>
class BatchMatMulCpu : public BatchMatMulKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    const Tensor& y = ctx.input(1);
    TG_ASSIGN_OR_RETURN(MatMulPlan p,
                        PlanBatchMatMul(x.shape(), y.shape(), adj_x_, adj_y_));
    TG_ASSIGN_OR_RETURN(Tensor * z,
                        ctx.allocate_output(0, x.dtype(), p.output));
    TG_RETURN_IF_ERROR(CheckBlasDims({p.m, p.n, p.k, p.a_cols, p.b_cols}));
    const int64_t batches = p.batch.out.num_elements();
    const int64_t xm = p.a_rows * p.a_cols, ym = p.b_rows * p.b_cols;
    for (int64_t b = 0; b < batches; ++b) {
      const T* xp =
          x.data<T>() + BroadcastOffset(b, p.batch.out, p.a_batch) * xm;
      const T* yp =
          y.data<T>() + BroadcastOffset(b, p.batch.out, p.b_batch) * ym;
      T* zp = z->data<T>() + b * p.m * p.n;
      if (p.k == 0) {
        std::fill_n(zp, p.m * p.n, T(0));
      } else if (p.m > 0 && p.n > 0) {
        Gemm<T>(adj_x_, adj_y_, p.m, p.n, p.k, xp, p.a_cols, yp, p.b_cols, zp);
      }
    }
    return absl::OkStatus();
  }
};

TG_REGISTER_KERNEL(CpuKernel("BatchMatMulV2").TypeConstraint<float>("T"),
                   BatchMatMulCpu<float>);
TG_REGISTER_KERNEL(CpuKernel("BatchMatMulV2").TypeConstraint<double>("T"),
                   BatchMatMulCpu<double>);

TG_REGISTER_KERNEL(CpuKernel("MatMul").TypeConstraint<float>("T"),
                   MatMulCpu<float>);
TG_REGISTER_KERNEL(CpuKernel("MatMul").TypeConstraint<double>("T"),
                   MatMulCpu<double>);

}  // namespace
}  // namespace tg
