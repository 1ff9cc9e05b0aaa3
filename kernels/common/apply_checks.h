// The checks every optimizer update (Apply*) kernel makes before touching
// memory, on any device: they read shapes and flags only.
#ifndef TG_KERNELS_COMMON_APPLY_CHECKS_H_
#define TG_KERNELS_COMMON_APPLY_CHECKS_H_

#include "core/op_kernel.h"

namespace tg {

// Checks the reference inputs [0, num_refs) are initialized and shaped like
// the variable, the gradient at input `grad` too, and the rest are scalars.
absl::Status CheckApplyInputs(const OpKernelContext& ctx, int num_refs,
                              int grad);

}  // namespace tg

#endif  // TG_KERNELS_COMMON_APPLY_CHECKS_H_
