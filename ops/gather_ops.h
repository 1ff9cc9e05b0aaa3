// Builders for gathering and scattering by index.
#ifndef TG_OPS_GATHER_OPS_H_
#define TG_OPS_GATHER_OPS_H_

#include <vector>

#include "graph/scope.h"

namespace tg {
namespace ops {

// params[..., indices[...], ...] along `axis`: the output shape is
// params.shape[:axis] + indices.shape + params.shape[axis + 1:].
Output GatherV2(const Scope& s, const Input& params, const Input& indices,
                const Input& axis);
// output[segment_ids[i], ...] += data[i, ...] for num_segments segments;
// ids outside [0, num_segments) are dropped.
Output UnsortedSegmentSum(const Scope& s, const Input& data,
                          const Input& segment_ids, const Input& num_segments);
// merged[indices[m][i], ...] = data[m][i, ...]; later entries win.
Output DynamicStitch(const Scope& s, const std::vector<Output>& indices,
                     const std::vector<Output>& data);

}  // namespace ops
}  // namespace tg

#endif  // TG_OPS_GATHER_OPS_H_
