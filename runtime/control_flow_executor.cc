// Executor::RunFlow: runs a graph with control flow as TensorFlow's
// executor does (runtime/control_flow.h has the semantics). Values live per
// (frame, iteration); a step becomes ready in an iteration when all its
// inputs have arrived there, and runs on this thread from a ready queue.
// Finished iterations and frames are freed as the run goes, so a long loop
// holds at most parallel_iterations iterations of values.
#include <deque>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "runtime/control_flow.h"

namespace tg {
namespace {

using Flow = Executor::Flow;

constexpr uint8_t kMergeLive = 1;       // A live data input has arrived.
constexpr uint8_t kMergeEnterDead = 2;  // A dead input came from an Enter.
constexpr uint8_t kMergeFired = 4;
constexpr int64_t kMaxBookkeeping = int64_t{2} << 30;

struct Iteration {
  std::vector<TensorValue> slots;
  std::vector<int> pending;    // Per step: arrivals still missing.
  std::vector<int> dead;       // Per step: dead arrivals.
  std::vector<uint8_t> merge;  // Per step: kMerge* bits.
  std::vector<int> remaining;  // Per slot: reads still to come.
  int outstanding_ops = 0;     // Steps ready or running.
  int outstanding_frames = 0;  // Child frames still running.
};

// A value an Enter (loop invariant) or a NextIteration holds for iterations
// not started yet.
struct Held {
  int step;
  TensorValue value;
  bool dead;
};

struct FrameState {
  int frame = 0;
  FrameState* parent = nullptr;
  int64_t parent_iter = 0;
  int num_pending_inputs = 0;   // Enters not arrived yet.
  int64_t iteration_count = 0;  // The newest iteration started.
  int64_t base = 0;             // The iteration iters.front() holds.
  int outstanding_iterations = 1;
  std::deque<std::unique_ptr<Iteration>> iters;
  std::vector<Held> invariants;
  std::vector<Held> deferred;  // Over parallel_iterations: waiting.
  std::vector<int> dead_exits;
  absl::flat_hash_map<std::pair<int64_t, int>, std::unique_ptr<FrameState>>
      children;

  Iteration* iteration(int64_t i) const {
    i -= base;
    return i >= 0 && i < static_cast<int64_t>(iters.size()) ? iters[i].get()
                                                            : nullptr;
  }
};

struct Tagged {
  int step;
  FrameState* frame;
  int64_t iter;
  bool dead;
};

}  // namespace

class Executor::Flow::Runner {
 public:
  Runner(const Executor& ex, const Flow& flow) : ex_(ex), flow_(flow) {}

  absl::Status Run(absl::Span<const Tensor> feeds) {
    root_ = std::make_unique<FrameState>();
    TG_ASSIGN_OR_RETURN(auto first, NewIteration());
    root_->iters.push_back(std::move(first));
    Iteration* it = root_->iteration(0);
    for (size_t i = 0; i < feeds.size(); ++i) {
      it->slots[ex_.feeds_[i].slot].tensor = feeds[i];
    }
    for (size_t i = 0; i < feeds.size(); ++i) {
      Deliver(root_.get(), 0, ex_.feeds_[i].slot, /*live=*/true);
    }
    for (int s : flow_.sources) Push(s, root_.get(), 0, false);
    while (!ready_.empty()) {
      const Tagged t = ready_.front();
      ready_.pop_front();
      TG_RETURN_IF_ERROR(Process(t));
    }
    return absl::OkStatus();
  }

  absl::Status Fetch(std::vector<Tensor>* fetched) const {
    const Iteration& it = *root_->iteration(0);
    for (const auto& f : ex_.fetches_) {
      const TensorValue& v = it.slots[f.slot];
      if (v.ref != nullptr || v.tensor.IsInitialized()) continue;
      const int p = flow_.producer[f.slot];
      const bool ran = p < 0 || (flow_.steps[p].kind == Flow::kMerge
                                     ? (it.merge[p] & kMergeFired) != 0
                                     : it.pending[p] == 0);
      return absl::InvalidArgumentError(absl::StrCat(
          "fetch '", SafeText(f.name), "' has no value: ",
          ran ? "it is dead (on the untaken side of a conditional)"
              : "its node never ran (it waits for inputs that never "
                "arrive)"));
    }
    return ex_.FetchOutputs(it.slots, fetched);
  }

 private:
  // A fresh iteration; ResourceExhausted when the iterations in flight
  // (nested loops multiply them) would hold more than kMaxBookkeeping
  // bytes.
  absl::StatusOr<std::unique_ptr<Iteration>> NewIteration() {
    TG_REQUIRE(
        (live_iterations_ + 1) * flow_.iteration_bytes <= kMaxBookkeeping,
        ResourceExhausted, "the loops would keep ", live_iterations_ + 1,
        " iterations in flight, ",
        (live_iterations_ + 1) * flow_.iteration_bytes,
        " bytes of bookkeeping (at most ", kMaxBookkeeping, ")");
    ++live_iterations_;
    auto it = std::make_unique<Iteration>();
    const size_t n = flow_.steps.size();
    it->slots.resize(flow_.readers.size());
    it->pending.resize(n);
    for (size_t s = 0; s < n; ++s) it->pending[s] = flow_.steps[s].pending;
    it->dead.assign(n, 0);
    it->merge.assign(n, 0);
    it->remaining = flow_.readers;
    return it;
  }

  void Push(int step, FrameState* f, int64_t iter, bool dead) {
    ++f->iteration(iter)->outstanding_ops;
    ready_.push_back({step, f, iter, dead});
  }

  void Activate(FrameState* f, int64_t iter, int dst, bool control, bool dead,
                bool from_enter) {
    Iteration& it = *f->iteration(iter);
    const Flow::StepInfo& info = flow_.steps[dst];
    if (info.kind != Flow::kMerge) {
      it.dead[dst] += dead;
      if (--it.pending[dst] == 0) Push(dst, f, iter, it.dead[dst] > 0);
      return;
    }
    uint8_t& m = it.merge[dst];
    if (m & kMergeFired) return;  // Later inputs are not used.
    if (control) {
      --it.pending[dst];
    } else if (!dead) {
      m |= kMergeLive;
    } else {
      ++it.dead[dst];
      if (from_enter) m |= kMergeEnterDead;
    }
    const bool all_dead =
        it.dead[dst] == info.data_inputs || (m & kMergeEnterDead);
    if (it.pending[dst] == 0 && ((m & kMergeLive) || all_dead)) {
      m |= kMergeFired;
      Push(dst, f, iter, (m & kMergeLive) == 0);
    }
  }

  // The value in `slot` of (f, iter) has arrived (or is dead).
  void Deliver(FrameState* f, int64_t iter, int slot, bool live) {
    for (const Flow::Consumer& c : flow_.consumers[slot]) {
      Activate(f, iter, c.step, false, !live, c.from_enter);
    }
  }

  void DeliverControls(FrameState* f, int64_t iter, int step, bool dead) {
    for (int dst : flow_.steps[step].control_out) {
      Activate(f, iter, dst, true, dead, false);
    }
  }

  // Puts `value` in `slot` of (f, iter) and tells the slot's readers.
  void Place(FrameState* f, int64_t iter, int step, TensorValue value,
             bool dead) {
    const int slot = flow_.steps[step].outputs[0];
    f->iteration(iter)->slots[slot] = std::move(value);
    Deliver(f, iter, slot, !dead);
    DeliverControls(f, iter, step, dead);
  }

  static bool Live(const TensorValue& v) {
    return v.ref != nullptr || v.tensor.IsInitialized();
  }

  absl::Status Process(const Tagged& t);
  void Release(const Tagged& t, Iteration& it);
  absl::Status Propagate(const Tagged& t);
  absl::Status EnterChild(const Tagged& t, TensorValue value);
  absl::Status NextIteration(const Tagged& t, TensorValue value);
  absl::Status IncrementIteration(FrameState* f);
  bool IsIterationDone(const FrameState* f, int64_t iter) const;
  absl::Status CleanupIterations(FrameState* f, int64_t iter, bool* done);
  absl::Status MaybeFinish(FrameState* f, int64_t iter);
  absl::Status DeleteFrame(FrameState* f);

  const Executor& ex_;
  const Flow& flow_;
  std::unique_ptr<FrameState> root_;
  std::deque<Tagged> ready_;
  // Device buffers of released values: a device may still have queued work
  // reading them, so they live until the run's final synchronization.
  std::vector<Tensor> device_values_;
  int64_t live_iterations_ = 0;
};

absl::Status Executor::Flow::Runner::Process(const Tagged& t) {
  Iteration& it = *t.frame->iteration(t.iter);
  const Step& step = ex_.steps_[t.step];
  const Flow::StepInfo& info = flow_.steps[t.step];
  const bool runs = !t.dead || info.kind == Flow::kControlTrigger;
  if (runs) {
    absl::Status s =
        step.is_copy
            ? ex_.RunCopy(step, it.slots)
            : ex_.RunKernel(step, ex_.default_allocators_.data(), it.slots);
    if (!s.ok()) {
      return AnnotateStatus(
          s,
          absl::StrCat(step.error_prefix, flow_.Where(t.frame->frame, t.iter)));
    }
  }
  Release(t, it);
  TG_RETURN_IF_ERROR(Propagate(t));
  --t.frame->iteration(t.iter)->outstanding_ops;
  return MaybeFinish(t.frame, t.iter);
}

void Executor::Flow::Runner::Release(const Tagged& t, Iteration& it) {
  for (int slot : flow_.steps[t.step].inputs) {
    if (--it.remaining[slot] > 0) continue;
    if (t.frame == root_.get() && flow_.fetched[slot]) continue;
    TensorValue& v = it.slots[slot];
    if (v.tensor.IsInitialized() && !v.tensor.OnHost()) {
      device_values_.push_back(std::move(v.tensor));
    }
    v = TensorValue();
  }
}

absl::Status Executor::Flow::Runner::Propagate(const Tagged& t) {
  const Flow::StepInfo& info = flow_.steps[t.step];
  Iteration& it = *t.frame->iteration(t.iter);
  const bool dead = t.dead && info.kind != Flow::kControlTrigger;
  switch (info.kind) {
    case Flow::kEnter:
      return EnterChild(t, std::move(it.slots[info.outputs[0]]));
    case Flow::kNextIteration:
      return NextIteration(t, std::move(it.slots[info.outputs[0]]));
    case Flow::kExit: {
      TensorValue value = std::move(it.slots[info.outputs[0]]);
      if (dead || !Live(value)) {
        // Delivered dead when the frame finishes, if this is its last
        // iteration (an untaken loop).
        if (t.iter == t.frame->iteration_count) {
          t.frame->dead_exits.push_back(t.step);
        }
        return absl::OkStatus();
      }
      Place(t.frame->parent, t.frame->parent_iter, t.step, std::move(value),
            false);
      return absl::OkStatus();
    }
    default:
      for (int slot : info.outputs) {
        Deliver(t.frame, t.iter, slot, !dead && Live(it.slots[slot]));
      }
      DeliverControls(t.frame, t.iter, t.step, dead);
      return absl::OkStatus();
  }
}

absl::Status Executor::Flow::Runner::EnterChild(const Tagged& t,
                                                TensorValue value) {
  const Flow::StepInfo& info = flow_.steps[t.step];
  const bool dead = t.dead || !Live(value);
  auto [pos, inserted] =
      t.frame->children.try_emplace(std::make_pair(t.iter, info.out_frame));
  if (inserted) {
    auto child = std::make_unique<FrameState>();
    child->frame = info.out_frame;
    child->parent = t.frame;
    child->parent_iter = t.iter;
    child->num_pending_inputs = flow_.frames[info.out_frame].num_enters;
    TG_ASSIGN_OR_RETURN(auto first, NewIteration());
    child->iters.push_back(std::move(first));
    pos->second = std::move(child);
    ++t.frame->iteration(t.iter)->outstanding_frames;
  }
  FrameState* child = pos->second.get();
  if (info.constant) {
    // A loop invariant: every iteration started, and each one to come.
    for (int64_t i = child->base; i <= child->iteration_count; ++i) {
      Place(child, i, t.step, value, dead);
    }
    child->invariants.push_back({t.step, std::move(value), dead});
  } else {
    Place(child, 0, t.step, std::move(value), dead);
  }
  --child->num_pending_inputs;
  return MaybeFinish(child, 0);
}

absl::Status Executor::Flow::Runner::NextIteration(const Tagged& t,
                                                   TensorValue value) {
  // A dead value ends the loop here.
  if (t.dead || !Live(value)) return absl::OkStatus();
  FrameState* f = t.frame;
  if (t.iter == f->iteration_count) {
    if (f->outstanding_iterations ==
        flow_.frames[f->frame].parallel_iterations) {
      f->deferred.push_back({t.step, std::move(value), false});
      return absl::OkStatus();
    }
    TG_RETURN_IF_ERROR(IncrementIteration(f));
  }
  Place(f, t.iter + 1, t.step, std::move(value), false);
  return absl::OkStatus();
}

absl::Status Executor::Flow::Runner::IncrementIteration(FrameState* f) {
  const Flow::FrameInfo& frame = flow_.frames[f->frame];
  TG_REQUIRE(f->iteration_count + 1 < flow_.max_iterations, ResourceExhausted,
             "loop '", SafeText(frame.name), "' ran ", flow_.max_iterations,
             " iterations without its condition turning false (the limit is "
             "SessionOptions::max_loop_iterations)");
  TG_ASSIGN_OR_RETURN(auto next, NewIteration());
  ++f->iteration_count;
  f->iters.push_back(std::move(next));
  ++f->outstanding_iterations;
  f->dead_exits.clear();
  for (const Held& h : f->invariants) {
    Place(f, f->iteration_count, h.step, h.value, h.dead);
  }
  return absl::OkStatus();
}

bool Executor::Flow::Runner::IsIterationDone(const FrameState* f,
                                             int64_t iter) const {
  const Iteration* it = f->iteration(iter);
  if (it == nullptr || it->outstanding_ops > 0 || it->outstanding_frames > 0) {
    return false;
  }
  return iter == 0 ? f->num_pending_inputs == 0
                   : f->iteration(iter - 1) == nullptr;
}

absl::Status Executor::Flow::Runner::CleanupIterations(FrameState* f,
                                                       int64_t iter,
                                                       bool* done) {
  while (iter <= f->iteration_count && IsIterationDone(f, iter)) {
    for (TensorValue& v : f->iters.front()->slots) {
      if (v.tensor.IsInitialized() && !v.tensor.OnHost()) {
        device_values_.push_back(std::move(v.tensor));
      }
    }
    f->iters.pop_front();
    --live_iterations_;
    ++f->base;
    --f->outstanding_iterations;
    ++iter;
    if (!f->deferred.empty()) {
      TG_RETURN_IF_ERROR(IncrementIteration(f));
      std::vector<Held> next = std::move(f->deferred);
      f->deferred.clear();
      for (Held& h : next) {
        Place(f, f->iteration_count, h.step, std::move(h.value), false);
      }
    }
  }
  *done = f->num_pending_inputs == 0 && f->outstanding_iterations == 0;
  return absl::OkStatus();
}

absl::Status Executor::Flow::Runner::MaybeFinish(FrameState* f, int64_t iter) {
  // The root's values are the run's results: never freed here.
  if (f == root_.get() || !IsIterationDone(f, iter)) return absl::OkStatus();
  bool done = false;
  TG_RETURN_IF_ERROR(CleanupIterations(f, iter, &done));
  return done ? DeleteFrame(f) : absl::OkStatus();
}

absl::Status Executor::Flow::Runner::DeleteFrame(FrameState* f) {
  FrameState* parent = f->parent;
  const int64_t parent_iter = f->parent_iter;
  for (int exit : f->dead_exits) {
    Place(parent, parent_iter, exit, TensorValue(), /*dead=*/true);
  }
  --parent->iteration(parent_iter)->outstanding_frames;
  parent->children.erase(std::make_pair(parent_iter, f->frame));  // Frees f.
  return MaybeFinish(parent, parent_iter);
}

absl::Status Executor::RunFlow(absl::Span<const Tensor> feeds,
                               std::vector<Tensor>* fetched) const {
  // Declared before the guard: released after every device is synchronized.
  Flow::Runner runner(*this, *flow_);
  SyncDevicesAtExit sync(devices_);
  for (size_t i = 0; i < feeds.size(); ++i) {
    TG_RETURN_IF_ERROR(CheckFeed(feeds_[i], feeds[i]));
  }
  absl::Status s = runner.Run(feeds);
  if (!s.ok()) {
    sync.SyncAll().IgnoreError();
    return s;
  }
  TG_RETURN_IF_ERROR(sync.SyncAll());
  return runner.Fetch(fetched);
}

}  // namespace tg
