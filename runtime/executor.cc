// Running a plan; runtime/executor_plan.cc builds it.
#include "runtime/executor.h"

#include <cmath>
#include <new>

#include "absl/strings/str_cat.h"
#include "core/denormal.h"

namespace tg {
namespace {

// The first non-finite value of a floating-point tensor, as text; empty
// when all are finite or the dtype is not floating.
template <typename T>
std::string FirstNonFinite(const Tensor& t) {
  auto v = t.flat<T>();
  for (int64_t i = 0; i < static_cast<int64_t>(v.size()); ++i) {
    if (!std::isfinite(v[i])) {
      return absl::StrCat(std::isnan(v[i]) ? "NaN" : "Inf", " at element ", i);
    }
  }
  return "";
}

absl::StatusOr<std::string> NonFinite(const Tensor& t) {
  if (t.dtype() != DT_FLOAT && t.dtype() != DT_DOUBLE) return std::string();
  TG_ASSIGN_OR_RETURN(Tensor host, t.ToHost());
  return t.dtype() == DT_FLOAT ? FirstNonFinite<float>(host)
                               : FirstNonFinite<double>(host);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> Executor::Placement() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Step& s : steps_) {
    if (!s.is_copy) out.emplace_back(s.node->name(), s.device->name());
  }
  return out;
}

absl::Status Executor::CheckFeed(const Feed& feed, const Tensor& t) const {
  TG_REQUIRE(t.dtype() == feed.dtype, InvalidArgument, "feed '",
             SafeText(feed.name), "' is a ", DataTypeName(t.dtype()),
             " tensor but the graph expects ", DataTypeName(feed.dtype));
  TG_REQUIRE(feed.shape.IsCompatibleWith(t.shape()), InvalidArgument, "feed '",
             SafeText(feed.name), "' has shape ", t.shape().DebugString(),
             " but the graph expects ", feed.shape.DebugString());
  TG_REQUIRE(t.OnHost(), InvalidArgument, "feed '", SafeText(feed.name),
             "' is in ", t.MemoryName(),
             " memory; feeds are host tensors (the run copies them)");
  return absl::OkStatus();
}

absl::Status Executor::CheckInputs(
    const Step& step, const std::vector<TensorValue>& slots) const {
  for (size_t k = 0; k < step.input_slots.size(); ++k) {
    const TensorValue& in = slots[step.input_slots[k]];
    const DataType want = step.input_dtypes[k];
    if (in.ref != nullptr) {
      const Variable* v = in.ref;
      if (!v->initialized) {
        if (!step.deref_check[k]) continue;
        return AnnotateStatus(UninitializedVariableError(*v),
                              absl::StrCat("input ", k, ": "));
      }
      TG_REQUIRE(v->tensor.dtype() == want, InvalidArgument, "input ", k,
                 ": variable '", SafeText(v->name), "' holds a ",
                 DataTypeName(v->tensor.dtype()), " tensor, not ",
                 DataTypeName(want));
      continue;
    }
    if (in.tensor.dtype() == want) continue;
    if (step.takes_dead_inputs && !in.tensor.IsInitialized()) continue;
    return absl::InternalError(
        absl::StrCat("input ", k, " is a ", DataTypeName(in.tensor.dtype()),
                     " tensor, not the declared ", DataTypeName(want)));
  }
  return absl::OkStatus();
}

absl::Status Executor::CheckOutputs(
    const Step& step, const std::vector<TensorValue>& slots) const {
  for (int k = 0; k < step.num_outputs; ++k) {
    const TensorValue& out = slots[step.output_base + k];
    const DataType want = step.output_dtypes[k];
    if (out.ref != nullptr) continue;
    if (step.leaves_outputs_unset && !out.tensor.IsInitialized()) continue;
    TG_REQUIRE(out.tensor.dtype() == want, Internal, "output ", k, " is a ",
               DataTypeName(out.tensor.dtype()), " tensor, not the declared ",
               DataTypeName(want));
    TG_REQUIRE(out.tensor.memory_space() == step.output_spaces[k], Internal,
               "output ", k, " is in ", out.tensor.MemoryName(),
               " memory, not in ",
               default_allocators_[step.output_base + k]->MemoryName(),
               " memory where the kernel declares it");
    if (!check_numerics_) continue;
    TG_ASSIGN_OR_RETURN(std::string bad, NonFinite(out.tensor));
    TG_REQUIRE(bad.empty(), InvalidArgument, "output ", k, " of shape ",
               out.tensor.shape().DebugString(), " has ", bad,
               " (check_numerics)");
  }
  return absl::OkStatus();
}

absl::Status Executor::RunKernel(const Step& step, Allocator* const* allocators,
                                 std::vector<TensorValue>& slots) const {
  TG_RETURN_IF_ERROR(CheckInputs(step, slots));
  // data() + base, not &slots[base]: a node without outputs may sit at the
  // end of the slots.
  OpKernelContext ctx(
      step.device, slots.data(), step.input_slots,
      absl::MakeSpan(slots.data() + step.output_base, step.num_outputs),
      absl::MakeConstSpan(allocators + step.output_base, step.num_outputs),
      allocators[step.temp_slot]);
  ctx.AllowForwarding(slots.data(), step.forwardable);
  try {
    // A kernel run on the host gets no access to the device's memory: it
    // touches host memory only, and the access check says so if not.
    TG_RETURN_IF_ERROR(step.direct ? step.kernel->Compute(ctx)
                                   : step.device->Compute(*step.kernel, ctx));
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError(
        "out of memory in the kernel's own bookkeeping");
  }
  return CheckOutputs(step, slots);
}

absl::Status Executor::RunCopy(const Step& step,
                               std::vector<TensorValue>& slots) const {
  const TensorValue& src = slots[step.src_slot];
  if (src.ref != nullptr && !src.ref->initialized) {
    return UninitializedVariableError(*src.ref);
  }
  const Tensor& value = src.ref != nullptr ? src.ref->tensor : src.tensor;
  TG_ASSIGN_OR_RETURN(slots[step.dst_slot].tensor,
                      value.CheckedDeepCopy(step.dst_allocator));
  return absl::OkStatus();
}

absl::Status Executor::FetchOutputs(const std::vector<TensorValue>& slots,
                                    std::vector<Tensor>* fetched) const {
  fetched->clear();
  for (const Fetch& f : fetches_) {
    const TensorValue& v = slots[f.slot];
    const std::string what = absl::StrCat("fetch '", SafeText(f.name), "': ");
    if (v.ref != nullptr) {
      TG_REQUIRE(v.ref->initialized, FailedPrecondition, what,
                 "reads variable '", SafeText(v.ref->name),
                 "', which is not initialized");
      // A snapshot: the variable keeps changing after this run.
      absl::StatusOr<Tensor> copy =
          v.ref->tensor.CheckedDeepCopy(host_allocator_);
      if (!copy.ok()) return AnnotateStatus(copy.status(), what);
      fetched->push_back(*std::move(copy));
      continue;
    }
    absl::StatusOr<Tensor> host = v.tensor.ToHost(host_allocator_);
    if (!host.ok()) return AnnotateStatus(host.status(), what);
    fetched->push_back(*std::move(host));
  }
  return absl::OkStatus();
}

namespace {
// Runs recorded and planned again after their arena could not serve a run
// as planned (other sizes fed); past it, the last arena is kept as it is.
constexpr int kMaxMemoryPlans = 4;
// Steps captured again after a recording stopped matching (other feed
// shapes, a variable given a new buffer); past it, steps run plainly.
constexpr int kMaxCaptures = 4;
}  // namespace

Executor::RunMemory Executor::TakeMemory() const {
  if (!plan_memory_) return {};
  absl::MutexLock lock(&memory_mu_);
  // One run at a time plans or uses the arena; concurrent runs allocate.
  if (memory_out_ || gave_up_) return {};
  memory_out_ = true;
  if (idle_arena_ != nullptr) {
    idle_arena_->ResetFallbacks();
    // Record the step once an arena has served one exactly: its sizes
    // repeat, and the recording may then name the arena's blocks.
    const bool may_capture = capture_device_ != nullptr &&
                             capture_.failure.empty() &&
                             capture_.captures < kMaxCaptures;
    RunMemory memory{nullptr, std::move(idle_arena_), true,
                     may_capture && arena_exact_};
    memory.stashing = may_capture && !memory.capture;
    if (memory.capture) memory.stash = std::move(stash_);
    stash_.clear();
    return memory;
  }
  return {Recording::Create(default_allocators_, memories_), nullptr, true};
}

void Executor::ReturnMemory(RunMemory memory, bool failed) const {
  if (!memory.taken) return;
  absl::MutexLock lock(&memory_mu_);
  memory_out_ = false;
  arena_exact_ = false;
  if (failed) return;
  if (memory.recording != nullptr) {
    ++plans_;
    const ArenaPlan plan =
        PlanArena(memory.recording->Lifetimes(), memories_.size());
    idle_arena_ = Arena::Create(plan, default_allocators_, memories_,
                                static_cast<int>(steps_.size()));
    // No memory for the arena: retry a few times, then allocate plainly.
    if (idle_arena_ == nullptr && plans_ >= kMaxMemoryPlans) gave_up_ = true;
    return;
  }
  const bool clean = memory.arena->Clean();
  arena_exact_ = clean && memory.arena->fallbacks() == 0;
  if (arena_exact_ && memory.stashing) stash_ = std::move(memory.stash);
  if (clean && (memory.arena->fallbacks() == 0 || plans_ >= kMaxMemoryPlans)) {
    idle_arena_ = std::move(memory.arena);
  } else if (plans_ >= kMaxMemoryPlans) {
    gave_up_ = true;  // Runs keep outliving the plan: allocate plainly.
  }
  // Otherwise the next run records a new plan; an arena whose blocks are
  // still held lives on with the tensors holding them.
}

MemoryPlanInfo Executor::memory_plan() const {
  absl::MutexLock lock(&memory_mu_);
  MemoryPlanInfo info;
  info.plans = plans_;
  if (idle_arena_ != nullptr) {
    info.arena_bytes = idle_arena_->bytes();
    info.planned_blocks = idle_arena_->num_blocks();
  }
  return info;
}

absl::Status Executor::RunSteps(const RunMemory& memory,
                                std::vector<TensorValue>& slots) const {
  Recording* recording = memory.recording.get();
  Arena* arena = memory.arena.get();
  Allocator* const* allocators = arena != nullptr ? arena->allocators().data()
                                 : recording != nullptr
                                     ? recording->allocators().data()
                                     : default_allocators_.data();
  for (size_t i = 0; i < steps_.size(); ++i) {
    const Step& step = steps_[i];
    if (recording != nullptr) recording->SetTime(KernelTime(i));
    absl::Status s = step.is_copy ? RunCopy(step, slots)
                                  : RunKernel(step, allocators, slots);
    if (!s.ok()) return AnnotateStatus(s, step.error_prefix);
    if (memory.stashing && step.is_copy && static_copy_[i]) {
      absl::StatusOr<Tensor> value =
          slots[step.src_slot].tensor.CheckedDeepCopy(host_allocator_);
      if (!value.ok()) return AnnotateStatus(value.status(), step.error_prefix);
      memory.stash.emplace_back(static_cast<int>(i), *std::move(value));
    }
    if (recording != nullptr) recording->SetTime(ReleaseTime(i));
    for (int slot : step.release) slots[slot] = TensorValue();
    if (arena != nullptr) arena->AfterStep(static_cast<int>(i));
  }
  // Values kept to the end (device memory, fetches) are freed after the
  // last step, not by it: the arena checks no step for them.
  if (recording != nullptr) recording->SetTime(KernelTime(steps_.size()));
  return absl::OkStatus();
}

absl::Status Executor::RunWithSlots(const RunMemory& memory,
                                    absl::Span<const Tensor> feeds,
                                    std::vector<Tensor>* fetched) const {
  // This run's values. Declared before the guard, so they are released
  // only after every device has been synchronized.
  std::vector<TensorValue> slots(num_slots_);
  SyncDevicesAtExit sync(devices_);
  for (size_t i = 0; i < feeds.size(); ++i) {
    TG_RETURN_IF_ERROR(CheckFeed(feeds_[i], feeds[i]));
    slots[feeds_[i].slot].tensor = feeds[i];
  }
  absl::Status s = RunSteps(memory, slots);
  if (!s.ok()) {
    sync.SyncAll().IgnoreError();
    return s;
  }
  TG_RETURN_IF_ERROR(sync.SyncAll());
  return FetchOutputs(slots, fetched);
}

absl::Status Executor::Run(absl::Span<const Tensor> feeds,
                           std::vector<Tensor>* fetched) const {
  TG_REQUIRE(feeds.size() == feeds_.size(), Internal,
             "feed count does not match the executor");
  // Kernels run inline on this thread as well as on the pool's.
  const ScopedFlushDenormal flush;
  if (flow_ != nullptr) return RunFlow(feeds, fetched);
  if (capture_device_ != nullptr) {
    TG_ASSIGN_OR_RETURN(const bool done, RunCaptured(feeds, fetched));
    if (done) return absl::OkStatus();
  }
  RunMemory memory = TakeMemory();
  if (memory.capture) return RunCapturing(std::move(memory), feeds, fetched);
  return RunPlanned(std::move(memory), feeds, fetched);
}

absl::Status Executor::RunPlanned(RunMemory memory,
                                  absl::Span<const Tensor> feeds,
                                  std::vector<Tensor>* fetched) const {
  const absl::Status s = RunWithSlots(memory, feeds, fetched);
  // Every value of the run is released now: the plan sees what escaped.
  // A failed run's recording is incomplete and its arena may be in any
  // state: both are dropped, and a later run records afresh.
  if (!s.ok()) {
    memory.recording = nullptr;
    memory.arena = nullptr;
  }
  ReturnMemory(std::move(memory), /*failed=*/!s.ok());
  return s;
}

}  // namespace tg
