// MatMul on the CPU through CBLAS (OpenBLAS by default; see
// benchmarks/README.md for the library comparison).
#include <cblas.h>

#include "absl/strings/str_cat.h"
#include "core/op_kernel.h"

namespace tg {
namespace {

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
class MatMulCpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(transpose_a_, c.GetAttr<bool>("transpose_a"));
    TG_ASSIGN_OR_RETURN(transpose_b_, c.GetAttr<bool>("transpose_b"));
    return absl::OkStatus();
  }

  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& a = ctx.input(0);
    const Tensor& b = ctx.input(1);
    if (a.shape().rank() != 2 || b.shape().rank() != 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("inputs must be matrices, got ", a.shape().DebugString(),
                       " and ", b.shape().DebugString()));
    }
    const int64_t m = a.shape().dim_size(transpose_a_ ? 1 : 0);
    const int64_t k = a.shape().dim_size(transpose_a_ ? 0 : 1);
    const int64_t k2 = b.shape().dim_size(transpose_b_ ? 1 : 0);
    const int64_t n = b.shape().dim_size(transpose_b_ ? 0 : 1);
    if (k != k2) {
      return absl::InvalidArgumentError(
          absl::StrCat("inner dimensions differ: ", a.shape().DebugString(),
                       transpose_a_ ? "^T" : "", " x ", b.shape().DebugString(),
                       transpose_b_ ? "^T" : ""));
    }
    Tensor* out = ctx.allocate_output(0, a.dtype(), TensorShape({m, n}));
    if (m == 0 || n == 0) return absl::OkStatus();
    if (k == 0) {
      std::fill_n(out->data<T>(), m * n, T(0));
      return absl::OkStatus();
    }
    Gemm<T>(transpose_a_, transpose_b_, m, n, k, a.data<T>(),
            a.shape().dim_size(1), b.data<T>(), b.shape().dim_size(1),
            out->data<T>());
    return absl::OkStatus();
  }

 private:
  bool transpose_a_ = false, transpose_b_ = false;
};

TG_REGISTER_KERNEL(CpuKernel("MatMul").TypeConstraint<float>("T"),
                   MatMulCpu<float>);
TG_REGISTER_KERNEL(CpuKernel("MatMul").TypeConstraint<double>("T"),
                   MatMulCpu<double>);

}  // namespace
}  // namespace tg
