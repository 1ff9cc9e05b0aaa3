// GatherV2 on the GPU: the indices are checked on the host, as on the CPU,
// then copied to the device with the kernel's launch.
#include "core/kernel_checks.h"
#include "kernels/gpu/gpu_kernel.h"

namespace tg {
namespace gpu {
namespace {

template <typename T>
class GatherGpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(int64_t batch_dims, c.GetAttr<int64_t>("batch_dims"));
    TG_REQUIRE(batch_dims == 0, Unimplemented, "GatherV2 with batch_dims != 0");
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& params = ctx.input(0);
    TG_ASSIGN_OR_RETURN(std::vector<int64_t> indices,
                        TensorToInt64s(ctx.input(1)));
    TG_ASSIGN_OR_RETURN(int64_t a, ScalarToInt64(ctx.input(2), "axis"));
    const int rank = params.shape().rank();
    TG_ASSIGN_OR_RETURN(int axis, NormalizeAxis(a, rank));
    const int64_t n = params.shape().dim_size(axis);
    int64_t outer = 1, inner = 1;
    Dims out;
    for (int d = 0; d < axis; ++d) {
      outer *= params.shape().dim_size(d);
      out.push_back(params.shape().dim_size(d));
    }
    for (int64_t d : ctx.input(1).shape().dims()) out.push_back(d);
    for (int d = axis + 1; d < rank; ++d) {
      inner *= params.shape().dim_size(d);
      out.push_back(params.shape().dim_size(d));
    }
    for (size_t i = 0; i < indices.size(); ++i) {
      TG_REQUIRE(indices[i] >= 0 && indices[i] < n, InvalidArgument, "indices[",
                 i, "] = ", indices[i], " is not in [0, ", n, ")");
    }
    TG_ASSIGN_OR_RETURN(TensorShape out_shape, TensorShape::FromDims(out));
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, params.dtype(), out_shape));
    const int64_t k = static_cast<int64_t>(indices.size());
    if (y->NumElements() == 0) return absl::OkStatus();
    TG_ASSIGN_OR_RETURN(
        Tensor on_device,
        Tensor::FromVector(indices).CheckedDeepCopy(ctx.device()->allocator()));
    LaunchGather<T>(Stream(ctx), params.data<T>(), on_device.data<int64_t>(),
                    y->data<T>(), outer, n, k, inner);
    return absl::OkStatus();
  }
};

#define TG_GPU_GATHER(T)                                                 \
  TG_REGISTER_KERNEL(GpuKernel("GatherV2").TypeConstraint<T>("Tparams"), \
                     GatherGpu<T>)
TG_GPU_GATHER(float);
TG_GPU_GATHER(double);
TG_GPU_GATHER(int32_t);
TG_GPU_GATHER(int64_t);

}  // namespace
}  // namespace gpu
}  // namespace tg
