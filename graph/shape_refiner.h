// Runs a node's shape function over the shapes of its inputs and records the
// output shapes on the node.
#ifndef TG_GRAPH_SHAPE_REFINER_H_
#define TG_GRAPH_SHAPE_REFINER_H_

#include "absl/status/status.h"
#include "graph/graph.h"

namespace tg {

// Inputs must be connected. Values of small Const inputs are passed to the
// shape function (shape and axis arguments are usually such constants).
// Errors carry the "[Op] node 'name': " prefix.
absl::Status InferNodeShapes(Node* node);

}  // namespace tg

#endif  // TG_GRAPH_SHAPE_REFINER_H_
