// MatMul on the CPU through CBLAS (OpenBLAS by default; see
// benchmarks/README.md for the library comparison).
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/op_kernel.h"
#include "kernels/common/elementwise_functors.h"
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

// _FusedMatMul: the product, then bias and activation applied block by
// block of rows while the block is still in cache (one pass over memory
// instead of three).
enum class Activation {
  kNone,
  kRelu,
  kRelu6,
  kElu,
  kLeakyRelu,
  kTanh,
  kSigmoid
};

absl::StatusOr<Activation> ParseFusedOps(const std::vector<std::string>& ops) {
  static const std::pair<const char*, Activation> kActivations[] = {
      {"Relu", Activation::kRelu}, {"Relu6", Activation::kRelu6},
      {"Elu", Activation::kElu},   {"LeakyRelu", Activation::kLeakyRelu},
      {"Tanh", Activation::kTanh}, {"Sigmoid", Activation::kSigmoid}};
  if (ops.size() == 1 && ops[0] == "BiasAdd") return Activation::kNone;
  if (ops.size() == 2 && ops[0] == "BiasAdd") {
    for (const auto& [name, act] : kActivations) {
      if (ops[1] == name) return act;
    }
  }
  return absl::UnimplementedError(absl::StrCat(
      "fused_ops [", absl::StrJoin(ops, ", "),
      "] is not supported; supported: [BiasAdd] or [BiasAdd, A] with A one "
      "of Relu, Relu6, Elu, LeakyRelu, Tanh, Sigmoid"));
}

// out[r, :] = f(out[r, :] + bias) for rows [r0, r1).
template <typename T, typename F>
void BiasActivate(T* out, const T* bias, int64_t r0, int64_t r1, int64_t n,
                  F f) {
  for (int64_t r = r0; r < r1; ++r) {
    T* row = out + r * n;
    for (int64_t j = 0; j < n; ++j) row[j] = f(row[j] + bias[j]);
  }
}

struct NoActivation {
  template <typename T>
  T operator()(T x) const {
    return x;
  }
};

template <typename T>
class FusedMatMulCpu : public MatMulKernelBase {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_RETURN_IF_ERROR(MatMulKernelBase::Init(c));
    TG_ASSIGN_OR_RETURN(int64_t num_args, c.GetAttr<int64_t>("num_args"));
    TG_REQUIRE(num_args == 1, Unimplemented, "_FusedMatMul with num_args ",
               num_args, " is not supported (1: the bias)");
    TG_ASSIGN_OR_RETURN(std::vector<std::string> ops,
                        c.GetAttr<std::vector<std::string>>("fused_ops"));
    TG_ASSIGN_OR_RETURN(activation_, ParseFusedOps(ops));
    TG_ASSIGN_OR_RETURN(alpha_, c.GetAttr<float>("leakyrelu_alpha"));
    return absl::OkStatus();
  }

  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& a = ctx.input(0);
    const Tensor& b = ctx.input(1);
    const Tensor& bias = ctx.input(2);
    TG_ASSIGN_OR_RETURN(MatMulPlan p, PlanMatMul(a.shape(), b.shape(),
                                                 transpose_a_, transpose_b_));
    TG_REQUIRE(bias.shape().rank() == 1 && bias.NumElements() == p.n,
               InvalidArgument, "bias of shape ", bias.shape().DebugString(),
               " does not match the product's ", p.n, " columns");
    TG_ASSIGN_OR_RETURN(Tensor * out,
                        ctx.allocate_output(0, a.dtype(), p.output));
    if (p.m == 0 || p.n == 0) return absl::OkStatus();
    TG_RETURN_IF_ERROR(CheckBlasDims({p.m, p.n, p.k}));
    // Rows per block: about 256 KiB of output, the size of a core's L2.
    const int64_t rows = std::max<int64_t>(
        1, (int64_t{256} << 10) / (p.n * static_cast<int64_t>(sizeof(T))));
    T* c = out->data<T>();
    for (int64_t r0 = 0; r0 < p.m; r0 += rows) {
      const int64_t r1 = std::min(p.m, r0 + rows);
      if (p.k == 0) {
        std::fill(c + r0 * p.n, c + r1 * p.n, T(0));
      } else {
        // Row r of op(a) starts at a + r * k, or at column r of a^T.
        const T* ar = a.data<T>() + (transpose_a_ ? r0 : r0 * p.a_cols);
        TG_RETURN_IF_ERROR(Gemm<T>(transpose_a_, transpose_b_, r1 - r0, p.n,
                                   p.k, ar, p.a_cols, b.data<T>(), p.b_cols,
                                   T(0), c + r0 * p.n, p.n));
      }
      Epilogue(ctx, c, bias.data<T>(), r0, r1, p.n);
    }
    return absl::OkStatus();
  }

 private:
  template <typename F>
  void Apply(OpKernelContext& ctx, T* c, const T* bias, int64_t r0, int64_t r1,
             int64_t n, F f) {
    ctx.thread_pool()->ParallelFor(r1 - r0, n, [&](int64_t b, int64_t e) {
      BiasActivate(c, bias, r0 + b, r0 + e, n, f);
    });
  }
  void Epilogue(OpKernelContext& ctx, T* c, const T* bias, int64_t r0,
                int64_t r1, int64_t n) {
    switch (activation_) {
      case Activation::kNone:
        return Apply(ctx, c, bias, r0, r1, n, NoActivation());
      case Activation::kRelu:
        return Apply(ctx, c, bias, r0, r1, n, functor::Relu());
      case Activation::kRelu6:
        return Apply(ctx, c, bias, r0, r1, n, functor::Relu6());
      case Activation::kElu:
        return Apply(ctx, c, bias, r0, r1, n, functor::Elu());
      case Activation::kLeakyRelu:
        return Apply(ctx, c, bias, r0, r1, n, functor::LeakyRelu{alpha_});
      case Activation::kTanh:
        return Apply(ctx, c, bias, r0, r1, n, functor::Tanh());
      case Activation::kSigmoid:
        return Apply(ctx, c, bias, r0, r1, n, functor::Sigmoid());
    }
  }

  Activation activation_ = Activation::kNone;
  float alpha_ = 0.2f;
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
TG_REGISTER_KERNEL(CpuKernel("_FusedMatMul").TypeConstraint<float>("T"),
                   FusedMatMulCpu<float>);
TG_REGISTER_KERNEL(CpuKernel("_FusedMatMul").TypeConstraint<double>("T"),
                   FusedMatMulCpu<double>);
TG_REGISTER_KERNEL(CpuKernel("MatMul").TypeConstraint<double>("T"),
                   MatMulCpu<double>);

}  // namespace
}  // namespace tg
