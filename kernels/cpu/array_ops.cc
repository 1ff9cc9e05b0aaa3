// Array CPU kernels: constants, placeholders, identities, shapes, fills,
// casts and AddN.
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/checked_math.h"
#include "core/kernel_checks.h"
#include "core/op_kernel.h"
#include "core/shape_inference.h"
#include "core/tensor_proto.h"
#include "kernels/common/kernel_plans.h"

namespace tg {
namespace {

// Cast of one value with every case defined: to bool is "!= 0"; floating
// to integer truncates toward zero and saturates at the target's range,
// NaN giving 0 (C++ leaves out-of-range conversions undefined); other
// conversions are C++'s (integers wrap).
template <typename D, typename S>
D CastValue(S v) {
  if constexpr (std::is_same_v<D, bool>) {
    return v != S(0);
  } else if constexpr (std::is_floating_point_v<S> && std::is_integral_v<D>) {
    if (std::isnan(v)) return D(0);
    // Both bounds are exact powers of two (or zero) in floating point.
    constexpr double lo = static_cast<double>(std::numeric_limits<D>::min());
    constexpr double hi_excl =
        (static_cast<double>(std::numeric_limits<D>::max() / 2 + 1)) * 2.0;
    const double d = static_cast<double>(v);
    if (d <= lo) return std::numeric_limits<D>::min();
    if (d >= hi_excl) return std::numeric_limits<D>::max();
    return static_cast<D>(d);
  } else {
    return static_cast<D>(v);
  }
}

class ConstCpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(const AttrValue* v, FindAttr(c.def().attr(), "value"));
    TG_REQUIRE(v->value_case() == AttrValue::kTensor, InvalidArgument,
               "attr 'value' is not a tensor");
    TG_ASSIGN_OR_RETURN(DataType dtype, c.GetAttr<DataType>("dtype"));
    // Decoded into the device's memory, so a constant declaring more
    // elements than fit fails here with ResourceExhausted.
    TG_ASSIGN_OR_RETURN(value_, TensorFromProto(v->tensor(), c.allocator()));
    TG_REQUIRE(value_.dtype() == dtype, InvalidArgument, "value is a ",
               DataTypeName(value_.dtype()), " tensor but dtype is ",
               DataTypeName(dtype));
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    ctx.set_output(0, value_);  // Shares the buffer; consumers never write it.
    return absl::OkStatus();
  }

 private:
  Tensor value_;
};
TG_REGISTER_KERNEL(CpuKernel("Const"), ConstCpu);

// Runs only when the placeholder was not fed.
class PlaceholderCpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(DataType dtype, c.GetAttr<DataType>("dtype"));
    TG_ASSIGN_OR_RETURN(auto shape,
                        c.GetAttr<::tensorgraph::TensorShapeProto>("shape"));
    message_ = absl::StrCat("no value was fed for this placeholder; feed a ",
                            DataTypeName(dtype), " tensor of shape ",
                            PartialShape::FromProto(shape).DebugString());
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext&) override {
    return absl::InvalidArgumentError(message_);
  }

 private:
  std::string message_;
};
TG_REGISTER_KERNEL(CpuKernel("Placeholder"), PlaceholderCpu);

// Identity and friends forward the input buffer.
class ForwardInputCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    ctx.set_output(0, ctx.input(0));
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("Identity"), ForwardInputCpu);

class ForwardInputsCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    for (int i = 0; i < ctx.num_outputs(); ++i) ctx.set_output(i, ctx.input(i));
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("IdentityN"), ForwardInputsCpu);
TG_REGISTER_KERNEL(CpuKernel("StopGradient"), ForwardInputCpu);
TG_REGISTER_KERNEL(CpuKernel("PlaceholderWithDefault"), ForwardInputCpu);

class NoOpCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext&) override { return absl::OkStatus(); }
};
TG_REGISTER_KERNEL(CpuKernel("NoOp"), NoOpCpu);

class ReshapeCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_ASSIGN_OR_RETURN(std::vector<int64_t> dims,
                        VectorToInt64s(ctx.input(1), "shape"));
    int unknown = -1;
    int64_t product = 1;
    for (size_t i = 0; i < dims.size(); ++i) {
      if (dims[i] == -1 && unknown < 0) {
        unknown = static_cast<int>(i);
        continue;
      }
      TG_REQUIRE(dims[i] >= 0, InvalidArgument, "shape ", DimsString(dims),
                 " has a negative dimension or more than one -1");
      TG_REQUIRE(CheckedMul(product, dims[i], &product), InvalidArgument,
                 "shape ", DimsString(dims), " has too many elements");
    }
    if (unknown >= 0) {
      TG_REQUIRE(product != 0 && x.NumElements() % product == 0,
                 InvalidArgument, "cannot reshape a tensor of ",
                 x.NumElements(), " elements ", x.shape().DebugString(), " to ",
                 DimsString(dims));
      dims[unknown] = x.NumElements() / product;
    }
    TG_ASSIGN_OR_RETURN(TensorShape shape, TensorShape::FromDims(dims));
    TG_ASSIGN_OR_RETURN(Tensor out, x.Reshaped(shape));
    ctx.set_output(0, std::move(out));
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("Reshape"), ReshapeCpu);

template <typename Index>
class ShapeCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const TensorShape& s = ctx.input(0).shape();
    TG_ASSIGN_OR_RETURN(Tensor * t,
                        ctx.allocate_output(0, DataTypeToEnum<Index>::value,
                                            TensorShape({s.rank()})));
    Index* out = t->template data<Index>();
    for (int d = 0; d < s.rank(); ++d) {
      TG_REQUIRE(s.dim_size(d) <= std::numeric_limits<Index>::max(),
                 InvalidArgument, "dimension ", d, " of ", s.DebugString(),
                 " does not fit in out_type");
      out[d] = static_cast<Index>(s.dim_size(d));
    }
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("Shape").TypeConstraint<int32_t>("out_type"),
                   ShapeCpu<int32_t>);
TG_REGISTER_KERNEL(CpuKernel("Shape").TypeConstraint<int64_t>("out_type"),
                   ShapeCpu<int64_t>);

// Writes `value` into every element of a new tensor of `shape`.
absl::Status FillWith(OpKernelContext& ctx, DataType dtype,
                      const TensorShape& shape, double value) {
  TG_ASSIGN_OR_RETURN(Tensor * out, ctx.allocate_output(0, dtype, shape));
  const bool ok = DispatchDataType(dtype, [&](auto zero) {
    using T = decltype(zero);
    std::fill_n(out->data<T>(), out->NumElements(), static_cast<T>(value));
  });
  if (!ok) {
    return absl::UnimplementedError(
        absl::StrCat("dtype ", DataTypeName(dtype), " is not supported"));
  }
  return absl::OkStatus();
}

class FillCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(TensorShape shape, PlanFill(ctx));
    const Tensor& value = ctx.input(1);
    TG_ASSIGN_OR_RETURN(Tensor * out,
                        ctx.allocate_output(0, value.dtype(), shape));
    if (value.dtype() == DT_STRING) {
      for (std::string& s : out->flat<std::string>()) {
        s = value.flat<std::string>()[0];
      }
      return absl::OkStatus();
    }
    DispatchDataType(value.dtype(), [&](auto zero) {
      using T = decltype(zero);
      std::fill_n(out->data<T>(), out->NumElements(), value.scalar<T>());
    });
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("Fill"), FillCpu);

template <int kValue>
class FillLikeCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    return FillWith(ctx, ctx.input(0).dtype(), ctx.input(0).shape(), kValue);
  }
};
TG_REGISTER_KERNEL(CpuKernel("ZerosLike"), FillLikeCpu<0>);
TG_REGISTER_KERNEL(CpuKernel("OnesLike"), FillLikeCpu<1>);

// The axes along which each operand of a broadcast was stretched.
template <typename Index>
class BroadcastGradientArgsCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(std::vector<int64_t> s0,
                        VectorToInt64s(ctx.input(0), "s0"));
    TG_ASSIGN_OR_RETURN(std::vector<int64_t> s1,
                        VectorToInt64s(ctx.input(1), "s1"));
    const size_t rank = std::max(s0.size(), s1.size());
    s0.insert(s0.begin(), rank - s0.size(), 1);
    s1.insert(s1.begin(), rank - s1.size(), 1);
    std::vector<Index> r0, r1;
    for (size_t d = 0; d < rank; ++d) {
      if (s0[d] != s1[d] && s0[d] != 1 && s1[d] != 1) {
        return absl::InvalidArgumentError(
            absl::StrCat("incompatible shapes [", absl::StrJoin(s0, ","),
                         "] and [", absl::StrJoin(s1, ","), "]"));
      }
      if (s0[d] == 1 && s1[d] != 1) r0.push_back(static_cast<Index>(d));
      if (s1[d] == 1 && s0[d] != 1) r1.push_back(static_cast<Index>(d));
      if (s0[d] == 1 && s1[d] == 1) {  // Size-1 output dims: sum both away.
        r0.push_back(static_cast<Index>(d));
        r1.push_back(static_cast<Index>(d));
      }
    }
    ctx.set_output(0, Tensor::FromVector(r0));
    ctx.set_output(1, Tensor::FromVector(r1));
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(
    CpuKernel("BroadcastGradientArgs").TypeConstraint<int32_t>("T"),
    BroadcastGradientArgsCpu<int32_t>);
TG_REGISTER_KERNEL(
    CpuKernel("BroadcastGradientArgs").TypeConstraint<int64_t>("T"),
    BroadcastGradientArgsCpu<int64_t>);

class CastCpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(dst_, c.GetAttr<DataType>("DstT"));
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    if (x.dtype() == dst_) {
      ctx.set_output(0, x);
      return absl::OkStatus();
    }
    if (!DataTypeSupported(dst_) || dst_ == DT_STRING ||
        x.dtype() == DT_STRING) {
      return absl::UnimplementedError(absl::StrCat(
          "cannot cast ", DataTypeName(x.dtype()), " to ", DataTypeName(dst_)));
    }
    TG_ASSIGN_OR_RETURN(Tensor * y, ctx.allocate_output(0, dst_, x.shape()));
    DispatchDataType(x.dtype(), [&](auto src_zero) {
      using S = decltype(src_zero);
      DispatchDataType(dst_, [&](auto dst_zero) {
        using D = decltype(dst_zero);
        const S* in = x.data<S>();
        D* out = y->data<D>();
        for (int64_t i = 0; i < x.NumElements(); ++i) {
          out[i] = CastValue<D>(in[i]);
        }
      });
    });
    return absl::OkStatus();
  }

 private:
  DataType dst_ = DT_INVALID;
};
TG_REGISTER_KERNEL(CpuKernel("Cast"), CastCpu);

template <typename T>
class AddNCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& first = ctx.input(0);
    TG_RETURN_IF_ERROR(CheckAddNInputs(ctx));
    TG_ASSIGN_OR_RETURN(Tensor * sum,
                        ctx.allocate_output(0, first.dtype(), first.shape()));
    T* out = sum->template data<T>();
    const int64_t n = first.NumElements();
    std::copy_n(first.data<T>(), n, out);
    for (int i = 1; i < ctx.num_inputs(); ++i) {
      const T* in = ctx.input(i).data<T>();
      for (int64_t j = 0; j < n; ++j) out[j] = WrappingAdd(out[j], in[j]);
    }
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("AddN").TypeConstraint<float>("T"),
                   AddNCpu<float>);
TG_REGISTER_KERNEL(CpuKernel("AddN").TypeConstraint<double>("T"),
                   AddNCpu<double>);
TG_REGISTER_KERNEL(CpuKernel("AddN").TypeConstraint<int32_t>("T"),
                   AddNCpu<int32_t>);
TG_REGISTER_KERNEL(CpuKernel("AddN").TypeConstraint<int64_t>("T"),
                   AddNCpu<int64_t>);

}  // namespace
}  // namespace tg
