// Allocator: where tensor buffers come from. Each Device owns one.
#ifndef TG_CORE_ALLOCATOR_H_
#define TG_CORE_ALLOCATOR_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "core/types.h"

namespace tg {

class TensorBuffer;

// Alignment of every CPU buffer: one cache line, enough for AVX-512 loads.
inline constexpr size_t kTensorAlignment = 64;

// Thread-safe. An allocator hands out either host memory, which any code
// may read and write, or the memory of one device, which host code reaches
// only through CopyToHost/CopyFromHost and which only that device's kernels
// touch directly (inside a DeviceMemoryScope). Allocate returns null when it
// cannot or may not hand out the bytes (out of memory, over a limit); it never
// aborts. Allocate(0) may return null too. Callers go through Tensor::Allocate,
// which turns null into a ResourceExhausted status naming the size.
class Allocator {
 public:
  virtual ~Allocator() = default;
  virtual std::string Name() const = 0;
  virtual void* Allocate(size_t bytes) = 0;
  virtual void Deallocate(void* ptr, size_t bytes) = 0;
  // The buffer of a new tensor: `bytes` for `num_elements` of `dtype`.
  // The default wraps Allocate(bytes) in a new TensorBuffer; an allocator
  // that hands the same buffer out again (a block of an executor's planned
  // arena, runtime/memory_plan.h) overrides it. Null when the bytes cannot
  // be had (never for 0 bytes).
  virtual std::shared_ptr<TensorBuffer> AllocateBuffer(DataType dtype,
                                                       int64_t num_elements,
                                                       size_t bytes);
  // For error messages: "limit 6 GiB, 12 MiB in use".
  virtual std::string DescribeUsage() const { return Name(); }
  // A reference that keeps this allocator alive, for allocators that may be
  // destroyed while buffers they handed out still exist (a session's
  // device allocator, whose tensors the caller may keep); null for
  // allocators that live for the whole process.
  virtual std::shared_ptr<Allocator> KeepAlive() { return nullptr; }

  // Where the buffers live. Buffers of two allocators with the same
  // memory_space() are in the same memory; host memory is nullptr.
  virtual const void* memory_space() const { return nullptr; }
  bool host_accessible() const { return memory_space() == nullptr; }
  // "host", or the owning device's name ("/device:GPU:0").
  virtual std::string MemoryName() const { return "host"; }

  // Copies `bytes` between a buffer of this allocator and host memory.
  // Each returns once the host side may be reused: CopyToHost when `dst`
  // holds the values (so the caller may read them), CopyFromHost when `src`
  // may be freed. CopyWithin copies between two buffers of this allocator.
  // Host memory: memcpy. Errors name the failing call.
  virtual absl::Status CopyToHost(void* dst, const void* src, size_t bytes);
  virtual absl::Status CopyFromHost(void* dst, const void* src, size_t bytes);
  virtual absl::Status CopyWithin(void* dst, const void* src, size_t bytes);
};

// While one is alive, the current thread may access buffers in memory
// `space` directly. A device opens one around each of its kernels, so the
// kernel reads its inputs and writes its outputs; anywhere else, host code
// that reads device memory is a bug that Tensor's element access catches
// (core/tensor.h). Scopes nest; not shared between threads.
class DeviceMemoryScope {
 public:
  explicit DeviceMemoryScope(const void* space);
  ~DeviceMemoryScope();
  DeviceMemoryScope(const DeviceMemoryScope&) = delete;
  DeviceMemoryScope& operator=(const DeviceMemoryScope&) = delete;
  // True for host memory, and for `space` inside a scope opened for it.
  static bool Allows(const void* space);

 private:
  const void* previous_;
};

// The process-wide host allocator: 64-byte aligned, and caching freed blocks
// of 4 KiB and more (up to 1 GiB in all) for reuse by allocations of the
// same size, so a graph run step after step stops allocating. It refuses
// any single request larger than the machine could ever hold (physical
// memory, or the process's address-space limit, or the limit set with
// SetDefaultMemoryLimitBytes).
Allocator* CpuAllocator();

// What CpuAllocator() has served since the process started, for tests and
// benchmarks that check a steady state allocates nothing: every Allocate
// call, and those the cache could not serve (a system allocation).
struct CpuAllocatorStats {
  int64_t requests = 0;
  int64_t system_allocations = 0;
};
CpuAllocatorStats GetCpuAllocatorStats();

// An allocator over another one (`base`, which must outlive it): the
// memory, its name and the copies are base's; subclasses decide how
// buffers are handed out and kept alive.
class ForwardingAllocator : public Allocator {
 public:
  explicit ForwardingAllocator(Allocator* base) : base_(base) {}
  std::string Name() const override { return base_->Name(); }
  std::string DescribeUsage() const override { return base_->DescribeUsage(); }
  const void* memory_space() const override { return base_->memory_space(); }
  std::string MemoryName() const override { return base_->MemoryName(); }
  absl::Status CopyToHost(void* dst, const void* src, size_t bytes) override {
    return base_->CopyToHost(dst, src, bytes);
  }
  absl::Status CopyFromHost(void* dst, const void* src, size_t bytes) override {
    return base_->CopyFromHost(dst, src, bytes);
  }
  absl::Status CopyWithin(void* dst, const void* src, size_t bytes) override {
    return base_->CopyWithin(dst, src, bytes);
  }

 protected:
  Allocator* const base_;
};

// Bounds the bytes held at once through it: a request that would take the
// total over `limit_bytes` is refused before anything is allocated. Wraps
// `base`, which must outlive it. Thread-safe.
// Make it with std::make_shared: every buffer keeps it alive (KeepAlive).
class LimitedAllocator final
    : public ForwardingAllocator,
      public std::enable_shared_from_this<LimitedAllocator> {
 public:
  LimitedAllocator(Allocator* base, int64_t limit_bytes)
      : ForwardingAllocator(base), limit_(limit_bytes) {}
  void* Allocate(size_t bytes) override;
  void Deallocate(void* ptr, size_t bytes) override;
  std::string DescribeUsage() const override;
  std::shared_ptr<Allocator> KeepAlive() override { return shared_from_this(); }

  int64_t limit() const { return limit_; }
  int64_t bytes_in_use() const { return in_use_.load(); }

 private:
  const int64_t limit_;
  std::atomic<int64_t> in_use_{0};
};

// The process's memory limit: the default limit of a session's devices,
// the most a file reader holds, and the largest single buffer CpuAllocator()
// hands out. Initially three quarters of the memory this process can really
// use (the smaller of physical memory and the address-space and
// data-segment limits, as `ulimit -v` sets them).
int64_t DefaultMemoryLimitBytes();
// Sets it (`tg run --memory_limit`, the fuzzers); <= 0 restores the initial
// value. Thread-safe; affects allocations made after the call.
void SetDefaultMemoryLimitBytes(int64_t bytes);

// "1.5 GiB", "12 MiB", "300 bytes".
std::string HumanBytes(int64_t bytes);

}  // namespace tg

#endif  // TG_CORE_ALLOCATOR_H_
