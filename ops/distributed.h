// Data-parallel training, Horovod's model on TensorFlow's collective ops:
// every process (rank) runs the same graph on its own share of each batch;
// before the update the gradients are all-reduced and divided by the
// number of ranks, so every rank applies the same averaged gradient to the
// same variables, which a broadcast from one rank made identical at the
// start.
//
//   train::DistributedOptions d{ctx->rank(), ctx->size()};
//   train::DistributedOptimizer opt(
//       std::make_unique<train::GradientDescentOptimizer>(0.5), d);
//   TG_ASSIGN_OR_RETURN(Operation step, opt.Minimize(root, loss));
//   Operation init = ops::GlobalVariablesInitializer(root);
//   TG_ASSIGN_OR_RETURN(Operation sync,
//                       train::BroadcastVariables(root, {}, d));
//   // run init, then sync, then steps; the session's CollectiveContext
//   // (SessionOptions::collective) moves the tensors.
//
// The graph each rank builds must be the same (broadcasts aside: the root
// rank sends, the others receive), so that the collectives meet in the same
// order with the same keys; a difference is an error naming both sides.
#ifndef TG_OPS_DISTRIBUTED_H_
#define TG_OPS_DISTRIBUTED_H_

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/scope.h"
#include "ops/optimizers.h"

namespace tg {
namespace train {

struct DistributedOptions {
  int rank = 0;       // This process's rank, in [0, size).
  int size = 1;       // The number of ranks: CollectiveReduceV2's group_size.
  int root_rank = 0;  // Whose variables BroadcastVariables sends.
  int group_key = 1;
  // Instance keys: the gradients' all-reduces take instance_key_base + i,
  // the broadcasts instance_key_base + kBroadcastKeyOffset + i.
  int instance_key_base = 1 << 20;
  // Gradients are packed into buffers of at most this many bytes, one
  // all-reduce each (Horovod's tensor fusion, its 64 MiB default): one
  // message per step instead of one per variable. A gradient larger than
  // this, or of a shape not fully known, is all-reduced on its own.
  int64_t fusion_bytes = int64_t{64} << 20;
  // Seconds each collective waits for the other ranks; 0: the context's
  // default.
  float timeout_seconds = 0;
};

inline constexpr int kBroadcastKeyOffset = 1 << 18;

// Wraps any optimizer: ApplyGradients (and so Minimize) all-reduces the
// gradients, averaged over the ranks, and hands them to the wrapped
// optimizer, whose slots and updates are unchanged (its name too, so a
// checkpoint restores into either). With size 1 no collective is added.
class DistributedOptimizer : public Optimizer {
 public:
  DistributedOptimizer(std::unique_ptr<Optimizer> optimizer,
                       const DistributedOptions& options);

  absl::StatusOr<Operation> ApplyGradients(
      const Scope& scope,
      const std::vector<std::pair<Output, Output>>& grads_and_vars,
      const Output& global_step = Output()) override;

  // The averaged gradients for `grads_and_vars` (in their order), through
  // fused all-reduces chained in one order; exposed for custom loops.
  absl::StatusOr<std::vector<Output>> AllReduceGradients(
      const Scope& scope,
      const std::vector<std::pair<Output, Output>>& grads_and_vars);

  // After ApplyGradients: bytes each rank all-reduces per step, and in how
  // many calls.
  int64_t bytes_per_step() const { return bytes_per_step_; }
  int calls_per_step() const { return calls_per_step_; }

 protected:
  // Never called: ApplyGradients hands the update to the wrapped optimizer.
  Output ApplyDense(const Scope& root, const Scope& s, const Output& grad,
                    const Output& var) override;

 private:
  std::unique_ptr<Optimizer> optimizer_;
  DistributedOptions options_;
  int64_t bytes_per_step_ = 0;
  int calls_per_step_ = 0;
};

// An op that sets each variable of `variables` (default: every variable
// created through ops::CreateVariable or an optimizer, slots included) to
// its value on options.root_rank, one CollectiveBcastSendV2 there and a
// CollectiveBcastRecvV2 + assignment elsewhere, in one order. Run it after
// the initializer (and after a restore on the root rank). Variables need
// fully known shapes. With size 1 it is a NoOp.
absl::StatusOr<Operation> BroadcastVariables(const Scope& scope,
                                             std::vector<Output> variables,
                                             const DistributedOptions& options);

}  // namespace train
}  // namespace tg

#endif  // TG_OPS_DISTRIBUTED_H_
