#include "core/threadpool.h"

#include <algorithm>

#include "absl/synchronization/blocking_counter.h"
#include "core/denormal.h"

namespace tg {

// Below this much work per call, waking threads costs more than it saves.

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

void ThreadPool::Split(int64_t total,
                       absl::FunctionRef<void(int64_t, int64_t)> fn) {
  const int shards = static_cast<int>(std::min<int64_t>(num_threads_, total));
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
