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
//
// It captures steps as a GPU's stream capture does, so the executor's
// replay runs in every CI run: while capturing, each kernel's host code
// runs (outputs get their shapes and buffers) but its effect on variables
// is undone, as if its device work had only been recorded; new buffers and
// host transfers are refused, and a buffer freed fails the capture. A
// replay runs each recorded kernel again on the recorded buffers and
// writes its results into the recorded outputs, as a graph launch writes
// the same addresses.
#ifndef TG_TESTS_TESTING_TEST_DEVICE_H_
#define TG_TESTS_TESTING_TEST_DEVICE_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/device.h"
#include "core/op_kernel.h"

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
  bool CanCapture() const override;
  absl::Status BeginCapture() override;
  absl::StatusOr<std::unique_ptr<CapturedWork>> EndCapture() override;

  // Buffers released outside a kernel while work was queued: each is a
  // buffer the runtime freed under queued work. Zero in a correct runtime.
  int64_t freed_under_queued_work() const;
  int64_t bytes_in_use() const;
  bool work_queued() const;
  // Kernels run by replays, in all.
  int64_t replayed_kernels() const { return replayed_kernels_; }

  // A value a recorded launch reads or writes: a variable (read when the
  // launch runs), or a buffer by address, as a graph names it.
  struct RecordedValue {
    Variable* ref = nullptr;
    void* data = nullptr;
    DataType dtype = DT_INVALID;
    TensorShape shape;
    const void* space = nullptr;  // Allocator::memory_space
  };
  struct Launch {
    OpKernel* kernel = nullptr;
    std::vector<RecordedValue> inputs, outputs;
  };

 private:
  friend class TestCapturedWork;
  absl::Status ComputeRecorded(OpKernel& kernel, OpKernelContext& ctx);
  absl::Status ReplayLaunch(const Launch& launch);

  ThreadPool pool_;
  std::shared_ptr<TestMemory> memory_;
  bool capturing_ = false;
  std::vector<Launch> launches_;
  std::atomic<int64_t> replayed_kernels_{0};
};

// Whether the TEST devices capture steps (on by default); for tests of
// the plain path.
void SetTestDeviceCapture(bool on);

}  // namespace testing
}  // namespace tg

#endif  // TG_TESTS_TESTING_TEST_DEVICE_H_
