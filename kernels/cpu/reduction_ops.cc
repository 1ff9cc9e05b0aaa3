// Reductions on the CPU: Sum, Mean, Prod over any set of axes, ArgMax over
// one axis, and BiasAddGrad (a sum over all but the channel axis).
#include <limits>

#include "absl/strings/str_cat.h"
#include "core/checked_math.h"
#include "core/kernel_checks.h"
#include "core/op_kernel.h"
#include "kernels/common/kernel_plans.h"
#include "kernels/common/reduction_plan.h"

namespace tg {
namespace {

// Accumulate float in double: a 60,000-term float sum otherwise loses
// about four digits.
template <typename T>
using AccType = std::conditional_t<std::is_same_v<T, float>, double, T>;

// Integer sums and products wrap around (two's complement), as
// elementwise integer math does.
struct SumOp {
  template <typename A>
  static A Init() {
    return A(0);
  }
  template <typename A>
  static A Apply(A acc, A x) {
    return WrappingAdd(acc, x);
  }
};
struct ProdOp {
  template <typename A>
  static A Init() {
    return A(1);
  }
  template <typename A>
  static A Apply(A acc, A x) {
    return WrappingMul(acc, x);
  }
};

struct MaxOp {
  template <typename A>
  static A Init() {
    return std::numeric_limits<A>::lowest();
  }
  template <typename A>
  static A Apply(A acc, A x) {
    return x > acc ? x : acc;
  }
};
struct MinOp {
  template <typename A>
  static A Init() {
    return std::numeric_limits<A>::max();
  }
  template <typename A>
  static A Apply(A acc, A x) {
    return x < acc ? x : acc;
  }
};

// Reduces `in` (shape `dims`) over the dims flagged in `reduced` into `out`
// (one accumulator per kept element, row-major over the kept dims).
template <typename T, typename Op>
void Reduce(const T* in, const Dims& dims, const std::vector<bool>& reduced,
            AccType<T>* out, int64_t out_size) {
  using A = AccType<T>;
  std::fill_n(out, out_size, Op::template Init<A>());
  // Merge neighbouring dims with the same flag: [a, b, c] reduced on b and c
  // is [a, b*c] reduced on the last dim.
  Dims cdims;
  std::vector<bool> cred;
  for (size_t d = 0; d < dims.size(); ++d) {
    if (dims[d] == 1) continue;
    if (!cred.empty() && cred.back() == reduced[d]) {
      cdims.back() *= dims[d];
    } else {
      cdims.push_back(dims[d]);
      cred.push_back(reduced[d]);
    }
  }
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  if (n == 0) return;
  if (cdims.empty() || (cdims.size() == 1 && !cred[0])) {
    for (int64_t i = 0; i < n; ++i) out[i] = Op::Apply(out[i], A(in[i]));
  } else if (cdims.size() == 1) {
    for (int64_t i = 0; i < n; ++i) out[0] = Op::Apply(out[0], A(in[i]));
  } else if (cdims.size() == 2 && cred[1]) {  // [kept, reduced]
    const int64_t inner = cdims[1];
    for (int64_t r = 0; r < cdims[0]; ++r) {
      A acc = out[r];
      for (int64_t i = 0; i < inner; ++i)
        acc = Op::Apply(acc, A(in[r * inner + i]));
      out[r] = acc;
    }
  } else if (cdims.size() == 2) {  // [reduced, kept]
    const int64_t inner = cdims[1];
    for (int64_t r = 0; r < cdims[0]; ++r) {
      for (int64_t i = 0; i < inner; ++i) {
        out[i] = Op::Apply(out[i], A(in[r * inner + i]));
      }
    }
  } else {
    // General case: walk the input with an odometer tracking the output
    // offset (stride 0 along reduced dims).
    const int rank = static_cast<int>(cdims.size());
    Dims out_stride(rank, 0);
    int64_t s = 1;
    for (int d = rank - 1; d >= 0; --d) {
      if (!cred[d]) {
        out_stride[d] = s;
        s *= cdims[d];
      }
    }
    Dims index(rank, 0);
    int64_t o = 0;
    for (int64_t i = 0; i < n; ++i) {
      out[o] = Op::Apply(out[o], A(in[i]));
      for (int d = rank - 1; d >= 0; --d) {
        o += out_stride[d];
        if (++index[d] < cdims[d]) break;
        o -= out_stride[d] * index[d];
        index[d] = 0;
      }
    }
  }
}

template <typename T, typename Op, bool kMean>
class ReductionCpu : public ReductionKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_ASSIGN_OR_RETURN(ReductionPlanResult plan,
                        PlanReductionOf(ctx, keep_dims_));
    const std::vector<bool>& reduced = plan.reduced;
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, x.dtype(), plan.output));
    const int64_t out_size = plan.output.num_elements();
    // Elements per group: the product of the reduced dims.
    const int64_t count = plan.count;
    if constexpr (kMean && std::is_integral_v<T>) {
      TG_REQUIRE(count > 0 || out_size == 0, InvalidArgument,
                 "integer Mean over an empty axis of ", x.shape().DebugString(),
                 " has no value");
    }
    TG_ASSIGN_OR_RETURN(Tensor acc,
                        ctx.allocate_temp(DataTypeToEnum<AccType<T>>::value,
                                          TensorShape({out_size})));
    AccType<T>* a = acc.data<AccType<T>>();
    Reduce<T, Op>(x.data<T>(), x.shape().dims(), reduced, a, out_size);
    T* out = y->template data<T>();
    for (int64_t i = 0; i < out_size; ++i) {
      out[i] = kMean ? static_cast<T>(a[i] / AccType<T>(count))
                     : static_cast<T>(a[i]);
    }
    return absl::OkStatus();
  }
};

template <typename T>
class BiasAddGradCpu : public DataFormatKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& dy = ctx.input(0);
    TG_ASSIGN_OR_RETURN(ReductionPlanResult plan,
                        PlanBiasAddGrad(dy.shape(), nchw_));
    const std::vector<bool>& reduced = plan.reduced;
    const int64_t c = plan.output.dim_size(0);
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, dy.dtype(), plan.output));
    TG_ASSIGN_OR_RETURN(
        Tensor acc,
        ctx.allocate_temp(DataTypeToEnum<AccType<T>>::value, TensorShape({c})));
    AccType<T>* a = acc.data<AccType<T>>();
    Reduce<T, SumOp>(dy.data<T>(), dy.shape().dims(), reduced, a, c);
    T* out = y->template data<T>();
    for (int64_t i = 0; i < c; ++i) out[i] = static_cast<T>(a[i]);
    return absl::OkStatus();
  }
};

template <typename T, typename Tout>
class ArgMaxCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_ASSIGN_OR_RETURN(AxisPlan p, PlanArgMax(ctx));
    const int64_t n = p.n, outer = p.outer, inner = p.inner;
    const TensorShape& out_shape = p.output;
    const T* in = x.data<T>();
    TG_ASSIGN_OR_RETURN(
        Tensor * y,
        ctx.allocate_output(0, DataTypeToEnum<Tout>::value, out_shape));
    Tout* out = y->template data<Tout>();
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < inner; ++i) {
        const T* base = in + o * n * inner + i;
        int64_t best = 0;
        for (int64_t k = 1; k < n; ++k) {
          if (base[k * inner] > base[best * inner]) best = k;
        }
        out[o * inner + i] = static_cast<Tout>(best);
      }
    }
    return absl::OkStatus();
  }
};

#define TG_CPU_REDUCTIONS(T)                                              \
  TG_REGISTER_KERNEL(CpuKernel("Sum").TypeConstraint<T>("T"),             \
                     ReductionCpu<T, SumOp, false>);                      \
  TG_REGISTER_KERNEL(CpuKernel("Mean").TypeConstraint<T>("T"),            \
                     ReductionCpu<T, SumOp, true>);                       \
  TG_REGISTER_KERNEL(CpuKernel("Prod").TypeConstraint<T>("T"),            \
                     ReductionCpu<T, ProdOp, false>);                     \
  TG_REGISTER_KERNEL(CpuKernel("Max").TypeConstraint<T>("T"),             \
                     ReductionCpu<T, MaxOp, false>);                      \
  TG_REGISTER_KERNEL(CpuKernel("Min").TypeConstraint<T>("T"),             \
                     ReductionCpu<T, MinOp, false>);                      \
  TG_REGISTER_KERNEL(CpuKernel("BiasAddGrad").TypeConstraint<T>("T"),     \
                     BiasAddGradCpu<T>);                                  \
  TG_REGISTER_KERNEL(                                                     \
      CpuKernel("ArgMax").TypeConstraint<T>("T").TypeConstraint<int64_t>( \
          "output_type"),                                                 \
      ArgMaxCpu<T, int64_t>);                                             \
  TG_REGISTER_KERNEL(                                                     \
      CpuKernel("ArgMax").TypeConstraint<T>("T").TypeConstraint<int32_t>( \
          "output_type"),                                                 \
      ArgMaxCpu<T, int32_t>)

TG_CPU_REDUCTIONS(float);
TG_CPU_REDUCTIONS(double);
TG_CPU_REDUCTIONS(int32_t);
TG_CPU_REDUCTIONS(int64_t);

}  // namespace
}  // namespace tg
