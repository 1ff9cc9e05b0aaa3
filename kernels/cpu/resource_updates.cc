// Resource variable updates and gathers (ResourceApply*, AssignAdd/Sub-
// VariableOp, ResourceGather) through the device's kernel of the matching
// reference-variable op: the handles are looked up and the inner kernel
// gets each variable as a reference input (or, for a gather, its value).
// So every device that has the reference op has the resource op too.
#include "absl/strings/str_cat.h"
#include "core/op_kernel.h"
#include "core/op_registry.h"
#include "core/resource_handle.h"
#include "core/variable.h"
#include "kernels/cpu/resource_lookup.h"

namespace tg {
namespace {

class ViaReferenceKernel : public OpKernel {
 public:
  // `inner_op`: the reference-variable op; `by_value`: pass the variables'
  // values (a gather) instead of references, then an axis of 0.
  ViaReferenceKernel(std::string inner_op, bool by_value)
      : inner_op_(std::move(inner_op)), by_value_(by_value) {}

  absl::Status Init(OpKernelConstruction& c) override {
    store_ = c.variables();
    TG_REQUIRE(store_ != nullptr, Internal, "no variable store");
    TG_RETURN_IF_ERROR(MakeInnerDef(c.def()));
    const OpRegistration* reg = OpRegistry::Global()->Find(inner_op_);
    TG_REQUIRE(reg != nullptr, Internal, "op ", inner_op_,
               " is not registered");
    TG_RETURN_IF_ERROR(AddDefaultsAndValidateAttrs(reg->def, &inner_def_));
    TG_RETURN_IF_ERROR(
        ComputeArgTypes(reg->def, inner_def_.attr(), &in_types_, &out_types_));
    TG_ASSIGN_OR_RETURN(
        const KernelDef* def,
        KernelRegistry::Global()->Find(inner_def_, c.device()->type()));
    OpKernelConstruction inner(&inner_def_, &in_types_, &out_types_, c.device(),
                               c.variables(), c.allocator());
    TG_ASSIGN_OR_RETURN(inner_, CreateKernel(*def, inner));
    if (by_value_) axis_ = Tensor::Scalar<int32_t>(0);
    return absl::OkStatus();
  }

  absl::Status Compute(OpKernelContext& ctx) override {
    const int n = ctx.num_inputs();
    std::vector<TensorValue> slots(n + (by_value_ ? 1 : 0) +
                                   std::max<size_t>(1, out_types_.size()));
    std::vector<int> inputs;
    for (int i = 0; i < n; ++i) {
      inputs.push_back(i);
      if (ctx.input(i).dtype() != DT_RESOURCE) {
        slots[i].tensor = ctx.input(i);
        continue;
      }
      TG_ASSIGN_OR_RETURN(Variable * v, Resolve(ctx, i));
      if (by_value_) {
        slots[i].tensor = v->tensor;
      } else {
        slots[i].ref = v;
      }
    }
    if (by_value_) {
      slots[n].tensor = axis_;
      inputs.push_back(n);
    }
    const int first_out = static_cast<int>(inputs.size());
    const int num_out = static_cast<int>(slots.size()) - first_out;
    std::vector<Allocator*> allocators(num_out, ctx.device()->allocator());
    if (ctx.num_outputs() > 0) allocators[0] = ctx.output_allocator(0);
    OpKernelContext inner(ctx.device(), slots.data(), inputs,
                          absl::MakeSpan(slots.data() + first_out, num_out),
                          allocators);
    TG_RETURN_IF_ERROR(inner_->Compute(inner));
    if (ctx.num_outputs() > 0) ctx.set_output(0, slots[first_out].tensor);
    return absl::OkStatus();
  }

 private:
  // The inner node: the same attrs (the resource op's dtype is the gather's
  // Tparams), under the reference op's name.
  absl::Status MakeInnerDef(const NodeDef& outer) {
    inner_def_ = outer;
    inner_def_.set_op(inner_op_);
    inner_def_.clear_input();
    auto& attrs = *inner_def_.mutable_attr();
    if (by_value_) {
      TG_ASSIGN_OR_RETURN(DataType t, GetAttr<DataType>(outer.attr(), "dtype"));
      TG_ASSIGN_OR_RETURN(int64_t batch_dims,
                          GetAttr<int64_t>(outer.attr(), "batch_dims"));
      TG_REQUIRE(batch_dims == 0, Unimplemented,
                 "ResourceGather with batch_dims != 0");
      attrs.erase("dtype");
      attrs.erase("validate_indices");
      attrs["Tparams"].set_type(t);
      attrs["Taxis"].set_type(DT_INT32);
    } else if (attrs.contains("dtype")) {  // AssignAdd/SubVariableOp
      attrs["T"] = attrs["dtype"];
      attrs.erase("dtype");
      attrs["use_locking"].set_b(false);
    }
    return absl::OkStatus();
  }

  // The variable behind handle input `i`, with a buffer of its own when it
  // is to be updated in place.
  absl::StatusOr<Variable*> Resolve(const OpKernelContext& ctx, int i) const {
    TG_RETURN_IF_ERROR(CheckScalarHandle(ctx, i));
    const ResourceHandle& h = HandleOf(ctx, i);
    TG_ASSIGN_OR_RETURN(Variable * v, LiveVariable(store_, h));
    TG_REQUIRE(
        v->tensor.memory_space() == ctx.device()->allocator()->memory_space(),
        FailedPrecondition, "resource variable ", h.DebugString(), " is in ",
        v->tensor.MemoryName(), " memory, not on ", ctx.device()->name(),
        " where this node runs");
    if (!by_value_ && !v->tensor.RefCountIsOne()) {
      // A value read earlier keeps the value it had (copy on write).
      Allocator* to = v->memory != nullptr ? v->memory : CpuAllocator();
      TG_ASSIGN_OR_RETURN(v->tensor, v->tensor.CheckedDeepCopy(to));
    }
    return v;
  }

  const std::string inner_op_;
  const bool by_value_;
  VariableStore* store_ = nullptr;
  NodeDef inner_def_;
  DataTypeVector in_types_, out_types_;
  std::unique_ptr<OpKernel> inner_;
  Tensor axis_;
};

#define TG_VIA_REFERENCE(OP, INNER, BY_VALUE)                         \
  static KernelRegistrar TG_CONCAT(tg_via_reference_, __COUNTER__)(   \
      CpuKernel(OP).Build([]() -> std::unique_ptr<OpKernel> {         \
        return std::make_unique<ViaReferenceKernel>(INNER, BY_VALUE); \
      }))
TG_VIA_REFERENCE("ResourceApplyGradientDescent", "ApplyGradientDescent", false);
TG_VIA_REFERENCE("ResourceApplyMomentum", "ApplyMomentum", false);
TG_VIA_REFERENCE("ResourceApplyRMSProp", "ApplyRMSProp", false);
TG_VIA_REFERENCE("ResourceApplyCenteredRMSProp", "ApplyCenteredRMSProp", false);
TG_VIA_REFERENCE("ResourceApplyAdam", "ApplyAdam", false);
TG_VIA_REFERENCE("AssignAddVariableOp", "AssignAdd", false);
TG_VIA_REFERENCE("AssignSubVariableOp", "AssignSub", false);
TG_VIA_REFERENCE("ResourceGather", "GatherV2", true);

}  // namespace
}  // namespace tg
