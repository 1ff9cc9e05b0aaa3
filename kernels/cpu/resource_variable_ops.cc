// Resource variable kernels. They work on any device: a handle is a host
// object naming a variable of the session's store, and the work on the
// variable's tensor is done by copies or, for updates and gathers, by the
// device's own kernel of the reference-variable op (ApplyAdam for
// ResourceApplyAdam, AssignAdd for AssignAddVariableOp, GatherV2 for
// ResourceGather), called with the variable in place of a reference input.
//
// Reads share the variable's buffer (no copy). An update writes in place
// only when nothing else holds the buffer; otherwise it first gives the
// variable a copy (copy-on-write), so a value read earlier keeps the value
// it had when read, as TensorFlow's reads are snapshots.
#include "absl/strings/str_cat.h"
#include "core/op_kernel.h"
#include "core/resource_handle.h"
#include "core/variable.h"
#include "kernels/cpu/resource_lookup.h"

namespace tg {
namespace {

absl::Status CheckDtype(const Variable& v, const ResourceHandle& h,
                        DataType want) {
  TG_REQUIRE(v.tensor.dtype() == want, InvalidArgument, "resource variable ",
             h.DebugString(), " holds a ", DataTypeName(v.tensor.dtype()),
             " tensor, not ", DataTypeName(want));
  return absl::OkStatus();
}

class VarHandleOpKernel : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(handle_.container, c.GetAttr<std::string>("container"));
    TG_ASSIGN_OR_RETURN(handle_.name, c.GetAttr<std::string>("shared_name"));
    TG_ASSIGN_OR_RETURN(handle_.dtype, c.GetAttr<DataType>("dtype"));
    TG_ASSIGN_OR_RETURN(auto shape,
                        c.GetAttr<::tensorgraph::TensorShapeProto>("shape"));
    handle_.shape = PartialShape::FromProto(shape);
    // TensorFlow's Python always names the variable; a graph without a
    // shared_name falls back to the node's name.
    if (handle_.name.empty()) handle_.name = c.def().name();
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(Tensor * out, ctx.allocate_output(0, DT_RESOURCE, {}));
    out->flat<ResourceHandle>()[0] = handle_;
    return absl::OkStatus();
  }

 private:
  ResourceHandle handle_;
};
TG_REGISTER_KERNEL(CpuKernel("VarHandleOp"), VarHandleOpKernel);

// Keeps the session's variable store (the handle's variables live there).
class ResourceKernelBase : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    store_ = c.variables();
    TG_REQUIRE(store_ != nullptr, Internal, "no variable store");
    return absl::OkStatus();
  }

 protected:
  VariableStore* store_ = nullptr;
};

class ReadVariableOpKernel : public ResourceKernelBase {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_RETURN_IF_ERROR(ResourceKernelBase::Init(c));
    TG_ASSIGN_OR_RETURN(dtype_, c.GetAttr<DataType>("dtype"));
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_RETURN_IF_ERROR(CheckScalarHandle(ctx, 0));
    const ResourceHandle& h = HandleOf(ctx, 0);
    TG_ASSIGN_OR_RETURN(Variable * v, LiveVariable(store_, h));
    TG_RETURN_IF_ERROR(CheckDtype(*v, h, dtype_));
    Allocator* out = ctx.output_allocator(0);
    if (v->tensor.memory_space() == out->memory_space()) {
      ctx.set_output(0, v->tensor);  // Shared: updates copy on write.
      return absl::OkStatus();
    }
    TG_ASSIGN_OR_RETURN(Tensor copy, v->tensor.CheckedDeepCopy(out));
    ctx.set_output(0, std::move(copy));
    return absl::OkStatus();
  }

 private:
  DataType dtype_ = DT_INVALID;
};
TG_REGISTER_KERNEL(CpuKernel("ReadVariableOp"), ReadVariableOpKernel);

class AssignVariableOpKernel : public ResourceKernelBase {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_RETURN_IF_ERROR(ResourceKernelBase::Init(c));
    TG_ASSIGN_OR_RETURN(dtype_, c.GetAttr<DataType>("dtype"));
    TG_ASSIGN_OR_RETURN(validate_shape_, c.GetAttr<bool>("validate_shape"));
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_RETURN_IF_ERROR(CheckScalarHandle(ctx, 0));
    const ResourceHandle& h = HandleOf(ctx, 0);
    const Tensor& value = ctx.input(1);
    TG_REQUIRE(h.dtype == DT_INVALID || h.dtype == dtype_, InvalidArgument,
               "resource variable ", h.DebugString(), " holds ",
               DataTypeName(h.dtype), ", not ", DataTypeName(dtype_));
    Variable* v = store_->GetOrCreate(h.VariableKey());
    if (v->initialized && !v->destroyed) {
      TG_RETURN_IF_ERROR(CheckDtype(*v, h, dtype_));
      TG_REQUIRE(!validate_shape_ || v->tensor.shape() == value.shape(),
                 InvalidArgument, "cannot assign a value of shape ",
                 value.shape().DebugString(), " to resource variable ",
                 h.DebugString(), " of shape ",
                 v->tensor.shape().DebugString());
    }
    v->destroyed = false;
    v->memory = ctx.device()->allocator();
    // In place when nothing else holds the buffer; otherwise a new one, so
    // earlier reads keep their values.
    if (v->initialized && v->tensor.RefCountIsOne() &&
        v->tensor.shape() == value.shape() &&
        v->tensor.memory_space() == v->memory->memory_space()) {
      return v->tensor.CopyValuesFrom(value);
    }
    TG_ASSIGN_OR_RETURN(v->tensor, value.CheckedDeepCopy(v->memory));
    v->initialized = true;
    return absl::OkStatus();
  }

 private:
  DataType dtype_ = DT_INVALID;
  bool validate_shape_ = false;
};
TG_REGISTER_KERNEL(CpuKernel("AssignVariableOp"), AssignVariableOpKernel);

class VarIsInitializedOpKernel : public ResourceKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_RETURN_IF_ERROR(CheckScalarHandle(ctx, 0));
    const Variable* v = store_->Find(HandleOf(ctx, 0).VariableKey());
    TG_ASSIGN_OR_RETURN(Tensor * out, ctx.allocate_output(0, DT_BOOL, {}));
    out->flat<bool>()[0] = v != nullptr && !v->destroyed && v->initialized;
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("VarIsInitializedOp"), VarIsInitializedOpKernel);

class DestroyResourceOpKernel : public ResourceKernelBase {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_RETURN_IF_ERROR(ResourceKernelBase::Init(c));
    TG_ASSIGN_OR_RETURN(ignore_missing_,
                        c.GetAttr<bool>("ignore_lookup_error"));
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_RETURN_IF_ERROR(CheckScalarHandle(ctx, 0));
    const ResourceHandle& h = HandleOf(ctx, 0);
    Variable* v = store_->Find(h.VariableKey());
    if (v == nullptr || v->destroyed) {
      TG_REQUIRE(ignore_missing_, NotFound, "resource variable ",
                 h.DebugString(), " does not exist");
      return absl::OkStatus();
    }
    v->destroyed = true;
    v->initialized = false;
    v->tensor = Tensor();
    return absl::OkStatus();
  }

 private:
  bool ignore_missing_ = true;
};
TG_REGISTER_KERNEL(CpuKernel("DestroyResourceOp"), DestroyResourceOpKernel);

// A hint about aliasing: checks that the variable exists, nothing more.
class DisableCopyOnReadKernel : public ResourceKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_RETURN_IF_ERROR(CheckScalarHandle(ctx, 0));
    const ResourceHandle& h = HandleOf(ctx, 0);
    const Variable* v = store_->Find(h.VariableKey());
    TG_REQUIRE(v != nullptr && !v->destroyed, NotFound, "resource variable ",
               h.DebugString(), " does not exist");
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("DisableCopyOnRead"), DisableCopyOnReadKernel);

}  // namespace
}  // namespace tg
