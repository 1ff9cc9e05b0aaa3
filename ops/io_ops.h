// Checkpoint and string ops as TensorFlow's savers emit them: SaveV2,
// RestoreV2, MergeV2Checkpoints, ShardedFilename, StringJoin. A graph
// TensorFlow wrote restores its variables by running its own restore op
// (MetaGraphDef.saver_def) with these kernels.
#ifndef TG_OPS_IO_OPS_H_
#define TG_OPS_IO_OPS_H_

#include <string>
#include <vector>

#include "graph/scope.h"

namespace tg {
namespace ops {

// Writes `tensors` under `tensor_names` (a string vector) to the bundle at
// `prefix`. Whole tensors only: every shape_and_slices entry is "".
Operation SaveV2(const Scope& s, const Input& prefix, const Input& tensor_names,
                 const Input& shape_and_slices,
                 const std::vector<Output>& tensors);
// Reads tensors of the given types back.
std::vector<Output> RestoreV2(const Scope& s, const Input& prefix,
                              const Input& tensor_names,
                              const Input& shape_and_slices,
                              const DataTypeVector& dtypes);
Operation MergeV2Checkpoints(const Scope& s, const Input& checkpoint_prefixes,
                             const Input& destination_prefix,
                             bool delete_old_dirs = true);
// "<basename>-%05d-of-%05d".
Output ShardedFilename(const Scope& s, const Input& basename,
                       const Input& shard, const Input& num_shards);
// Joins string tensors elementwise (scalars broadcast) with `separator`.
Output StringJoin(const Scope& s, const std::vector<Output>& inputs,
                  const std::string& separator = "");

}  // namespace ops
}  // namespace tg

#endif  // TG_OPS_IO_OPS_H_
