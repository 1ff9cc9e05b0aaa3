#include "core/strided_slice_spec.h"

#include "absl/strings/str_cat.h"

namespace tg {

absl::StatusOr<StridedSlicePlan> PlanStridedSlice(
    const TensorShape& input, const std::vector<int64_t>& begin,
    const std::vector<int64_t>& end, const std::vector<int64_t>& strides,
    const StridedSliceMasks& masks) {
  const int n = static_cast<int>(begin.size());
  if (static_cast<int>(end.size()) != n ||
      static_cast<int>(strides.size()) != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("begin, end and strides must have one length, got ",
                     begin.size(), ", ", end.size(), " and ", strides.size()));
  }
  auto bit = [](int64_t mask, int i) { return (mask >> i) & 1; };
  int ellipses = 0, new_axes = 0;
  for (int i = 0; i < n; ++i) {
    ellipses += bit(masks.ellipsis, i);
    new_axes += bit(masks.new_axis, i) && !bit(masks.ellipsis, i);
  }
  if (ellipses > 1) {
    return absl::InvalidArgumentError("at most one ellipsis is allowed");
  }
  const int rank = input.rank();
  // Entries that name input dims (not new axes, not the ellipsis).
  const int named = n - new_axes - ellipses;
  if (named > rank) {
    return absl::InvalidArgumentError(
        absl::StrCat("the slice names ", named,
                     " dimensions of an input of shape ", input.DebugString()));
  }
  StridedSlicePlan plan;
  Dims out;
  int d = 0;  // Next input dim.
  auto whole = [&]() {
    plan.begin.push_back(0);
    plan.stride.push_back(1);
    plan.size.push_back(input.dim_size(d));
    out.push_back(input.dim_size(d));
    ++d;
  };
  for (int i = 0; i < n; ++i) {
    if (bit(masks.ellipsis, i)) {
      const int covered = rank - named;
      for (int k = 0; k < covered; ++k) whole();
      continue;
    }
    if (bit(masks.new_axis, i)) {
      out.push_back(1);
      continue;
    }
    const int64_t dim = input.dim_size(d);
    const int64_t s = strides[i];
    if (s == 0) return absl::InvalidArgumentError("strides must be nonzero");
    if (bit(masks.shrink_axis, i)) {
      const int64_t idx = begin[i] < 0 ? begin[i] + dim : begin[i];
      if (idx < 0 || idx >= dim) {
        return absl::InvalidArgumentError(
            absl::StrCat("index ", begin[i], " is out of range for dimension ",
                         d, " of size ", dim));
      }
      plan.begin.push_back(idx);
      plan.stride.push_back(1);
      plan.size.push_back(1);
      ++d;
      continue;
    }
    // Clamp to [0, dim] going up, [-1, dim - 1] going down.
    const int64_t lo = s > 0 ? 0 : -1, hi = s > 0 ? dim : dim - 1;
    auto resolve = [&](int64_t v, bool masked, bool is_begin) {
      if (masked) return is_begin == (s > 0) ? lo : hi;
      if (v < 0) v += dim;
      return std::min(std::max(v, lo), hi);
    };
    const int64_t b = resolve(begin[i], bit(masks.begin, i), true);
    const int64_t e = resolve(end[i], bit(masks.end, i), false);
    const int64_t size = s > 0
                             ? std::max<int64_t>(0, (e - b + s - 1) / s)
                             : std::max<int64_t>(0, (b - e + (-s) - 1) / (-s));
    plan.begin.push_back(b);
    plan.stride.push_back(s);
    plan.size.push_back(size);
    out.push_back(size);
    ++d;
  }
  while (d < rank) whole();  // The implicit trailing ellipsis.
  plan.output = TensorShape(out);
  return plan;
}

}  // namespace tg
