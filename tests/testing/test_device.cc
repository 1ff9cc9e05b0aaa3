#include "tests/testing/test_device.h"

#include <set>

#include "absl/base/call_once.h"
#include "absl/strings/str_cat.h"
#include "core/device_factory.h"
#include "core/op_kernel.h"
#include "kernels/common/host_memory.h"

namespace tg {
namespace testing {

// Host memory from the CPU allocator, under a memory space of its own.
class TestMemory final : public Allocator,
                         public std::enable_shared_from_this<TestMemory> {
 public:
  explicit TestMemory(int id) : name_(absl::StrCat("/device:TEST:", id)) {}
  std::string Name() const override { return "test"; }
  std::string MemoryName() const override { return name_; }
  const void* memory_space() const override { return this; }
  std::shared_ptr<Allocator> KeepAlive() override { return shared_from_this(); }

  void* Allocate(size_t bytes) override {
    void* p = CpuAllocator()->Allocate(bytes);
    if (p != nullptr) in_use_ += static_cast<int64_t>(bytes);
    return p;
  }
  void Deallocate(void* ptr, size_t bytes) override {
    if (ptr == nullptr) return;
    if (queued_ && in_compute_ == 0) ++freed_under_queued_work_;
    in_use_ -= static_cast<int64_t>(bytes);
    CpuAllocator()->Deallocate(ptr, bytes);
  }

  std::atomic<bool> queued_{false};
  std::atomic<int> in_compute_{0};
  std::atomic<int64_t> freed_under_queued_work_{0};
  std::atomic<int64_t> in_use_{0};

 private:
  std::string name_;
};

TestDevice::TestDevice(int id)
    : Device(kDeviceTest, id),
      pool_(1),
      memory_(std::make_shared<TestMemory>(id)) {}

Allocator* TestDevice::allocator() { return memory_.get(); }

absl::Status TestDevice::Compute(OpKernel& kernel, OpKernelContext& ctx) {
  ++memory_->in_compute_;
  memory_->queued_ = true;
  absl::Status s;
  {
    DeviceMemoryScope scope(memory_.get());
    s = kernel.Compute(ctx);
  }
  --memory_->in_compute_;
  return s;
}

absl::Status TestDevice::Sync() {
  memory_->queued_ = false;
  return absl::OkStatus();
}

int64_t TestDevice::freed_under_queued_work() const {
  return memory_->freed_under_queued_work_;
}
int64_t TestDevice::bytes_in_use() const { return memory_->in_use_; }
bool TestDevice::work_queued() const { return memory_->queued_; }

namespace {

// A CPU kernel run on the TEST device. An output the CPU kernel leaves in
// host memory where the device's memory is expected (a constant made at
// Init) is moved there, as a device's own kernel would place it.
class TestDeviceKernel final : public OpKernel {
 public:
  explicit TestDeviceKernel(std::unique_ptr<OpKernel> cpu)
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

// The dtypes a TEST kernel may take for type attr `attr` of `op`: the
// attr's allowed list (or every supported dtype), less strings.
std::vector<DataType> DeviceTypes(const OpDef& op, const std::string& attr) {
  std::vector<DataType> out;
  for (const auto& a : op.attr()) {
    if (a.name() != attr) continue;
    for (int t : a.allowed_values().list().type()) {
      if (t != DT_STRING) out.push_back(static_cast<DataType>(t));
    }
  }
  if (!out.empty()) return out;
  for (DataType t : {DT_FLOAT, DT_DOUBLE, DT_INT32, DT_INT64, DT_BOOL, DT_UINT8,
                     DT_INT8, DT_INT16, DT_HALF}) {
    if (DataTypeSupported(t)) out.push_back(t);
  }
  return out;
}

// Registers `cpu` for TEST once per combination of the dtypes its
// unconstrained type attrs may take, so no TEST kernel accepts strings.
void RegisterFor(const KernelDef& cpu, const OpDef& op) {
  std::vector<std::vector<std::pair<std::string, DataType>>> combos = {
      cpu.constraints};
  for (const auto& a : op.attr()) {
    if (a.type() != "type") continue;
    bool constrained = false;
    for (const auto& c : cpu.constraints) constrained |= c.first == a.name();
    if (constrained) continue;
    std::vector<std::vector<std::pair<std::string, DataType>>> next;
    for (const auto& combo : combos) {
      for (DataType t : DeviceTypes(op, a.name())) {
        next.push_back(combo);
        next.back().emplace_back(a.name(), t);
      }
    }
    combos = std::move(next);
  }
  for (const auto& combo : combos) {
    if (std::any_of(combo.begin(), combo.end(),
                    [](const auto& c) { return c.second == DT_STRING; })) {
      continue;
    }
    KernelDef def = cpu;
    def.device_type = kDeviceTest;
    def.constraints = combo;
    def.host_memory = DeviceHostMemoryArgs(cpu.op);
    KernelFactory make_cpu = cpu.factory;
    def.factory = [make_cpu]() -> std::unique_ptr<OpKernel> {
      return std::make_unique<TestDeviceKernel>(make_cpu());
    };
    KernelRegistry::Global()->Register(std::move(def));
  }
}

class TestDeviceFactory final : public DeviceFactory {
 public:
  absl::Status CreateDevices(
      const DeviceOptions&,
      std::vector<std::unique_ptr<Device>>* devices) override {
    RegisterTestDeviceKernels();
    devices->push_back(std::make_unique<TestDevice>(0));
    devices->push_back(std::make_unique<TestDevice>(1));
    return absl::OkStatus();
  }
};
TG_REGISTER_DEVICE_FACTORY(kDeviceTest, 100, TestDeviceFactory);

}  // namespace

void RegisterTestDeviceKernels() {
  static absl::once_flag once;
  absl::call_once(once, [] {
    for (const KernelDef* k : KernelRegistry::Global()->All()) {
      if (k->device_type != kDeviceCpu) continue;
      const OpRegistration* op = OpRegistry::Global()->Find(k->op);
      if (op == nullptr || HasStringArg(op->def)) continue;
      RegisterFor(*k, op->def);
    }
  });
}

}  // namespace testing
}  // namespace tg
