#include "kernels/common/broadcast.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace tg {

absl::StatusOr<BroadcastPlan> PlanBroadcast(const TensorShape& x,
                                            const TensorShape& y) {
  const int rank = std::max(x.rank(), y.rank());
  BroadcastPlan plan;
  plan.x_strides.assign(rank, 0);
  plan.y_strides.assign(rank, 0);
  int64_t xs = 1, ys = 1;
  Dims out(rank);
  for (int d = rank - 1; d >= 0; --d) {
    const int xd = d - (rank - x.rank()), yd = d - (rank - y.rank());
    const int64_t a = xd >= 0 ? x.dim_size(xd) : 1;
    const int64_t b = yd >= 0 ? y.dim_size(yd) : 1;
    if (a != b && a != 1 && b != 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "incompatible shapes for broadcasting: ", x.DebugString(), " and ",
          y.DebugString()));
    }
    out[d] = a == 1 ? b : a;
    plan.x_strides[d] = a == 1 ? 0 : xs;
    plan.y_strides[d] = b == 1 ? 0 : ys;
    xs *= a;
    ys *= b;
  }
  plan.out = TensorShape(out);
  return plan;
}

int64_t BroadcastOffset(int64_t i, const TensorShape& out,
                        const TensorShape& in) {
  int64_t offset = 0, stride = 1;
  for (int d = out.rank() - 1; d >= 0; --d) {
    const int64_t idx = i % out.dim_size(d);
    i /= out.dim_size(d);
    const int k = d - (out.rank() - in.rank());
    if (k < 0) continue;
    if (in.dim_size(k) != 1) offset += idx * stride;
    stride *= in.dim_size(k);
  }
  return offset;
}

}  // namespace tg
