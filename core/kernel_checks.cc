#include "core/kernel_checks.h"

#include "absl/strings/str_cat.h"

namespace tg {

absl::StatusOr<int> NormalizeAxis(int64_t axis, int rank,
                                  absl::string_view what) {
  TG_REQUIRE(axis >= -rank && axis < rank, InvalidArgument, what, " ", axis,
             " is out of range [", -rank, ", ", rank, ") for rank ", rank);
  return static_cast<int>(axis < 0 ? axis + rank : axis);
}

absl::Status RequireRank(const Tensor& t, int rank, absl::string_view what) {
  TG_REQUIRE(t.shape().rank() == rank, InvalidArgument, what,
             " must have rank ", rank, ", got shape ", t.shape().DebugString());
  return absl::OkStatus();
}

absl::Status RequireScalar(const Tensor& t, absl::string_view what,
                           bool allow_one_element) {
  const bool ok =
      t.shape().rank() == 0 || (allow_one_element && t.NumElements() == 1);
  TG_REQUIRE(ok, InvalidArgument, what, " must be a scalar, got shape ",
             t.shape().DebugString());
  return absl::OkStatus();
}

absl::StatusOr<int64_t> ScalarToInt64(const Tensor& t, absl::string_view what) {
  TG_RETURN_IF_ERROR(RequireScalar(t, what, /*allow_one_element=*/true));
  if (t.dtype() == DT_INT32) return t.flat<int32_t>()[0];
  if (t.dtype() == DT_INT64) return t.flat<int64_t>()[0];
  return absl::InvalidArgumentError(absl::StrCat(
      what, " must be int32 or int64, got ", DataTypeName(t.dtype())));
}

absl::StatusOr<std::vector<int64_t>> VectorToInt64s(const Tensor& t,
                                                    absl::string_view what) {
  TG_REQUIRE(t.shape().rank() <= 1, InvalidArgument, what,
             " must be a vector, got shape ", t.shape().DebugString());
  TG_REQUIRE(t.dtype() == DT_INT32 || t.dtype() == DT_INT64, InvalidArgument,
             what, " must be int32 or int64, got ", DataTypeName(t.dtype()));
  return TensorToInt64s(t);
}

absl::StatusOr<TensorShape> ShapeFromTensor(const Tensor& t,
                                            absl::string_view what) {
  TG_ASSIGN_OR_RETURN(std::vector<int64_t> dims, VectorToInt64s(t, what));
  absl::StatusOr<TensorShape> shape = TensorShape::FromDims(dims);
  if (!shape.ok())
    return AnnotateStatus(shape.status(), absl::StrCat(what, ": "));
  return shape;
}

absl::Status CheckIndex(int64_t index, int64_t limit, absl::string_view what) {
  TG_REQUIRE(index >= 0 && index < limit, InvalidArgument, what, " ", index,
             " is out of range [0, ", limit, ")");
  return absl::OkStatus();
}

absl::Status RequireSameShape(const Tensor& a, const Tensor& b,
                              absl::string_view what) {
  TG_REQUIRE(a.shape() == b.shape(), InvalidArgument, what,
             " must have the same shape: ", a.shape().DebugString(), " vs ",
             b.shape().DebugString());
  return absl::OkStatus();
}

}  // namespace tg
