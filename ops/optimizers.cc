#include "ops/optimizers.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "graph/gradients.h"
#include "ops/array_ops.h"
#include "ops/initializers.h"
#include "ops/math_ops.h"
#include "ops/state_ops.h"
#include "ops/training_ops.h"
#include "ops/variables.h"

namespace tg {
namespace train {

absl::StatusOr<Operation> Optimizer::Minimize(const Scope& scope,
                                              const Output& loss,
                                              std::vector<Output> var_list,
                                              const Output& global_step) {
  if (!scope.ok()) return scope.status();
  if (!loss.valid()) {
    return absl::InvalidArgumentError(absl::StrCat(name_, ": null loss"));
  }
  if (var_list.empty()) {
    // Walk back from the loss to the variables it reads.
    const Graph& g = *scope.graph();
    std::vector<bool> seen(g.num_nodes(), false);
    std::vector<Node*> stack = {loss.node()};
    absl::flat_hash_set<Node*> reached;
    while (!stack.empty()) {
      Node* n = stack.back();
      stack.pop_back();
      if (seen[n->id()]) continue;
      seen[n->id()] = true;
      if (n->op() == "VariableV2" || n->op() == "Variable") reached.insert(n);
      for (const Edge* e : n->in_edges()) {
        if (!e->IsControl()) stack.push_back(e->src);
      }
    }
    const std::vector<Node*>& trainable =
        g.GetCollection("trainable_variables");
    if (!trainable.empty()) {
      for (Node* n : trainable) {
        if (reached.contains(n)) var_list.emplace_back(n);
      }
    } else {
      for (Node* n : g.nodes()) {
        if (reached.contains(n)) var_list.emplace_back(n);
      }
    }
    if (var_list.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          name_, ": the loss '", loss.name(), "' depends on no variable"));
    }
  }
  std::vector<Output> grads;
  TG_RETURN_IF_ERROR(AddSymbolicGradients(scope, {loss}, var_list, &grads));
  std::vector<std::pair<Output, Output>> pairs;
  for (size_t i = 0; i < grads.size(); ++i) {
    pairs.emplace_back(grads[i], var_list[i]);
  }
  return ApplyGradients(scope, pairs, global_step);
}

absl::StatusOr<Operation> Optimizer::ApplyGradients(
    const Scope& scope,
    const std::vector<std::pair<Output, Output>>& grads_and_vars,
    const Output& global_step) {
  if (!scope.ok()) return scope.status();
  if (grads_and_vars.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(name_, ": no variables"));
  }
  const DataType dtype = BaseType(grads_and_vars[0].second.type());
  const Scope s = scope.NewSubScope(name_);
  TG_RETURN_IF_ERROR(Prepare(scope, dtype));
  std::vector<Operation> updates;
  for (const auto& [grad, var] : grads_and_vars) {
    if (!grad.valid() || !var.valid()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name_, ": null gradient or variable"));
    }
    if (!IsRefType(var.type())) {
      return absl::InvalidArgumentError(
          absl::StrCat(name_, ": '", var.name(),
                       "' is not a variable (a VariableV2 output)"));
    }
    const Scope us = s.NewSubScope(absl::StrCat("update_", var.node()->name()));
    updates.push_back(ApplyDense(scope, us, grad, var).op());
    if (!scope.ok()) return scope.status();
  }
  std::vector<Operation> all = updates;
  for (const Operation& op : Finish(s, updates)) all.push_back(op);
  if (global_step.valid()) {
    const Scope gs = s.WithControlDependencies(updates);
    all.push_back(
        ops::AssignAdd(gs, global_step,
                       ops::ScalarConst(gs, 1, BaseType(global_step.type())))
            .op());
  }
  Operation train =
      ops::NoOp(scope.WithOpName(name_).WithControlDependencies(all));
  if (!scope.ok()) return scope.status();
  return train;
}

Output Optimizer::Slot(const Scope& root, const Output& var, double value) {
  const PartialShape& shape = var.shape();
  if (!shape.IsFullyDefined()) {
    root.UpdateStatus(absl::InvalidArgumentError(absl::StrCat(
        name_, ": the slot of '", var.node()->name(),
        "' needs the variable's full shape, got ", shape.DebugString())));
    return Output();
  }
  // "W/Adam", then "W/Adam_1": the builder makes the name unique.
  return ops::CreateVariable(
      root.WithOpName(absl::StrCat(var.node()->name(), "/", name_)),
      std::vector<int64_t>(shape.dims.begin(), shape.dims.end()),
      BaseType(var.type()), init::Constant(value), /*trainable=*/false);
}

Output Optimizer::NonSlot(const Scope& root, const std::string& name,
                          DataType dtype, double value) {
  return ops::CreateVariable(root.WithOpName(name), PartialShape::Scalar(),
                             dtype, ops::ScalarConst(root, value, dtype),
                             /*trainable=*/false);
}

Output GradientDescentOptimizer::ApplyDense(const Scope&, const Scope& s,
                                            const Output& grad,
                                            const Output& var) {
  return ops::ApplyGradientDescent(
      s, var, ops::ScalarConst(s, lr_, BaseType(var.type())), grad);
}

Output MomentumOptimizer::ApplyDense(const Scope& root, const Scope& s,
                                     const Output& grad, const Output& var) {
  const DataType t = BaseType(var.type());
  Output accum = Slot(root, var, 0);
  return ops::ApplyMomentum(s, var, accum, ops::ScalarConst(s, lr_, t), grad,
                            ops::ScalarConst(s, momentum_, t), nesterov_);
}

Output RMSPropOptimizer::ApplyDense(const Scope& root, const Scope& s,
                                    const Output& grad, const Output& var) {
  const DataType t = BaseType(var.type());
  // TensorFlow 1 creates the slots in this order: rms (ones), mg, momentum.
  Output ms = Slot(root, var, 1);
  Output mg = centered_ ? Slot(root, var, 0) : Output();
  Output mom = Slot(root, var, 0);
  auto c = [&](double v) { return ops::ScalarConst(s, v, t); };
  if (centered_) {
    return ops::ApplyCenteredRMSProp(s, var, mg, ms, mom, c(lr_), c(decay_),
                                     c(momentum_), c(epsilon_), grad);
  }
  return ops::ApplyRMSProp(s, var, ms, mom, c(lr_), c(decay_), c(momentum_),
                           c(epsilon_), grad);
}

absl::Status AdamOptimizer::Prepare(const Scope& root, DataType dtype) {
  beta1_power_ = NonSlot(root, "beta1_power", dtype, beta1_);
  beta2_power_ = NonSlot(root, "beta2_power", dtype, beta2_);
  return root.status();
}

Output AdamOptimizer::ApplyDense(const Scope& root, const Scope& s,
                                 const Output& grad, const Output& var) {
  const DataType t = BaseType(var.type());
  Output m = Slot(root, var, 0);
  Output v = Slot(root, var, 0);
  auto c = [&](double x) { return ops::ScalarConst(s, x, t); };
  return ops::ApplyAdam(s, var, m, v, beta1_power_, beta2_power_, c(lr_),
                        c(beta1_), c(beta2_), c(epsilon_), grad, nesterov_);
}

std::vector<Operation> AdamOptimizer::Finish(
    const Scope& s, const std::vector<Operation>& updates) {
  // The powers advance after every variable has used this step's values.
  const Scope after = s.WithControlDependencies(updates);
  const DataType t = BaseType(beta1_power_.type());
  Output b1 = ops::Assign(
      after, beta1_power_,
      ops::Mul(after, beta1_power_, ops::ScalarConst(after, beta1_, t)));
  Output b2 = ops::Assign(
      after, beta2_power_,
      ops::Mul(after, beta2_power_, ops::ScalarConst(after, beta2_, t)));
  return {b1.op(), b2.op()};
}

}  // namespace train
}  // namespace tg
