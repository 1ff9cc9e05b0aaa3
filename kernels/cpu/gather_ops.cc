// Gather and scatter CPU kernels.
#include <cstring>

#include "absl/strings/str_cat.h"
#include "core/checked_math.h"
#include "core/kernel_checks.h"
#include "core/op_kernel.h"
#include "kernels/common/kernel_plans.h"
#include "kernels/cpu/layout.h"

namespace tg {
namespace {

// Copies `count` elements (strings element by element, others by bytes).
void CopyElements(const Tensor& src, int64_t from, Tensor* dst, int64_t to,
                  int64_t count) {
  if (src.dtype() == DT_STRING) {
    auto s = src.flat<std::string>();
    auto d = dst->flat<std::string>();
    for (int64_t i = 0; i < count; ++i) d[to + i] = s[from + i];
    return;
  }
  const size_t size = DataTypeSize(src.dtype());
  if (count == 0) return;  // Buffers of empty tensors may be null.
  std::memcpy(static_cast<char*>(dst->raw_data()) + to * size,
              static_cast<const char*>(src.raw_data()) + from * size,
              count * size);
}

class GatherCpu : public GatherKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& params = ctx.input(0);
    TG_ASSIGN_OR_RETURN(GatherPlan p, PlanGather(ctx));
    const std::vector<int64_t>& indices = p.indices;
    const int64_t n = p.n, outer = p.outer, inner = p.inner;
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, params.dtype(), p.output));
    const int64_t k = static_cast<int64_t>(indices.size());
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < k; ++i) {
        CopyElements(params, (o * n + indices[i]) * inner, y,
                     (o * k + i) * inner, inner);
      }
    }
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("GatherV2"), GatherCpu);

template <typename T>
class UnsortedSegmentSumCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& data = ctx.input(0);
    TG_ASSIGN_OR_RETURN(std::vector<int64_t> ids, TensorToInt64s(ctx.input(1)));
    TG_ASSIGN_OR_RETURN(int64_t num,
                        ScalarToInt64(ctx.input(2), "num_segments"));
    const TensorShape& ids_shape = ctx.input(1).shape();
    TG_REQUIRE(num >= 0, InvalidArgument, "num_segments ", num, " is negative");
    bool prefix = ids_shape.rank() <= data.shape().rank();
    for (int d = 0; prefix && d < ids_shape.rank(); ++d) {
      prefix = ids_shape.dim_size(d) == data.shape().dim_size(d);
    }
    if (!prefix) {
      return absl::InvalidArgumentError(absl::StrCat(
          "segment_ids of shape ", ids_shape.DebugString(),
          " must be a prefix of data's shape ", data.shape().DebugString()));
    }
    Dims out = {num};
    int64_t inner = 1;
    for (int d = ids_shape.rank(); d < data.shape().rank(); ++d) {
      out.push_back(data.shape().dim_size(d));
      inner *= data.shape().dim_size(d);
    }
    TG_ASSIGN_OR_RETURN(TensorShape out_shape, TensorShape::FromDims(out));
    TG_ASSIGN_OR_RETURN(Tensor * result,
                        ctx.allocate_output(0, data.dtype(), out_shape));
    T* y = result->template data<T>();
    std::fill_n(y, result->NumElements(), T(0));
    const T* x = data.data<T>();
    // Ids outside [0, num_segments) are dropped, as TensorFlow does.
    for (size_t i = 0; i < ids.size(); ++i) {
      if (ids[i] < 0 || ids[i] >= num) continue;
      for (int64_t j = 0; j < inner; ++j) {
        T& acc = y[ids[i] * inner + j];
        acc = WrappingAdd(acc, x[i * inner + j]);
      }
    }
    return absl::OkStatus();
  }
};
#define TG_CPU_SEGMENT_SUM(T)                                                \
  TG_REGISTER_KERNEL(CpuKernel("UnsortedSegmentSum").TypeConstraint<T>("T"), \
                     UnsortedSegmentSumCpu<T>)
TG_CPU_SEGMENT_SUM(float);
TG_CPU_SEGMENT_SUM(double);
TG_CPU_SEGMENT_SUM(int32_t);
TG_CPU_SEGMENT_SUM(int64_t);

class DynamicStitchCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const int n = ctx.num_inputs() / 2;
    int64_t max_index = -1;
    std::vector<std::vector<int64_t>> indices(n);
    for (int m = 0; m < n; ++m) {
      TG_ASSIGN_OR_RETURN(indices[m], TensorToInt64s(ctx.input(m)));
      for (int64_t v : indices[m]) {
        TG_REQUIRE(v >= 0, InvalidArgument, "indices[", m, "] holds ", v,
                   "; indices must be >= 0");
        max_index = std::max(max_index, v);
      }
    }
    const Tensor& d0 = ctx.input(n);
    const int idx_rank = ctx.input(0).shape().rank();
    Dims out = {max_index + 1};
    int64_t inner = 1;
    for (int d = idx_rank; d < d0.shape().rank(); ++d) {
      out.push_back(d0.shape().dim_size(d));
      inner *= d0.shape().dim_size(d);
    }
    TG_ASSIGN_OR_RETURN(TensorShape out_shape, TensorShape::FromDims(out));
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, d0.dtype(), out_shape));
    if (d0.dtype() != DT_STRING && y->TotalBytes() > 0) {
      std::memset(y->raw_data(), 0, y->TotalBytes());
    }
    for (int m = 0; m < n; ++m) {
      const Tensor& data = ctx.input(n + m);
      if (data.NumElements() !=
          static_cast<int64_t>(indices[m].size()) * inner) {
        return absl::InvalidArgumentError(
            absl::StrCat("data[", m, "] of shape ", data.shape().DebugString(),
                         " does not match indices[", m, "] of shape ",
                         ctx.input(m).shape().DebugString()));
      }
      for (size_t i = 0; i < indices[m].size(); ++i) {
        CopyElements(data, i * inner, y, indices[m][i] * inner, inner);
      }
    }
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("DynamicStitch"), DynamicStitchCpu);

}  // namespace
}  // namespace tg
