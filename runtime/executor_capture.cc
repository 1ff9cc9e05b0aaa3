// Replaying a repeated step as captured device work (a CUDA Graph on a
// GPU).
//
// A signature whose device work can be recorded (Planner::PlanCapture: one
// device that can capture, host nodes that compute only what is the same
// in every run, no copy between kernels but the feeds' copies to the
// device) goes through three kinds of run:
//   1. ordinary runs until its memory plan has served a run exactly, so
//      every buffer the device's kernels touch is an arena block, a
//      constant, a variable or a feed's copy, at an address that stays;
//   2. one capture run: the feeds' copies are made, the device records the
//      rest of the step (host code runs, device work is recorded, not run;
//      the device refuses new buffers and host transfers), then the
//      recording is replayed once to do this run's work;
//   3. replays: the new feeds are copied into the same buffers, the
//      recording is enqueued as one launch, the fetched values are read
//      from the buffers it wrote.
// A replay is made only when each feed has the shape it had when recorded
// and each variable the step reads still holds the same buffer; otherwise
// the recording is dropped and the run goes the ordinary way (and may be
// recorded again, a few times). A capture run that fails before any of its
// work ran (a kernel that needs a host transfer or a new buffer, a device
// error) turns capture off for the signature and the run is made again
// without it.
#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "runtime/executor.h"

namespace tg {

struct Executor::Captured {
  // Declared before `work`, so they outlive it: the buffers it names.
  std::unique_ptr<Arena> arena;
  std::vector<TensorShape> feed_shapes;
  std::vector<std::pair<int, Tensor>> feed_copies;  // (step, its buffer)
  // Per static copy: (step, its value on the device, on the host).
  struct StaticCopy {
    int step;
    Tensor on_device, on_host;
  };
  std::vector<StaticCopy> static_copies;
  std::vector<TensorValue> variables;  // Each variable read, its tensor.
  std::vector<std::pair<int, TensorValue>> held;  // Fetched values.
  std::unique_ptr<CapturedWork> work;
};

Executor::Executor() = default;
Executor::~Executor() = default;

StepCaptureInfo Executor::capture_info() const {
  absl::MutexLock lock(&memory_mu_);
  return capture_;
}

namespace {

// Notes the variables `step` reads before it runs (`variables`: each
// once, with the tensor it holds).
void NoteVariables(const std::vector<int>& input_slots,
                   const std::vector<TensorValue>& slots,
                   std::vector<TensorValue>* variables) {
  for (int slot : input_slots) {
    Variable* v = slots[slot].ref;
    if (v == nullptr) continue;
    bool seen = false;
    for (const TensorValue& known : *variables) seen |= known.ref == v;
    if (!seen) variables->push_back({v->tensor, v});
  }
}

bool SameBuffer(const TensorValue& known) {
  const Tensor& now = known.ref->tensor;
  return known.ref->initialized && now.SharesBufferWith(known.tensor) &&
         now.dtype() == known.tensor.dtype() &&
         now.shape() == known.tensor.shape();
}

}  // namespace

absl::Status Executor::MakeStaticCopies(const RunMemory& memory,
                                        Captured* c) const {
  const size_t wanted =
      std::count(static_copy_.begin(), static_copy_.end(), uint8_t{1});
  TG_REQUIRE(memory.stash.size() == wanted, FailedPrecondition,
             "the run before held ", memory.stash.size(), " of the ", wanted,
             " host values the step copies to the device");
  for (const auto& [step, value] : memory.stash) {
    absl::StatusOr<Tensor> on_device =
        value.CheckedDeepCopy(steps_[step].dst_allocator);
    if (!on_device.ok()) {
      return AnnotateStatus(on_device.status(), steps_[step].error_prefix);
    }
    c->static_copies.push_back({step, *std::move(on_device), value});
  }
  return absl::OkStatus();
}

absl::Status Executor::UseStaticCopy(const Step& step, const Captured& c,
                                     int index,
                                     std::vector<TensorValue>& slots) const {
  const Tensor& now = slots[step.src_slot].tensor;
  for (const Captured::StaticCopy& s : c.static_copies) {
    if (s.step != index) continue;
    const Tensor& was = s.on_host;
    const bool same =
        now.dtype() == was.dtype() && now.shape() == was.shape() &&
        !IsObjectType(now.dtype()) && now.OnHost() &&
        std::memcmp(now.raw_data(), was.raw_data(), was.TotalBytes()) == 0;
    TG_REQUIRE(same, FailedPrecondition, step.error_prefix,
               "a host value copied to the device differs from the last "
               "run's, so a recording cannot hold it");
    slots[step.dst_slot].tensor = s.on_device;
    return absl::OkStatus();
  }
  return absl::InternalError(
      absl::StrCat(step.error_prefix, "no static copy was made"));
}

absl::Status Executor::RunCapturedSteps(const RunMemory& memory,
                                        std::vector<TensorValue>& slots,
                                        Captured* c) const {
  Arena* arena = memory.arena.get();
  Allocator* const* allocators = arena->allocators().data();
  std::vector<TensorValue>* variables = &c->variables;
  for (size_t i = 0; i < steps_.size(); ++i) {
    if (hoisted_[i]) continue;
    const Step& step = steps_[i];
    if (step.is_copy) {  // PlanCapture admits only static copies here.
      TG_RETURN_IF_ERROR(UseStaticCopy(step, *c, static_cast<int>(i), slots));
    } else {
      NoteVariables(step.input_slots, slots, variables);
      absl::Status s = RunKernel(step, allocators, slots);
      if (!s.ok()) return AnnotateStatus(s, step.error_prefix);
      // The recording names each variable's buffer: one the step replaces
      // (an assignment of another shape) would be stale in a replay.
      for (const TensorValue& v : *variables) {
        TG_REQUIRE(SameBuffer(v), FailedPrecondition, step.error_prefix,
                   "gives variable '", SafeText(v.ref->name),
                   "' a new buffer, which a recorded step cannot follow");
      }
    }
    for (int slot : step.release) slots[slot] = TensorValue();
    arena->AfterStep(static_cast<int>(i));
  }
  return absl::OkStatus();
}

Executor::CaptureOutcome Executor::CaptureRun(
    RunMemory& memory, absl::Span<const Tensor> feeds,
    std::vector<Tensor>* fetched, std::unique_ptr<Captured>* captured) const {
  std::vector<TensorValue> slots(num_slots_);
  SyncDevicesAtExit sync(devices_);
  auto c = std::make_unique<Captured>();
  for (size_t i = 0; i < feeds.size(); ++i) {
    absl::Status s = CheckFeed(feeds_[i], feeds[i]);
    if (!s.ok()) return {s, true};
    slots[feeds_[i].slot].tensor = feeds[i];
    c->feed_shapes.push_back(feeds[i].shape());
  }
  // The feeds' copies are made outside the recording, into buffers kept
  // for the replays.
  for (size_t i = 0; i < steps_.size(); ++i) {
    if (!hoisted_[i]) continue;
    absl::Status s = RunCopy(steps_[i], slots);
    if (!s.ok()) return {AnnotateStatus(s, steps_[i].error_prefix), true};
    c->feed_copies.emplace_back(static_cast<int>(i),
                                slots[steps_[i].dst_slot].tensor);
  }
  absl::Status s = MakeStaticCopies(memory, c.get());
  if (!s.ok()) return {s, false};
  s = capture_device_->BeginCapture();
  if (!s.ok()) return {s, false};
  s = RunCapturedSteps(memory, slots, c.get());
  absl::StatusOr<std::unique_ptr<CapturedWork>> work =
      capture_device_->EndCapture();
  if (s.ok() && !work.ok()) s = work.status();
  if (!s.ok()) return {s, false};
  c->work = *std::move(work);
  // Nothing recorded has run: this run's work is the first replay.
  s = c->work->Replay();
  if (s.ok()) s = sync.SyncAll();
  if (s.ok()) s = FetchOutputs(slots, fetched);
  if (!s.ok()) return {s, true};
  for (const Fetch& f : fetches_) c->held.emplace_back(f.slot, slots[f.slot]);
  c->arena = std::move(memory.arena);
  *captured = std::move(c);
  return {absl::OkStatus(), true};
}

absl::Status Executor::RunCapturing(RunMemory memory,
                                    absl::Span<const Tensor> feeds,
                                    std::vector<Tensor>* fetched) const {
  std::unique_ptr<Captured> c;
  const CaptureOutcome out = CaptureRun(memory, feeds, fetched, &c);
  if (out.status.ok()) {
    absl::MutexLock lock(&memory_mu_);
    memory_out_ = false;
    arena_exact_ = false;
    ++capture_.captures;
    captured_ = std::move(c);  // It holds the arena now.
    return absl::OkStatus();
  }
  {
    absl::MutexLock lock(&memory_mu_);
    capture_.failure = std::string(out.status.message());
  }
  // The arena may be in any state: dropped, and the next run plans anew.
  memory.arena = nullptr;
  ReturnMemory(std::move(memory), /*failed=*/true);
  if (out.ran) return out.status;
  // None of the step's work ran: make it as without capture.
  return RunPlanned(TakeMemory(), feeds, fetched);
}

absl::StatusOr<bool> Executor::Replay(const Captured& c,
                                      absl::Span<const Tensor> feeds,
                                      std::vector<Tensor>* fetched) const {
  for (size_t i = 0; i < feeds.size(); ++i) {
    if (feeds[i].shape() != c.feed_shapes[i]) return false;
  }
  for (const TensorValue& v : c.variables) {
    if (!SameBuffer(v)) return false;
  }
  std::vector<TensorValue> slots(num_slots_);
  SyncDevicesAtExit sync(devices_);
  for (const auto& [step, buffer] : c.feed_copies) {
    Tensor into = buffer;  // The same buffer, written in place.
    TG_RETURN_IF_ERROR(
        AnnotateStatus(into.CopyValuesFrom(feeds[hoisted_feed_[step]]),
                       steps_[step].error_prefix));
  }
  TG_RETURN_IF_ERROR(c.work->Replay());
  TG_RETURN_IF_ERROR(sync.SyncAll());
  for (size_t i = 0; i < feeds.size(); ++i) {
    slots[feeds_[i].slot].tensor = feeds[i];
  }
  for (const auto& [slot, v] : c.held) {
    slots[slot] = v;
    // A host value is handed out as a copy: the caller may write into it.
    if (v.ref == nullptr && v.tensor.IsInitialized() && v.tensor.OnHost()) {
      TG_ASSIGN_OR_RETURN(slots[slot].tensor,
                          v.tensor.CheckedDeepCopy(host_allocator_));
    }
  }
  TG_RETURN_IF_ERROR(FetchOutputs(slots, fetched));
  return true;
}

absl::StatusOr<bool> Executor::RunCaptured(absl::Span<const Tensor> feeds,
                                           std::vector<Tensor>* fetched) const {
  for (size_t i = 0; i < feeds.size(); ++i) {
    TG_RETURN_IF_ERROR(CheckFeed(feeds_[i], feeds[i]));
  }
  std::unique_ptr<Captured> c;
  {
    absl::MutexLock lock(&memory_mu_);
    // One run at a time replays; the recording holds the plan's arena.
    if (captured_ == nullptr || memory_out_) return false;
    c = std::move(captured_);
    memory_out_ = true;
  }
  absl::StatusOr<bool> replayed = Replay(*c, feeds, fetched);
  const bool keep = replayed.ok() && *replayed;
  // Not replayed (or failed): dropped, after its last launch was waited
  // for; the next runs plan and may record again.
  if (!keep) c = nullptr;
  absl::MutexLock lock(&memory_mu_);
  memory_out_ = false;
  if (keep) {
    captured_ = std::move(c);
    ++capture_.replays;
  }
  return replayed;
}

}  // namespace tg
