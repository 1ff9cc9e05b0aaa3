#include "kernels/common/reduction_plan.h"

#include "absl/strings/str_cat.h"

namespace tg {

absl::Status PlanReduction(const TensorShape& shape,
                           const std::vector<int64_t>& axes, bool keep_dims,
                           std::vector<bool>* reduced, TensorShape* out) {
  reduced->assign(shape.rank(), false);
  for (int64_t a : axes) {
    if (a < -shape.rank() || a >= shape.rank()) {
      return absl::InvalidArgumentError(
          absl::StrCat("axis ", a, " is out of range for input of shape ",
                       shape.DebugString()));
    }
    (*reduced)[a < 0 ? a + shape.rank() : a] = true;
  }
  *out = TensorShape();
  for (int d = 0; d < shape.rank(); ++d) {
    if (!(*reduced)[d]) {
      out->AddDim(shape.dim_size(d));
    } else if (keep_dims) {
      out->AddDim(1);
    }
  }
  return absl::OkStatus();
}

}  // namespace tg
