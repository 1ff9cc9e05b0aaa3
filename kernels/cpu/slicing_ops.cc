// Slicing, joining, padding and tiling CPU kernels. Data movement is by
// element size, so one instantiation serves every fixed-width dtype.
#include <cstring>

#include "absl/strings/str_cat.h"
#include "core/checked_math.h"
#include "core/kernel_checks.h"
#include "core/op_kernel.h"
#include "core/strided_slice_spec.h"
#include "kernels/common/copy_plan.h"
#include "kernels/common/kernel_plans.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/layout.h"

namespace tg {
namespace {

// Normalizes an axis input against `rank`.
absl::StatusOr<int> AxisOf(const Tensor& t, int rank) {
  TG_ASSIGN_OR_RETURN(int64_t axis, ScalarToInt64(t, "axis"));
  return NormalizeAxis(axis, rank);
}

class SplitCpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(num_, c.GetAttr<int64_t>("num_split"));
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(1);
    TG_RETURN_IF_ERROR(RejectStrings(x));
    TG_REQUIRE(num_ >= 1 && num_ <= ctx.num_outputs(), InvalidArgument,
               "num_split ", num_, " does not match the node's ",
               ctx.num_outputs(), " outputs");
    const int num = static_cast<int>(num_);
    TG_ASSIGN_OR_RETURN(int axis, AxisOf(ctx.input(0), x.shape().rank()));
    const int64_t dim = x.shape().dim_size(axis);
    if (dim % num != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("dimension ", axis, " of ", x.shape().DebugString(),
                       " does not split into ", num, " equal parts"));
    }
    Dims piece_dims = x.shape().dims();
    piece_dims[axis] = dim / num;
    const TensorShape piece(piece_dims);
    const int64_t outer = ElementsBefore(x.shape(), axis);
    const int64_t inner = ElementsAfter(x.shape(), axis);
    const size_t size = DataTypeSize(x.dtype());
    const int64_t row = dim * inner * size,
                  chunk = piece_dims[axis] * inner * size;
    const char* src = static_cast<const char*>(x.raw_data());
    for (int i = 0; i < num; ++i) {
      TG_ASSIGN_OR_RETURN(Tensor * y, ctx.allocate_output(i, x.dtype(), piece));
      char* dst = static_cast<char*>(y->raw_data());
      for (int64_t o = 0; o < outer && chunk > 0; ++o) {
        std::memcpy(dst + o * chunk, src + o * row + i * chunk, chunk);
      }
    }
    return absl::OkStatus();
  }

 private:
  int64_t num_ = 1;
};
TG_REGISTER_KERNEL(CpuKernel("Split"), SplitCpu);

TG_REGISTER_KERNEL(CpuKernel("BroadcastTo"),
                   LayoutKernel<PlanBroadcastToOf, RunLayout>);

// output[..., j, ...] = on_value if indices[...] == j else off_value, with j
// on the new axis. Out-of-range indices give a row of off_value.
class OneHotCpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(axis_, c.GetAttr<int64_t>("axis"));
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& idx = ctx.input(0);
    TG_ASSIGN_OR_RETURN(const int64_t depth,
                        ScalarToInt64(ctx.input(1), "depth"));
    const Tensor& on = ctx.input(2);
    const Tensor& off = ctx.input(3);
    TG_RETURN_IF_ERROR(RejectStrings(on));
    TG_REQUIRE(depth >= 0, InvalidArgument, "depth ", depth, " is negative");
    TG_RETURN_IF_ERROR(RequireScalar(on, "on_value", true));
    TG_RETURN_IF_ERROR(RequireScalar(off, "off_value", true));
    const int rank = idx.shape().rank();
    TG_REQUIRE(axis_ >= -1 && axis_ <= rank, InvalidArgument, "axis ", axis_,
               " is out of range for indices ", idx.shape().DebugString());
    const int axis = static_cast<int>(axis_ < 0 ? rank : axis_);
    std::vector<int64_t> indices;
    DispatchDataType(idx.dtype(), [&](auto zero) {
      for (auto v : idx.flat<decltype(zero)>())
        indices.push_back(static_cast<int64_t>(v));
    });
    Dims out = idx.shape().dims();
    out.insert(out.begin() + axis, depth);
    TG_ASSIGN_OR_RETURN(TensorShape out_shape, TensorShape::FromDims(out));
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, on.dtype(), out_shape));
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < rank; ++d)
      (d < axis ? outer : inner) *= idx.shape().dim_size(d);
    const size_t size = DataTypeSize(on.dtype());
    char* dst = static_cast<char*>(y->raw_data());
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t j = 0; j < depth; ++j) {
        for (int64_t k = 0; k < inner; ++k) {
          const bool hit = indices[o * inner + k] == j;
          std::memcpy(dst + ((o * depth + j) * inner + k) * size,
                      (hit ? on : off).raw_data(), size);
        }
      }
    }
    return absl::OkStatus();
  }

 private:
  int64_t axis_ = -1;
};
TG_REGISTER_KERNEL(CpuKernel("OneHot"), OneHotCpu);

// Data movement: the plans shared with the GPU (kernels/common), run here.
TG_REGISTER_KERNEL(CpuKernel("Slice"), LayoutKernel<PlanSliceOf, RunLayout>);
TG_REGISTER_KERNEL(CpuKernel("Pad"), LayoutKernel<PlanPadOf, RunLayout>);
TG_REGISTER_KERNEL(CpuKernel("Tile"), LayoutKernel<PlanTileOf, RunLayout>);
TG_REGISTER_KERNEL(CpuKernel("ConcatV2"),
                   LayoutKernel<PlanConcatOf, RunLayout>);
TG_REGISTER_KERNEL(CpuKernel("StridedSlice"),
                   StridedSliceKernel<false, RunLayout>);
TG_REGISTER_KERNEL(CpuKernel("StridedSliceGrad"),
                   StridedSliceKernel<true, RunLayout>);

class PreventGradientCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    ctx.set_output(0, ctx.input(0));
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("PreventGradient"), PreventGradientCpu);

}  // namespace
}  // namespace tg
