// MatMul and BatchMatMulV2 on cuBLAS. Tensors are row-major and cuBLAS is
// column-major: C = A B is computed as C^T = B^T A^T, which needs no copy.
#include <limits>

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
class MatMulGpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(ta_, c.GetAttr<bool>("transpose_a"));
    TG_ASSIGN_OR_RETURN(tb_, c.GetAttr<bool>("transpose_b"));
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& a = ctx.input(0);
    const Tensor& b = ctx.input(1);
    TG_REQUIRE(a.shape().rank() == 2 && b.shape().rank() == 2, InvalidArgument,
               "inputs must be matrices, got ", a.shape().DebugString(),
               " and ", b.shape().DebugString());
    const int64_t m = a.shape().dim_size(ta_ ? 1 : 0);
    const int64_t k = a.shape().dim_size(ta_ ? 0 : 1);
    const int64_t k2 = b.shape().dim_size(tb_ ? 1 : 0);
    const int64_t n = b.shape().dim_size(tb_ ? 0 : 1);
    TG_REQUIRE(k == k2, InvalidArgument,
               "inner dimensions differ: ", a.shape().DebugString(),
               ta_ ? "^T" : "", " x ", b.shape().DebugString(),
               tb_ ? "^T" : "");
    TG_ASSIGN_OR_RETURN(TensorShape shape, TensorShape::FromDims({m, n}));
    TG_ASSIGN_OR_RETURN(Tensor * out, ctx.allocate_output(0, a.dtype(), shape));
    if (m == 0 || n == 0) return absl::OkStatus();
    return RowMajorGemm<T>(ctx, ta_, tb_, m, n, k, a.data<T>(),
                           a.shape().dim_size(1), b.data<T>(),
                           b.shape().dim_size(1), out->data<T>());
  }

 private:
  bool ta_ = false, tb_ = false;
};

// Batch dims broadcast as in NumPy: equal batches, or one side a single
// matrix, run as one strided batched call; other broadcasts per batch.
template <typename T>
class BatchMatMulGpu : public OpKernel {
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
    TG_REQUIRE(rx >= 2 && ry >= 2, InvalidArgument,
               "inputs must have rank >= 2, got ", x.shape().DebugString(),
               " and ", y.shape().DebugString());
    const int64_t xr = x.shape().dim_size(rx - 2),
                  xc = x.shape().dim_size(rx - 1);
    const int64_t yr = y.shape().dim_size(ry - 2),
                  yc = y.shape().dim_size(ry - 1);
    const int64_t m = adj_x_ ? xc : xr, k = adj_x_ ? xr : xc;
    const int64_t k2 = adj_y_ ? yc : yr, n = adj_y_ ? yr : yc;
    TG_REQUIRE(k == k2, InvalidArgument,
               "inner dimensions differ: ", x.shape().DebugString(),
               adj_x_ ? "^T" : "", " x ", y.shape().DebugString(),
               adj_y_ ? "^T" : "");
    const TensorShape bx(absl::MakeConstSpan(x.shape().dims().data(), rx - 2));
    const TensorShape by(absl::MakeConstSpan(y.shape().dims().data(), ry - 2));
    TG_ASSIGN_OR_RETURN(BroadcastPlan plan, PlanBroadcast(bx, by));
    Dims out = plan.out.dims();
    out.push_back(m);
    out.push_back(n);
    TG_ASSIGN_OR_RETURN(TensorShape out_shape, TensorShape::FromDims(out));
    TG_ASSIGN_OR_RETURN(Tensor * z,
                        ctx.allocate_output(0, x.dtype(), out_shape));
    const int64_t batches = plan.out.num_elements();
    if (batches == 0 || m == 0 || n == 0) return absl::OkStatus();
    const int64_t nx = bx.num_elements(), ny = by.num_elements();
    if ((nx == batches || nx == 1) && (ny == batches || ny == 1)) {
      return RowMajorGemm<T>(ctx, adj_x_, adj_y_, m, n, k, x.data<T>(), xc,
                             y.data<T>(), yc, z->data<T>(), batches,
                             nx == 1 ? 0 : xr * xc, ny == 1 ? 0 : yr * yc);
    }
    for (int64_t b = 0; b < batches; ++b) {
      TG_RETURN_IF_ERROR(RowMajorGemm<T>(
          ctx, adj_x_, adj_y_, m, n, k,
          x.data<T>() + BroadcastOffset(b, plan.out, bx) * xr * xc, xc,
          y.data<T>() + BroadcastOffset(b, plan.out, by) * yr * yc, yc,
          z->data<T>() + b * m * n));
    }
    return absl::OkStatus();
  }

 private:
  bool adj_x_ = false, adj_y_ = false;
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
