// Elementwise GPU kernels (one registration line per op in cwise_ops.h),
// AddN, Cast and BiasAdd.
#include "core/kernel_checks.h"
#include "kernels/common/elementwise_functors.h"
#include "kernels/common/kernel_plans.h"
#include "kernels/gpu/cwise_ops.h"
#include "kernels/gpu/gpu_kernel.h"

namespace tg {
namespace gpu {
namespace {

template <typename T, typename F>
class UnaryGpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, x.dtype(), x.shape()));
    LaunchUnary<F, T>(Stream(ctx), x.data<T>(), y->data<T>(), x.NumElements());
    return absl::OkStatus();
  }
};

// x op y with NumPy broadcasting; `y_shape` views y with another shape of
// the same size (BiasAdd's bias as [C, 1, 1] for NCHW).
template <typename T, typename Tout, typename F>
absl::Status BroadcastBinary(OpKernelContext& ctx, const Tensor& x,
                             const Tensor& y, const TensorShape& y_shape) {
  const bool same = x.shape() == y_shape;
  BroadcastPlan plan;
  if (!same) {
    TG_ASSIGN_OR_RETURN(plan, PlanBroadcast(x.shape(), y_shape));
  }
  const TensorShape& out_shape = same ? x.shape() : plan.out;
  TG_ASSIGN_OR_RETURN(
      Tensor * out,
      ctx.allocate_output(0, DataTypeToEnum<Tout>::value, out_shape));
  BroadcastIndex index;
  if (!same) {
    TG_ASSIGN_OR_RETURN(index, ToIndex(plan));
  }
  LaunchBinary<F, T, Tout>(Stream(ctx), x.data<T>(), y.data<T>(),
                           out->data<Tout>(), out_shape.num_elements(),
                           same ? nullptr : &index);
  return absl::OkStatus();
}

template <typename T, typename Tout, typename F>
class BinaryGpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    return BroadcastBinary<T, Tout, F>(ctx, ctx.input(0), ctx.input(1),
                                       ctx.input(1).shape());
  }
};

template <typename T>
class BiasAddGpu : public DataFormatKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    const Tensor& bias = ctx.input(1);
    const int rank = x.shape().rank();
    const int axis = nchw_ ? 1 : rank - 1;
    TG_REQUIRE(rank >= 2 && bias.shape().rank() == 1 &&
                   bias.shape().dim_size(0) == x.shape().dim_size(axis),
               InvalidArgument, "bias of shape ", bias.shape().DebugString(),
               " does not match dim ", axis, " of value of shape ",
               x.shape().DebugString());
    // The bias along `axis`, broadcast over the rest.
    Dims dims(rank - axis, 1);
    dims[0] = bias.shape().dim_size(0);
    return BroadcastBinary<T, T, functor::Add>(ctx, x, bias, TensorShape(dims));
  }
};

// AddN: the first two inputs added, then each further one added in place.
template <typename T>
class AddNGpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& first = ctx.input(0);
    TG_RETURN_IF_ERROR(CheckAddNInputs(ctx));
    TG_ASSIGN_OR_RETURN(Tensor * out,
                        ctx.allocate_output(0, first.dtype(), first.shape()));
    const int64_t n = first.NumElements();
    if (n == 0) return absl::OkStatus();
    if (ctx.num_inputs() == 1) {
      return CudaStatus(
          cudaMemcpyAsync(out->data<T>(), first.data<T>(), n * sizeof(T),
                          cudaMemcpyDeviceToDevice, Stream(ctx)),
          "cudaMemcpyAsync");
    }
    LaunchBinary<functor::Add, T, T>(Stream(ctx), first.data<T>(),
                                     ctx.input(1).data<T>(), out->data<T>(), n,
                                     nullptr);
    for (int i = 2; i < ctx.num_inputs(); ++i) {
      LaunchBinary<functor::Add, T, T>(Stream(ctx), out->data<T>(),
                                       ctx.input(i).data<T>(), out->data<T>(),
                                       n, nullptr);
    }
    return absl::OkStatus();
  }
};

template <typename T>
class LeakyReluGpu : public AlphaKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, x.dtype(), x.shape()));
    LaunchLeakyRelu<T>(Stream(ctx), x.data<T>(), y->data<T>(), x.NumElements(),
                       alpha_);
    return absl::OkStatus();
  }
};

template <typename T>
class LeakyReluGradGpu : public AlphaKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& dy = ctx.input(0);
    const Tensor& x = ctx.input(1);
    TG_RETURN_IF_ERROR(RequireSameShape(dy, x, "gradients and features"));
    TG_ASSIGN_OR_RETURN(Tensor * out,
                        ctx.allocate_output(0, x.dtype(), x.shape()));
    LaunchLeakyReluGrad<T>(Stream(ctx), dy.data<T>(), x.data<T>(),
                           out->data<T>(), x.NumElements(), alpha_);
    return absl::OkStatus();
  }
};

template <typename Src>
absl::Status CastFrom(OpKernelContext& ctx, const Tensor& x, Tensor* y) {
  const int64_t n = x.NumElements();
  const Src* in = x.data<Src>();
  switch (y->dtype()) {
    case DT_FLOAT:
      LaunchCast(Stream(ctx), in, y->data<float>(), n);
      break;
    case DT_DOUBLE:
      LaunchCast(Stream(ctx), in, y->data<double>(), n);
      break;
    case DT_INT32:
      LaunchCast(Stream(ctx), in, y->data<int32_t>(), n);
      break;
    case DT_INT64:
      LaunchCast(Stream(ctx), in, y->data<int64_t>(), n);
      break;
    case DT_BOOL:
      LaunchCast(Stream(ctx), in, y->data<bool>(), n);
      break;
    default:
      return absl::UnimplementedError(
          absl::StrCat("GPU Cast to ", DataTypeName(y->dtype())));
  }
  return absl::OkStatus();
}

class CastGpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(dst_, c.GetAttr<DataType>("DstT"));
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_ASSIGN_OR_RETURN(Tensor * y, ctx.allocate_output(0, dst_, x.shape()));
    switch (x.dtype()) {
      case DT_FLOAT:
        return CastFrom<float>(ctx, x, y);
      case DT_DOUBLE:
        return CastFrom<double>(ctx, x, y);
      case DT_INT32:
        return CastFrom<int32_t>(ctx, x, y);
      case DT_INT64:
        return CastFrom<int64_t>(ctx, x, y);
      case DT_BOOL:
        return CastFrom<bool>(ctx, x, y);
      default:
        return absl::UnimplementedError(
            absl::StrCat("GPU Cast from ", DataTypeName(x.dtype())));
    }
  }

 private:
  DataType dst_ = DT_INVALID;
};

#define TG_GPU_T(OP, T) GpuKernel(OP).TypeConstraint<T>("T")
#define TG_GPU_REGISTER_UNARY(OP, F)                                    \
  TG_REGISTER_KERNEL(TG_GPU_T(OP, float), UnaryGpu<float, functor::F>); \
  TG_REGISTER_KERNEL(TG_GPU_T(OP, double), UnaryGpu<double, functor::F>);
#define TG_GPU_REGISTER_BINARY(OP, F)                      \
  TG_REGISTER_KERNEL(TG_GPU_T(OP, float),                  \
                     BinaryGpu<float, float, functor::F>); \
  TG_REGISTER_KERNEL(TG_GPU_T(OP, double),                 \
                     BinaryGpu<double, double, functor::F>);
// Also for integers in device memory: labels compared with predicted
// classes (an accuracy) stay on the device.
#define TG_GPU_REGISTER_COMPARE(OP, F)                                         \
  TG_REGISTER_KERNEL(TG_GPU_T(OP, float), BinaryGpu<float, bool, functor::F>); \
  TG_REGISTER_KERNEL(TG_GPU_T(OP, double),                                     \
                     BinaryGpu<double, bool, functor::F>);                     \
  TG_REGISTER_KERNEL(TG_GPU_T(OP, int32_t),                                    \
                     BinaryGpu<int32_t, bool, functor::F>);                    \
  TG_REGISTER_KERNEL(TG_GPU_T(OP, int64_t),                                    \
                     BinaryGpu<int64_t, bool, functor::F>);

TG_GPU_UNARY_OPS(TG_GPU_REGISTER_UNARY)
TG_GPU_BINARY_OPS(TG_GPU_REGISTER_BINARY)
TG_GPU_REGISTER_BINARY("AddV2", Add)
TG_GPU_COMPARE_OPS(TG_GPU_REGISTER_COMPARE)

TG_REGISTER_KERNEL(TG_GPU_T("LeakyRelu", float), LeakyReluGpu<float>);
TG_REGISTER_KERNEL(TG_GPU_T("LeakyRelu", double), LeakyReluGpu<double>);
TG_REGISTER_KERNEL(TG_GPU_T("LeakyReluGrad", float), LeakyReluGradGpu<float>);
TG_REGISTER_KERNEL(TG_GPU_T("LeakyReluGrad", double), LeakyReluGradGpu<double>);
TG_REGISTER_KERNEL(TG_GPU_T("AddN", float), AddNGpu<float>);
TG_REGISTER_KERNEL(TG_GPU_T("AddN", double), AddNGpu<double>);
TG_REGISTER_KERNEL(TG_GPU_T("BiasAdd", float), BiasAddGpu<float>);
TG_REGISTER_KERNEL(TG_GPU_T("BiasAdd", double), BiasAddGpu<double>);

// Casts between the dtypes the device computes in; integer-to-integer casts
// of shapes run on the host (generic_gpu.cc).
#define TG_GPU_CAST(S, D)                                                    \
  TG_REGISTER_KERNEL(                                                        \
      GpuKernel("Cast").TypeConstraint<S>("SrcT").TypeConstraint<D>("DstT"), \
      CastGpu)
#define TG_GPU_CASTS_TO_FLOATS(S) \
  TG_GPU_CAST(S, float);          \
  TG_GPU_CAST(S, double)
TG_GPU_CASTS_TO_FLOATS(float);
TG_GPU_CASTS_TO_FLOATS(double);
TG_GPU_CASTS_TO_FLOATS(int32_t);
TG_GPU_CASTS_TO_FLOATS(int64_t);
TG_GPU_CASTS_TO_FLOATS(bool);
TG_GPU_CAST(float, int32_t);
TG_GPU_CAST(double, int32_t);
TG_GPU_CAST(float, int64_t);
TG_GPU_CAST(double, int64_t);
TG_GPU_CAST(float, bool);
TG_GPU_CAST(double, bool);

}  // namespace
}  // namespace gpu
}  // namespace tg
