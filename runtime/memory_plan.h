// Static memory planning for an executor's outputs.
//
// A signature runs the same steps with the same shapes again and again, so
// its output buffers can live at fixed offsets of one arena per memory,
// planned from their lifetimes as TFLite's arena planner and ggml's graph
// allocator do. The plan is made from one recorded run rather than from
// shape inference alone: a recording sees every size (also those only the
// data decides), every buffer a kernel forwards instead of allocating, and
// which buffers escape the run (fetched values, values a variable keeps).
//
//   1. A run without a plan records: every kernel output is allocated
//      through a RecordingAllocator that notes its size and when it was
//      allocated and freed, in steps of the executor's clock.
//   2. PlanArena turns the buffers freed within the run into offsets,
//      greedily by size (largest first, lowest offset that overlaps no
//      buffer alive at the same time).
//   3. Later runs take their outputs from an Arena: one block per planned
//      output. A request larger than its block, a block still in use, or
//      an arena whose plan no longer holds falls back to the real
//      allocator, so a plan never makes a run fail or share memory wrongly.
//
// Safety does not rest on the run repeating exactly. After each step the
// arena checks that every block the plan frees by then is free; if one is
// still held (a buffer outlived its recorded lifetime), the arena stops
// handing out blocks for the rest of the run, before any block that shares
// its bytes is handed out. An arena with a block still held when its run
// ends is abandoned: the tensors holding its blocks keep it alive, and the
// next run records a new plan.
#ifndef TG_RUNTIME_MEMORY_PLAN_H_
#define TG_RUNTIME_MEMORY_PLAN_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/types/span.h"
#include "core/allocator.h"

namespace tg {

// Clock values: step i's kernel runs at 3 * i, the values released after it
// are freed at 3 * i + 1.
inline int64_t KernelTime(int step) { return 3 * int64_t{step}; }
inline int64_t ReleaseTime(int step) { return 3 * int64_t{step} + 1; }

// One output buffer of a recorded run.
struct BufferLifetime {
  int slot = 0;    // The executor's value slot.
  int memory = 0;  // Index into the allocators given to the plan.
  size_t bytes = 0;
  int64_t allocated = 0;  // Clock values, inclusive.
  int64_t freed = 0;
};

// Records the lifetimes of one run's output buffers. Thread-safe.
class Recording : public std::enable_shared_from_this<Recording> {
 public:
  // `allocators[slot]`: the real allocator of each slot's output, null for
  // slots not to record (feeds, copies). `memories`: the distinct real
  // allocators; every non-null entry of `allocators` is one of them.
  static std::shared_ptr<Recording> Create(
      absl::Span<Allocator* const> allocators,
      const std::vector<Allocator*>& memories);
  ~Recording();

  // Per slot: the recording allocator, or the real one where not recorded.
  absl::Span<Allocator* const> allocators() const { return table_; }
  void SetTime(int64_t now) { now_.store(now, std::memory_order_relaxed); }
  int64_t now() const { return now_.load(std::memory_order_relaxed); }

  // The buffers allocated and freed during the run so far; call after the
  // run has released its values. A slot allocated more than once, or whose
  // buffer is still held, is left out (it escapes the plan).
  std::vector<BufferLifetime> Lifetimes() const;

 private:
  class SlotAllocator;
  Recording() = default;

  std::atomic<int64_t> now_{0};
  // The real allocators outlive every buffer recorded through them.
  std::vector<std::shared_ptr<Allocator>> keep_alive_;
  std::vector<std::unique_ptr<SlotAllocator>> recorders_;
  std::vector<Allocator*> table_;
};

// Where each planned buffer goes.
struct ArenaPlan {
  struct Block {
    int slot = 0;
    int memory = 0;
    size_t offset = 0;
    size_t bytes = 0;
    int64_t freed = 0;  // The recorded clock value it must be free by.
  };
  std::vector<Block> blocks;
  std::vector<size_t> arena_bytes;  // Per memory.
};

// Offsets for `lifetimes` (greedy by size); two buffers share bytes only if
// their lifetimes do not overlap. Offsets are multiples of kTensorAlignment.
ArenaPlan PlanArena(const std::vector<BufferLifetime>& lifetimes,
                    int num_memories);

class ArenaMemory;

// The memory of one plan (one buffer per memory, one block per planned
// output) and, per block, the TensorBuffer it hands out again and again:
// a steady-state run allocates nothing, not even a buffer's bookkeeping.
// One run uses an arena at a time.
class Arena {
 public:
  // `defaults[slot]`: the real allocator of each slot (as for Recording);
  // `memories` as given to Recording. Null when an arena buffer cannot be
  // allocated (the runs then allocate as without a plan).
  static std::unique_ptr<Arena> Create(const ArenaPlan& plan,
                                       absl::Span<Allocator* const> defaults,
                                       const std::vector<Allocator*>& memories,
                                       int num_steps);
  ~Arena();

  // Per slot: a block's allocator, or the real one where none is planned.
  absl::Span<Allocator* const> allocators() const { return table_; }
  // After step `step` has released its values: every block planned to be
  // free by now must be; if one is not, hands out no more blocks.
  void AfterStep(int step) {
    if (!check_after_[step].empty()) CheckFree(step);
  }
  // After a run: true when the run kept to the plan's lifetimes and every
  // block is free again, so the arena may serve another run.
  bool Clean() const;
  // Output buffers the arena did not serve since the last ResetFallbacks
  // (a larger size, a block in use, a stopped arena).
  int64_t fallbacks() const;
  void ResetFallbacks();
  // Bytes of the arena buffers (for tests and tools).
  size_t bytes() const;
  int64_t num_blocks() const { return static_cast<int64_t>(blocks_.size()); }

 private:
  class Block;
  Arena() = default;
  void CheckFree(int step);

  // Shared with every buffer handed out: a buffer that outlives the arena
  // (a value that escaped) keeps the memory alive, never the arena.
  std::shared_ptr<ArenaMemory> memory_;
  std::vector<std::unique_ptr<Block>> blocks_;
  std::vector<std::vector<Block*>> check_after_;  // Per step.
  std::vector<Allocator*> table_;
};

}  // namespace tg

#endif  // TG_RUNTIME_MEMORY_PLAN_H_
