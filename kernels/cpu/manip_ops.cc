// Array manipulation CPU kernels. Data movement is by element size, so one
// instantiation serves every fixed-width dtype.
#include <cstring>

#include "absl/strings/str_cat.h"
#include "core/op_kernel.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/layout.h"

namespace tg {
namespace {

class ExpandDimsCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_ASSIGN_OR_RETURN(std::vector<int64_t> axis,
                        TensorToInt64s(ctx.input(1)));
    const int64_t rank = x.shape().rank();
    if (axis.size() != 1 || axis[0] < -rank - 1 || axis[0] > rank) {
      return absl::InvalidArgumentError(absl::StrCat(
          "axis must be one value in [", -rank - 1, ", ", rank, "]"));
    }
    Dims dims = x.shape().dims();
    dims.insert(dims.begin() + (axis[0] < 0 ? axis[0] + rank + 1 : axis[0]), 1);
    TG_ASSIGN_OR_RETURN(Tensor out, x.Reshaped(TensorShape(dims)));
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

template <typename T>
class RangeCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    for (int i = 0; i < 3; ++i) {
      if (ctx.input(i).NumElements() != 1) {
        return absl::InvalidArgumentError(
            absl::StrCat("start, limit and delta must be scalars; input ", i,
                         " has shape ", ctx.input(i).shape().DebugString()));
      }
    }
    const T start = ctx.input(0).data<T>()[0];
    const T limit = ctx.input(1).data<T>()[0];
    const T delta = ctx.input(2).data<T>()[0];
    if (delta == T(0) || (delta > T(0) ? start > limit : start < limit)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cannot count from ", start, " to ", limit, " by ", delta));
    }
    int64_t n;
    if constexpr (std::is_integral_v<T>) {
      n = (std::abs(limit - start) + std::abs(delta) - 1) / std::abs(delta);
    } else {
      n = static_cast<int64_t>(std::ceil(std::abs((limit - start) / delta)));
    }
    T* out = ctx.allocate_output(0, DataTypeToEnum<T>::value, TensorShape({n}))
                 ->template data<T>();
    for (int64_t i = 0; i < n; ++i) out[i] = start + static_cast<T>(i) * delta;
    return absl::OkStatus();
  }
};
#define TG_CPU_RANGE(T) \
  TG_REGISTER_KERNEL(CpuKernel("Range").TypeConstraint<T>("Tidx"), RangeCpu<T>)
TG_CPU_RANGE(float);
TG_CPU_RANGE(double);
TG_CPU_RANGE(int32_t);
TG_CPU_RANGE(int64_t);

class TransposeCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_RETURN_IF_ERROR(RejectStrings(x));
    TG_ASSIGN_OR_RETURN(std::vector<int64_t> perm,
                        TensorToInt64s(ctx.input(1)));
    const int rank = x.shape().rank();
    if (static_cast<int>(perm.size()) != rank) {
      return absl::InvalidArgumentError(absl::StrCat(
          "perm has ", perm.size(), " entries for an input of shape ",
          x.shape().DebugString()));
    }
    std::vector<bool> seen(rank, false);
    Dims out_dims(rank), in_strides(rank);
    int64_t stride = 1;
    for (int d = rank - 1; d >= 0; --d) {
      in_strides[d] = stride;
      stride *= x.shape().dim_size(d);
    }
    Dims src_stride(rank);  // Input stride of each output dim.
    for (int d = 0; d < rank; ++d) {
      if (perm[d] < 0 || perm[d] >= rank || seen[perm[d]]) {
        return absl::InvalidArgumentError("perm is not a permutation");
      }
      seen[perm[d]] = true;
      out_dims[d] = x.shape().dim_size(perm[d]);
      src_stride[d] = in_strides[perm[d]];
    }
    Tensor* y = ctx.allocate_output(0, x.dtype(), TensorShape(out_dims));
    const size_t size = DataTypeSize(x.dtype());
    const char* in = static_cast<const char*>(x.raw_data());
    char* out = static_cast<char*>(y->raw_data());
    Dims index(rank, 0);
    int64_t src = 0;
    for (int64_t i = 0; i < y->NumElements(); ++i) {
      std::memcpy(out + i * size, in + src * size, size);
      for (int d = rank - 1; d >= 0; --d) {
        src += src_stride[d];
        if (++index[d] < out_dims[d]) break;
        src -= src_stride[d] * index[d];
        index[d] = 0;
      }
    }
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("Transpose"), TransposeCpu);

template <typename T>
class InvertPermutationCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& p = ctx.input(0);
    const int64_t n = p.NumElements();
    Tensor* y = ctx.allocate_output(0, p.dtype(), p.shape());
    std::vector<bool> seen(n, false);
    for (int64_t i = 0; i < n; ++i) {
      const T v = p.data<T>()[i];
      if (v < 0 || v >= n || seen[v]) {
        return absl::InvalidArgumentError("input is not a permutation");
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
      const bool rows = c.shape().rank() == 1 && t.shape().rank() >= 1 &&
                        c.shape().dim_size(0) == t.shape().dim_size(0);
      if (t.shape() != e.shape() || (c.shape() != t.shape() && !rows)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "condition ", c.shape().DebugString(), ", t ",
            t.shape().DebugString(), " and e ", e.shape().DebugString(),
            " do not fit: t and e must match, and condition must match them "
            "or be a vector over their first dimension"));
      }
    }
    Tensor* y = ctx.allocate_output(0, t.dtype(), out_shape);
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

class PackCpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(axis_, c.GetAttr<int64_t>("axis"));
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& first = ctx.input(0);
    TG_RETURN_IF_ERROR(RejectStrings(first));
    const int n = ctx.num_inputs();
    const int64_t rank = first.shape().rank() + 1;
    if (axis_ < -rank || axis_ >= rank) {
      return absl::InvalidArgumentError(
          absl::StrCat("axis ", axis_, " is out of range for rank ", rank));
    }
    const int axis = static_cast<int>(axis_ < 0 ? axis_ + rank : axis_);
    for (int i = 1; i < n; ++i) {
      if (ctx.input(i).shape() != first.shape()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "values must have one shape: ", first.shape().DebugString(), " vs ",
            ctx.input(i).shape().DebugString(), " at ", i));
      }
    }
    Dims dims = first.shape().dims();
    dims.insert(dims.begin() + axis, n);
    Tensor* y = ctx.allocate_output(0, first.dtype(), TensorShape(dims));
    const int64_t outer = ElementsBefore(first.shape(), axis);
    const int64_t inner = first.NumElements() / std::max<int64_t>(outer, 1);
    const size_t bytes = inner * DataTypeSize(first.dtype());
    char* out = static_cast<char*>(y->raw_data());
    for (int64_t o = 0; o < outer; ++o) {
      for (int i = 0; i < n; ++i) {
        std::memcpy(
            out + (o * n + i) * bytes,
            static_cast<const char*>(ctx.input(i).raw_data()) + o * bytes,
            bytes);
      }
    }
    return absl::OkStatus();
  }

 private:
  int64_t axis_ = 0;
};
TG_REGISTER_KERNEL(CpuKernel("Pack"), PackCpu);

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
    const int64_t rank = x.shape().rank();
    if (axis_ < -rank || axis_ >= rank) {
      return absl::InvalidArgumentError(absl::StrCat(
          "axis ", axis_, " is out of range for ", x.shape().DebugString()));
    }
    const int axis = static_cast<int>(axis_ < 0 ? axis_ + rank : axis_);
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
      char* out = static_cast<char*>(
          ctx.allocate_output(i, x.dtype(), piece)->raw_data());
      for (int64_t o = 0; o < outer; ++o) {
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
