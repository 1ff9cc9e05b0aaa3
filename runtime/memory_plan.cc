#include "runtime/memory_plan.h"

#include <algorithm>

#include "absl/synchronization/mutex.h"
#include "core/tensor.h"

namespace tg {
namespace {

size_t AlignUp(size_t bytes) {
  return (bytes + kTensorAlignment - 1) / kTensorAlignment * kTensorAlignment;
}

}  // namespace

// Records the first buffer allocated through it; later ones are marked so
// the slot is left out of the plan.
class Recording::SlotAllocator final : public ForwardingAllocator {
 public:
  SlotAllocator(Recording* owner, Allocator* base, int slot, int memory)
      : ForwardingAllocator(base),
        owner_(owner),
        slot_(slot),
        memory_(memory) {}

  void* Allocate(size_t bytes) override {
    void* p = base_->Allocate(bytes);
    absl::MutexLock lock(&mu_);
    if (ptr_ != nullptr || repeated_) {
      repeated_ = true;
    } else {
      ptr_ = p;
      bytes_ = bytes;
      allocated_ = owner_->now();
    }
    return p;
  }
  void Deallocate(void* ptr, size_t bytes) override {
    {
      absl::MutexLock lock(&mu_);
      if (ptr != nullptr && ptr == ptr_ && freed_ < 0) freed_ = owner_->now();
    }
    base_->Deallocate(ptr, bytes);
  }
  std::shared_ptr<Allocator> KeepAlive() override {
    return std::shared_ptr<Allocator>(owner_->shared_from_this(), this);
  }

  bool Lifetime(BufferLifetime* out) const {
    absl::MutexLock lock(&mu_);
    if (repeated_ || ptr_ == nullptr || freed_ < 0 || bytes_ == 0) {
      return false;
    }
    *out = {slot_, memory_, bytes_, allocated_, freed_};
    return true;
  }

 private:
  Recording* const owner_;
  const int slot_;
  const int memory_;
  mutable absl::Mutex mu_;
  void* ptr_ ABSL_GUARDED_BY(mu_) = nullptr;
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t allocated_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t freed_ ABSL_GUARDED_BY(mu_) = -1;
  bool repeated_ ABSL_GUARDED_BY(mu_) = false;
};

Recording::~Recording() = default;

std::shared_ptr<Recording> Recording::Create(
    absl::Span<Allocator* const> allocators,
    const std::vector<Allocator*>& memories) {
  std::shared_ptr<Recording> r(new Recording());
  r->table_.assign(allocators.begin(), allocators.end());
  for (Allocator* m : memories) r->keep_alive_.push_back(m->KeepAlive());
  for (size_t slot = 0; slot < allocators.size(); ++slot) {
    Allocator* base = allocators[slot];
    if (base == nullptr) continue;
    const int memory = static_cast<int>(
        std::find(memories.begin(), memories.end(), base) - memories.begin());
    r->recorders_.push_back(std::make_unique<SlotAllocator>(
        r.get(), base, static_cast<int>(slot), memory));
    r->table_[slot] = r->recorders_.back().get();
  }
  return r;
}

std::vector<BufferLifetime> Recording::Lifetimes() const {
  std::vector<BufferLifetime> out;
  BufferLifetime life;
  for (const auto& r : recorders_) {
    if (r->Lifetime(&life)) out.push_back(life);
  }
  return out;
}

ArenaPlan PlanArena(const std::vector<BufferLifetime>& lifetimes,
                    int num_memories) {
  ArenaPlan plan;
  plan.arena_bytes.assign(num_memories, 0);
  std::vector<int> order(lifetimes.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return lifetimes[a].bytes > lifetimes[b].bytes;
  });
  // Placed blocks of each memory, kept sorted by offset.
  std::vector<std::vector<ArenaPlan::Block>> placed(num_memories);
  for (int i : order) {
    const BufferLifetime& b = lifetimes[i];
    const size_t bytes = AlignUp(b.bytes);
    // The lowest gap between blocks alive at the same time that fits.
    size_t offset = 0;
    for (const ArenaPlan::Block& p : placed[b.memory]) {
      const BufferLifetime& q = lifetimes[p.slot];
      const bool overlap = q.allocated <= b.freed && b.allocated <= q.freed;
      if (!overlap) continue;
      if (p.offset >= offset + bytes) break;
      offset = std::max(offset, p.offset + AlignUp(p.bytes));
    }
    // `slot` temporarily indexes `lifetimes`; fixed below.
    ArenaPlan::Block block{i, b.memory, offset, b.bytes, b.freed};
    auto& list = placed[b.memory];
    list.insert(std::upper_bound(
                    list.begin(), list.end(), block,
                    [](const ArenaPlan::Block& x, const ArenaPlan::Block& y) {
                      return x.offset < y.offset;
                    }),
                block);
    plan.arena_bytes[b.memory] =
        std::max(plan.arena_bytes[b.memory], offset + bytes);
  }
  for (auto& list : placed) {
    for (ArenaPlan::Block& block : list) {
      block.slot = lifetimes[block.slot].slot;
      plan.blocks.push_back(block);
    }
  }
  return plan;
}

// The arena's buffers, and the allocator each block's buffers name: it
// returns fallback requests to the real allocator and ignores the block's
// own pointer (the arena buffer is freed with this object).
class ArenaMemory : public std::enable_shared_from_this<ArenaMemory> {
 public:
  class BlockMemory final : public ForwardingAllocator {
   public:
    BlockMemory(ArenaMemory* owner, Allocator* base, void* block)
        : ForwardingAllocator(base), owner_(owner), block_(block) {}
    void* Allocate(size_t bytes) override { return base_->Allocate(bytes); }
    void Deallocate(void* ptr, size_t bytes) override {
      if (ptr != block_ || ptr == nullptr) base_->Deallocate(ptr, bytes);
    }
    std::shared_ptr<Allocator> KeepAlive() override {
      return std::shared_ptr<Allocator>(owner_->shared_from_this(), this);
    }
    void* block() const { return block_; }

   private:
    ArenaMemory* const owner_;
    void* const block_;
  };

  ~ArenaMemory() {
    for (size_t m = 0; m < buffers.size(); ++m) {
      if (buffers[m] != nullptr) memories[m]->Deallocate(buffers[m], bytes[m]);
    }
  }

  std::vector<Allocator*> memories;
  std::vector<std::shared_ptr<Allocator>> keep_alive;
  std::vector<void*> buffers;
  std::vector<size_t> bytes;
  std::vector<std::unique_ptr<BlockMemory>> blocks;
  std::atomic<bool> stopped{false};
  std::atomic<int64_t> fallbacks{0};
};

// One planned output in the run's allocator table. Its TensorBuffer is
// handed out again whenever the block holds the only reference to it.
class Arena::Block final : public ForwardingAllocator {
 public:
  Block(ArenaMemory* memory, ArenaMemory::BlockMemory* block, size_t bytes)
      : ForwardingAllocator(block),
        memory_(memory),
        block_(block),
        bytes_(bytes) {}

  std::shared_ptr<TensorBuffer> AllocateBuffer(DataType dtype,
                                               int64_t num_elements,
                                               size_t bytes) override {
    if (!IsObjectType(dtype) && bytes <= bytes_ && !in_use() &&
        !memory_->stopped.load(std::memory_order_relaxed)) {
      if (buffer_ == nullptr) {
        buffer_ = std::make_shared<TensorBuffer>(block_, dtype, num_elements,
                                                 block_->block(), bytes);
        buffer_->set_extra_owners(1);  // This block's own reference.
      } else {
        buffer_->Reuse(dtype, num_elements, bytes);
      }
      return buffer_;
    }
    memory_->fallbacks.fetch_add(1, std::memory_order_relaxed);
    return block_->AllocateBuffer(dtype, num_elements, bytes);
  }
  void* Allocate(size_t bytes) override {
    memory_->fallbacks.fetch_add(1, std::memory_order_relaxed);
    return block_->Allocate(bytes);
  }
  void Deallocate(void* ptr, size_t bytes) override {
    block_->Deallocate(ptr, bytes);
  }
  std::shared_ptr<Allocator> KeepAlive() override {
    return block_->KeepAlive();
  }
  bool in_use() const { return buffer_ != nullptr && buffer_.use_count() > 1; }

 private:
  ArenaMemory* const memory_;
  ArenaMemory::BlockMemory* const block_;
  const size_t bytes_;
  std::shared_ptr<TensorBuffer> buffer_;
};

std::unique_ptr<Arena> Arena::Create(const ArenaPlan& plan,
                                     absl::Span<Allocator* const> defaults,
                                     const std::vector<Allocator*>& memories,
                                     int num_steps) {
  auto memory = std::make_shared<ArenaMemory>();
  memory->memories = memories;
  for (size_t m = 0; m < memories.size(); ++m) {
    const size_t bytes = plan.arena_bytes[m];
    void* buffer = bytes > 0 ? memories[m]->Allocate(bytes) : nullptr;
    if (bytes > 0 && buffer == nullptr) return nullptr;  // ~ArenaMemory frees.
    memory->keep_alive.push_back(memories[m]->KeepAlive());
    memory->buffers.push_back(buffer);
    memory->bytes.push_back(bytes);
  }
  std::unique_ptr<Arena> arena(new Arena());
  arena->table_.assign(defaults.begin(), defaults.end());
  arena->check_after_.resize(num_steps);
  for (const ArenaPlan::Block& b : plan.blocks) {
    char* base = static_cast<char*>(memory->buffers[b.memory]);
    memory->blocks.push_back(std::make_unique<ArenaMemory::BlockMemory>(
        memory.get(), memories[b.memory], base + b.offset));
    arena->blocks_.push_back(std::make_unique<Block>(
        memory.get(), memory->blocks.back().get(), b.bytes));
    arena->table_[b.slot] = arena->blocks_.back().get();
    const int64_t step = b.freed / 3;
    if (step < num_steps) {
      arena->check_after_[step].push_back(arena->blocks_.back().get());
    }
  }
  arena->memory_ = std::move(memory);
  return arena;
}

Arena::~Arena() = default;

void Arena::CheckFree(int step) {
  for (const Block* b : check_after_[step]) {
    if (b->in_use()) memory_->stopped.store(true, std::memory_order_relaxed);
  }
}

bool Arena::Clean() const {
  if (memory_->stopped.load()) return false;
  for (const auto& b : blocks_) {
    if (b->in_use()) return false;
  }
  return true;
}

int64_t Arena::fallbacks() const { return memory_->fallbacks.load(); }
void Arena::ResetFallbacks() { memory_->fallbacks.store(0); }

size_t Arena::bytes() const {
  size_t total = 0;
  for (size_t b : memory_->bytes) total += b;
  return total;
}

}  // namespace tg
