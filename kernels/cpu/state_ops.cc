// Variable CPU kernels: VariableV2, Assign, AssignAdd and AssignSub.
#include "absl/strings/str_cat.h"
#include "core/checked_math.h"
#include "core/op_kernel.h"

namespace tg {
namespace {

class VariableCpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(std::string shared,
                        c.GetAttr<std::string>("shared_name"));
    var_ = c.variables()->GetOrCreate(shared.empty() ? c.def().name() : shared);
    // The variable lives in this device's memory; a value restored before
    // the kernel existed (held on the host) moves there now.
    var_->memory = c.allocator();
    if (var_->initialized &&
        var_->tensor.memory_space() != var_->memory->memory_space()) {
      TG_ASSIGN_OR_RETURN(var_->tensor,
                          var_->tensor.CheckedDeepCopy(var_->memory));
    }
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
TG_REGISTER_KERNEL(CpuKernel("Variable"), VariableCpu);

class AssignCpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(validate_shape_, c.GetAttr<bool>("validate_shape"));
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    Variable* var = ctx.input_ref(0);
    const Tensor& value = ctx.input(1);
    if (validate_shape_ && var->initialized &&
        var->tensor.shape() != value.shape()) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot assign a value of shape ",
                       value.shape().DebugString(), " to variable '", var->name,
                       "' of shape ", var->tensor.shape().DebugString()));
    }
    // Same shape: overwritten in place, so tensors already read from the
    // variable in this step keep pointing at its one buffer.
    if (var->memory == nullptr) var->memory = ctx.device()->allocator();
    TG_RETURN_IF_ERROR(SetVariableValue(var, value));
    ctx.set_output_ref(0, var);
    return absl::OkStatus();
  }

 private:
  bool validate_shape_ = true;
};
TG_REGISTER_KERNEL(CpuKernel("Assign"), AssignCpu);

// ref += value (kSign 1) or ref -= value (kSign -1), in place.
template <typename T, int kSign>
class AssignUpdateCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    Variable* var = ctx.input_ref(0);
    if (!var->initialized) return UninitializedVariableError(*var);
    const Tensor& value = ctx.input(1);
    if (value.shape() != var->tensor.shape()) {
      return absl::InvalidArgumentError(
          absl::StrCat("value of shape ", value.shape().DebugString(),
                       " does not match variable '", var->name, "' of shape ",
                       var->tensor.shape().DebugString()));
    }
    T* w = var->tensor.data<T>();
    const T* d = value.data<T>();
    for (int64_t i = 0; i < value.NumElements(); ++i) {
      w[i] = kSign > 0 ? WrappingAdd(w[i], d[i]) : WrappingSub(w[i], d[i]);
    }
    ctx.set_output_ref(0, var);
    return absl::OkStatus();
  }
};

#define TG_CPU_ASSIGN_UPDATE(T)                                     \
  TG_REGISTER_KERNEL(CpuKernel("AssignAdd").TypeConstraint<T>("T"), \
                     AssignUpdateCpu<T, 1>);                        \
  TG_REGISTER_KERNEL(CpuKernel("AssignSub").TypeConstraint<T>("T"), \
                     AssignUpdateCpu<T, -1>)
TG_CPU_ASSIGN_UPDATE(float);
TG_CPU_ASSIGN_UPDATE(double);
TG_CPU_ASSIGN_UPDATE(int32_t);
TG_CPU_ASSIGN_UPDATE(int64_t);

}  // namespace
}  // namespace tg
