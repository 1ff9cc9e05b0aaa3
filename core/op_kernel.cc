#include "core/op_kernel.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace tg {

std::string KernelDef::DebugString() const {
  std::string s = absl::StrCat("device='", device_type, "'");
  for (const auto& [attr, t] : constraints) {
    absl::StrAppend(&s, "; ", attr, "=", DataTypeName(t));
  }
  return s;
}

KernelRegistry* KernelRegistry::Global() {
  static KernelRegistry* const registry = new KernelRegistry();
  return registry;
}

void KernelRegistry::Register(KernelDef def) {
  absl::MutexLock lock(&mu_);
  kernels_.push_back(std::move(def));
}

void KernelRegistry::AddDeferred(std::function<void()> fn) {
  {
    absl::MutexLock lock(&deferred_mu_);
    if (!deferred_done_ && !deferred_running_) {
      deferred_.push_back(std::move(fn));
      return;
    }
  }
  fn();
}

void KernelRegistry::RunDeferred() const {
  std::vector<std::function<void()>> todo;
  {
    absl::MutexLock lock(&deferred_mu_);
    if (deferred_done_) return;
    // A deferred function looking kernels up itself sees what exists.
    if (deferred_running_) {
      if (deferred_runner_ == std::this_thread::get_id()) return;
      deferred_mu_.Await(absl::Condition(&deferred_done_));
      return;
    }
    deferred_running_ = true;
    deferred_runner_ = std::this_thread::get_id();
    todo.swap(deferred_);
  }
  for (auto& fn : todo) fn();
  absl::MutexLock lock(&deferred_mu_);
  deferred_done_ = true;
  deferred_running_ = false;
}

std::vector<const KernelDef*> KernelRegistry::KernelsFor(
    absl::string_view op) const {
  RunDeferred();
  absl::MutexLock lock(&mu_);
  std::vector<const KernelDef*> out;
  for (const KernelDef& k : kernels_) {
    if (k.op == op) out.push_back(&k);
  }
  return out;
}

std::vector<const KernelDef*> KernelRegistry::All() const {
  RunDeferred();
  absl::MutexLock lock(&mu_);
  std::vector<const KernelDef*> out;
  for (const KernelDef& k : kernels_) out.push_back(&k);
  return out;
}

absl::Status HostMemoryArgs(const KernelDef& def, const OpDef& op,
                            const AttrMap& attrs, std::vector<bool>* inputs,
                            std::vector<bool>* outputs) {
  ArgRanges in, out;
  TG_RETURN_IF_ERROR(ComputeArgRanges(op, attrs, &in, &out));
  inputs->assign(in.empty() ? 0 : in.back().end, false);
  outputs->assign(out.empty() ? 0 : out.back().end, false);
  // Resource handles (and strings) are host objects on every device.
  DataTypeVector in_types, out_types;
  TG_RETURN_IF_ERROR(ComputeArgTypes(op, attrs, &in_types, &out_types));
  for (size_t i = 0; i < in_types.size() && i < inputs->size(); ++i) {
    if (IsObjectType(BaseType(in_types[i]))) (*inputs)[i] = true;
  }
  for (size_t i = 0; i < out_types.size() && i < outputs->size(); ++i) {
    if (IsObjectType(BaseType(out_types[i]))) (*outputs)[i] = true;
  }
  for (const std::string& name : def.host_memory) {
    bool found = false;
    for (auto [ranges, flags] : {std::pair{&in, inputs}, {&out, outputs}}) {
      for (const ArgRange& r : *ranges) {
        if (r.name != name) continue;
        found = true;
        for (int i = r.begin; i < r.end; ++i) (*flags)[i] = true;
      }
    }
    TG_REQUIRE(found, Internal, "the ", def.device_type, " kernel of ", def.op,
               " keeps arg '", name, "' in host memory, but ", def.op,
               " has no such arg");
  }
  return absl::OkStatus();
}

absl::StatusOr<const KernelDef*> KernelRegistry::Find(
    const NodeDef& node, absl::string_view device_type) const {
  std::vector<const KernelDef*> candidates = KernelsFor(node.op());
  for (const KernelDef* k : candidates) {
    if (k->device_type != device_type) continue;
    bool match = true;
    for (const auto& [attr, t] : k->constraints) {
      auto it = node.attr().find(attr);
      if (it == node.attr().end() || it->second.type() != t) match = false;
    }
    if (match) return k;
  }
  std::vector<std::string> attrs;
  for (const auto& [name, v] : node.attr()) {
    if (v.value_case() == AttrValue::kType) {
      attrs.push_back(absl::StrCat(name, "=", DataTypeName(v.type())));
    }
  }
  std::sort(attrs.begin(), attrs.end());
  std::string registered =
      candidates.empty()
          ? "<none>"
          : absl::StrJoin(candidates, ", ",
                          [](std::string* out, const KernelDef* k) {
                            absl::StrAppend(out, "{", k->DebugString(), "}");
                          });
  return absl::NotFoundError(absl::StrCat(
      "no ", device_type, " kernel for ", node.op(), " with {",
      absl::StrJoin(attrs, ", "), "}; registered kernels: ", registered));
}

absl::StatusOr<std::unique_ptr<OpKernel>> CreateKernel(
    const KernelDef& def, OpKernelConstruction& construction) {
  std::unique_ptr<OpKernel> kernel = def.factory();
  TG_RETURN_IF_ERROR(kernel->Init(construction));
  return kernel;
}

}  // namespace tg
