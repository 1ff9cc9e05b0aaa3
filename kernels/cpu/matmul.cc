// MatMul on the CPU through CBLAS (OpenBLAS by default; see
// benchmarks/README.md for the library comparison).
#include <cblas.h>

#include <limits>

#include "absl/strings/str_cat.h"
#include "core/op_kernel.h"
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
    TG_ASSIGN_OR_RETURN(TensorShape out_shape, TensorShape::FromDims({m, n}));
    TG_ASSIGN_OR_RETURN(Tensor * out,
                        ctx.allocate_output(0, a.dtype(), out_shape));
    if (m == 0 || n == 0) return absl::OkStatus();
    TG_RETURN_IF_ERROR(CheckBlasDims({m, n, k}));
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

// One product per batch element; batch dims broadcast as in NumPy.
template <typename T>
class BatchMatMulCpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(adj_x_, c.GetAttr<bool>("adj_x"));
    TG_ASSIGN_OR_RETURN(adj_y_, c.GetAttr<bool>("adj_y"));
    return absl::OkStatus();
  }

  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    const Tensor& y = ctx.input(1);
    const int rx = x.shape().rank(), ry = y.shape().rank();
    if (rx < 2 || ry < 2) {
      return absl::InvalidArgumentError(absl::StrCat(
          "inputs must have rank >= 2, got ", x.shape().DebugString(), " and ",
          y.shape().DebugString()));
    }
    const int64_t xr = x.shape().dim_size(rx - 2),
                  xc = x.shape().dim_size(rx - 1);
    const int64_t yr = y.shape().dim_size(ry - 2),
                  yc = y.shape().dim_size(ry - 1);
    const int64_t m = adj_x_ ? xc : xr, k = adj_x_ ? xr : xc;
    const int64_t k2 = adj_y_ ? yc : yr, n = adj_y_ ? yr : yc;
    if (k != k2) {
      return absl::InvalidArgumentError(
          absl::StrCat("inner dimensions differ: ", x.shape().DebugString(),
                       adj_x_ ? "^T" : "", " x ", y.shape().DebugString(),
                       adj_y_ ? "^T" : ""));
    }
    const TensorShape bx(absl::MakeConstSpan(x.shape().dims().data(), rx - 2));
    const TensorShape by(absl::MakeConstSpan(y.shape().dims().data(), ry - 2));
    TG_ASSIGN_OR_RETURN(BroadcastPlan plan, PlanBroadcast(bx, by));
    Dims out = plan.out.dims();
    out.push_back(m);
    out.push_back(n);
    TG_ASSIGN_OR_RETURN(TensorShape out_shape, TensorShape::FromDims(out));
    TG_ASSIGN_OR_RETURN(Tensor * z,
                        ctx.allocate_output(0, x.dtype(), out_shape));
    TG_RETURN_IF_ERROR(CheckBlasDims({m, n, k, xc, yc}));
    const int64_t batches = plan.out.num_elements();
    for (int64_t b = 0; b < batches; ++b) {
      const T* xp = x.data<T>() + BroadcastOffset(b, plan.out, bx) * xr * xc;
      const T* yp = y.data<T>() + BroadcastOffset(b, plan.out, by) * yr * yc;
      T* zp = z->data<T>() + b * m * n;
      if (k == 0) {
        std::fill_n(zp, m * n, T(0));
      } else if (m > 0 && n > 0) {
        Gemm<T>(adj_x_, adj_y_, m, n, k, xp, xc, yp, yc, zp);
      }
    }
    return absl::OkStatus();
  }

 private:
  bool adj_x_ = false, adj_y_ = false;
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
