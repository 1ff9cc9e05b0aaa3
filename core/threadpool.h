// A fixed pool of worker threads for intra-op parallelism.
//
// ParallelFor splits [0, total) into contiguous shards, runs one inline on
// the calling thread and the rest on workers, and returns when all are done.
// Small ranges (total * cost_per_unit below a threshold) run inline, so
// callers need not special-case tiny tensors. Thread-safe.
#ifndef TG_CORE_THREADPOOL_H_
#define TG_CORE_THREADPOOL_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/synchronization/mutex.h"

namespace tg {

class ThreadPool {
 public:
  // `num_threads` counts the calling thread: 1 means everything runs inline.
  explicit ThreadPool(int num_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int num_threads() const { return num_threads_; }

  // fn(begin, end) over shards of [0, total). cost_per_unit is a rough count
  // of cycles per element, used only to decide whether to split.
  // Work below kMinCostToSplit runs inline without any indirection (the
  // common case for small tensors, where a call through a function object
  // would cost more than the work).
  template <typename F>
  void ParallelFor(int64_t total, int64_t cost_per_unit, F&& fn) {
    if (total <= 0) return;
    if (num_threads_ == 1 || total == 1 ||
        total * (cost_per_unit > 1 ? cost_per_unit : 1) < kMinCostToSplit) {
      fn(int64_t{0}, total);
      return;
    }
    Split(total, absl::FunctionRef<void(int64_t, int64_t)>(fn));
  }

  // Below this estimated cost (elements times cost per element), work is
  // not worth splitting.
  static constexpr int64_t kMinCostToSplit = 200000;

 private:
  // Runs fn over num_threads_ shards of [0, total), one inline.
  void Split(int64_t total, absl::FunctionRef<void(int64_t, int64_t)> fn);
  void WorkerLoop();

  const int num_threads_;
  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace tg

#endif  // TG_CORE_THREADPOOL_H_
