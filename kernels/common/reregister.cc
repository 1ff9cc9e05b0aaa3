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

bool HasStringArg(const OpDef& op) {
  for (const auto* args : {&op.input_arg(), &op.output_arg()}) {
    for (const auto& a : *args) {
      if (a.type() == DT_STRING) return true;
    }
  }
  return false;
}

// `wanted` restricted to what attr `attr` of `op` allows.
std::vector<DataType> Allowed(const OpDef& op, const std::string& attr,
                              const std::vector<DataType>& wanted) {
  std::vector<DataType> out;
  for (const auto& a : op.attr()) {
    if (a.name() != attr) continue;
    const auto& list = a.allowed_values().list().type();
    for (DataType t : wanted) {
      if (list.empty() || std::find(list.begin(), list.end(), t) != list.end())
        out.push_back(t);
    }
  }
  return out;
}

std::vector<Combo> Combinations(const KernelDef& cpu, const OpDef& op,
                                const std::vector<DataType>& dtypes) {
  std::vector<Combo> combos = {cpu.constraints};
  for (const auto& a : op.attr()) {
    if (a.type() != "type") continue;
    const bool constrained =
        std::any_of(cpu.constraints.begin(), cpu.constraints.end(),
                    [&](const auto& c) { return c.first == a.name(); });
    if (constrained) continue;
    std::vector<Combo> next;
    for (const Combo& combo : combos) {
      for (DataType t : Allowed(op, a.name(), dtypes)) {
        next.push_back(combo);
        next.back().emplace_back(a.name(), t);
      }
    }
    combos = std::move(next);
  }
  // Constrained attrs must hold one of the wanted dtypes too.
  combos.erase(std::remove_if(
                   combos.begin(), combos.end(),
                   [&](const Combo& c) {
                     return std::any_of(c.begin(), c.end(), [&](const auto& p) {
                       return std::find(dtypes.begin(), dtypes.end(),
                                        p.second) == dtypes.end();
                     });
                   }),
               combos.end());
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
