// GraphDef import (with validation) and graph files.
//
// ImportGraphDef checks every node against the op registry and reports, by
// node name: unknown ops, calls into a function library (not supported yet),
// malformed or dangling inputs, wrong input counts and dtypes, bad attrs, and
// cycles. It fills absent attrs with their defaults, keeps '_' attrs, and
// applies the version rules (for producers below 22 a Placeholder `shape {}`
// means an unknown shape, not a scalar).
#ifndef TG_GRAPH_GRAPH_DEF_IO_H_
#define TG_GRAPH_GRAPH_DEF_IO_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/graph.h"

namespace tg {

// `graph` must be empty.
absl::Status ImportGraphDef(const GraphDef& def, Graph* graph);

// Reads a binary (.pb) or text (.pbtxt) GraphDef. The extension picks the
// format first; the other format is tried when the first fails to parse.
absl::StatusOr<GraphDef> ReadGraphDefFile(const std::string& path);
// Writes text for ".pbtxt" and ".pbtext", binary otherwise; atomically.
absl::Status WriteGraphDefFile(const GraphDef& def, const std::string& path);

// The nodes of `def` needed to compute `targets` (node or tensor names), in
// their original order; everything else is dropped. Lets a graph with a
// broken or unsupported part run what does not depend on it. A fed tensor
// ("node:k" in `feeds`) cuts what computes it: a node needed only for fed
// output 0 becomes a Placeholder of that output's type. Unknown target names
// are an error.
absl::StatusOr<GraphDef> PruneGraphDef(
    const GraphDef& def, const std::vector<std::string>& targets,
    const std::vector<std::string>& feeds = {});

// Splits "name", "name:k" and "^name". Fails on an empty name or bad index.
struct TensorId {
  std::string node;
  int index = 0;  // -1 for a control input.
};
absl::StatusOr<TensorId> ParseTensorName(absl::string_view name);

}  // namespace tg

#endif  // TG_GRAPH_GRAPH_DEF_IO_H_
