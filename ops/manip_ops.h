// Builders for array manipulation: adding and removing axes, ranks and
// sizes, ranges, transposes, selection, stacking.
#ifndef TG_OPS_MANIP_OPS_H_
#define TG_OPS_MANIP_OPS_H_

#include <vector>

#include "graph/scope.h"

namespace tg {
namespace ops {

// Inserts a size-1 axis at `axis` (negative counts from the end).
Output ExpandDims(const Scope& s, const Input& input, const Input& axis);
// Removes the size-1 axes in `axes`, or every size-1 axis when empty.
Output Squeeze(const Scope& s, const Input& input,
               const std::vector<int64_t>& axes = {});
Output Rank(const Scope& s, const Input& input);  // int32 scalar
Output Size(const Scope& s, const Input& input,
            DataType out_type = DT_INT32);  // element count
// [start, start + delta, ...) up to `limit`, all of one numeric dtype.
Output Range(const Scope& s, const Input& start, const Input& limit,
             const Input& delta);
// y[i...] = x[perm-permuted i...]: output dim d is input dim perm[d].
Output Transpose(const Scope& s, const Input& x, const Input& perm);
Output InvertPermutation(const Scope& s, const Input& perm);
// condition ? t : e, where condition has t's shape or is a vector over
// t's first dimension.
Output Select(const Scope& s, const Input& condition, const Input& t,
              const Input& e);
// condition ? t : e with NumPy broadcasting among all three.
Output SelectV2(const Scope& s, const Input& condition, const Input& t,
                const Input& e);
// Stacks same-shaped tensors along a new axis / splits one along an axis.
Output Pack(const Scope& s, const std::vector<Output>& values,
            int64_t axis = 0);
std::vector<Output> Unpack(const Scope& s, const Input& value, int64_t num,
                           int64_t axis = 0);

}  // namespace ops
}  // namespace tg

#endif  // TG_OPS_MANIP_OPS_H_
