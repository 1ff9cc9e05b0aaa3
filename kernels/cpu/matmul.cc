// MatMul on the CPU through CBLAS (OpenBLAS by default; see
// benchmarks/README.md for the library comparison).
#include "absl/strings/str_cat.h"
#include "core/op_kernel.h"
#include "kernels/common/kernel_plans.h"
#include "kernels/cpu/blas.h"
#include "kernels/cpu/elementwise.h"

namespace tg {
namespace {

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
    TG_RETURN_IF_ERROR(Gemm<T>(transpose_a_, transpose_b_, p.m, p.n, p.k,
                               a.data<T>(), p.a_cols, b.data<T>(), p.b_cols,
                               T(0), out->data<T>(), p.n));
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
        TG_RETURN_IF_ERROR(Gemm<T>(adj_x_, adj_y_, p.m, p.n, p.k, xp, p.a_cols,
                                   yp, p.b_cols, T(0), zp, p.n));
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
