#include "core/threadpool.h"

#include <algorithm>

#include "absl/synchronization/blocking_counter.h"
#include "core/denormal.h"

namespace tg {

// Below this much work per call, waking threads costs more than it saves.
constexpr int64_t kMinCostToSplit = 200000;

ThreadPool::ThreadPool(int num_threads)
    : num_threads_(std::max(1, num_threads)) {
  for (int i = 1; i < num_threads_; ++i) {
    workers_.emplace_back([this] { WorkerLoop(); });
  }
}

ThreadPool::~ThreadPool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : workers_) t.join();
}

void ThreadPool::WorkerLoop() {
  const ScopedFlushDenormal flush;
  for (;;) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](ThreadPool* p) ABSL_NO_THREAD_SAFETY_ANALYSIS {
            return p->stopping_ || !p->queue_.empty();
          },
          this));
      if (queue_.empty()) return;  // Stopping and drained.
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

void ThreadPool::ParallelFor(int64_t total, int64_t cost_per_unit,
                             const std::function<void(int64_t, int64_t)>& fn) {
  if (total <= 0) return;
  int shards = num_threads_;
  if (total * std::max<int64_t>(cost_per_unit, 1) < kMinCostToSplit) {
    shards = 1;
  }
  shards = static_cast<int>(std::min<int64_t>(shards, total));
  if (shards == 1) {
    fn(0, total);
    return;
  }
  const int64_t block = (total + shards - 1) / shards;
  absl::BlockingCounter done(shards - 1);
  {
    absl::MutexLock lock(&mu_);
    for (int s = 1; s < shards; ++s) {
      const int64_t begin = s * block;
      const int64_t end = std::min(total, begin + block);
      queue_.push_back([&fn, &done, begin, end] {
        if (begin < end) fn(begin, end);
        done.DecrementCount();
      });
    }
  }
  fn(0, std::min(total, block));
  done.Wait();
}

}  // namespace tg
