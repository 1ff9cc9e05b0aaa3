// Elementwise CPU kernels: one registration line per (op, dtype) over the
// shared functors.
#include "absl/strings/str_cat.h"
#include "core/kernel_checks.h"
#include "kernels/common/elementwise_functors.h"
#include "kernels/common/kernel_plans.h"
#include "kernels/cpu/elementwise.h"

namespace tg {

namespace {

#define TG_CPU_KERNEL(OP, T) CpuKernel(OP).TypeConstraint<T>("T")

#define TG_CPU_UNARY(OP, F, T) \
  TG_REGISTER_KERNEL(TG_CPU_KERNEL(OP, T), UnaryCpu<T, functor::F>)
#define TG_CPU_BINARY(OP, F, T) \
  TG_REGISTER_KERNEL(TG_CPU_KERNEL(OP, T), BinaryCpu<T, T, functor::F>)
#define TG_CPU_COMPARE(OP, F, T) \
  TG_REGISTER_KERNEL(TG_CPU_KERNEL(OP, T), BinaryCpu<T, bool, functor::F>)

// Integer division and modulo check for a zero divisor first (a hardware
// trap otherwise), and integer Pow for a negative exponent, failing as
// TensorFlow does.
template <typename T, typename F, bool kPow>
class CheckedIntegerCpu : public BinaryCpu<T, T, F> {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    if constexpr (std::is_integral_v<T>) {
      const Tensor& y = ctx.input(1);
      const T* yp = y.data<T>();
      for (int64_t i = 0; i < y.NumElements(); ++i) {
        if constexpr (kPow) {
          TG_REQUIRE(yp[i] >= 0, InvalidArgument,
                     "Integers to negative integer powers are not allowed "
                     "(exponent ",
                     yp[i], " at element ", i, ")");
        } else {
          TG_REQUIRE(yp[i] != 0, InvalidArgument,
                     "Integer division by zero (divisor element ", i, ")");
        }
      }
    }
    return BinaryCpu<T, T, F>::Compute(ctx);
  }
};
#define TG_CPU_DIVISION(OP, F, T)          \
  TG_REGISTER_KERNEL(TG_CPU_KERNEL(OP, T), \
                     CheckedIntegerCpu<T, functor::F, false>)

#define TG_CPU_ARITHMETIC(T)                                    \
  TG_CPU_DIVISION("Div", TruncDiv, T);                          \
  TG_CPU_DIVISION("FloorDiv", FloorDiv, T);                     \
  TG_CPU_DIVISION("FloorMod", FloorMod, T);                     \
  TG_CPU_BINARY("Add", Add, T);                                 \
  TG_CPU_BINARY("AddV2", Add, T);                               \
  TG_CPU_BINARY("Sub", Sub, T);                                 \
  TG_CPU_BINARY("Mul", Mul, T);                                 \
  TG_CPU_UNARY("Neg", Neg, T);                                  \
  TG_CPU_UNARY("Abs", Abs, T);                                  \
  TG_CPU_UNARY("Sign", Sign, T);                                \
  TG_CPU_BINARY("Maximum", Maximum, T);                         \
  TG_CPU_BINARY("Minimum", Minimum, T);                         \
  TG_REGISTER_KERNEL(TG_CPU_KERNEL("Pow", T),                   \
                     CheckedIntegerCpu<T, functor::Pow, true>); \
  TG_CPU_UNARY("Square", Square, T);                            \
  TG_CPU_COMPARE("Equal", Equal, T);                            \
  TG_CPU_COMPARE("Greater", Greater, T);                        \
  TG_CPU_COMPARE("GreaterEqual", GreaterEqual, T);              \
  TG_CPU_COMPARE("Less", Less, T);                              \
  TG_CPU_COMPARE("LessEqual", LessEqual, T)

TG_CPU_ARITHMETIC(float);
TG_CPU_ARITHMETIC(double);
TG_CPU_ARITHMETIC(int32_t);
TG_CPU_ARITHMETIC(int64_t);
TG_CPU_COMPARE("Equal", Equal, bool);

// LeakyRelu and its gradient: the functor carries the node's alpha.
template <typename T>
class LeakyReluCpu : public AlphaKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, x.dtype(), x.shape()));
    const functor::LeakyRelu f{alpha_};
    const T* in = x.data<T>();
    T* out = y->data<T>();
    for (int64_t i = 0; i < x.NumElements(); ++i) out[i] = f(in[i]);
    return absl::OkStatus();
  }
};

template <typename T>
class LeakyReluGradCpu : public AlphaKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& dy = ctx.input(0);
    const Tensor& x = ctx.input(1);
    TG_RETURN_IF_ERROR(RequireSameShape(dy, x, "gradients and features"));
    TG_ASSIGN_OR_RETURN(Tensor * out,
                        ctx.allocate_output(0, x.dtype(), x.shape()));
    const functor::LeakyReluGrad f{alpha_};
    const T* g = dy.data<T>();
    const T* xs = x.data<T>();
    T* o = out->data<T>();
    for (int64_t i = 0; i < x.NumElements(); ++i) o[i] = f(g[i], xs[i]);
    return absl::OkStatus();
  }
};

#define TG_CPU_FLOATING(T)                                            \
  TG_CPU_BINARY("RealDiv", RealDiv, T);                               \
  TG_CPU_UNARY("Sigmoid", Sigmoid, T);                                \
  TG_CPU_UNARY("Tanh", Tanh, T);                                      \
  TG_CPU_UNARY("Relu", Relu, T);                                      \
  TG_CPU_UNARY("Relu6", Relu6, T);                                    \
  TG_CPU_UNARY("Elu", Elu, T);                                        \
  TG_CPU_UNARY("Exp", ExpF, T);                                       \
  TG_CPU_UNARY("Log", Log, T);                                        \
  TG_CPU_UNARY("Log1p", Log1p, T);                                    \
  TG_CPU_UNARY("Sqrt", Sqrt, T);                                      \
  TG_CPU_UNARY("Rsqrt", Rsqrt, T);                                    \
  TG_CPU_UNARY("Reciprocal", Reciprocal, T);                          \
  TG_CPU_UNARY("Softplus", Softplus, T);                              \
  TG_CPU_BINARY("SigmoidGrad", SigmoidGrad, T);                       \
  TG_CPU_BINARY("TanhGrad", TanhGrad, T);                             \
  TG_CPU_BINARY("ReluGrad", ReluGrad, T);                             \
  TG_CPU_BINARY("Relu6Grad", Relu6Grad, T);                           \
  TG_CPU_BINARY("EluGrad", EluGrad, T);                               \
  TG_REGISTER_KERNEL(TG_CPU_KERNEL("LeakyRelu", T), LeakyReluCpu<T>); \
  TG_REGISTER_KERNEL(TG_CPU_KERNEL("LeakyReluGrad", T), LeakyReluGradCpu<T>)

TG_CPU_FLOATING(float);
TG_CPU_FLOATING(double);

}  // namespace
}  // namespace tg
