#include "tests/testing/test_device.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "core/device_factory.h"
#include "core/op_kernel.h"
#include "kernels/common/reregister.h"

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

class TestDeviceFactory final : public DeviceFactory {
 public:
  absl::Status CreateDevices(
      const DeviceOptions&,
      std::vector<std::unique_ptr<Device>>* devices) override {
    devices->push_back(std::make_unique<TestDevice>(0));
    devices->push_back(std::make_unique<TestDevice>(1));
    return absl::OkStatus();
  }
};
TG_REGISTER_DEVICE_FACTORY(kDeviceTest, 100, TestDeviceFactory);

// The CPU kernels, arranged as the GPU's are (kernels/gpu/generic_gpu.cc):
// floating-point and small types in the device's memory with the
// accelerators' host-memory args, variables of any type there too, and
// int32, int64 and bool kernels run on the host.
void RegisterTestDeviceKernels() {
  ReregisterOptions device;
  device.device_type = kDeviceTest;
  device.dtypes = {DT_FLOAT, DT_DOUBLE, DT_UINT8, DT_INT8, DT_INT16, DT_HALF};
  device.wrap = PlaceOutputsInDeviceMemory;
  const std::vector<std::string> ops = OpRegistry::Global()->ListOps();
  for (const std::string& op : ops) ReregisterCpuKernels(op, device);
  device.dtypes = {DT_INT32, DT_INT64, DT_BOOL};
  for (const char* op :
       {"VariableV2", "Variable", "Assign", "AssignAdd", "AssignSub"}) {
    ReregisterCpuKernels(op, device);
  }
  ReregisterOptions host;
  host.device_type = kDeviceTest;
  host.dtypes = {DT_INT32, DT_INT64, DT_BOOL};
  host.all_args_on_host = true;
  for (const std::string& op : ops) ReregisterCpuKernels(op, host);
}
TG_REGISTER_DEFERRED_KERNELS(RegisterTestDeviceKernels);

}  // namespace

}  // namespace testing
}  // namespace tg
