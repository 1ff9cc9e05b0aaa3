// Slicing, joining, padding and tiling CPU kernels. Data movement is by
// element size, so one instantiation serves every fixed-width dtype.
#include <cstring>

#include "absl/strings/str_cat.h"
#include "core/checked_math.h"
#include "core/kernel_checks.h"
#include "core/op_kernel.h"
#include "core/strided_slice_spec.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/layout.h"

namespace tg {
namespace {

// Copies the box of `in` starting at `begin` with the shape of `out` (or,
// when `into` is true, writes `in` into the box of `out` at `begin`).
void CopyBox(const Tensor& in, Tensor* out, const std::vector<int64_t>& begin,
             bool into) {
  const TensorShape& box = into ? in.shape() : out->shape();
  const TensorShape& big = into ? out->shape() : in.shape();
  const size_t size = DataTypeSize(in.dtype());
  const Dims big_strides = RowMajorStrides(big);
  const int rank = box.rank();
  const int64_t n = box.num_elements();
  Dims index(rank, 0);
  int64_t offset = 0;
  for (int d = 0; d < rank; ++d) offset += begin[d] * big_strides[d];
  const char* src = static_cast<const char*>(in.raw_data());
  char* dst = static_cast<char*>(out->raw_data());
  for (int64_t i = 0; i < n; ++i) {
    if (into) {
      std::memcpy(dst + offset * size, src + i * size, size);
    } else {
      std::memcpy(dst + i * size, src + offset * size, size);
    }
    for (int d = rank - 1; d >= 0; --d) {
      offset += big_strides[d];
      if (++index[d] < box.dim_size(d)) break;
      offset -= big_strides[d] * index[d];
      index[d] = 0;
    }
  }
}

class SliceCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_RETURN_IF_ERROR(RejectStrings(x));
    TG_ASSIGN_OR_RETURN(std::vector<int64_t> begin,
                        VectorToInt64s(ctx.input(1), "begin"));
    TG_ASSIGN_OR_RETURN(std::vector<int64_t> size,
                        VectorToInt64s(ctx.input(2), "size"));
    const int rank = x.shape().rank();
    TG_REQUIRE(static_cast<int>(begin.size()) == rank &&
                   static_cast<int>(size.size()) == rank,
               InvalidArgument, "begin and size need ", rank, " entries for ",
               x.shape().DebugString());
    Dims out(rank);
    for (int d = 0; d < rank; ++d) {
      const int64_t dim = x.shape().dim_size(d);
      // Compared without sums, which could overflow.
      const bool ok =
          begin[d] >= 0 && begin[d] <= dim &&
          (size[d] == -1 || (size[d] >= 0 && size[d] <= dim - begin[d]));
      TG_REQUIRE(ok, InvalidArgument, "slice of ", size[d], " elements from ",
                 begin[d], " on axis ", d, " is outside ",
                 x.shape().DebugString());
      out[d] = size[d] == -1 ? dim - begin[d] : size[d];
    }
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, x.dtype(), TensorShape(out)));
    if (y->NumElements() > 0) CopyBox(x, y, begin, /*into=*/false);
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("Slice"), SliceCpu);

class PadCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_RETURN_IF_ERROR(RejectStrings(x));
    const Tensor& paddings = ctx.input(1);
    const int rank = x.shape().rank();
    TG_REQUIRE(paddings.shape() == TensorShape({rank, 2}), InvalidArgument,
               "paddings must be [", rank, ", 2] for ", x.shape().DebugString(),
               ", got ", paddings.shape().DebugString());
    TG_ASSIGN_OR_RETURN(std::vector<int64_t> p, TensorToInt64s(paddings));
    Dims out(rank);
    std::vector<int64_t> begin(rank);
    for (int d = 0; d < rank; ++d) {
      TG_REQUIRE(p[2 * d] >= 0 && p[2 * d + 1] >= 0, InvalidArgument,
                 "paddings must be non-negative, got ", p[2 * d], " and ",
                 p[2 * d + 1], " for axis ", d);
      begin[d] = p[2 * d];
      const bool fits = CheckedAdd(x.shape().dim_size(d), p[2 * d], &out[d]) &&
                        CheckedAdd(out[d], p[2 * d + 1], &out[d]);
      TG_REQUIRE(fits, InvalidArgument, "padding axis ", d, " of ",
                 x.shape().DebugString(), " by ", p[2 * d], " and ",
                 p[2 * d + 1], " overflows");
    }
    TG_ASSIGN_OR_RETURN(TensorShape out_shape, TensorShape::FromDims(out));
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, x.dtype(), out_shape));
    if (y->TotalBytes() > 0) std::memset(y->raw_data(), 0, y->TotalBytes());
    if (x.NumElements() > 0) CopyBox(x, y, begin, /*into=*/true);
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("Pad"), PadCpu);

// Normalizes an axis input against `rank`.
absl::StatusOr<int> AxisOf(const Tensor& t, int rank) {
  TG_ASSIGN_OR_RETURN(int64_t axis, ScalarToInt64(t, "axis"));
  return NormalizeAxis(axis, rank);
}

class ConcatCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const int n = ctx.num_inputs() - 1;
    const Tensor& first = ctx.input(0);
    TG_RETURN_IF_ERROR(RejectStrings(first));
    const int rank = first.shape().rank();
    TG_ASSIGN_OR_RETURN(int axis, AxisOf(ctx.input(n), rank));
    Dims out = first.shape().dims();
    out[axis] = 0;
    for (int i = 0; i < n; ++i) {
      const TensorShape& s = ctx.input(i).shape();
      bool ok = s.rank() == rank;
      for (int d = 0; ok && d < rank; ++d) {
        ok = d == axis || s.dim_size(d) == first.shape().dim_size(d);
      }
      if (!ok) {
        return absl::InvalidArgumentError(
            absl::StrCat("input ", i, " of shape ", s.DebugString(),
                         " does not match input 0 of shape ",
                         first.shape().DebugString(), " outside axis ", axis));
      }
      TG_REQUIRE(CheckedAdd(out[axis], s.dim_size(axis), &out[axis]),
                 InvalidArgument, "the concatenated axis overflows");
    }
    TG_ASSIGN_OR_RETURN(TensorShape out_shape, TensorShape::FromDims(out));
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, first.dtype(), out_shape));
    const int64_t outer = ElementsBefore(y->shape(), axis);
    const int64_t inner = ElementsAfter(y->shape(), axis);
    const size_t size = DataTypeSize(first.dtype());
    char* dst = static_cast<char*>(y->raw_data());
    const int64_t row = out[axis] * inner * size;
    int64_t col = 0;
    for (int i = 0; i < n; ++i) {
      const Tensor& t = ctx.input(i);
      const int64_t piece = t.shape().dim_size(axis) * inner * size;
      if (piece == 0) continue;  // An empty input has no buffer.
      const char* src = static_cast<const char*>(t.raw_data());
      for (int64_t o = 0; o < outer; ++o) {
        std::memcpy(dst + o * row + col, src + o * piece, piece);
      }
      col += piece;
    }
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("ConcatV2"), ConcatCpu);

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

// Output element i reads input element (i's index modulo the input shape).
class TileCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_RETURN_IF_ERROR(RejectStrings(x));
    TG_ASSIGN_OR_RETURN(std::vector<int64_t> mult,
                        VectorToInt64s(ctx.input(1), "multiples"));
    const int rank = x.shape().rank();
    TG_REQUIRE(static_cast<int>(mult.size()) == rank, InvalidArgument,
               "multiples needs ", rank, " entries for ",
               x.shape().DebugString());
    Dims out(rank);
    for (int d = 0; d < rank; ++d) {
      TG_REQUIRE(mult[d] >= 0, InvalidArgument, "multiple ", mult[d],
                 " of axis ", d, " is negative");
      TG_REQUIRE(CheckedMul(x.shape().dim_size(d), mult[d], &out[d]),
                 InvalidArgument, "tiling axis ", d, " of ",
                 x.shape().DebugString(), " by ", mult[d], " overflows");
    }
    TG_ASSIGN_OR_RETURN(TensorShape out_shape, TensorShape::FromDims(out));
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, x.dtype(), out_shape));
    const size_t size = DataTypeSize(x.dtype());
    const Dims in_strides = RowMajorStrides(x.shape());
    const char* src = static_cast<const char*>(x.raw_data());
    char* dst = static_cast<char*>(y->raw_data());
    for (int64_t i = 0; i < y->NumElements(); ++i) {
      int64_t rem = i, offset = 0;
      for (int d = rank - 1; d >= 0; --d) {
        offset += (rem % out[d]) % x.shape().dim_size(d) * in_strides[d];
        rem /= out[d];
      }
      std::memcpy(dst + i * size, src + offset * size, size);
    }
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("Tile"), TileCpu);

class BroadcastToCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_RETURN_IF_ERROR(RejectStrings(x));
    TG_ASSIGN_OR_RETURN(TensorShape out,
                        ShapeFromTensor(ctx.input(1), "shape"));
    TG_ASSIGN_OR_RETURN(BroadcastPlan plan, PlanBroadcast(x.shape(), out));
    if (plan.out != out) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot broadcast ", x.shape().DebugString(), " to ",
                       out.DebugString()));
    }
    TG_ASSIGN_OR_RETURN(Tensor * y, ctx.allocate_output(0, x.dtype(), out));
    const size_t size = DataTypeSize(x.dtype());
    const char* src = static_cast<const char*>(x.raw_data());
    char* dst = static_cast<char*>(y->raw_data());
    for (int64_t i = 0; i < y->NumElements(); ++i) {
      std::memcpy(dst + i * size,
                  src + BroadcastOffset(i, out, x.shape()) * size, size);
    }
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("BroadcastTo"), BroadcastToCpu);

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

// Visits the sliced elements in output order: fn(output index, input
// offset).
template <typename Fn>
void ForEachSliced(const StridedSlicePlan& plan, const TensorShape& input,
                   Fn&& fn) {
  const int rank = input.rank();
  const Dims strides = RowMajorStrides(input);
  int64_t total = 1, offset = 0;
  for (int d = 0; d < rank; ++d) {
    total *= plan.size[d];
    offset += plan.begin[d] * strides[d];
  }
  Dims index(rank, 0);
  for (int64_t i = 0; i < total; ++i) {
    fn(i, offset);
    for (int d = rank - 1; d >= 0; --d) {
      offset += plan.stride[d] * strides[d];
      if (++index[d] < plan.size[d]) break;
      offset -= plan.stride[d] * strides[d] * index[d];
      index[d] = 0;
    }
  }
}

absl::StatusOr<StridedSliceMasks> Masks(OpKernelConstruction& c) {
  StridedSliceMasks m;
  TG_ASSIGN_OR_RETURN(m.begin, c.GetAttr<int64_t>("begin_mask"));
  TG_ASSIGN_OR_RETURN(m.end, c.GetAttr<int64_t>("end_mask"));
  TG_ASSIGN_OR_RETURN(m.ellipsis, c.GetAttr<int64_t>("ellipsis_mask"));
  TG_ASSIGN_OR_RETURN(m.new_axis, c.GetAttr<int64_t>("new_axis_mask"));
  TG_ASSIGN_OR_RETURN(m.shrink_axis, c.GetAttr<int64_t>("shrink_axis_mask"));
  return m;
}

// kGrad: StridedSliceGrad (inputs shape, begin, end, strides, dy) scatters
// dy into zeros; otherwise StridedSlice (input, begin, end, strides).
template <bool kGrad>
class StridedSliceCpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(masks_, Masks(c));
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& data = ctx.input(kGrad ? 4 : 0);
    TG_RETURN_IF_ERROR(RejectStrings(data));
    TensorShape shape = data.shape();
    if (kGrad) {
      TG_ASSIGN_OR_RETURN(shape, ShapeFromTensor(ctx.input(0), "shape"));
    }
    std::vector<int64_t> spec[3];
    const char* names[] = {"begin", "end", "strides"};
    for (int k = 0; k < 3; ++k) {
      TG_ASSIGN_OR_RETURN(spec[k], VectorToInt64s(ctx.input(1 + k), names[k]));
    }
    TG_ASSIGN_OR_RETURN(
        StridedSlicePlan plan,
        PlanStridedSlice(shape, spec[0], spec[1], spec[2], masks_));
    const size_t size = DataTypeSize(data.dtype());
    if constexpr (kGrad) {
      if (data.NumElements() != plan.output.num_elements()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "dy of shape ", data.shape().DebugString(),
            " does not match the slice ", plan.output.DebugString()));
      }
      TG_ASSIGN_OR_RETURN(Tensor * y,
                          ctx.allocate_output(0, data.dtype(), shape));
      if (y->TotalBytes() > 0) std::memset(y->raw_data(), 0, y->TotalBytes());
      char* dst = static_cast<char*>(y->raw_data());
      const char* src = static_cast<const char*>(data.raw_data());
      ForEachSliced(plan, shape, [&](int64_t i, int64_t offset) {
        std::memcpy(dst + offset * size, src + i * size, size);
      });
    } else {
      TG_ASSIGN_OR_RETURN(Tensor * y,
                          ctx.allocate_output(0, data.dtype(), plan.output));
      char* dst = static_cast<char*>(y->raw_data());
      const char* src = static_cast<const char*>(data.raw_data());
      ForEachSliced(plan, shape, [&](int64_t i, int64_t offset) {
        std::memcpy(dst + i * size, src + offset * size, size);
      });
    }
    return absl::OkStatus();
  }

 private:
  StridedSliceMasks masks_;
};
TG_REGISTER_KERNEL(CpuKernel("StridedSlice"), StridedSliceCpu<false>);
TG_REGISTER_KERNEL(CpuKernel("StridedSliceGrad"), StridedSliceCpu<true>);

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
