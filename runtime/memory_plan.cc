#include "runtime/memory_plan.h"

#include <algorithm>

#include "absl/synchronization/mutex.h"

namespace tg {
namespace {

size_t AlignUp(size_t bytes) {
  return (bytes + kTensorAlignment - 1) / kTensorAlignment * kTensorAlignment;
}

// Forwards everything but Allocate/Deallocate/KeepAlive to `base`.
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

// Hands out its block to the first request that fits while the block is
// free; anything else goes to the real allocator.
class Arena::BlockAllocator final : public ForwardingAllocator {
 public:
  BlockAllocator(Arena* arena, Allocator* base, void* block, size_t bytes)
      : ForwardingAllocator(base),
        arena_(arena),
        block_(block),
        bytes_(bytes) {}

  void* Allocate(size_t bytes) override {
    if (bytes <= bytes_ && !arena_->stopped_.load(std::memory_order_relaxed) &&
        !in_use_.exchange(true, std::memory_order_acquire)) {
      return block_;
    }
    arena_->fallbacks_.fetch_add(1, std::memory_order_relaxed);
    return base_->Allocate(bytes);
  }
  void Deallocate(void* ptr, size_t bytes) override {
    if (ptr == block_ && ptr != nullptr) {
      in_use_.store(false, std::memory_order_release);
      return;
    }
    base_->Deallocate(ptr, bytes);
  }
  std::shared_ptr<Allocator> KeepAlive() override {
    return std::shared_ptr<Allocator>(arena_->shared_from_this(), this);
  }
  bool in_use() const { return in_use_.load(std::memory_order_acquire); }

 private:
  Arena* const arena_;
  void* const block_;
  const size_t bytes_;
  std::atomic<bool> in_use_{false};
};

std::shared_ptr<Arena> Arena::Create(const ArenaPlan& plan,
                                     absl::Span<Allocator* const> defaults,
                                     const std::vector<Allocator*>& memories,
                                     int num_steps) {
  std::shared_ptr<Arena> arena(new Arena());
  arena->memories_ = memories;
  for (size_t m = 0; m < memories.size(); ++m) {
    const size_t bytes = plan.arena_bytes[m];
    void* buffer = bytes > 0 ? memories[m]->Allocate(bytes) : nullptr;
    if (bytes > 0 && buffer == nullptr) return nullptr;  // ~Arena frees.
    arena->keep_alive_.push_back(memories[m]->KeepAlive());
    arena->buffers_.push_back(buffer);
    arena->buffer_bytes_.push_back(bytes);
  }
  arena->table_.assign(defaults.begin(), defaults.end());
  arena->check_after_.resize(num_steps);
  for (const ArenaPlan::Block& b : plan.blocks) {
    char* base = static_cast<char*>(arena->buffers_[b.memory]);
    arena->blocks_.push_back(std::make_unique<BlockAllocator>(
        arena.get(), memories[b.memory], base + b.offset, b.bytes));
    arena->table_[b.slot] = arena->blocks_.back().get();
    const int64_t step = b.freed / 3;
    if (step < num_steps) {
      arena->check_after_[step].push_back(arena->blocks_.back().get());
    }
  }
  return arena;
}

Arena::~Arena() {
  for (size_t m = 0; m < buffers_.size(); ++m) {
    if (buffers_[m] != nullptr) {
      memories_[m]->Deallocate(buffers_[m], buffer_bytes_[m]);
    }
  }
}

void Arena::CheckFree(int step) {
  for (const BlockAllocator* b : check_after_[step]) {
    if (b->in_use()) stopped_.store(true, std::memory_order_relaxed);
  }
}

bool Arena::Clean() const {
  if (stopped_.load()) return false;
  for (const auto& b : blocks_) {
    if (b->in_use()) return false;
  }
  return true;
}

size_t Arena::bytes() const {
  size_t total = 0;
  for (size_t b : buffer_bytes_) total += b;
  return total;
}

}  // namespace tg
