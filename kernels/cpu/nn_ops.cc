// Neural-network CPU kernels: BiasAdd, Softmax and the sparse softmax
// cross-entropy.
#include <cmath>

#include "absl/strings/str_cat.h"
#include "core/op_kernel.h"
#include "kernels/common/kernel_plans.h"

namespace tg {
namespace {

template <typename T>
class BiasAddCpu : public DataFormatKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& v = ctx.input(0);
    const Tensor& b = ctx.input(1);
    const int rank = v.shape().rank();
    if (rank < 2 || b.shape().rank() != 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "value must have rank >= 2 and bias rank 1, got ",
          v.shape().DebugString(), " and ", b.shape().DebugString()));
    }
    const int axis = nchw_ ? 1 : rank - 1;
    const int64_t c = v.shape().dim_size(axis);
    if (b.NumElements() != c) {
      return absl::InvalidArgumentError(
          absl::StrCat("bias of shape ", b.shape().DebugString(),
                       " does not match the channel dimension of value ",
                       v.shape().DebugString()));
    }
    int64_t inner = 1;
    for (int d = axis + 1; d < rank; ++d) inner *= v.shape().dim_size(d);
    const T* in = v.data<T>();
    const T* bias = b.data<T>();
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, v.dtype(), v.shape()));
    T* out = y->template data<T>();
    const int64_t n = v.NumElements();
    if (n == 0) return absl::OkStatus();
    // Element i has channel (i / inner) % c.
    ctx.thread_pool()->ParallelFor(n / (c * inner), c * inner,
                                   [&](int64_t b0, int64_t e0) {
                                     for (int64_t o = b0; o < e0; ++o) {
                                       const int64_t base = o * c * inner;
                                       for (int64_t ch = 0; ch < c; ++ch) {
                                         const T add = bias[ch];
                                         const int64_t s = base + ch * inner;
                                         for (int64_t i = 0; i < inner; ++i) {
                                           out[s + i] = in[s + i] + add;
                                         }
                                       }
                                     }
                                   });
    return absl::OkStatus();
  }
};

// log(sum(exp(row))), stable against overflow: the maximum is factored out.
template <typename T>
T LogSumExp(const T* row, int64_t n) {
  T m = row[0];
  for (int64_t i = 1; i < n; ++i) m = std::max(m, row[i]);
  T sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += std::exp(row[i] - m);
  return m + std::log(sum);
}

// Softmax (kLog false) or log-softmax (kLog true) over the last axis.
template <typename T, bool kLog>
class SoftmaxCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    if (x.shape().rank() < 1) {
      return absl::InvalidArgumentError("logits must have rank >= 1");
    }
    const int64_t n = x.shape().dim_size(x.shape().rank() - 1);
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, x.dtype(), x.shape()));
    T* out = y->template data<T>();
    if (n == 0) return absl::OkStatus();
    const T* in = x.data<T>();
    for (int64_t r = 0; r < x.NumElements() / n; ++r) {
      const T* row = in + r * n;
      const T lse = LogSumExp(row, n);
      for (int64_t i = 0; i < n; ++i) {
        out[r * n + i] = kLog ? row[i] - lse : std::exp(row[i] - lse);
      }
    }
    return absl::OkStatus();
  }
};

template <typename T>
class L2LossCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& t = ctx.input(0);
    double sum = 0;
    for (T v : t.flat<T>()) sum += static_cast<double>(v) * v;
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, t.dtype(), TensorShape()));
    y->template data<T>()[0] = static_cast<T>(sum / 2);
    return absl::OkStatus();
  }
};

// Both cross-entropies: loss [batch] as output 0, backprop shaped like the
// logits as output 1.
template <typename T>
absl::StatusOr<T*> AllocateLossAndBackprop(OpKernelContext& ctx,
                                           const Tensor& logits) {
  TG_ASSIGN_OR_RETURN(
      Tensor * loss,
      ctx.allocate_output(0, logits.dtype(),
                          TensorShape({logits.shape().dim_size(0)})));
  TG_RETURN_IF_ERROR(
      ctx.allocate_output(1, logits.dtype(), logits.shape()).status());
  return loss->template data<T>();
}

// Dense labels: loss = -sum(labels * log_softmax), backprop = softmax -
// labels.
template <typename T>
class XentCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& logits = ctx.input(0);
    const Tensor& labels = ctx.input(1);
    if (logits.shape().rank() != 2 || labels.shape() != logits.shape()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "features and labels must both be [batch, classes], got ",
          logits.shape().DebugString(), " and ", labels.shape().DebugString()));
    }
    const int64_t batch = logits.shape().dim_size(0);
    const int64_t classes = logits.shape().dim_size(1);
    TG_REQUIRE(batch == 0 || classes > 0, InvalidArgument,
               "must have at least one class, got logits of shape ",
               logits.shape().DebugString());
    TG_ASSIGN_OR_RETURN(T * loss, AllocateLossAndBackprop<T>(ctx, logits));
    T* backprop = ctx.output_data<T>(1);
    const T* in = logits.data<T>();
    const T* lab = labels.data<T>();
    for (int64_t r = 0; r < batch; ++r) {
      const T* row = in + r * classes;
      const T lse = LogSumExp(row, classes);
      T l = 0;
      for (int64_t i = 0; i < classes; ++i) {
        const T log_p = row[i] - lse;
        l -= lab[r * classes + i] * log_p;
        backprop[r * classes + i] = std::exp(log_p) - lab[r * classes + i];
      }
      loss[r] = l;
    }
    return absl::OkStatus();
  }
};

template <typename T, typename L>
class SparseXentCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& logits = ctx.input(0);
    const Tensor& labels = ctx.input(1);
    if (logits.shape().rank() != 2 || labels.shape().rank() != 1 ||
        labels.shape().dim_size(0) != logits.shape().dim_size(0)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "features must be [batch, classes] and labels [batch], got ",
          logits.shape().DebugString(), " and ", labels.shape().DebugString()));
    }
    const int64_t batch = logits.shape().dim_size(0);
    const int64_t classes = logits.shape().dim_size(1);
    const L* lab = labels.data<L>();
    TG_REQUIRE(batch == 0 || classes > 0, InvalidArgument,
               "must have at least one class, got logits of shape ",
               logits.shape().DebugString());
    for (int64_t r = 0; r < batch; ++r) {
      if (lab[r] < 0 || lab[r] >= classes) {
        return absl::InvalidArgumentError(
            absl::StrCat("label ", lab[r], " at index ", r,
                         " is outside the valid range [0, ", classes, ")"));
      }
    }
    TG_ASSIGN_OR_RETURN(T * loss, AllocateLossAndBackprop<T>(ctx, logits));
    T* backprop = ctx.output_data<T>(1);
    const T* in = logits.data<T>();
    for (int64_t r = 0; r < batch; ++r) {
      const T* row = in + r * classes;
      T* grad = backprop + r * classes;
      // loss = logsumexp(row) - row[label]; backprop = softmax - one_hot.
      const T lse = LogSumExp(row, classes);
      loss[r] = lse - row[lab[r]];
      for (int64_t i = 0; i < classes; ++i) grad[i] = std::exp(row[i] - lse);
      grad[lab[r]] -= T(1);
    }
    return absl::OkStatus();
  }
};

#define TG_CPU_NN_MORE(T)                                                \
  TG_REGISTER_KERNEL(CpuKernel("LogSoftmax").TypeConstraint<T>("T"),     \
                     SoftmaxCpu<T, true>);                               \
  TG_REGISTER_KERNEL(CpuKernel("L2Loss").TypeConstraint<T>("T"),         \
                     L2LossCpu<T>);                                      \
  TG_REGISTER_KERNEL(                                                    \
      CpuKernel("SoftmaxCrossEntropyWithLogits").TypeConstraint<T>("T"), \
      XentCpu<T>)
TG_CPU_NN_MORE(float);
TG_CPU_NN_MORE(double);

#define TG_CPU_NN(T)                                                  \
  TG_REGISTER_KERNEL(CpuKernel("BiasAdd").TypeConstraint<T>("T"),     \
                     BiasAddCpu<T>);                                  \
  TG_REGISTER_KERNEL(CpuKernel("Softmax").TypeConstraint<T>("T"),     \
                     SoftmaxCpu<T, false>);                           \
  TG_REGISTER_KERNEL(CpuKernel("SparseSoftmaxCrossEntropyWithLogits") \
                         .TypeConstraint<T>("T")                      \
                         .TypeConstraint<int32_t>("Tlabels"),         \
                     SparseXentCpu<T, int32_t>);                      \
  TG_REGISTER_KERNEL(CpuKernel("SparseSoftmaxCrossEntropyWithLogits") \
                         .TypeConstraint<T>("T")                      \
                         .TypeConstraint<int64_t>("Tlabels"),         \
                     SparseXentCpu<T, int64_t>)

TG_CPU_NN(float);
TG_CPU_NN(double);

}  // namespace
}  // namespace tg
