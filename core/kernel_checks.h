// Checked helpers for what every kernel and shape function must verify
// about values a graph file or a feed can set: that an input is a scalar or
// a vector, that an axis or an index is in range, that dims read from a
// tensor make a shape whose size does not overflow.
//
// Each returns InvalidArgument with a message naming the argument and the
// offending values; kernels return it as is (the executor adds the node).
//
//   TG_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axis_attr, x.shape().rank()));
//   TG_ASSIGN_OR_RETURN(TensorShape shape, ShapeFromTensor(ctx.input(0),
//   "shape"));
#ifndef TG_CORE_KERNEL_CHECKS_H_
#define TG_CORE_KERNEL_CHECKS_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/tensor.h"

namespace tg {

// `axis` in [-rank, rank) mapped to [0, rank).
absl::StatusOr<int> NormalizeAxis(int64_t axis, int rank,
                                  absl::string_view what = "axis");

// Fails unless `t` has exactly `rank` dims.
absl::Status RequireRank(const Tensor& t, int rank, absl::string_view what);
// Fails unless `t` has rank 0 (or, with `allow_one_element`, exactly one
// element, which TensorFlow accepts for some scalar arguments).
absl::Status RequireScalar(const Tensor& t, absl::string_view what,
                           bool allow_one_element = false);

// The value of an int32 or int64 scalar (or one-element tensor).
absl::StatusOr<int64_t> ScalarToInt64(const Tensor& t, absl::string_view what);
// The values of an int32 or int64 tensor of rank at most 1.
absl::StatusOr<std::vector<int64_t>> VectorToInt64s(const Tensor& t,
                                                    absl::string_view what);
// A shape from a 1-D int32/int64 tensor of dims: every dim non-negative,
// the element count within int64, the rank within kMaxRank.
absl::StatusOr<TensorShape> ShapeFromTensor(const Tensor& t,
                                            absl::string_view what);

// 0 <= index < limit.
absl::Status CheckIndex(int64_t index, int64_t limit, absl::string_view what);

// Two shapes equal, or an error naming both.
absl::Status RequireSameShape(const Tensor& a, const Tensor& b,
                              absl::string_view what);

}  // namespace tg

#endif  // TG_CORE_KERNEL_CHECKS_H_
