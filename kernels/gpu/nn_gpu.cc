// Softmax, LogSoftmax and the softmax cross-entropies on the GPU.
#include "kernels/gpu/gpu_kernel.h"

namespace tg {
namespace gpu {
namespace {

template <typename T, bool kLog>
class SoftmaxGpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_REQUIRE(x.shape().rank() >= 1, InvalidArgument,
               "logits must have rank >= 1");
    const int64_t n = x.shape().dim_size(x.shape().rank() - 1);
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, x.dtype(), x.shape()));
    if (n == 0) return absl::OkStatus();
    LaunchSoftmax<T>(Stream(ctx), x.data<T>(), y->data<T>(),
                     x.NumElements() / n, n, kLog);
    return absl::OkStatus();
  }
};

// Loss [batch] as output 0, backprop shaped like the logits as output 1.
template <typename T>
absl::Status AllocateLossAndBackprop(OpKernelContext& ctx, const Tensor& logits,
                                     T** loss, T** backprop) {
  TG_ASSIGN_OR_RETURN(
      Tensor * l,
      ctx.allocate_output(0, logits.dtype(),
                          TensorShape({logits.shape().dim_size(0)})));
  TG_ASSIGN_OR_RETURN(Tensor * b,
                      ctx.allocate_output(1, logits.dtype(), logits.shape()));
  *loss = l->data<T>();
  *backprop = b->data<T>();
  return absl::OkStatus();
}

// The labels stay in device memory (no transfer per launch, so the step
// can be captured); the kernel reports one out of range through the device
// (CudaDevice::Sync).
template <typename T, typename L>
class SparseXentGpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    error_ = static_cast<CudaDevice*>(c.device())
                 ->RegisterErrorSite(absl::StrCat(
                     "node '", c.def().name(),
                     "' (SparseSoftmaxCrossEntropyWithLogits): labels"));
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& logits = ctx.input(0);
    const Tensor& labels = ctx.input(1);
    TG_REQUIRE(logits.shape().rank() == 2 && labels.shape().rank() == 1 &&
                   labels.shape().dim_size(0) == logits.shape().dim_size(0),
               InvalidArgument,
               "features must be [batch, classes] and labels [batch], got ",
               logits.shape().DebugString(), " and ",
               labels.shape().DebugString());
    const int64_t batch = logits.shape().dim_size(0);
    const int64_t classes = logits.shape().dim_size(1);
    TG_REQUIRE(batch == 0 || classes > 0, InvalidArgument,
               "must have at least one class, got logits of shape ",
               logits.shape().DebugString());
    T *loss, *backprop;
    TG_RETURN_IF_ERROR(AllocateLossAndBackprop(ctx, logits, &loss, &backprop));
    LaunchSparseXent<T, L>(Stream(ctx), logits.data<T>(), labels.data<L>(),
                           loss, backprop, batch, classes, error_);
    return absl::OkStatus();
  }

 private:
  ErrorSite error_;
};

template <typename T>
class XentGpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& logits = ctx.input(0);
    const Tensor& labels = ctx.input(1);
    TG_REQUIRE(logits.shape().rank() == 2 && labels.shape() == logits.shape(),
               InvalidArgument,
               "features and labels must both be [batch, classes], got ",
               logits.shape().DebugString(), " and ",
               labels.shape().DebugString());
    const int64_t batch = logits.shape().dim_size(0);
    const int64_t classes = logits.shape().dim_size(1);
    TG_REQUIRE(batch == 0 || classes > 0, InvalidArgument,
               "must have at least one class, got logits of shape ",
               logits.shape().DebugString());
    T *loss, *backprop;
    TG_RETURN_IF_ERROR(AllocateLossAndBackprop(ctx, logits, &loss, &backprop));
    LaunchXent<T>(Stream(ctx), logits.data<T>(), labels.data<T>(), loss,
                  backprop, batch, classes);
    return absl::OkStatus();
  }
};

#define TG_GPU_NN(T)                                                     \
  TG_REGISTER_KERNEL(GpuKernel("Softmax").TypeConstraint<T>("T"),        \
                     SoftmaxGpu<T, false>);                              \
  TG_REGISTER_KERNEL(GpuKernel("LogSoftmax").TypeConstraint<T>("T"),     \
                     SoftmaxGpu<T, true>);                               \
  TG_REGISTER_KERNEL(                                                    \
      GpuKernel("SoftmaxCrossEntropyWithLogits").TypeConstraint<T>("T"), \
      XentGpu<T>);                                                       \
  TG_REGISTER_KERNEL(GpuKernel("SparseSoftmaxCrossEntropyWithLogits")    \
                         .TypeConstraint<T>("T")                         \
                         .TypeConstraint<int32_t>("Tlabels"),            \
                     SparseXentGpu<T, int32_t>);                         \
  TG_REGISTER_KERNEL(GpuKernel("SparseSoftmaxCrossEntropyWithLogits")    \
                         .TypeConstraint<T>("T")                         \
                         .TypeConstraint<int64_t>("Tlabels"),            \
                     SparseXentGpu<T, int64_t>)
TG_GPU_NN(float);
TG_GPU_NN(double);

}  // namespace
}  // namespace gpu
}  // namespace tg
