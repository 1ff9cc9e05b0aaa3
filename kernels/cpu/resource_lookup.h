// Looking up the variable a resource handle input names: shared by the
// resource variable kernels (resource_variable_ops.cc) and the updates run
// through reference-variable kernels (resource_updates.cc).
#ifndef TG_KERNELS_CPU_RESOURCE_LOOKUP_H_
#define TG_KERNELS_CPU_RESOURCE_LOOKUP_H_

#include "core/op_kernel.h"
#include "core/resource_handle.h"
#include "core/variable.h"

namespace tg {

inline const ResourceHandle& HandleOf(const OpKernelContext& ctx, int i) {
  return ctx.input(i).flat<ResourceHandle>()[0];
}

inline absl::Status CheckScalarHandle(const OpKernelContext& ctx, int i) {
  const Tensor& t = ctx.input(i);
  TG_REQUIRE(t.dtype() == DT_RESOURCE && t.NumElements() == 1, InvalidArgument,
             "input ", i, " must be one resource handle, got ",
             DataTypeName(t.dtype()), " ", t.shape().DebugString());
  return absl::OkStatus();
}

// The variable `handle` names, which must exist and hold a value.
inline absl::StatusOr<Variable*> LiveVariable(VariableStore* store,
                                              const ResourceHandle& handle) {
  Variable* v = store->Find(handle.VariableKey());
  TG_REQUIRE(v != nullptr || handle.name.empty(), FailedPrecondition,
             "resource variable ", handle.DebugString(),
             " does not exist: assign it (run its initializer) first");
  TG_REQUIRE(v != nullptr, FailedPrecondition,
             "the resource handle names no variable (empty shared_name)");
  TG_REQUIRE(!v->destroyed, NotFound, "resource variable ",
             handle.DebugString(), " was destroyed");
  TG_REQUIRE(v->initialized, FailedPrecondition, "resource variable ",
             handle.DebugString(),
             " is not initialized: assign it (run its initializer) first");
  return v;
}

}  // namespace tg

#endif  // TG_KERNELS_CPU_RESOURCE_LOOKUP_H_
