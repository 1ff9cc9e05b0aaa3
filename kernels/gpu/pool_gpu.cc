// Pooling and batch normalization on the GPU (kernels in pool.cu and
// batch_norm.cu), NHWC or NCHW, float and double, with the CPU kernels'
// checks.
#include "kernels/common/batch_norm_kernels.h"
#include "kernels/common/window_kernels.h"
#include "kernels/gpu/gpu_kernel.h"
#include "kernels/gpu/window_launch.h"

namespace tg {
namespace gpu {
namespace {

PoolDims DimsOf(const WindowGeometry& g) {
  return {g.batch,        g.in_channels,  g.h.in,     g.w.in,     g.h.out,
          g.w.out,        g.h.window,     g.w.window, g.h.stride, g.w.stride,
          g.h.pad_before, g.w.pad_before, g.nchw};
}

template <typename T, bool kMax>
class PoolGpu : public PoolKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(WindowGeometry g,
                        PoolGeometry(attrs_, ctx.input(0).shape()));
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, ctx.input(0).dtype(), g.output));
    if (y->NumElements() == 0) return absl::OkStatus();
    (kMax ? LaunchMaxPool<T> : LaunchAvgPool<T>)(Stream(ctx), DimsOf(g),
                                                 ctx.input(0).data<T>(),
                                                 y->data<T>());
    return absl::OkStatus();
  }
};

// MaxPoolGrad (kGradGrad false) and MaxPoolGradGrad.
template <typename T, bool kGradGrad>
class MaxPoolGradGpu : public PoolKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(WindowGeometry g,
                        MaxPoolGradGeometry(ctx, attrs_, kGradGrad));
    TG_ASSIGN_OR_RETURN(Tensor * out,
                        ctx.allocate_output(0, ctx.input(0).dtype(),
                                            kGradGrad ? g.output : g.input));
    if (out->NumElements() == 0) return absl::OkStatus();
    (kGradGrad ? LaunchMaxPoolGradGrad<T>
               : LaunchMaxPoolGrad<T>)(Stream(ctx), DimsOf(g),
                                       ctx.input(0).data<T>(),
                                       ctx.input(2).data<T>(), out->data<T>());
    return absl::OkStatus();
  }
};

template <typename T>
class AvgPoolGradGpu : public PoolKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(WindowGeometry g, AvgPoolGradGeometry(ctx, attrs_));
    TG_ASSIGN_OR_RETURN(Tensor * dx,
                        ctx.allocate_output(0, ctx.input(1).dtype(), g.input));
    if (dx->NumElements() == 0) return absl::OkStatus();
    LaunchAvgPoolGrad<T>(Stream(ctx), DimsOf(g), ctx.input(1).data<T>(),
                         dx->data<T>());
    return absl::OkStatus();
  }
};

ChannelDims DimsOf(const ChannelView& v) {
  return {v.outer, v.channels, v.inner};
}

template <typename T>
class FusedBatchNormGpu : public BatchNormKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_ASSIGN_OR_RETURN(ChannelView v, CheckForwardInputs(ctx));
    const int64_t c = v.channels;
    const DataType u = ctx.input(1).dtype();
    T* out[5] = {};
    for (int i = 1; i <= 4; ++i) {
      TG_ASSIGN_OR_RETURN(Tensor * t,
                          ctx.allocate_output(i, u, TensorShape({c})));
      out[i] = t->data<T>();
    }
    TG_RETURN_IF_ERROR(ctx.allocate_output(5, u, TensorShape({0})).status());
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, x.dtype(), x.shape()));
    const ChannelDims d = DimsOf(v);
    // Training: the batch's moments, kept in reserve spaces 1 and 2
    // (out[3], out[4]) and then normalized with.
    const T* mean = ctx.input(3).data<T>();
    const T* var = ctx.input(4).data<T>();
    if (is_training_) {
      LaunchMoments<T>(Stream(ctx), d, x.data<T>(), out[3], out[4]);
      mean = out[3];
      var = out[4];
    }
    if (y->NumElements() > 0) {
      LaunchNormalize<T>(Stream(ctx), d, x.data<T>(), mean, var,
                         ctx.input(1).data<T>(), ctx.input(2).data<T>(),
                         epsilon_, y->data<T>());
    }
    StatsArgs a;
    const bool blend = is_training_ && factor_ != 1.0;
    a.mean_in = blend ? ctx.input(3).raw_data() : nullptr;
    a.var_in = blend ? ctx.input(4).raw_data() : nullptr;
    a.factor = factor_;
    a.count = v.count();
    a.training = is_training_;
    if (c > 0) {
      LaunchRunningStats<T>(Stream(ctx), c, mean, var, a, out[1], out[2],
                            out[3], out[4]);
    }
    return absl::OkStatus();
  }
};

template <typename T>
class FusedBatchNormGradGpu : public BatchNormKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(1);
    TG_ASSIGN_OR_RETURN(ChannelView v, CheckGradInputs(ctx));
    const int64_t c = v.channels;
    const DataType u = ctx.input(2).dtype();
    TG_ASSIGN_OR_RETURN(Tensor * dx,
                        ctx.allocate_output(0, x.dtype(), x.shape()));
    TG_ASSIGN_OR_RETURN(Tensor * ds,
                        ctx.allocate_output(1, u, TensorShape({c})));
    TG_ASSIGN_OR_RETURN(Tensor * db,
                        ctx.allocate_output(2, u, TensorShape({c})));
    for (int i = 3; i <= 4; ++i) {
      TG_RETURN_IF_ERROR(ctx.allocate_output(i, u, TensorShape({0})).status());
    }
    if (c == 0) return absl::OkStatus();
    TG_ASSIGN_OR_RETURN(Tensor sums, ctx.allocate_temp(u, TensorShape({2, c})));
    T* sum_dy = sums.data<T>();
    const ChannelDims d = DimsOf(v);
    const T* mean = ctx.input(3).data<T>();
    LaunchGradSums<T>(Stream(ctx), d, ctx.input(0).data<T>(), x.data<T>(), mean,
                      sum_dy, sum_dy + c);
    LaunchBatchNormGrad<T>(Stream(ctx), d, ctx.input(0).data<T>(), x.data<T>(),
                           ctx.input(2).data<T>(), mean, ctx.input(4).data<T>(),
                           sum_dy, sum_dy + c, epsilon_, is_training_,
                           dx->data<T>(), ds->data<T>(), db->data<T>());
    return absl::OkStatus();
  }
};

#define TG_GPU_POOL(T)                                                    \
  TG_REGISTER_KERNEL(GpuKernel("MaxPool").TypeConstraint<T>("T"),         \
                     PoolGpu<T, true>);                                   \
  TG_REGISTER_KERNEL(GpuKernel("AvgPool").TypeConstraint<T>("T"),         \
                     PoolGpu<T, false>);                                  \
  TG_REGISTER_KERNEL(GpuKernel("MaxPoolGrad").TypeConstraint<T>("T"),     \
                     MaxPoolGradGpu<T, false>);                           \
  TG_REGISTER_KERNEL(GpuKernel("MaxPoolGradGrad").TypeConstraint<T>("T"), \
                     MaxPoolGradGpu<T, true>);                            \
  TG_REGISTER_KERNEL(GpuKernel("AvgPoolGrad").TypeConstraint<T>("T"),     \
                     AvgPoolGradGpu<T>);                                  \
  TG_REGISTER_KERNEL(GpuKernel("FusedBatchNormV3")                        \
                         .TypeConstraint<T>("T")                          \
                         .TypeConstraint<T>("U"),                         \
                     FusedBatchNormGpu<T>);                               \
  TG_REGISTER_KERNEL(GpuKernel("FusedBatchNormGradV3")                    \
                         .TypeConstraint<T>("T")                          \
                         .TypeConstraint<T>("U"),                         \
                     FusedBatchNormGradGpu<T>)
TG_GPU_POOL(float);
TG_GPU_POOL(double);
#undef TG_GPU_POOL

}  // namespace
}  // namespace gpu
}  // namespace tg
