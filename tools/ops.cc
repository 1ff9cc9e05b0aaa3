// tg ops: what runs where.
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/device_factory.h"
#include "core/op_kernel.h"
#include "tools/commands.h"

namespace tg {
namespace tool {
namespace {

// "T=double|float" for each constrained attr of `kernels`, "any dtype" when
// none constrains one.
std::string DtypeSummary(const std::vector<const KernelDef*>& kernels) {
  std::map<std::string, std::set<std::string>> attrs;
  for (const KernelDef* k : kernels) {
    for (const auto& [attr, t] : k->constraints) {
      attrs[attr].insert(DataTypeName(t));
    }
  }
  if (attrs.empty()) return "any dtype";
  std::vector<std::string> parts;
  for (const auto& [attr, types] : attrs) {
    parts.push_back(absl::StrCat(attr, "=", absl::StrJoin(types, "|")));
  }
  return absl::StrJoin(parts, " ");
}

}  // namespace

absl::Status Ops(const Args& args, std::ostream& out) {
  TG_REQUIRE(args.positional.empty(), InvalidArgument,
             "usage: tg ops [--device cpu|gpu]");
  const std::string only = absl::AsciiStrToUpper(args.Get("device"));
  std::vector<std::string> types = RegisteredDeviceTypes();
  if (!only.empty()) {
    TG_REQUIRE(only == kDeviceCpu || only == kDeviceGpu, InvalidArgument,
               "unknown --device '", args.Get("device"), "' (cpu or gpu)");
    types = {only};
  } else if (DevicePriority(kDeviceGpu) < 0) {
    types.push_back(kDeviceGpu);  // Listed, so its absence shows.
  }
  int listed = 0;
  for (const std::string& op : OpRegistry::Global()->ListOps()) {
    std::map<std::string, std::vector<const KernelDef*>> by_device;
    for (const KernelDef* k : KernelRegistry::Global()->KernelsFor(op)) {
      by_device[k->device_type].push_back(k);
    }
    std::string line;
    for (const std::string& type : types) {
      auto it = by_device.find(type);
      if (it == by_device.end()) continue;
      absl::StrAppend(&line, "  ", type, " (", DtypeSummary(it->second), ")");
    }
    if (line.empty()) continue;
    out << op << line << "\n";
    ++listed;
  }
  out << listed << " ops";
  if (!only.empty()) out << " with a " << only << " kernel";
  if (only == kDeviceGpu && DevicePriority(kDeviceGpu) < 0) {
    out << " (this build has no GPU kernels: build with --config=cuda)";
  }
  out << "\n";
  return absl::OkStatus();
}

}  // namespace tool
}  // namespace tg
