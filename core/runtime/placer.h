// Placement: which device runs each node.
#ifndef TG_CORE_RUNTIME_PLACER_H_
#define TG_CORE_RUNTIME_PLACER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "core/device.h"
#include "graph/graph.h"

namespace tg {

struct PlacementOptions {
  // Move a node whose requested device does not exist here to one that
  // exists and has a kernel for it (TensorFlow's allow_soft_placement).
  bool allow_soft_placement = true;
};

// Places `nodes` (ids into `graph`) on `devices` (the first is the default).
// A node's requested device is honoured if it exists and has a kernel;
// otherwise soft placement picks the first device with a kernel, noting the
// move once on stderr. Errors name the node, the op and the devices.
// Returns one device per entry of `nodes`.
absl::StatusOr<std::vector<Device*>> PlaceNodes(
    const Graph& graph, const std::vector<int>& nodes,
    const std::vector<Device*>& devices, const PlacementOptions& options);

}  // namespace tg

#endif  // TG_CORE_RUNTIME_PLACER_H_
