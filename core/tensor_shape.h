// TensorShape: the fully known shape of a tensor (row-major, outermost first).
// Shapes with unknown parts exist only during shape inference
// (PartialShape in core/shape_inference.h).
#ifndef TG_CORE_TENSOR_SHAPE_H_
#define TG_CORE_TENSOR_SHAPE_H_

#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/checked_math.h"
#include "proto/tensor_shape.pb.h"

namespace tg {

using Dims = absl::InlinedVector<int64_t, 4>;

// The most dimensions a checked shape may have (TensorFlow's limit too).
inline constexpr int kMaxRank = 254;

class TensorShape {
 public:
  TensorShape() = default;  // A scalar.
  TensorShape(std::initializer_list<int64_t> dims) : dims_(dims) {}
  explicit TensorShape(absl::Span<const int64_t> dims)
      : dims_(dims.begin(), dims.end()) {}

  // The checked way to make a shape from untrusted dims: fails
  // (InvalidArgument) if any dim is negative or the element count overflows
  // int64. The constructors above do not check; use them only for dims that
  // are already known to be sane (taken from an existing tensor's shape).
  static absl::StatusOr<TensorShape> FromDims(absl::Span<const int64_t> dims);
  static absl::StatusOr<TensorShape> FromProto(
      const ::tensorgraph::TensorShapeProto& proto);
  void ToProto(::tensorgraph::TensorShapeProto* proto) const;

  int rank() const { return static_cast<int>(dims_.size()); }
  int64_t dim_size(int i) const { return dims_[i]; }
  const Dims& dims() const { return dims_; }
  // The product of the dims, saturated at INT64_MAX so that a shape built
  // unchecked can never wrap to a small count (an allocation of it then
  // fails instead of returning a short buffer).
  // The product of the dims, saturating at INT64_MAX (never overflows).
  int64_t num_elements() const {
    int64_t n = 1;
    for (int64_t d : dims_) n = SaturatingMul(n, d);
    return n;
  }
  void AddDim(int64_t size) { dims_.push_back(size); }
  void set_dim(int i, int64_t size) { dims_[i] = size; }

  bool operator==(const TensorShape& other) const {
    // A plain loop: shapes are short, and a memcmp call costs more.
    if (dims_.size() != other.dims_.size()) return false;
    for (size_t i = 0; i < dims_.size(); ++i) {
      if (dims_[i] != other.dims_[i]) return false;
    }
    return true;
  }
  bool operator!=(const TensorShape& other) const { return !(*this == other); }

  // "[100,784]"; a scalar is "[]".
  std::string DebugString() const;

 private:
  Dims dims_;
};

// "[2,3]" for dims of any source, shortened after 16 dims so that an error
// about a hostile shape stays one short line.
std::string DimsString(absl::Span<const int64_t> dims);

}  // namespace tg

#endif  // TG_CORE_TENSOR_SHAPE_H_
