#include "core/runtime/placer.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/op_kernel.h"

namespace tg {
namespace {

bool Matches(const DeviceSpec& spec, const Device* d) {
  return (spec.type.empty() || spec.type == d->type()) &&
         (spec.id < 0 || spec.id == d->id());
}

std::string DeviceNames(const std::vector<Device*>& devices) {
  return absl::StrJoin(devices, ", ", [](std::string* out, const Device* d) {
    out->append(d->name());
  });
}

}  // namespace

absl::StatusOr<std::vector<Device*>> PlaceNodes(
    const Graph& graph, const std::vector<int>& nodes,
    const std::vector<Device*>& devices, const PlacementOptions& options) {
  std::vector<Device*> placed;
  placed.reserve(nodes.size());
  bool noted = false;
  const KernelRegistry& kernels = *KernelRegistry::Global();
  for (int id : nodes) {
    const Node* n = graph.node(id);
    absl::StatusOr<DeviceSpec> spec = ParseDeviceSpec(n->requested_device());
    if (!spec.ok()) return AnnotateStatus(spec.status(), n->ErrorPrefix());
    std::vector<Device*> candidates;
    for (Device* d : devices) {
      if (Matches(*spec, d)) candidates.push_back(d);
    }
    const bool known_type = spec->type.empty() || spec->type == kDeviceCpu ||
                            spec->type == kDeviceGpu;
    bool moved = false;
    if (candidates.empty()) {
      if (!options.allow_soft_placement || !known_type) {
        return absl::InvalidArgumentError(absl::StrCat(
            n->ErrorPrefix(), "requested device '", n->requested_device(),
            "' is not available; devices here: ", DeviceNames(devices)));
      }
      candidates = devices;
      moved = true;
    }
    Device* chosen = nullptr;
    for (Device* d : candidates) {
      if (kernels.Find(n->def(), d->type()).ok()) {
        chosen = d;
        break;
      }
    }
    if (chosen == nullptr) {
      // Report the kernels that do exist for the op.
      return AnnotateStatus(
          kernels.Find(n->def(), candidates[0]->type()).status(),
          n->ErrorPrefix());
    }
    if (moved && !noted) {
      std::fprintf(stderr,
                   "tensorgraph: note: device '%s' (requested by node '%s') "
                   "is not available; placing such nodes on %s\n",
                   n->requested_device().c_str(), n->name().c_str(),
                   chosen->name().c_str());
      noted = true;
    }
    placed.push_back(chosen);
  }
  return placed;
}

}  // namespace tg
