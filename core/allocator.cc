#include "core/allocator.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <unordered_map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"

namespace tg {
namespace {

// The memory the process can use: physical memory, lowered by RLIMIT_AS and
// RLIMIT_DATA when they are set.
int64_t UsableMemoryBytes() {
  int64_t bytes = std::numeric_limits<int64_t>::max();
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGESIZE);
  if (pages > 0 && page > 0) bytes = static_cast<int64_t>(pages) * page;
  for (int resource : {RLIMIT_AS, RLIMIT_DATA}) {
    struct rlimit lim;
    if (getrlimit(resource, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY &&
        lim.rlim_cur < static_cast<rlim_t>(bytes)) {
      bytes = static_cast<int64_t>(lim.rlim_cur);
    }
  }
  return bytes;
}

std::atomic<int64_t>& DefaultLimit() {
  static std::atomic<int64_t> limit{UsableMemoryBytes() / 4 * 3};
  return limit;
}

// Larger single requests than the process's memory limit are refused up
// front, so the C library (and AddressSanitizer) are never asked for them.
size_t MaxRequestBytes() {
  return static_cast<size_t>(DefaultLimit().load(std::memory_order_relaxed));
}

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
  std::string DescribeUsage() const override {
    return absl::StrCat("the process memory limit is ",
                        HumanBytes(static_cast<int64_t>(MaxRequestBytes())));
  }

  void* Allocate(size_t bytes) override {
    if (bytes == 0) return nullptr;
    requests_.fetch_add(1, std::memory_order_relaxed);
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
    if (rounded < bytes || rounded > MaxRequestBytes()) return nullptr;
    system_allocations_.fetch_add(1, std::memory_order_relaxed);
    return std::aligned_alloc(kTensorAlignment, rounded);
  }

  CpuAllocatorStats Stats() const {
    return {requests_.load(std::memory_order_relaxed),
            system_allocations_.load(std::memory_order_relaxed)};
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

  std::atomic<int64_t> requests_{0};
  std::atomic<int64_t> system_allocations_{0};
  absl::Mutex mu_;
  std::unordered_map<size_t, std::vector<void*>> free_ ABSL_GUARDED_BY(mu_);
  size_t cached_bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace

namespace {
CachingCpuAllocator* TheCpuAllocator() {
  static CachingCpuAllocator* const allocator = new CachingCpuAllocator();
  return allocator;
}
}  // namespace

Allocator* CpuAllocator() { return TheCpuAllocator(); }

CpuAllocatorStats GetCpuAllocatorStats() { return TheCpuAllocator()->Stats(); }

absl::Status Allocator::CopyToHost(void* dst, const void* src, size_t bytes) {
  if (bytes > 0) std::memcpy(dst, src, bytes);
  return absl::OkStatus();
}

absl::Status Allocator::CopyFromHost(void* dst, const void* src, size_t bytes) {
  if (bytes > 0) std::memcpy(dst, src, bytes);
  return absl::OkStatus();
}

absl::Status Allocator::CopyWithin(void* dst, const void* src, size_t bytes) {
  if (bytes > 0) std::memcpy(dst, src, bytes);
  return absl::OkStatus();
}

namespace {
thread_local const void* current_device_memory = nullptr;
}  // namespace

DeviceMemoryScope::DeviceMemoryScope(const void* space)
    : previous_(current_device_memory) {
  current_device_memory = space;
}

DeviceMemoryScope::~DeviceMemoryScope() { current_device_memory = previous_; }

bool DeviceMemoryScope::Allows(const void* space) {
  return space == nullptr || space == current_device_memory;
}

void* LimitedAllocator::Allocate(size_t bytes) {
  if (bytes > static_cast<size_t>(limit_)) return nullptr;
  const int64_t n = static_cast<int64_t>(bytes);
  int64_t used = in_use_.load();
  do {
    if (used > limit_ - n) return nullptr;
  } while (!in_use_.compare_exchange_weak(used, used + n));
  void* p = base_->Allocate(bytes);
  if (p == nullptr) in_use_.fetch_sub(n);
  return p;
}

void LimitedAllocator::Deallocate(void* ptr, size_t bytes) {
  if (ptr == nullptr) return;
  base_->Deallocate(ptr, bytes);
  in_use_.fetch_sub(static_cast<int64_t>(bytes));
}

std::string LimitedAllocator::DescribeUsage() const {
  return absl::StrCat("memory limit ", HumanBytes(limit_), ", ",
                      HumanBytes(in_use_.load()), " in use");
}

int64_t DefaultMemoryLimitBytes() { return DefaultLimit().load(); }

void SetDefaultMemoryLimitBytes(int64_t bytes) {
  DefaultLimit().store(bytes > 0 ? bytes : UsableMemoryBytes() / 4 * 3);
}

std::string HumanBytes(int64_t bytes) {
  constexpr int64_t kKiB = 1024, kMiB = kKiB * 1024, kGiB = kMiB * 1024;
  if (bytes >= kGiB) {
    return absl::StrFormat("%.1f GiB", static_cast<double>(bytes) / kGiB);
  }
  if (bytes >= kMiB) return absl::StrCat(bytes / kMiB, " MiB");
  if (bytes >= kKiB) return absl::StrCat(bytes / kKiB, " KiB");
  return absl::StrCat(bytes, " bytes");
}

}  // namespace tg
