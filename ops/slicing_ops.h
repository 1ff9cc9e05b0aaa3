// Builders for ops that cut, join, pad and repeat tensors.
#ifndef TG_OPS_SLICING_OPS_H_
#define TG_OPS_SLICING_OPS_H_

#include <vector>

#include "core/strided_slice_spec.h"
#include "graph/scope.h"

namespace tg {
namespace ops {

// input[begin : begin + size] per axis; a size of -1 takes the rest.
Output Slice(const Scope& s, const Input& input, const Input& begin,
             const Input& size);
// Pads with zeros: paddings is [rank, 2] (before, after) per axis.
Output Pad(const Scope& s, const Input& input, const Input& paddings);
// Joins tensors along `axis`; the other dims must agree.
Output ConcatV2(const Scope& s, const std::vector<Output>& values,
                const Input& axis);
// Splits `value` into `num_split` equal parts along `axis`.
std::vector<Output> Split(const Scope& s, const Input& axis, const Input& value,
                          int64_t num_split);
// Repeats input multiples[d] times along each axis d.
Output Tile(const Scope& s, const Input& input, const Input& multiples);
// Broadcasts input to `shape` (NumPy rules).
Output BroadcastTo(const Scope& s, const Input& input, const Input& shape);
// One-hot encoding along a new axis (last by default).
Output OneHot(const Scope& s, const Input& indices, const Input& depth,
              const Input& on_value, const Input& off_value, int64_t axis = -1);
// TensorFlow's strided slice (core/strided_slice_spec.h has the rules).
Output StridedSlice(const Scope& s, const Input& input, const Input& begin,
                    const Input& end, const Input& strides,
                    const StridedSliceMasks& masks = {});
// Identity whose gradient is an error carrying `message`.
Output PreventGradient(const Scope& s, const Input& input,
                       const std::string& message = "");

}  // namespace ops
}  // namespace tg

#endif  // TG_OPS_SLICING_OPS_H_
