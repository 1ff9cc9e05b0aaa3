#include "kernels/common/apply_checks.h"

#include "absl/strings/str_cat.h"

namespace tg {

absl::Status CheckApplyInputs(const OpKernelContext& ctx, int num_refs,
                              int grad) {
  const Variable* var = ctx.input_ref(0);
  for (int i = 0; i < num_refs; ++i) {
    const Variable* v = ctx.input_ref(i);
    if (!v->initialized) return UninitializedVariableError(*v);
    if (v->tensor.shape() != var->tensor.shape()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "slot '", v->name, "' has shape ", v->tensor.shape().DebugString(),
          " but variable '", var->name, "' has shape ",
          var->tensor.shape().DebugString()));
    }
  }
  for (int i = num_refs; i < ctx.num_inputs(); ++i) {
    const Tensor& t = ctx.input(i);
    if (i == grad) {
      if (t.shape() != var->tensor.shape()) {
        return absl::InvalidArgumentError(
            absl::StrCat("gradient of shape ", t.shape().DebugString(),
                         " does not match variable '", var->name, "' of shape ",
                         var->tensor.shape().DebugString()));
      }
    } else if (t.NumElements() != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("input ", i, " must be a scalar, got shape ",
                       t.shape().DebugString()));
    }
  }
  return absl::OkStatus();
}

}  // namespace tg
