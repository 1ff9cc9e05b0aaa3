// Device: where kernels run and tensors live.
//
// A device owns an allocator for its memory and an ordering of the work its
// kernels enqueue. On the CPU, kernels run synchronously and Sync() returns at
// once; an accelerator enqueues on its stream and Sync() waits for it, which
// the executor calls at the end of a run (and before it releases a failed
// run's buffers). Copies between a device's memory and the host go through
// its allocator (core/allocator.h), so the runtime inserts them on
// cross-device edges without knowing the device. Devices are made by the
// factories in core/device_factory.h.
#ifndef TG_CORE_DEVICE_H_
#define TG_CORE_DEVICE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "core/allocator.h"
#include "core/tensor.h"
#include "core/threadpool.h"

namespace tg {

inline constexpr char kDeviceCpu[] = "CPU";
inline constexpr char kDeviceGpu[] = "GPU";

class OpKernel;
class OpKernelContext;

// A device's work for one step, recorded once and enqueued again as a
// whole (a CUDA Graph). It reads and writes the buffers the recorded
// kernels used, at the same addresses: whoever replays it keeps them alive
// and puts the step's new inputs into them first.
class CapturedWork {
 public:
  virtual ~CapturedWork() = default;
  // Enqueues the recorded work on the device, as Compute would; the
  // device's Sync waits for it and reports its errors.
  virtual absl::Status Replay() = 0;
};

class Device {
 public:
  Device(std::string type, int id);
  virtual ~Device() = default;

  // Canonical name, "/device:CPU:0".
  const std::string& name() const { return name_; }
  const std::string& type() const { return type_; }
  int id() const { return id_; }

  // The device's own memory. For the CPU it is host memory.
  virtual Allocator* allocator() = 0;
  bool uses_host_memory() { return allocator()->host_accessible(); }
  // Runs one kernel on this device. A device that works asynchronously
  // enqueues the kernel's work and returns; the default calls Compute with
  // the device's memory open to the calling thread (DeviceMemoryScope).
  virtual absl::Status Compute(OpKernel& kernel, OpKernelContext& ctx);
  // Waits for every piece of work enqueued so far, and returns the first
  // error any of it met.
  virtual absl::Status Sync() = 0;
  // Intra-op pool for CPU kernels; null on devices that do not use one.
  virtual ThreadPool* thread_pool() { return nullptr; }

  // Step capture (the executor's replay of repeated steps). Between
  // BeginCapture and EndCapture the work this device's kernels enqueue is
  // recorded, not run, and the device refuses what a recording cannot hold:
  // new allocations from its memory (their addresses would not be fixed)
  // and transfers to or from the host (FailedPrecondition). A device that
  // cannot capture says Unimplemented. After a successful BeginCapture the
  // caller always calls EndCapture, also when the step failed; it returns
  // the recorded work, or the error that broke the recording.
  virtual bool CanCapture() const { return false; }
  virtual absl::Status BeginCapture();
  virtual absl::StatusOr<std::unique_ptr<CapturedWork>> EndCapture();

 private:
  std::string type_;
  int id_;
  std::string name_;
};

class CpuDevice final : public Device {
 public:
  // `num_threads` <= 0 means one per hardware thread. The device's tensors
  // together may hold at most `memory_limit_bytes` (<= 0: the default,
  // DefaultMemoryLimitBytes()); a request over it fails before allocating.
  explicit CpuDevice(int num_threads = 0, int64_t memory_limit_bytes = 0);
  Allocator* allocator() override { return allocator_.get(); }
  absl::Status Sync() override { return absl::OkStatus(); }
  ThreadPool* thread_pool() override { return &pool_; }

 private:
  ThreadPool pool_;
  // Shared: tensors a caller keeps after the session is gone still free
  // into it.
  std::shared_ptr<LimitedAllocator> allocator_;
};

// A parsed device request: type "" means any type, id -1 any id.
struct DeviceSpec {
  std::string type;
  int id = -1;
  // True when `d` is a device this request admits.
  bool Matches(const Device& d) const {
    return (type.empty() || type == d.type()) && (id < 0 || id == d.id());
  }
};

// Accepts "", "/device:CPU:0", "/cpu:0", "/gpu:1", "CPU", "CPU:0" and the
// long form "/job:localhost/replica:0/task:0/device:GPU:0".
absl::StatusOr<DeviceSpec> ParseDeviceSpec(absl::string_view name);

}  // namespace tg

#endif  // TG_CORE_DEVICE_H_
