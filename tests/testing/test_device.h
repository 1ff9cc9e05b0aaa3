// The tests' second device type, "TEST": every CI run checks placement,
// copy insertion, host-memory args and device agreement with it, without a
// GPU.
//
// Its memory is host memory handled as a device's: buffers come from an
// allocator of its own whose memory_space() is not the host's, so host code
// that reads them outside one of its kernels aborts (core/tensor.h), and
// copies to and from it go through the same path as a GPU's. Its kernels
// are the CPU kernels re-registered for it as the GPU's are arranged: the
// accelerators' host-memory args (kernels/common/host_memory.h), integer
// kernels run on the host; ops with string args have none, so placement
// leaves them on the CPU. Two devices, TEST:0 and TEST:1,
// with separate memories, so device-to-device copies are exercised too.
//
// Its priority (100) is below the CPU's: unconstrained nodes stay on the CPU
// unless a session's default device or a node's request says TEST.
//
// Work it runs counts as queued until Sync(), like a stream's: the
// allocator counts buffers the runtime frees while work is queued (not
// those a kernel frees inside its own Compute, which a stream orders).
#ifndef TG_TESTS_TESTING_TEST_DEVICE_H_
#define TG_TESTS_TESTING_TEST_DEVICE_H_

#include <atomic>
#include <memory>
#include <string>

#include "core/device.h"

namespace tg {
namespace testing {

inline constexpr char kDeviceTest[] = "TEST";

class TestMemory;

class TestDevice final : public Device {
 public:
  explicit TestDevice(int id);
  Allocator* allocator() override;
  absl::Status Compute(OpKernel& kernel, OpKernelContext& ctx) override;
  absl::Status Sync() override;
  ThreadPool* thread_pool() override { return &pool_; }

  // Buffers released outside a kernel while work was queued: each is a
  // buffer the runtime freed under queued work. Zero in a correct runtime.
  int64_t freed_under_queued_work() const;
  int64_t bytes_in_use() const;
  bool work_queued() const;

 private:
  ThreadPool pool_;
  std::shared_ptr<TestMemory> memory_;
};

}  // namespace testing
}  // namespace tg

#endif  // TG_TESTS_TESTING_TEST_DEVICE_H_
