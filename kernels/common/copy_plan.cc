#include "kernels/common/copy_plan.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "core/checked_math.h"
#include "core/status.h"

namespace tg {
namespace {

// A copy from a box of a tensor of shape `big` (at `begin`) to a dense
// tensor of the box's shape, or the other way round with `into`.
CopyPlan BoxCopy(const TensorShape& big, const Dims& box,
                 const std::vector<int64_t>& begin, bool into) {
  CopyPlan p;
  p.dims = box;
  const Dims strides = RowMajorStrides(big);
  int64_t base = 0;
  for (size_t d = 0; d < box.size(); ++d) base += begin[d] * strides[d];
  const Dims dense = RowMajorStrides(TensorShape(box));
  p.src_strides = into ? dense : strides;
  p.dst_strides = into ? strides : dense;
  (into ? p.dst_base : p.src_base) = base;
  return p;
}

}  // namespace

int64_t CopyPlan::num_elements() const {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

Dims RowMajorStrides(const TensorShape& shape) {
  Dims s(shape.rank());
  int64_t stride = 1;
  for (int d = shape.rank() - 1; d >= 0; --d) {
    s[d] = stride;
    stride *= shape.dim_size(d);
  }
  return s;
}

absl::StatusOr<LayoutPlan> PlanSlice(const TensorShape& in,
                                     const std::vector<int64_t>& begin,
                                     const std::vector<int64_t>& size) {
  const int rank = in.rank();
  TG_REQUIRE(static_cast<int>(begin.size()) == rank &&
                 static_cast<int>(size.size()) == rank,
             InvalidArgument, "begin and size need ", rank, " entries for ",
             in.DebugString());
  Dims out(rank);
  for (int d = 0; d < rank; ++d) {
    const int64_t dim = in.dim_size(d);
    // Compared without sums, which could overflow.
    const bool ok =
        begin[d] >= 0 && begin[d] <= dim &&
        (size[d] == -1 || (size[d] >= 0 && size[d] <= dim - begin[d]));
    TG_REQUIRE(ok, InvalidArgument, "slice of ", size[d], " elements from ",
               begin[d], " on axis ", d, " is outside ", in.DebugString());
    out[d] = size[d] == -1 ? dim - begin[d] : size[d];
  }
  LayoutPlan plan;
  plan.output = TensorShape(out);
  plan.copies.push_back(BoxCopy(in, out, begin, /*into=*/false));
  return plan;
}

absl::StatusOr<LayoutPlan> PlanPad(const TensorShape& in,
                                   const TensorShape& paddings_shape,
                                   const std::vector<int64_t>& p) {
  const int rank = in.rank();
  TG_REQUIRE(paddings_shape == TensorShape({rank, 2}), InvalidArgument,
             "paddings must be [", rank, ", 2] for ", in.DebugString(),
             ", got ", paddings_shape.DebugString());
  Dims out(rank);
  std::vector<int64_t> begin(rank);
  for (int d = 0; d < rank; ++d) {
    TG_REQUIRE(p[2 * d] >= 0 && p[2 * d + 1] >= 0, InvalidArgument,
               "paddings must be non-negative, got ", p[2 * d], " and ",
               p[2 * d + 1], " for axis ", d);
    begin[d] = p[2 * d];
    const bool fits = CheckedAdd(in.dim_size(d), p[2 * d], &out[d]) &&
                      CheckedAdd(out[d], p[2 * d + 1], &out[d]);
    TG_REQUIRE(fits, InvalidArgument, "padding axis ", d, " of ",
               in.DebugString(), " by ", p[2 * d], " and ", p[2 * d + 1],
               " overflows");
  }
  LayoutPlan plan;
  TG_ASSIGN_OR_RETURN(plan.output, TensorShape::FromDims(out));
  plan.zero_fill = true;
  plan.copies.push_back(BoxCopy(plan.output, in.dims(), begin, /*into=*/true));
  return plan;
}

absl::StatusOr<LayoutPlan> PlanTile(const TensorShape& in,
                                    const std::vector<int64_t>& mult) {
  const int rank = in.rank();
  TG_REQUIRE(static_cast<int>(mult.size()) == rank, InvalidArgument,
             "multiples needs ", rank, " entries for ", in.DebugString());
  Dims out(rank);
  for (int d = 0; d < rank; ++d) {
    TG_REQUIRE(mult[d] >= 0, InvalidArgument, "multiple ", mult[d], " of axis ",
               d, " is negative");
    TG_REQUIRE(CheckedMul(in.dim_size(d), mult[d], &out[d]), InvalidArgument,
               "tiling axis ", d, " of ", in.DebugString(), " by ", mult[d],
               " overflows");
  }
  LayoutPlan plan;
  TG_ASSIGN_OR_RETURN(plan.output, TensorShape::FromDims(out));
  // Output index t_d * n_d + i_d on each axis: the space (t_0, i_0, t_1,
  // i_1, ...), reading input (i_0, i_1, ...).
  const Dims in_strides = RowMajorStrides(in);
  const Dims out_strides = RowMajorStrides(plan.output);
  CopyPlan c;
  for (int d = 0; d < rank; ++d) {
    c.dims.push_back(mult[d]);
    c.src_strides.push_back(0);
    c.dst_strides.push_back(in.dim_size(d) * out_strides[d]);
    c.dims.push_back(in.dim_size(d));
    c.src_strides.push_back(in_strides[d]);
    c.dst_strides.push_back(out_strides[d]);
  }
  plan.copies.push_back(std::move(c));
  return plan;
}

absl::StatusOr<LayoutPlan> PlanTranspose(const TensorShape& in,
                                         const std::vector<int64_t>& perm) {
  const int rank = in.rank();
  TG_REQUIRE(static_cast<int>(perm.size()) == rank, InvalidArgument,
             "perm has ", perm.size(), " entries for an input of shape ",
             in.DebugString());
  std::vector<bool> seen(rank, false);
  const Dims in_strides = RowMajorStrides(in);
  Dims out(rank);
  CopyPlan c;
  for (int d = 0; d < rank; ++d) {
    TG_REQUIRE(perm[d] >= 0 && perm[d] < rank && !seen[perm[d]],
               InvalidArgument, "perm is not a permutation");
    seen[perm[d]] = true;
    out[d] = in.dim_size(perm[d]);
    c.src_strides.push_back(in_strides[perm[d]]);
  }
  LayoutPlan plan;
  plan.output = TensorShape(out);
  c.dims = out;
  c.dst_strides = RowMajorStrides(plan.output);
  plan.copies.push_back(std::move(c));
  return plan;
}

absl::StatusOr<LayoutPlan> PlanConcat(const std::vector<TensorShape>& inputs,
                                      int axis) {
  const TensorShape& first = inputs[0];
  const int rank = first.rank();
  Dims out = first.dims();
  out[axis] = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorShape& s = inputs[i];
    bool ok = s.rank() == rank;
    for (int d = 0; ok && d < rank; ++d) {
      ok = d == axis || s.dim_size(d) == first.dim_size(d);
    }
    TG_REQUIRE(ok, InvalidArgument, "input ", i, " of shape ", s.DebugString(),
               " does not match input 0 of shape ", first.DebugString(),
               " outside axis ", axis);
    TG_REQUIRE(CheckedAdd(out[axis], s.dim_size(axis), &out[axis]),
               InvalidArgument, "the concatenated axis overflows");
  }
  LayoutPlan plan;
  TG_ASSIGN_OR_RETURN(plan.output, TensorShape::FromDims(out));
  std::vector<int64_t> begin(rank, 0);
  for (const TensorShape& s : inputs) {
    plan.copies.push_back(BoxCopy(plan.output, s.dims(), begin, true));
    begin[axis] += s.dim_size(axis);
  }
  return plan;
}

absl::StatusOr<StridedSliceMasks> StridedSliceMasksFromAttrs(
    const OpKernelConstruction& c) {
  StridedSliceMasks m;
  TG_ASSIGN_OR_RETURN(m.begin, c.GetAttr<int64_t>("begin_mask"));
  TG_ASSIGN_OR_RETURN(m.end, c.GetAttr<int64_t>("end_mask"));
  TG_ASSIGN_OR_RETURN(m.ellipsis, c.GetAttr<int64_t>("ellipsis_mask"));
  TG_ASSIGN_OR_RETURN(m.new_axis, c.GetAttr<int64_t>("new_axis_mask"));
  TG_ASSIGN_OR_RETURN(m.shrink_axis, c.GetAttr<int64_t>("shrink_axis_mask"));
  return m;
}

LayoutPlan PlanStridedSliceCopy(const StridedSlicePlan& slice,
                                const TensorShape& in, bool grad) {
  LayoutPlan plan;
  plan.output = grad ? in : slice.output;
  plan.zero_fill = grad;
  const Dims strides = RowMajorStrides(in);
  CopyPlan c;
  int64_t base = 0;
  for (int d = 0; d < in.rank(); ++d) {
    c.dims.push_back(slice.size[d]);
    c.src_strides.push_back(slice.stride[d] * strides[d]);
    base += slice.begin[d] * strides[d];
  }
  c.src_base = base;
  c.dst_strides = RowMajorStrides(TensorShape(c.dims));
  if (grad) {
    std::swap(c.src_strides, c.dst_strides);
    std::swap(c.src_base, c.dst_base);
  }
  plan.copies.push_back(std::move(c));
  return plan;
}

void RunCopyPlan(const CopyPlan& plan, const void* src, void* dst,
                 size_t size) {
  const int64_t n = plan.num_elements();
  if (n == 0) return;  // Empty tensors may have no buffer.
  const int rank = static_cast<int>(plan.dims.size());
  const char* s = static_cast<const char*>(src);
  char* t = static_cast<char*>(dst);
  // Runs of the innermost dim that are contiguous on both sides move as
  // one memcpy.
  const bool runs = rank > 0 && plan.src_strides[rank - 1] == 1 &&
                    plan.dst_strides[rank - 1] == 1;
  const int64_t run = runs ? plan.dims[rank - 1] : 1;
  const int outer_rank = runs ? rank - 1 : rank;
  Dims index(outer_rank, 0);
  int64_t so = plan.src_base, dof = plan.dst_base;
  for (int64_t i = 0; i < n; i += run) {
    std::memcpy(t + dof * size, s + so * size, run * size);
    for (int d = outer_rank - 1; d >= 0; --d) {
      so += plan.src_strides[d];
      dof += plan.dst_strides[d];
      if (++index[d] < plan.dims[d]) break;
      so -= plan.src_strides[d] * index[d];
      dof -= plan.dst_strides[d] * index[d];
      index[d] = 0;
    }
  }
}

}  // namespace tg
