// Allocator: where tensor buffers come from. Each Device owns one.
#ifndef TG_CORE_ALLOCATOR_H_
#define TG_CORE_ALLOCATOR_H_

#include <cstddef>
#include <string>

namespace tg {

// Alignment of every CPU buffer: one cache line, enough for AVX-512 loads.
inline constexpr size_t kTensorAlignment = 64;

// Thread-safe. Allocate never returns null for bytes > 0 (it aborts when the
// system is out of memory, as operator new would); Allocate(0) may return
// null.
class Allocator {
 public:
  virtual ~Allocator() = default;
  virtual std::string Name() const = 0;
  virtual void* Allocate(size_t bytes) = 0;
  virtual void Deallocate(void* ptr, size_t bytes) = 0;
};

// The process-wide host allocator: 64-byte aligned, and caching freed blocks
// of 4 KiB and more (up to 1 GiB in all) for reuse by allocations of the
// same size, so a graph run step after step stops allocating.
Allocator* CpuAllocator();

}  // namespace tg

#endif  // TG_CORE_ALLOCATOR_H_
