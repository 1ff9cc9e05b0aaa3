// Internal to the executor: the static description of a graph with control
// flow (what kind each step is, which loop frame it runs in, who reads each
// value), built once per signature by Executor::PlanFlow and read by
// Executor::RunFlow.
//
// The semantics are TensorFlow's executor's:
// * Every value is live or dead. A Switch sends its input to one output;
//   the other is dead. A node with any dead input (data or control) does not
//   run, and its outputs are dead; a ControlTrigger runs anyway.
// * A Merge fires once its control inputs have arrived and either one live
//   data input has (it forwards that one, value_index = its position) or
//   all data inputs are dead (or one dead input came from an Enter: a loop
//   on an untaken branch), and then its outputs are dead.
// * Enter moves a value from a frame into the child frame `frame_name`
//   (iteration 0; every iteration when `is_constant`); there is one child
//   frame per (parent frame, parent iteration). NextIteration moves a live
//   value to the next iteration of its frame (a dead one ends the loop);
//   Exit moves a live value to the parent frame. A dead Exit is held until
//   its frame finishes and then delivered dead, so the consumers of a loop
//   on an untaken branch see dead values.
// * At most `parallel_iterations` iterations of a frame are in flight; a
//   NextIteration beyond that waits for the oldest iteration to finish.
#ifndef TG_RUNTIME_CONTROL_FLOW_H_
#define TG_RUNTIME_CONTROL_FLOW_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "runtime/executor.h"

namespace tg {

struct Executor::Flow {
  enum Kind : uint8_t {
    kNormal,  // Any kernel or copy.
    kMerge,
    kEnter,
    kExit,
    kNextIteration,
    kControlTrigger,
  };
  struct StepInfo {
    Kind kind = kNormal;
    int frame = 0;          // The frame the step runs in (0: the root).
    int out_frame = 0;      // Where its outputs go (Enter: the child frame).
    bool constant = false;  // An Enter of a loop invariant.
    // Arrivals before it may run: data inputs and control inputs (a
    // Merge: control inputs only; it counts data inputs separately).
    int pending = 0;
    int data_inputs = 0;
    std::vector<int> inputs;       // The slots it reads, one per input.
    std::vector<int> outputs;      // The slots it writes.
    std::vector<int> control_out;  // Steps it is a control input of.
  };
  struct FrameInfo {
    std::string name;  // "" for the root.
    int parent = -1;
    int num_enters = 0;  // Enters into one instance of the frame.
    int parallel_iterations = 10;
  };
  struct Consumer {
    int step;
    bool from_enter;  // The value comes out of an Enter.
  };

  std::vector<StepInfo> steps;  // Parallel to Executor::steps_.
  std::vector<FrameInfo> frames;
  std::vector<std::vector<Consumer>> consumers;  // Per slot.
  std::vector<int> readers;                      // Per slot: input count.
  std::vector<int> producer;                     // Per slot; -1: a feed.
  std::vector<uint8_t> fetched;                  // Per slot.
  std::vector<int> sources;  // Root steps with no inputs at all.
  int64_t max_iterations = 0;
  // Bookkeeping bytes of one iteration (its value slots and per-step
  // counters, sized for the whole graph).
  int64_t iteration_bytes = 0;

  // One run's frames, iterations and values (control_flow_executor.cc).
  class Runner;

  // Planning, in three passes over the executor's steps
  // (control_flow_plan.cc): each step's kind, inputs and outputs (and the
  // flags its kernel call needs); frames, control edges and pending
  // counts; then budgets, fetch checks and each value's readers.
  absl::Status DescribeSteps(Executor& ex,
                             absl::flat_hash_map<const Node*, int>* step_of);
  absl::Status AssignFrames(
      const Executor& ex, const absl::flat_hash_map<const Node*, int>& step_of);
  absl::Status Finish(const Executor& ex);

  // "in loop 'while/' iteration 3: " (empty for the root frame).
  std::string Where(int frame, int64_t iteration) const;
};

}  // namespace tg

#endif  // TG_RUNTIME_CONTROL_FLOW_H_
