// Variable CPU kernels: VariableV2, Assign and ApplyGradientDescent.
#include "absl/strings/str_cat.h"
#include "core/op_kernel.h"

namespace tg {
namespace {

absl::Status Uninitialized(const Variable* v) {
  return absl::FailedPreconditionError(
      absl::StrCat("attempting to use uninitialized variable '", v->name,
                   "'; run its initializer (e.g. the 'init' op) first"));
}

class VariableCpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(std::string shared,
                        c.GetAttr<std::string>("shared_name"));
    var_ = c.variables()->GetOrCreate(shared.empty() ? c.def().name() : shared);
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    ctx.set_output_ref(0, var_);
    return absl::OkStatus();
  }

 private:
  Variable* var_ = nullptr;
};
TG_REGISTER_KERNEL(CpuKernel("VariableV2"), VariableCpu);

class AssignCpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(validate_shape_, c.GetAttr<bool>("validate_shape"));
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    Variable* var = ctx.input_ref(0);
    const Tensor& value = ctx.input(1);
    if (var->initialized && var->tensor.shape() == value.shape() &&
        var->tensor.dtype() == value.dtype()) {
      // Same shape: overwrite in place, so tensors already read from the
      // variable in this step keep pointing at its one buffer.
      var->tensor.CopyValuesFrom(value);
    } else {
      if (validate_shape_ && var->initialized &&
          var->tensor.shape() != value.shape()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "cannot assign a value of shape ", value.shape().DebugString(),
            " to variable '", var->name, "' of shape ",
            var->tensor.shape().DebugString()));
      }
      // The variable owns its buffer: updates write it in place, and the
      // value may be a constant's shared buffer.
      var->tensor = value.DeepCopy();
      var->initialized = true;
    }
    ctx.set_output_ref(0, var);
    return absl::OkStatus();
  }

 private:
  bool validate_shape_ = true;
};
TG_REGISTER_KERNEL(CpuKernel("Assign"), AssignCpu);

template <typename T>
class ApplyGradientDescentCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    Variable* var = ctx.input_ref(0);
    if (!var->initialized) return Uninitialized(var);
    const Tensor& alpha = ctx.input(1);
    const Tensor& delta = ctx.input(2);
    if (alpha.NumElements() != 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "alpha must be a scalar, got shape ", alpha.shape().DebugString()));
    }
    if (delta.shape() != var->tensor.shape()) {
      return absl::InvalidArgumentError(
          absl::StrCat("delta of shape ", delta.shape().DebugString(),
                       " does not match variable '", var->name, "' of shape ",
                       var->tensor.shape().DebugString()));
    }
    const T a = alpha.data<T>()[0];
    const T* d = delta.data<T>();
    T* w = var->tensor.data<T>();
    ctx.thread_pool()->ParallelFor(delta.NumElements(), 2,
                                   [&](int64_t b, int64_t e) {
                                     for (int64_t i = b; i < e; ++i) {
                                       w[i] -= a * d[i];
                                     }
                                   });
    ctx.set_output_ref(0, var);
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("ApplyGradientDescent").TypeConstraint<float>("T"),
                   ApplyGradientDescentCpu<float>);
TG_REGISTER_KERNEL(
    CpuKernel("ApplyGradientDescent").TypeConstraint<double>("T"),
    ApplyGradientDescentCpu<double>);

}  // namespace
}  // namespace tg
