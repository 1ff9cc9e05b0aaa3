#include "kernels/common/reregister.h"

#include <algorithm>

#include "kernels/common/host_memory.h"

namespace tg {
namespace {

using Combo = std::vector<std::pair<std::string, DataType>>;

class OutputPlacingKernel final : public OpKernel {
 public:
  explicit OutputPlacingKernel(std::unique_ptr<OpKernel> cpu)
      : cpu_(std::move(cpu)) {}
  absl::Status Init(OpKernelConstruction& c) override { return cpu_->Init(c); }
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_RETURN_IF_ERROR(cpu_->Compute(ctx));
    for (int i = 0; i < ctx.num_outputs(); ++i) {
      const Tensor& t = ctx.output(i);
      Allocator* want = ctx.output_allocator(i);
      if (!t.IsInitialized() || t.memory_space() == want->memory_space()) {
        continue;
      }
      TG_ASSIGN_OR_RETURN(Tensor moved, t.CheckedDeepCopy(want));
      ctx.set_output(i, std::move(moved));
    }
    return absl::OkStatus();
  }

 private:
  std::unique_ptr<OpKernel> cpu_;
};

bool HasRefArg(const OpDef& op) {
  for (const auto* args : {&op.input_arg(), &op.output_arg()}) {
    for (const auto& a : *args) {
      if (a.is_ref()) return true;
    }
  }
  return false;
}

bool HasStringArg(const OpDef& op) {
  for (const auto* args : {&op.input_arg(), &op.output_arg()}) {
    for (const auto& a : *args) {
      if (a.type() == DT_STRING) return true;
    }
  }
  return false;
}

// The dtypes attr `attr` of `op` allows (empty: any).
std::vector<DataType> AllowedTypes(const OpDef& op, const std::string& attr) {
  std::vector<DataType> out;
  for (const auto& a : op.attr()) {
    if (a.name() != attr) continue;
    for (int t : a.allowed_values().list().type()) {
      out.push_back(static_cast<DataType>(t));
    }
  }
  return out;
}

bool Contains(const std::vector<DataType>& v, DataType t) {
  return std::find(v.begin(), v.end(), t) != v.end();
}

// The dtypes a copy may take in type attr `attr`. An index attr (Tshape,
// Tidx, output_type: it allows integers only) keeps every dtype it allows;
// a data attr takes those of `wanted` it allows (possibly none).
std::vector<DataType> Choices(const OpDef& op, const std::string& attr,
                              const std::vector<DataType>& wanted) {
  const std::vector<DataType> allowed = AllowedTypes(op, attr);
  const bool index =
      !allowed.empty() &&
      std::all_of(allowed.begin(), allowed.end(), [](DataType t) {
        return t == DT_INT8 || t == DT_INT16 || t == DT_INT32 ||
               t == DT_INT64 || t == DT_UINT8;
      });
  if (index) return allowed;
  std::vector<DataType> out;
  for (DataType t : wanted) {
    if (allowed.empty() || Contains(allowed, t)) out.push_back(t);
  }
  return out;
}

std::vector<Combo> Combinations(const KernelDef& cpu, const OpDef& op,
                                const std::vector<DataType>& dtypes) {
  Combo fixed;
  for (const auto& [attr, t] : cpu.constraints) {
    // A constrained data attr must hold a wanted dtype.
    if (!Contains(Choices(op, attr, dtypes), t)) return {};
    fixed.emplace_back(attr, t);
  }
  std::vector<Combo> combos = {fixed};
  for (const auto& a : op.attr()) {
    if (a.type() != "type") continue;
    const bool constrained =
        std::any_of(cpu.constraints.begin(), cpu.constraints.end(),
                    [&](const auto& c) { return c.first == a.name(); });
    if (constrained) continue;
    std::vector<Combo> next;
    for (const Combo& combo : combos) {
      for (DataType t : Choices(op, a.name(), dtypes)) {
        if (t == DT_STRING) continue;
        next.push_back(combo);
        next.back().emplace_back(a.name(), t);
      }
    }
    combos = std::move(next);
  }
  return combos;
}

std::vector<std::string> AllArgs(const OpDef& op) {
  std::vector<std::string> names;
  for (const auto& a : op.input_arg()) names.push_back(a.name());
  for (const auto& a : op.output_arg()) names.push_back(a.name());
  return names;
}

}  // namespace

std::unique_ptr<OpKernel> PlaceOutputsInDeviceMemory(
    std::unique_ptr<OpKernel> cpu) {
  return std::make_unique<OutputPlacingKernel>(std::move(cpu));
}

void ReregisterCpuKernels(const std::string& op,
                          const ReregisterOptions& options) {
  const OpRegistration* reg = OpRegistry::Global()->Find(op);
  if (reg == nullptr || HasStringArg(reg->def)) return;
  // A variable lives in its device's memory, which a kernel run on the
  // host cannot update.
  if (options.all_args_on_host && HasRefArg(reg->def)) return;
  std::vector<DataType> dtypes;
  for (DataType t : options.dtypes) {
    if (t != DT_STRING) dtypes.push_back(t);
  }
  for (const KernelDef* cpu : KernelRegistry::Global()->KernelsFor(op)) {
    if (cpu->device_type != kDeviceCpu) continue;
    for (const Combo& combo : Combinations(*cpu, reg->def, dtypes)) {
      KernelDef def = *cpu;
      def.device_type = options.device_type;
      def.constraints = combo;
      def.host_memory = options.all_args_on_host ? AllArgs(reg->def)
                                                 : DeviceHostMemoryArgs(op);
      def.on_host = options.all_args_on_host;
      if (options.wrap) {
        KernelFactory make_cpu = cpu->factory;
        auto wrap = options.wrap;
        def.factory = [make_cpu, wrap]() { return wrap(make_cpu()); };
      }
      KernelRegistry::Global()->Register(std::move(def));
    }
  }
}

}  // namespace tg
