#include "core/tensor_shape.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/checked_math.h"

namespace tg {

absl::StatusOr<TensorShape> TensorShape::FromDims(
    absl::Span<const int64_t> dims) {
  if (dims.size() > static_cast<size_t>(kMaxRank)) {
    return absl::InvalidArgumentError(
        absl::StrCat("shape has rank ", dims.size(), "; at most ", kMaxRank,
                     " dimensions are supported"));
  }
  // The product of the non-zero dims must fit too: kernels multiply
  // partial products of dims (strides, outer and inner counts), and a zero
  // dim elsewhere does not make those small.
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d == 0) continue;
    if (d < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "shape ", DimsString(dims), " has a negative dimension"));
    }
    if (!CheckedMul(n, d, &n)) {
      return absl::InvalidArgumentError(
          absl::StrCat("shape ", DimsString(dims),
                       " has too many elements to count in an int64"));
    }
  }
  return TensorShape(dims);
}

absl::StatusOr<TensorShape> TensorShape::FromProto(
    const ::tensorgraph::TensorShapeProto& proto) {
  if (proto.unknown_rank()) {
    return absl::InvalidArgumentError("shape has unknown rank");
  }
  Dims dims;
  for (const auto& d : proto.dim()) dims.push_back(d.size());
  return FromDims(dims);
}

void TensorShape::ToProto(::tensorgraph::TensorShapeProto* proto) const {
  proto->Clear();
  for (int64_t d : dims_) proto->add_dim()->set_size(d);
}

std::string TensorShape::DebugString() const { return DimsString(dims_); }

std::string DimsString(absl::Span<const int64_t> dims) {
  constexpr size_t kShown = 16;
  if (dims.size() <= kShown) {
    return absl::StrCat("[", absl::StrJoin(dims, ","), "]");
  }
  return absl::StrCat("[", absl::StrJoin(dims.subspan(0, kShown), ","),
                      ",... (", dims.size(), " dims)]");
}

}  // namespace tg
