// Array manipulation CPU kernels. Data movement is by element size, so one
// instantiation serves every fixed-width dtype.
#include <cmath>
#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"
#include "core/kernel_checks.h"
#include "core/op_kernel.h"
#include "kernels/common/copy_plan.h"
#include "kernels/common/kernel_plans.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/layout.h"

namespace tg {
namespace {

class ExpandDimsCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_ASSIGN_OR_RETURN(int64_t a, ScalarToInt64(ctx.input(1), "axis"));
    TG_ASSIGN_OR_RETURN(int axis, NormalizeAxis(a, x.shape().rank() + 1));
    Dims dims = x.shape().dims();
    dims.insert(dims.begin() + axis, 1);
    TG_ASSIGN_OR_RETURN(TensorShape shape, TensorShape::FromDims(dims));
    TG_ASSIGN_OR_RETURN(Tensor out, x.Reshaped(shape));
    ctx.set_output(0, std::move(out));
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("ExpandDims"), ExpandDimsCpu);

class SqueezeCpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(axes_, c.GetAttr<std::vector<int64_t>>("squeeze_dims"));
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    const int rank = x.shape().rank();
    std::vector<bool> drop(rank, axes_.empty());
    if (!axes_.empty()) {
      for (int64_t a : axes_) {
        if (a < -rank || a >= rank) {
          return absl::InvalidArgumentError(
              absl::StrCat("squeeze axis ", a, " is out of range for ",
                           x.shape().DebugString()));
        }
        drop[a < 0 ? a + rank : a] = true;
      }
    }
    Dims dims;
    for (int d = 0; d < rank; ++d) {
      const int64_t size = x.shape().dim_size(d);
      if (drop[d] && size == 1) continue;
      if (drop[d] && !axes_.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("cannot squeeze axis ", d, " of size ", size, " in ",
                         x.shape().DebugString()));
      }
      dims.push_back(size);
    }
    TG_ASSIGN_OR_RETURN(Tensor out, x.Reshaped(TensorShape(dims)));
    ctx.set_output(0, std::move(out));
    return absl::OkStatus();
  }

 private:
  std::vector<int64_t> axes_;
};
TG_REGISTER_KERNEL(CpuKernel("Squeeze"), SqueezeCpu);

class RankCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    ctx.set_output(0, Tensor::Scalar<int32_t>(ctx.input(0).shape().rank()));
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("Rank"), RankCpu);

template <typename Index>
class SizeCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    ctx.set_output(0, Tensor::Scalar<Index>(
                          static_cast<Index>(ctx.input(0).NumElements())));
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("Size").TypeConstraint<int32_t>("out_type"),
                   SizeCpu<int32_t>);
TG_REGISTER_KERNEL(CpuKernel("Size").TypeConstraint<int64_t>("out_type"),
                   SizeCpu<int64_t>);

// The number of elements of Range(start, limit, delta), computed without
// overflow: ResourceExhausted when it exceeds int64 (an infinite limit, a
// tiny delta), InvalidArgument for NaN or a delta pointing away from limit.
template <typename T>
absl::StatusOr<int64_t> RangeCount(T start, T limit, T delta) {
  if constexpr (std::is_floating_point_v<T>) {
    TG_REQUIRE(!std::isnan(start) && !std::isnan(limit) && !std::isnan(delta),
               InvalidArgument, "start, limit and delta must not be NaN");
  }
  TG_REQUIRE(delta != T(0) && (delta > T(0) ? start <= limit : start >= limit),
             InvalidArgument, "cannot count from ", start, " to ", limit,
             " by ", delta);
  if constexpr (std::is_integral_v<T>) {
    const __int128 span = static_cast<__int128>(limit) - start;
    const __int128 step = delta;
    const __int128 n = (span + step + (step > 0 ? -1 : 1)) / step;
    TG_REQUIRE(n <= std::numeric_limits<int64_t>::max(), ResourceExhausted,
               "Range from ", start, " to ", limit, " by ", delta,
               " has more elements than an int64 can count");
    return static_cast<int64_t>(n);
  } else {
    const double n = std::ceil(std::abs((static_cast<double>(limit) - start) /
                                        static_cast<double>(delta)));
    TG_REQUIRE(n < 9.2e18, ResourceExhausted, "Range from ", start, " to ",
               limit, " by ", delta, " would have ", n, " elements");
    return static_cast<int64_t>(n);
  }
}

template <typename T>
class RangeCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const char* names[] = {"start", "limit", "delta"};
    for (int i = 0; i < 3; ++i) {
      TG_RETURN_IF_ERROR(RequireScalar(ctx.input(i), names[i], true));
    }
    const T start = ctx.input(0).data<T>()[0];
    const T limit = ctx.input(1).data<T>()[0];
    const T delta = ctx.input(2).data<T>()[0];
    TG_ASSIGN_OR_RETURN(int64_t n, RangeCount(start, limit, delta));
    TG_ASSIGN_OR_RETURN(
        Tensor * y,
        ctx.allocate_output(0, DataTypeToEnum<T>::value, TensorShape({n})));
    T* out = y->template data<T>();
    for (int64_t i = 0; i < n; ++i) {
      if constexpr (std::is_integral_v<T>) {
        // Every element lies between start and limit, so it fits in T; the
        // product alone may not.
        out[i] = static_cast<T>(static_cast<__int128>(start) +
                                static_cast<__int128>(i) * delta);
      } else {
        out[i] = start + static_cast<T>(i) * delta;
      }
    }
    return absl::OkStatus();
  }
};
#define TG_CPU_RANGE(T) \
  TG_REGISTER_KERNEL(CpuKernel("Range").TypeConstraint<T>("Tidx"), RangeCpu<T>)
TG_CPU_RANGE(float);
TG_CPU_RANGE(double);
TG_CPU_RANGE(int32_t);
TG_CPU_RANGE(int64_t);

TG_REGISTER_KERNEL(CpuKernel("Transpose"),
                   LayoutKernel<PlanTransposeOf, RunLayout>);

template <typename T>
class InvertPermutationCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& p = ctx.input(0);
    TG_RETURN_IF_ERROR(RequireRank(p, 1, "x"));
    const int64_t n = p.NumElements();
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, p.dtype(), p.shape()));
    std::vector<bool> seen(n, false);
    for (int64_t i = 0; i < n; ++i) {
      const T v = p.data<T>()[i];
      if (v < 0 || v >= n || seen[v]) {
        return absl::InvalidArgumentError(
            absl::StrCat("input is not a permutation: element ", i, " is ", v));
      }
      seen[v] = true;
      y->template data<T>()[v] = static_cast<T>(i);
    }
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("InvertPermutation").TypeConstraint<int32_t>("T"),
                   InvertPermutationCpu<int32_t>);
TG_REGISTER_KERNEL(CpuKernel("InvertPermutation").TypeConstraint<int64_t>("T"),
                   InvertPermutationCpu<int64_t>);

template <bool kV2>
class SelectCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& c = ctx.input(0);
    const Tensor& t = ctx.input(1);
    const Tensor& e = ctx.input(2);
    TG_RETURN_IF_ERROR(RejectStrings(t));
    TensorShape out_shape = t.shape();
    if constexpr (kV2) {
      TG_ASSIGN_OR_RETURN(out_shape,
                          BroadcastShape({c.shape(), t.shape(), e.shape()}));
    } else {
      // TensorFlow's Select: a condition shaped like t and e, a vector over
      // their first dimension, or a scalar choosing one of them whole.
      const bool rows = c.shape().rank() == 1 && t.shape().rank() >= 1 &&
                        c.shape().dim_size(0) == t.shape().dim_size(0);
      const bool whole = c.shape().rank() == 0;
      if (t.shape() != e.shape() ||
          (c.shape() != t.shape() && !rows && !whole)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "condition ", c.shape().DebugString(), ", t ",
            t.shape().DebugString(), " and e ", e.shape().DebugString(),
            " do not fit: t and e must match, and condition must match them, "
            "be a vector over their first dimension or be a scalar"));
      }
    }
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, t.dtype(), out_shape));
    const size_t size = DataTypeSize(t.dtype());
    const bool* cond = c.data<bool>();
    const char* tp = static_cast<const char*>(t.raw_data());
    const char* ep = static_cast<const char*>(e.raw_data());
    char* out = static_cast<char*>(y->raw_data());
    const int64_t n = y->NumElements();
    const int64_t row = kV2 || c.shape() == t.shape() || n == 0
                            ? 1
                            : n / std::max<int64_t>(c.NumElements(), 1);
    for (int64_t i = 0; i < n; ++i) {
      bool pick;
      int64_t ti = i, ei = i;
      if constexpr (kV2) {
        pick = cond[BroadcastOffset(i, out_shape, c.shape())];
        ti = BroadcastOffset(i, out_shape, t.shape());
        ei = BroadcastOffset(i, out_shape, e.shape());
      } else {
        pick = cond[i / row];
      }
      std::memcpy(out + i * size, pick ? tp + ti * size : ep + ei * size, size);
    }
    return absl::OkStatus();
  }

 private:
  static absl::StatusOr<TensorShape> BroadcastShape(
      std::initializer_list<TensorShape> shapes) {
    int rank = 0;
    for (const TensorShape& s : shapes) rank = std::max(rank, s.rank());
    Dims out(rank, 1);
    for (const TensorShape& s : shapes) {
      for (int d = 0; d < s.rank(); ++d) {
        int64_t& o = out[rank - s.rank() + d];
        const int64_t v = s.dim_size(d);
        if (v != 1 && o != 1 && v != o) {
          return absl::InvalidArgumentError(absl::StrCat(
              "shapes cannot be broadcast together: ", s.DebugString()));
        }
        if (v != 1) o = v;
      }
    }
    return TensorShape(out);
  }
};
TG_REGISTER_KERNEL(CpuKernel("Select"), SelectCpu<false>);
TG_REGISTER_KERNEL(CpuKernel("SelectV2"), SelectCpu<true>);

TG_REGISTER_KERNEL(CpuKernel("Pack"), PackKernel<RunLayout>);

class UnpackCpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(axis_, c.GetAttr<int64_t>("axis"));
    TG_ASSIGN_OR_RETURN(num_, c.GetAttr<int64_t>("num"));
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_RETURN_IF_ERROR(RejectStrings(x));
    TG_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axis_, x.shape().rank()));
    if (x.shape().dim_size(axis) != num_) {
      return absl::InvalidArgumentError(absl::StrCat(
          "axis ", axis, " of ", x.shape().DebugString(), " has size ",
          x.shape().dim_size(axis), ", not num = ", num_));
    }
    Dims dims = x.shape().dims();
    dims.erase(dims.begin() + axis);
    const TensorShape piece(dims);
    const int64_t outer = ElementsBefore(piece, axis);
    const int64_t inner = piece.num_elements() / std::max<int64_t>(outer, 1);
    const size_t bytes = inner * DataTypeSize(x.dtype());
    const char* in = static_cast<const char*>(x.raw_data());
    for (int64_t i = 0; i < num_; ++i) {
      TG_ASSIGN_OR_RETURN(Tensor * y, ctx.allocate_output(static_cast<int>(i),
                                                          x.dtype(), piece));
      char* out = static_cast<char*>(y->raw_data());
      for (int64_t o = 0; o < outer && bytes > 0; ++o) {
        std::memcpy(out + o * bytes, in + (o * num_ + i) * bytes, bytes);
      }
    }
    return absl::OkStatus();
  }

 private:
  int64_t axis_ = 0, num_ = 0;
};
TG_REGISTER_KERNEL(CpuKernel("Unpack"), UnpackCpu);

}  // namespace
}  // namespace tg
