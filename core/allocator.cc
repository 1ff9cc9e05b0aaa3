#include "core/allocator.h"

#include <cstdlib>
#include <new>

namespace tg {
namespace {

class AlignedCpuAllocator final : public Allocator {
 public:
  std::string Name() const override { return "cpu"; }
  void* Allocate(size_t bytes) override {
    if (bytes == 0) return nullptr;
    // aligned_alloc needs a size that is a multiple of the alignment.
    size_t rounded =
        (bytes + kTensorAlignment - 1) / kTensorAlignment * kTensorAlignment;
    void* p = std::aligned_alloc(kTensorAlignment, rounded);
    if (p == nullptr) throw std::bad_alloc();
    return p;
  }
  void Deallocate(void* ptr, size_t) override { std::free(ptr); }
};

}  // namespace

Allocator* CpuAllocator() {
  static Allocator* const allocator = new AlignedCpuAllocator();
  return allocator;
}

}  // namespace tg
