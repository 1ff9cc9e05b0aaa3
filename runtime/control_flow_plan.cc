// Executor::PlanFlow: which steps are control flow, the loop frame each
// step runs in (TensorFlow's rule: a node runs in its inputs' frame; Enter
// leads into a child frame, Exit back to the parent) and who reads each
// value. A graph without control-flow ops gets no Flow and runs the fixed
// step order untouched.
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "runtime/control_flow.h"

namespace tg {
namespace {

using Flow = Executor::Flow;

constexpr int64_t kIterationBudget = int64_t{256} << 20;

Flow::Kind KindOf(const std::string& op) {
  if (op == "Merge" || op == "RefMerge") return Flow::kMerge;
  if (op == "Enter" || op == "RefEnter") return Flow::kEnter;
  if (op == "Exit" || op == "RefExit") return Flow::kExit;
  if (op == "NextIteration" || op == "RefNextIteration") {
    return Flow::kNextIteration;
  }
  if (op == "ControlTrigger") return Flow::kControlTrigger;
  return Flow::kNormal;
}

std::string FrameName(const Flow& flow, int frame) {
  return frame == 0
             ? std::string("the root frame")
             : absl::StrCat("loop '", SafeText(flow.frames[frame].name), "'");
}

}  // namespace

std::string Executor::Flow::Where(int frame, int64_t iteration) const {
  if (frame == 0) return "";
  return absl::StrCat("in loop '", SafeText(frames[frame].name), "' iteration ",
                      iteration, ": ");
}

namespace {

// Assigns frames in step order (topological but for back edges, which
// NextIteration alone may close).
class FramePlanner {
 public:
  FramePlanner(Flow* flow, int num_slots) : flow_(flow) {
    slot_frame_.assign(num_slots, -1);
    flow_->frames.push_back({});  // The root.
  }
  void FeedSlot(int slot) { slot_frame_[slot] = 0; }

  // `step` reads `inputs` (slots) and control inputs from `controls`
  // (steps); sets its frame and its outputs' frame.
  absl::Status Assign(int step, const Node* node, const std::string& prefix,
                      const std::vector<int>& controls) {
    Flow::StepInfo& info = flow_->steps[step];
    int frame = -1;
    std::string first;
    auto meet = [&](int f, const std::string& what) -> absl::Status {
      if (f < 0) return absl::OkStatus();  // A back edge, checked later.
      if (frame < 0) {
        frame = f;
        first = what;
        return absl::OkStatus();
      }
      TG_REQUIRE(f == frame, InvalidArgument, prefix, "its inputs come from ",
                 FrameName(*flow_, frame), " (", first, ") and from ",
                 FrameName(*flow_, f), " (", what,
                 "); a node's inputs must all be in one frame");
      return absl::OkStatus();
    };
    for (size_t k = 0; k < info.inputs.size(); ++k) {
      TG_RETURN_IF_ERROR(
          meet(slot_frame_[info.inputs[k]], absl::StrCat("input ", k)));
    }
    for (int c : controls) {
      // A control edge from a later step closes a cycle: a back edge.
      if (c > step) continue;
      TG_RETURN_IF_ERROR(meet(flow_->steps[c].out_frame, "a control input"));
    }
    info.frame = frame < 0 ? 0 : frame;
    info.out_frame = info.frame;
    if (info.kind == Flow::kEnter) {
      TG_ASSIGN_OR_RETURN(info.out_frame,
                          ChildFrame(info.frame, *node, prefix));
    } else if (info.kind == Flow::kExit || info.kind == Flow::kNextIteration) {
      TG_REQUIRE(info.frame != 0, InvalidArgument, prefix,
                 "is not inside a loop: no Enter leads to it");
      if (info.kind == Flow::kExit) {
        info.out_frame = flow_->frames[info.frame].parent;
      }
    }
    for (int slot : info.outputs) slot_frame_[slot] = info.out_frame;
    return absl::OkStatus();
  }

  // Back edges: a NextIteration's value stays in its frame.
  absl::Status CheckBackEdges(const std::vector<std::string>& prefixes) const {
    for (size_t s = 0; s < flow_->steps.size(); ++s) {
      const Flow::StepInfo& info = flow_->steps[s];
      for (int slot : info.inputs) {
        TG_REQUIRE(slot_frame_[slot] == info.frame, InvalidArgument,
                   prefixes[s], "reads a value of ",
                   FrameName(*flow_, slot_frame_[slot]), " but runs in ",
                   FrameName(*flow_, info.frame));
      }
    }
    return absl::OkStatus();
  }

 private:
  absl::StatusOr<int> ChildFrame(int parent, const Node& node,
                                 const std::string& prefix) {
    TG_ASSIGN_OR_RETURN(std::string name,
                        GetAttr<std::string>(node.attrs(), "frame_name"));
    TG_ASSIGN_OR_RETURN(int64_t parallel,
                        GetAttr<int64_t>(node.attrs(), "parallel_iterations"));
    TG_REQUIRE(!name.empty(), InvalidArgument, prefix, "frame_name is empty");
    TG_REQUIRE(parallel >= 1, InvalidArgument, prefix,
               "parallel_iterations must be >= 1, not ", parallel);
    auto [it, inserted] =
        by_name_.try_emplace(name, static_cast<int>(flow_->frames.size()));
    if (inserted) {
      Flow::FrameInfo frame;
      frame.name = name;
      frame.parent = parent;
      frame.parallel_iterations =
          static_cast<int>(std::min<int64_t>(parallel, 1 << 20));
      flow_->frames.push_back(std::move(frame));
    }
    Flow::FrameInfo& frame = flow_->frames[it->second];
    TG_REQUIRE(frame.parent == parent, InvalidArgument, prefix, "enters loop '",
               SafeText(name), "' from ", FrameName(*flow_, parent),
               ", but another Enter enters it from ",
               FrameName(*flow_, frame.parent));
    ++frame.num_enters;
    return it->second;
  }

  Flow* flow_;
  std::vector<int> slot_frame_;
  absl::flat_hash_map<std::string, int> by_name_;
};

}  // namespace

absl::Status Executor::Flow::DescribeSteps(
    Executor& ex, absl::flat_hash_map<const Node*, int>* step_of) {
  for (size_t i = 0; i < ex.steps_.size(); ++i) {
    Step& step = ex.steps_[i];
    StepInfo& info = steps[i];
    if (step.is_copy) {
      info.inputs = {step.src_slot};
      info.outputs = {step.dst_slot};
      continue;
    }
    (*step_of)[step.node] = static_cast<int>(i);
    info.kind = KindOf(step.node->op());
    info.inputs = step.input_slots;
    for (int k = 0; k < step.num_outputs; ++k) {
      info.outputs.push_back(step.output_base + k);
    }
    if (info.kind == kEnter) {
      TG_ASSIGN_OR_RETURN(info.constant,
                          GetAttr<bool>(step.node->attrs(), "is_constant"));
    }
    // The fixed order's buffer hand-overs assume one value per slot.
    step.forwardable.assign(step.input_slots.size(), 0);
    step.takes_dead_inputs = info.kind == kMerge;
    step.leaves_outputs_unset =
        step.node->op() == "Switch" || step.node->op() == "RefSwitch";
  }
  return absl::OkStatus();
}

absl::Status Executor::Flow::AssignFrames(
    const Executor& ex, const absl::flat_hash_map<const Node*, int>& step_of) {
  FramePlanner frames(this, ex.num_slots_);
  for (const Feed& f : ex.feeds_) frames.FeedSlot(f.slot);
  std::vector<std::string> prefixes;
  for (const Step& step : ex.steps_) prefixes.push_back(step.error_prefix);
  for (size_t i = 0; i < steps.size(); ++i) {
    StepInfo& info = steps[i];
    for (int slot : info.outputs) producer[slot] = static_cast<int>(i);
    std::vector<int> controls;
    const Step& step = ex.steps_[i];
    // A copy has no control inputs (its node is the consumer it feeds).
    static const std::vector<const Edge*> kNone;
    for (const Edge* e : step.is_copy ? kNone : step.node->in_edges()) {
      if (!e->IsControl()) continue;
      auto found = step_of.find(e->src);
      TG_REQUIRE(found != step_of.end(), Internal, prefixes[i],
                 "control input '", SafeText(e->src->name()), "' has no step");
      controls.push_back(found->second);
      steps[found->second].control_out.push_back(static_cast<int>(i));
    }
    TG_RETURN_IF_ERROR(
        frames.Assign(static_cast<int>(i), step.node, prefixes[i], controls));
    info.data_inputs = static_cast<int>(info.inputs.size());
    info.pending = static_cast<int>(controls.size()) +
                   (info.kind == kMerge ? 0 : info.data_inputs);
    if (info.pending == 0 && info.data_inputs == 0) {
      sources.push_back(static_cast<int>(i));
    }
  }
  return frames.CheckBackEdges(prefixes);
}

absl::Status Executor::Flow::Finish(const Executor& ex) {
  // Iterations in flight cost bookkeeping: at most kIterationBudget bytes
  // of it per frame (a frame with more parallel iterations waits sooner;
  // the results are the same).
  iteration_bytes = static_cast<int64_t>(ex.num_slots_) * sizeof(TensorValue) +
                    static_cast<int64_t>(steps.size()) * (3 * sizeof(int) + 1);
  for (FrameInfo& frame : frames) {
    const int64_t fit =
        std::max<int64_t>(1, kIterationBudget / iteration_bytes);
    frame.parallel_iterations =
        static_cast<int>(std::min<int64_t>(frame.parallel_iterations, fit));
  }
  for (const Fetch& f : ex.fetches_) {
    const int p = producer[f.slot];
    if (p < 0 || steps[p].out_frame == 0) continue;
    return absl::InvalidArgumentError(absl::StrCat(
        "fetch '", SafeText(f.name), "' is inside loop '",
        SafeText(frames[steps[p].out_frame].name),
        "', where it has one value per iteration; fetch the loop's results "
        "after its Exit"));
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    for (int slot : steps[i].inputs) {
      const int p = producer[slot];
      consumers[slot].push_back(
          {static_cast<int>(i), p >= 0 && steps[p].kind == kEnter});
      ++readers[slot];
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const Executor::Flow>> Executor::PlanFlow(
    Executor& ex, const ExecutorOptions& options) {
  bool any = false;
  for (const Step& step : ex.steps_) {
    any |= !step.is_copy && IsControlFlowOp(step.node->op());
  }
  if (!any) return std::shared_ptr<const Flow>();
  auto flow = std::make_shared<Flow>();
  flow->max_iterations = options.max_loop_iterations;
  flow->steps.resize(ex.steps_.size());
  flow->consumers.resize(ex.num_slots_);
  flow->readers.assign(ex.num_slots_, 0);
  flow->producer.assign(ex.num_slots_, -1);
  flow->fetched.assign(ex.num_slots_, 0);
  for (const Fetch& f : ex.fetches_) flow->fetched[f.slot] = 1;
  absl::flat_hash_map<const Node*, int> step_of;
  TG_RETURN_IF_ERROR(flow->DescribeSteps(ex, &step_of));
  TG_RETURN_IF_ERROR(flow->AssignFrames(ex, step_of));
  TG_RETURN_IF_ERROR(flow->Finish(ex));
  return std::shared_ptr<const Flow>(std::move(flow));
}

}  // namespace tg
