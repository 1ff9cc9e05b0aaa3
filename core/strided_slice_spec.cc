#include "core/strided_slice_spec.h"

#include "absl/strings/str_cat.h"
#include "core/status.h"

namespace tg {

absl::StatusOr<StridedSlicePlan> PlanStridedSlice(
    const TensorShape& input, const std::vector<int64_t>& begin,
    const std::vector<int64_t>& end, const std::vector<int64_t>& strides,
    const StridedSliceMasks& masks) {
  TG_REQUIRE(end.size() == begin.size() && strides.size() == begin.size(),
             InvalidArgument,
             "begin, end and strides must have one length, got ", begin.size(),
             ", ", end.size(), " and ", strides.size());
  // The masks are 64-bit integers: a longer spec could not be described.
  TG_REQUIRE(begin.size() <= 64, InvalidArgument, "a slice spec of ",
             begin.size(),
             " entries is longer than the 64 the masks can cover");
  const int n = static_cast<int>(begin.size());
  auto bit = [](int64_t mask, int i) {
    return static_cast<int>((static_cast<uint64_t>(mask) >> i) & 1);
  };
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
    // ceil(distance / |stride|), in 128 bits: |stride| may be 2^63.
    const __int128 distance = s > 0 ? __int128{e} - b : __int128{b} - e;
    const __int128 step = s > 0 ? __int128{s} : -__int128{s};
    const int64_t size =
        distance > 0 ? static_cast<int64_t>((distance - 1) / step + 1) : 0;
    plan.begin.push_back(b);
    // A dim visited once never steps: stride 1 keeps the offset arithmetic
    // of a huge stride from overflowing.
    plan.stride.push_back(size > 1 ? s : 1);
    plan.size.push_back(size);
    out.push_back(size);
    ++d;
  }
  while (d < rank) whole();  // The implicit trailing ellipsis.
  plan.output = TensorShape(out);
  return plan;
}

}  // namespace tg
