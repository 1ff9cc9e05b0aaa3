#include "tests/testing/test_device.h"

#include <cstring>
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

  std::string DescribeUsage() const override {
    return capturing_ ? absl::StrCat(name_, ": no new buffers while capturing")
                      : name_;
  }
  absl::Status CopyToHost(void* dst, const void* src, size_t bytes) override {
    TG_RETURN_IF_ERROR(NotCapturing("copying to the host"));
    return Allocator::CopyToHost(dst, src, bytes);
  }
  absl::Status CopyFromHost(void* dst, const void* src, size_t bytes) override {
    TG_RETURN_IF_ERROR(NotCapturing("copying from the host"));
    return Allocator::CopyFromHost(dst, src, bytes);
  }

  void* Allocate(size_t bytes) override {
    if (capturing_) return nullptr;
    void* p = CpuAllocator()->Allocate(bytes);
    if (p != nullptr) in_use_ += static_cast<int64_t>(bytes);
    return p;
  }
  void Deallocate(void* ptr, size_t bytes) override {
    if (ptr == nullptr) return;
    if (queued_ && in_compute_ == 0) ++freed_under_queued_work_;
    if (capturing_) ++freed_while_capturing_;
    in_use_ -= static_cast<int64_t>(bytes);
    CpuAllocator()->Deallocate(ptr, bytes);
  }

  std::atomic<bool> queued_{false};
  std::atomic<int> in_compute_{0};
  std::atomic<int64_t> freed_under_queued_work_{0};
  std::atomic<int64_t> in_use_{0};
  std::atomic<bool> capturing_{false};
  std::atomic<int64_t> freed_while_capturing_{0};

 private:
  absl::Status NotCapturing(absl::string_view what) const {
    if (!capturing_) return absl::OkStatus();
    return absl::FailedPreconditionError(
        absl::StrCat(what, " ", name_, " while a step is captured"));
  }

  std::string name_;
};

namespace {

std::atomic<bool> capture_on{true};

// Hands out one fixed address, never frees it: a recorded buffer seen as a
// tensor again when a launch is replayed.
class FixedAddress final : public Allocator {
 public:
  FixedAddress(void* data, const void* space) : data_(data), space_(space) {}
  std::string Name() const override { return "recorded buffer"; }
  const void* memory_space() const override { return space_; }
  void* Allocate(size_t) override { return data_; }
  void Deallocate(void*, size_t) override {}

 private:
  void* data_;
  const void* space_;
};

TestDevice::RecordedValue Record(const Tensor& t, Variable* ref) {
  TestDevice::RecordedValue r;
  r.ref = ref;
  if (ref != nullptr || !t.IsInitialized()) return r;
  r.data = t.raw_data();
  r.dtype = t.dtype();
  r.shape = t.shape();
  r.space = t.memory_space();
  return r;
}

}  // namespace

void SetTestDeviceCapture(bool on) { capture_on = on; }

// The launches recorded between BeginCapture and EndCapture.
class TestCapturedWork final : public CapturedWork {
 public:
  TestCapturedWork(TestDevice* device, std::vector<TestDevice::Launch> l)
      : device_(device), launches_(std::move(l)) {}
  absl::Status Replay() override {
    for (const TestDevice::Launch& l : launches_) {
      TG_RETURN_IF_ERROR(device_->ReplayLaunch(l));
    }
    return absl::OkStatus();
  }

 private:
  TestDevice* device_;
  std::vector<TestDevice::Launch> launches_;
};

TestDevice::TestDevice(int id)
    : Device(kDeviceTest, id),
      pool_(1),
      memory_(std::make_shared<TestMemory>(id)) {}

Allocator* TestDevice::allocator() { return memory_.get(); }

absl::Status TestDevice::Compute(OpKernel& kernel, OpKernelContext& ctx) {
  if (capturing_) return ComputeRecorded(kernel, ctx);
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

bool TestDevice::CanCapture() const { return capture_on; }

absl::Status TestDevice::BeginCapture() {
  TG_REQUIRE(!capturing_, FailedPrecondition, name(), " is capturing already");
  capturing_ = true;
  memory_->capturing_ = true;
  memory_->freed_while_capturing_ = 0;
  launches_.clear();
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<CapturedWork>> TestDevice::EndCapture() {
  TG_REQUIRE(capturing_, FailedPrecondition, name(), " is not capturing");
  capturing_ = false;
  memory_->capturing_ = false;
  std::vector<Launch> launches = std::move(launches_);
  launches_.clear();
  TG_REQUIRE(memory_->freed_while_capturing_ == 0, FailedPrecondition,
             memory_->freed_while_capturing_.load(),
             " buffer(s) freed while capturing");
  return std::make_unique<TestCapturedWork>(this, std::move(launches));
}

// Runs the kernel's host code and records its launch; what it did to the
// variables it updates is undone (a recorded launch has not run).
absl::Status TestDevice::ComputeRecorded(OpKernel& kernel,
                                         OpKernelContext& ctx) {
  DeviceMemoryScope scope(memory_.get());
  std::vector<std::pair<Tensor, Tensor>> saved;  // (variable's, its values)
  for (int k = 0; k < ctx.num_inputs(); ++k) {
    Variable* v = ctx.input_ref(k);
    if (v == nullptr || !v->initialized || v->tensor.dtype() == DT_STRING) {
      continue;
    }
    Tensor values(v->tensor.dtype(), v->tensor.shape());
    std::memcpy(values.raw_data(), v->tensor.raw_data(), values.TotalBytes());
    saved.emplace_back(v->tensor, std::move(values));
  }
  TG_RETURN_IF_ERROR(kernel.Compute(ctx));
  for (auto& [buffer, values] : saved) {
    std::memcpy(buffer.raw_data(), values.raw_data(), values.TotalBytes());
  }
  Launch l;
  l.kernel = &kernel;
  for (int k = 0; k < ctx.num_inputs(); ++k) {
    l.inputs.push_back(Record(ctx.input(k), ctx.input_ref(k)));
  }
  for (int k = 0; k < ctx.num_outputs(); ++k) {
    l.outputs.push_back(Record(ctx.output(k), ctx.output_ref(k)));
  }
  launches_.push_back(std::move(l));
  return absl::OkStatus();
}

absl::Status TestDevice::ReplayLaunch(const Launch& l) {
  ++replayed_kernels_;
  const int n_in = static_cast<int>(l.inputs.size());
  const int n_out = static_cast<int>(l.outputs.size());
  std::vector<std::unique_ptr<FixedAddress>> views;
  std::vector<TensorValue> slots(n_in + n_out);
  std::vector<int> input_slots(n_in);
  for (int k = 0; k < n_in; ++k) {
    input_slots[k] = k;
    const RecordedValue& r = l.inputs[k];
    slots[k].ref = r.ref;
    if (r.ref != nullptr || r.dtype == DT_INVALID) continue;
    views.push_back(std::make_unique<FixedAddress>(r.data, r.space));
    TG_ASSIGN_OR_RETURN(slots[k].tensor,
                        Tensor::Allocate(r.dtype, r.shape, views.back().get()));
  }
  std::vector<Allocator*> out_allocators;
  for (const RecordedValue& r : l.outputs) {
    out_allocators.push_back(r.space == nullptr ? CpuAllocator()
                                                : memory_.get());
  }
  OpKernelContext ctx(this, slots.data(), input_slots,
                      absl::MakeSpan(slots.data() + n_in, n_out),
                      out_allocators, memory_.get());
  DeviceMemoryScope scope(memory_.get());
  TG_RETURN_IF_ERROR(l.kernel->Compute(ctx));
  // The results go where the recording said, as a graph's launch writes.
  for (int k = 0; k < n_out; ++k) {
    const RecordedValue& r = l.outputs[k];
    const Tensor& now = ctx.output(k);
    if (r.ref != nullptr || r.data == nullptr) continue;
    TG_REQUIRE(now.dtype() == r.dtype && now.shape() == r.shape, Internal,
               "a replayed launch made output ", k, " of shape ",
               now.shape().DebugString(), ", recorded ", r.shape.DebugString());
    if (now.raw_data() != r.data) {
      std::memcpy(r.data, now.raw_data(), now.TotalBytes());
    }
  }
  return absl::OkStatus();
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
// accelerators' host-memory args, variables, gathers and comparisons of any
// type there too, and other int32, int64 and bool kernels run on the host.
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
  // As the GPU's own kernels: gathers and comparisons of integers in the
  // device's memory (labels, predicted classes).
  device.dtypes = {DT_INT32, DT_INT64, DT_BOOL};
  for (const char* op : {"GatherV2", "Identity", "Equal", "NotEqual", "Less",
                         "LessEqual", "Greater", "GreaterEqual"}) {
    ReregisterCpuKernels(op, device);
  }
  device.dtypes = {DT_FLOAT, DT_DOUBLE, DT_INT32, DT_INT64, DT_BOOL};
  ReregisterCpuKernels("Cast", device);
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
