// Device: where kernels run and tensors live.
//
// A device owns an allocator for its memory and an ordering of the work its
// kernels enqueue. On the CPU, kernels run synchronously and Sync() returns at
// once; an accelerator enqueues on its stream and Sync() waits for it, which
// the executor calls once at the end of a run. Copies to and from host memory
// go through the device so the runtime can insert them on cross-device edges.
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

class Device {
 public:
  Device(std::string type, int id);
  virtual ~Device() = default;

  // Canonical name, "/device:CPU:0".
  const std::string& name() const { return name_; }
  const std::string& type() const { return type_; }
  int id() const { return id_; }

  virtual Allocator* allocator() = 0;
  // Waits for every piece of work enqueued so far.
  virtual absl::Status Sync() = 0;
  // Returns a copy of host tensor `host` in this device's memory, and back.
  virtual absl::StatusOr<Tensor> CopyFromHost(const Tensor& host) = 0;
  virtual absl::StatusOr<Tensor> CopyToHost(const Tensor& on_device) = 0;
  // Intra-op pool for CPU kernels; null on devices that do not use one.
  virtual ThreadPool* thread_pool() { return nullptr; }

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
  absl::StatusOr<Tensor> CopyFromHost(const Tensor& host) override {
    return host;
  }
  absl::StatusOr<Tensor> CopyToHost(const Tensor& t) override { return t; }
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
};

// Accepts "", "/device:CPU:0", "/cpu:0", "/gpu:1", "CPU", "CPU:0" and the
// long form "/job:localhost/replica:0/task:0/device:GPU:0".
absl::StatusOr<DeviceSpec> ParseDeviceSpec(absl::string_view name);

}  // namespace tg

#endif  // TG_CORE_DEVICE_H_
