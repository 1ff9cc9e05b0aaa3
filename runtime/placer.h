// Placement: which device runs each node, with TensorFlow's rules.
//
// Nodes that must share a device form colocation groups: a node that takes
// a variable by reference (Assign, Apply*) joins the variable, and a node
// whose '_class' attr lists "loc:@other" joins `other`. Each group is placed
// as one:
//  - an explicit request (a node's device field) is honoured when that
//    device exists and has a kernel for every node of the group; otherwise,
//    with soft placement the group moves to a device that has the kernels
//    (noted once on stderr), without it the error names the node, what it
//    asked for and what exists (devices, or the op's registered kernels);
//  - an unconstrained group goes to the default device when one is set and
//    has the kernels, else to the highest-priority device that does (a GPU
//    before the CPU): a node with no GPU kernel lands on the CPU, and the
//    executor copies its inputs and outputs across.
#ifndef TG_RUNTIME_PLACER_H_
#define TG_RUNTIME_PLACER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/device.h"
#include "graph/graph.h"

namespace tg {

struct PlacementOptions {
  // Move a node whose requested device does not exist here, or lacks a
  // kernel for it, to one that has (TensorFlow's allow_soft_placement).
  bool allow_soft_placement = true;
  // Where unconstrained nodes go first, as ParseDeviceSpec reads it ("gpu",
  // "/device:CPU:0"); empty: by device priority. The session checks that it
  // names an existing device.
  std::string default_device;
  // Print "node (Op): /device:..." for each node placed, on stderr.
  bool log_device_placement = false;
};

// Places `nodes` (ids into `graph`) on `devices` (highest priority first).
// Returns one device per entry of `nodes`.
absl::StatusOr<std::vector<Device*>> PlaceNodes(
    const Graph& graph, const std::vector<int>& nodes,
    const std::vector<Device*>& devices, const PlacementOptions& options);

}  // namespace tg

#endif  // TG_RUNTIME_PLACER_H_
