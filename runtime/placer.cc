#include "runtime/placer.h"

#include <cstdio>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/device_factory.h"
#include "core/op_kernel.h"

namespace tg {
namespace {

bool IsSet(const DeviceSpec& spec) {
  return !spec.type.empty() || spec.id >= 0;
}

std::string DeviceNames(const std::vector<Device*>& devices) {
  return absl::StrJoin(devices, ", ", [](std::string* out, const Device* d) {
    out->append(d->name());
  });
}

// The CPU: every session has it, and every op has a CPU kernel, so its
// registry error is the most telling.
const Device* Cpu(const std::vector<Device*>& devices) {
  for (const Device* d : devices) {
    if (d->type() == kDeviceCpu) return d;
  }
  return devices.front();
}

int Root(std::vector<int>& parent, int i) {
  while (parent[i] != i) i = parent[i] = parent[parent[i]];
  return i;
}

// Colocation groups over positions in `nodes`, each in `nodes` order.
std::vector<std::vector<int>> ColocationGroups(const Graph& graph,
                                               const std::vector<int>& nodes) {
  absl::flat_hash_map<int, int> pos;
  for (size_t i = 0; i < nodes.size(); ++i) pos[nodes[i]] = static_cast<int>(i);
  std::vector<int> parent(nodes.size());
  for (size_t i = 0; i < parent.size(); ++i) parent[i] = static_cast<int>(i);
  auto join = [&](int i, int node_id) {
    auto it = pos.find(node_id);
    if (it != pos.end()) parent[Root(parent, i)] = Root(parent, it->second);
  };
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Node* n = graph.node(nodes[i]);
    for (int k = 0; k < n->num_inputs(); ++k) {
      if (IsRefType(n->input_type(k))) {
        join(static_cast<int>(i), n->input_edge(k)->src->id());
      }
    }
    auto cls = n->attrs().find("_class");
    if (cls == n->attrs().end()) continue;
    for (const std::string& s : cls->second.list().s()) {
      if (!absl::StartsWith(s, "loc:@")) continue;
      const Node* other = graph.FindNode(s.substr(5));
      if (other != nullptr) join(static_cast<int>(i), other->id());
    }
  }
  std::vector<std::vector<int>> groups;
  absl::flat_hash_map<int, int> group_of_root;
  for (size_t i = 0; i < nodes.size(); ++i) {
    auto [it, fresh] = group_of_root.try_emplace(
        Root(parent, static_cast<int>(i)), static_cast<int>(groups.size()));
    if (fresh) groups.emplace_back();
    groups[it->second].push_back(static_cast<int>(i));
  }
  return groups;
}

class GroupPlacer {
 public:
  GroupPlacer(const Graph& graph, const std::vector<int>& nodes,
              const std::vector<Device*>& devices,
              const PlacementOptions& options)
      : graph_(graph), nodes_(nodes), devices_(devices), options_(options) {}

  absl::StatusOr<Device*> Place(const std::vector<int>& group);

 private:
  const Node* node(int pos) const { return graph_.node(nodes_[pos]); }
  absl::Status MergeRequests(const std::vector<int>& group, DeviceSpec* spec,
                             const Node** by) const;
  // The first of `candidates` with a kernel for every node of the group;
  // null when none has.
  Device* FirstWithKernels(const std::vector<int>& group,
                           const std::vector<Device*>& candidates) const;
  absl::Status NoKernelError(const std::vector<int>& group,
                             const Device* device, absl::string_view why) const;
  void NoteMove(const Node* by, const Device* to);

  const Graph& graph_;
  const std::vector<int>& nodes_;
  const std::vector<Device*>& devices_;
  const PlacementOptions& options_;
  bool noted_ = false;
};

absl::Status GroupPlacer::MergeRequests(const std::vector<int>& group,
                                        DeviceSpec* spec,
                                        const Node** by) const {
  for (int pos : group) {
    const Node* n = node(pos);
    absl::StatusOr<DeviceSpec> s = ParseDeviceSpec(n->requested_device());
    if (!s.ok()) return AnnotateStatus(s.status(), n->ErrorPrefix());
    if (!IsSet(*s)) continue;
    const bool conflict =
        (!spec->type.empty() && !s->type.empty() && spec->type != s->type) ||
        (spec->id >= 0 && s->id >= 0 && spec->id != s->id);
    if (conflict && !options_.allow_soft_placement) {
      return absl::InvalidArgumentError(absl::StrCat(
          n->ErrorPrefix(), "requests device '", n->requested_device(),
          "' but must share a device with node '", (*by)->name(),
          "', which requests '", (*by)->requested_device(), "'"));
    }
    if (conflict) continue;  // Soft placement: the first request wins.
    if (spec->type.empty()) spec->type = s->type;
    if (spec->id < 0) spec->id = s->id;
    if (*by == nullptr) *by = n;
  }
  return absl::OkStatus();
}

Device* GroupPlacer::FirstWithKernels(
    const std::vector<int>& group,
    const std::vector<Device*>& candidates) const {
  const KernelRegistry& kernels = *KernelRegistry::Global();
  for (Device* d : candidates) {
    bool all = true;
    for (int pos : group)
      all = all && kernels.Find(node(pos)->def(), d->type()).ok();
    if (all) return d;
  }
  return nullptr;
}

absl::Status GroupPlacer::NoKernelError(const std::vector<int>& group,
                                        const Device* device,
                                        absl::string_view why) const {
  const KernelRegistry& kernels = *KernelRegistry::Global();
  for (int pos : group) {
    absl::StatusOr<const KernelDef*> k =
        kernels.Find(node(pos)->def(), device->type());
    if (!k.ok()) {
      return AnnotateStatus(k.status(),
                            absl::StrCat(node(pos)->ErrorPrefix(), why));
    }
  }
  return absl::InternalError("placement found no kernel, then found one");
}

void GroupPlacer::NoteMove(const Node* by, const Device* to) {
  if (noted_) return;
  noted_ = true;
  std::fprintf(stderr,
               "tensorgraph: note: device '%s' (requested by node '%s') "
               "cannot run it here; placing such nodes on %s\n",
               by->requested_device().c_str(), by->name().c_str(),
               to->name().c_str());
}

absl::StatusOr<Device*> GroupPlacer::Place(const std::vector<int>& group) {
  DeviceSpec spec;
  const Node* by = nullptr;
  TG_RETURN_IF_ERROR(MergeRequests(group, &spec, &by));
  if (!IsSet(spec)) {
    std::vector<Device*> order;
    if (!options_.default_device.empty()) {
      TG_ASSIGN_OR_RETURN(DeviceSpec def,
                          ParseDeviceSpec(options_.default_device));
      for (Device* d : devices_) {
        if (def.Matches(*d)) order.push_back(d);
      }
    }
    order.insert(order.end(), devices_.begin(), devices_.end());
    Device* d = FirstWithKernels(group, order);
    if (d == nullptr) return NoKernelError(group, Cpu(devices_), "");
    return d;
  }
  std::vector<Device*> matching;
  for (Device* d : devices_) {
    if (spec.Matches(*d)) matching.push_back(d);
  }
  // GPU is a known type even in a build without it: soft placement moves
  // such nodes, as it would on a machine without a GPU.
  const bool known_type =
      DevicePriority(spec.type) >= 0 || spec.type == kDeviceGpu;
  if (matching.empty() && (!options_.allow_soft_placement || !known_type)) {
    return absl::InvalidArgumentError(absl::StrCat(
        by->ErrorPrefix(), "requested device '", by->requested_device(),
        "' does not exist here; devices: ", DeviceNames(devices_),
        "; device types of this build: ",
        absl::StrJoin(RegisteredDeviceTypes(), ", ")));
  }
  if (Device* d = FirstWithKernels(group, matching)) return d;
  if (!options_.allow_soft_placement) {
    return NoKernelError(
        group, matching[0],
        absl::StrCat("requested device '", by->requested_device(), "': "));
  }
  Device* d = FirstWithKernels(group, devices_);
  if (d == nullptr) return NoKernelError(group, Cpu(devices_), "");
  NoteMove(by, d);
  return d;
}

}  // namespace

absl::StatusOr<std::vector<Device*>> PlaceNodes(
    const Graph& graph, const std::vector<int>& nodes,
    const std::vector<Device*>& devices, const PlacementOptions& options) {
  TG_REQUIRE(!devices.empty(), Internal, "no devices to place nodes on");
  std::vector<Device*> placed(nodes.size(), nullptr);
  GroupPlacer placer(graph, nodes, devices, options);
  for (const std::vector<int>& group : ColocationGroups(graph, nodes)) {
    TG_ASSIGN_OR_RETURN(Device * d, placer.Place(group));
    for (int pos : group) placed[pos] = d;
  }
  if (options.log_device_placement) {
    for (size_t i = 0; i < nodes.size(); ++i) {
      const Node* n = graph.node(nodes[i]);
      std::fprintf(stderr, "%s (%s): %s\n", n->name().c_str(), n->op().c_str(),
                   placed[i]->name().c_str());
    }
  }
  return placed;
}

}  // namespace tg
