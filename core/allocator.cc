#include "core/allocator.h"

#include <cstdio>
#include <cstdlib>
#include <unordered_map>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace tg {
namespace {

// Keeps freed blocks of at least kMinCachedBytes for reuse by a later
// allocation of the same rounded size. An executor allocates the same sizes
// in every step, so after the first step nearly every allocation is a cache
// hit: no system calls, and no page faults on memory the system had to hand
// out afresh (large blocks otherwise come from mmap and are returned to the
// system on every free). The cache holds at most kMaxCachedBytes; beyond
// that, blocks go back to the system.
class CachingCpuAllocator final : public Allocator {
 public:
  std::string Name() const override { return "cpu"; }

  void* Allocate(size_t bytes) override {
    if (bytes == 0) return nullptr;
    const size_t rounded = Round(bytes);
    if (rounded >= kMinCachedBytes) {
      absl::MutexLock lock(&mu_);
      auto it = free_.find(rounded);
      if (it != free_.end() && !it->second.empty()) {
        void* p = it->second.back();
        it->second.pop_back();
        cached_bytes_ -= rounded;
        return p;
      }
    }
    void* p = std::aligned_alloc(kTensorAlignment, rounded);
    if (p == nullptr) {
      std::fprintf(stderr, "tensorgraph: out of memory allocating %zu bytes\n",
                   rounded);
      std::abort();
    }
    return p;
  }

  void Deallocate(void* ptr, size_t bytes) override {
    if (ptr == nullptr) return;
    const size_t rounded = Round(bytes);
    if (rounded >= kMinCachedBytes) {
      absl::MutexLock lock(&mu_);
      if (cached_bytes_ + rounded <= kMaxCachedBytes) {
        free_[rounded].push_back(ptr);
        cached_bytes_ += rounded;
        return;
      }
    }
    std::free(ptr);
  }

 private:
  static constexpr size_t kMinCachedBytes = 4096;
  static constexpr size_t kMaxCachedBytes = size_t{1} << 30;

  // aligned_alloc needs a multiple of the alignment.
  static size_t Round(size_t bytes) {
    return (bytes + kTensorAlignment - 1) / kTensorAlignment * kTensorAlignment;
  }

  absl::Mutex mu_;
  std::unordered_map<size_t, std::vector<void*>> free_ ABSL_GUARDED_BY(mu_);
  size_t cached_bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace

Allocator* CpuAllocator() {
  static Allocator* const allocator = new CachingCpuAllocator();
  return allocator;
}

}  // namespace tg
